"""Orders pages: the order page and its actions (serve a notice, hearing, check, breach),
the court-orders search and its download, and the lists for the daily meetings."""

from __future__ import annotations

import io
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.forms import RadioSelect
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from vigil.core import audit, roles
from vigil.core import policy as policies
from vigil.core.calendar import notice_hearing_deadline
from vigil.core.checks import RecordInvalid
from vigil.core.exports import xlsx_workbook
from vigil.core.models import Area
from vigil.core.paging import page_of
from vigil.core.record_links import record_page
from vigil.core.records import (
    NotAllowed,
    human_reference,
    made_in_vigil_among,
)
from vigil.incidents.models import Crime
from vigil.orders import forms, queries, services
from vigil.orders.models import (
    NOTICE_TYPES,
    OrderType,
    PrioritisationDipCheck,
    ProtectiveOrder,
)
from vigil.orders.rules import NOTIFIED_ORDERS
from vigil.people.models import SourceRecord, record_by_reference

PER_PAGE = 25
ORDERS = roles.complete_task("civil_orders")
CHECKS = roles.complete_task("local_policing")
MEETINGS = roles.view_queue("local_policing")


def _order_page(user, pk):
    view = queries.order_view(user, pk)
    if view is None:
        return None
    o = view.record
    hours = policies.current().notice_hearing_hours
    notice = o.order_type in {str(t) for t in NOTICE_TYPES}
    view.hearing_due = (notice_hearing_deadline(o.served_at, hours)
                        if notice and o.served_at else None)
    view.where_lives = queries.where_lives(o)
    view.is_notice = notice
    view.notified_type = o.order_type in NOTIFIED_ORDERS
    view.may_hearing = (roles.can(user, ORDERS) and notice
                        and o.status == ProtectiveOrder.Status.LIVE)
    view.application = next((f for f in view.followed_by
                             if f.status == ProtectiveOrder.Status.APPLIED), None)
    view.may_apply = view.may_hearing and view.application is None
    view.may_check = roles.can(user, CHECKS) and o.status == ProtectiveOrder.Status.LIVE
    view.may_breach = ((roles.can(user, ORDERS) or roles.can(user, CHECKS))
                       and o.status == ProtectiveOrder.Status.LIVE)
    # A court order is varied or ended here; a notice ends at its hearing.
    view.may_vary = (roles.can(user, ORDERS) and not notice
                     and o.status == ProtectiveOrder.Status.LIVE)
    return view


order_detail = record_page("orders/order_detail.html", _order_page, ProtectiveOrder)


def _order_for_action(request, pk: int, capability: str) -> ProtectiveOrder:
    order = queries.visible_orders(request.user).select_related("lpa", "subject").filter(
        pk=pk).first()
    if order is None:
        if ProtectiveOrder.objects.filter(pk=pk).exists():
            audit.record(request.user, audit.DENIED, ProtectiveOrder, pk,
                         context=audit.context_from_request(request),
                         detail={"capability": capability, "reason": "out_of_area"})
        raise Http404("No such order in your area.")
    return order


def _errors(form) -> dict[str, str]:
    out = {}
    for name, errs in form.errors.items():
        anchor = form[name].auto_id if name in form.fields else "main-content"
        if name in form.fields and isinstance(form.fields[name].widget, RadioSelect):
            anchor += "_0"
        out[anchor] = errs[0]
    return out


def _saved(request, form, save, names: dict, done_message):
    """Call the service; its refusal goes on the form's fields (None returned), else the
    order's page with the service's result in words."""
    try:
        result = save()
    except RecordInvalid as exc:
        forms.show_problems(form, exc.problems, names)
    except NotAllowed as exc:
        form.add_error(None, str(exc).capitalize())
    else:
        messages.success(request, done_message(result))
        return redirect("orders:detail", pk=getattr(result, "order_id", None) or result.pk)
    return None


def _action(request, pk, *, capability, form_class, template, title, save, names,
            done_message, initial=None, form_kwargs=None, intro=None):
    """One order action page: the form, the service's refusal on its fields, and back to
    the order page when it is saved."""
    order = _order_for_action(request, pk, capability)
    form = form_class(request.POST or None, initial=initial(order) if initial else None,
                      **(form_kwargs(order) if form_kwargs else {}))
    if request.method == "POST" and form.is_valid():
        done = _saved(request, form, lambda: save(order, form.cleaned_data, request.user,
                                                  audit.context_from_request(request)),
                      names, done_message)
        if done:
            return done
    return render(request, template, {"order": order, "form": form, "title": title,
                                      "errors": _errors(form), "intro": intro})


@never_cache
@roles.requires(ORDERS)
def apply(request, pk: int):
    """The application to the court for the order that follows a notice."""
    def save(order, d, user, context):
        services.apply_for_order(order, actor=user, applied_at=d["applied_at"],
                                 court=d["court"], context=context)
        return order  # back to the notice, whose hearing comes next

    order = _order_for_action(request, pk, ORDERS)
    kind = services.ORDER_AFTER_NOTICE.get(order.order_type, "order")
    return _action(request, pk, capability=ORDERS, form_class=forms.ApplicationForm,
                   template="orders/action.html", title=f"Record the {kind} application",
                   save=save, names={"applied_at": "applied_on", "status": None,
                                     "order_type": None},
                   intro=f"The {kind} is then held as applied for until you record the "
                         f"hearing. The hearing is due by the time on the notice's page.",
                   done_message=lambda r: f"{kind} application recorded")


@never_cache
@roles.requires(ORDERS)
def hearing(request, pk: int):
    def save(order, d, user, context):
        return services.record_hearing(
            order, actor=user, hearing_at=d["hearing_at"], granted=d["granted"] == "yes",
            court=d.get("court") or "", ends_on=d.get("ends_on"), context=context)

    return _action(request, pk, capability=ORDERS, form_class=forms.HearingForm,
                   template="orders/action.html", title="Record the hearing", save=save,
                   names={"hearing_at": "hearing_on", "status": None, "order_type": None},
                   done_message=lambda r: (f"{r.get_order_type_display()} granted, in force "
                                           f"until {r.ends_on:%d %B %Y}"
                                           if r.status == "live" else
                                           f"{r.get_order_type_display()} refused; the notice "
                                           f"has ended"))


@never_cache
@roles.requires(CHECKS)
def check(request, pk: int):
    def save(order, d, user, context):
        return services.record_order_check(
            order, actor=user, checked_at=d["checked_at"], victim_contacted=d["victim_contacted"],
            subject_checked=d["subject_checked"], breach_found=d["breach_found"],
            notes=d.get("notes") or "", context=context)

    return _action(request, pk, capability=CHECKS, form_class=forms.CheckForm,
                   template="orders/action.html", title="Record a weekly check", save=save,
                   names={"checked_at": "checked_on", "order": None},
                   done_message=lambda r: "Check recorded" + (
                       "; the breach goes to the daily risk meeting" if r.breach_found else ""))


@never_cache
@roles.requires(roles.VIEW_PERSON)
def breach(request, pk: int):
    if not (roles.can(request.user, ORDERS) or roles.can(request.user, CHECKS)):
        raise roles.deny(request, ORDERS)

    def save(order, d, user, context):
        return services.record_breach(order, actor=user, reported_at=d["reported_at"],
                                      reported_by=d["reported_by"], notes=d["notes"],
                                      context=context)

    return _action(request, pk, capability=ORDERS, form_class=forms.BreachForm,
                   template="orders/action.html", title="Record a reported breach", save=save,
                   names={"reported_at": "reported_on", "order": None},
                   done_message=lambda r: "Breach recorded; it goes to the daily risk meeting")


def _live_court_order(request, pk):
    order = _order_for_action(request, pk, ORDERS)
    if order.order_type in {str(t) for t in NOTICE_TYPES}:
        raise Http404("A notice ends at its hearing: record the hearing instead.")
    return order


def _terms_now(order) -> dict:
    return {"version": order.version, "ends_on": order.ends_on,
            "conditions": "\n".join(c.text for c in order.conditions.all())}


@never_cache
@roles.requires(ORDERS)
def vary(request, pk: int):
    """The court varied a live order: new end date and/or conditions, with the reason."""
    _live_court_order(request, pk)

    def save(order, d, user, context):
        ends_on = d.get("ends_on")
        return services.vary_order(
            order, actor=user, reason=d["reason"], court=d["court"], varied_on=d["varied_on"],
            ends_on=ends_on if ends_on != order.ends_on else None,
            conditions=d["condition_list"], version=d["version"], context=context)

    return _action(request, pk, capability=ORDERS, form_class=forms.VaryForm,
                   template="orders/action.html", title="Record a variation", save=save,
                   names={"status": None, "version": None}, initial=_terms_now,
                   form_kwargs=lambda o: {"current": {c.text: c.kind
                                                      for c in o.conditions.all()}},
                   intro="Record what the court's varied order now says. The order's earlier "
                         "versions are kept and shown on the order page.",
                   done_message=lambda r: f"Variation recorded: the order is now version "
                                          f"{r.variations.count() + 1}")


@never_cache
@roles.requires(ORDERS)
def end(request, pk: int):
    """A live order expired or the court discharged it."""
    _live_court_order(request, pk)

    def save(order, d, user, context):
        return services.end_order(
            order, actor=user, status=d["status"], on=d["ended_on"], court=d.get("court") or "",
            reason=d.get("reason") or "", version=d["version"], context=context)

    return _action(request, pk, capability=ORDERS, form_class=forms.EndForm,
                   template="orders/action.html", title="Record the order's end", save=save,
                   names={"on": "ended_on", "version": None},
                   initial=lambda o: {"version": o.version, "ended_on": o.ends_on},
                   done_message=lambda r: f"Order {r.get_status_display().lower()} on "
                                          f"{r.ends_on:%d %B %Y}")


def _crime_parties(user, reference: str):
    from vigil.core.record_links import scoped

    crime = (scoped(user, Crime.objects.filter(reference=reference.strip()), "lpa_id")
             .select_related("lpa", "incident__neighbourhood").first())
    if crime is None:
        return None, None, []
    parties = list(crime.parties.select_related("person"))
    suspect = next((p.person for p in parties if p.role == "suspect"), None)
    victims = [p.person for p in parties if p.role == "victim"]
    return crime, suspect, victims


@never_cache
@roles.requires(ORDERS)
def serve(request):
    policy = policies.current()
    areas = queries.search_areas(request.user)
    form = forms.ServeNoticeForm(request.POST or None, ranks=policy.police_ranks,
                                 neighbourhoods=areas.neighbourhoods)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        crime, suspect, victims = _crime_parties(request.user, d["crime"])
        if crime is None:
            form.add_error("crime", f"No crime {d['crime']} in your area")
        elif suspect is None:
            form.add_error("crime", f"Crime {crime.reference} has no suspect recorded")
        else:
            done = _saved(request, form, lambda: services.serve_notice(
                actor=request.user, order_type=d["order_type"], subject=suspect,
                protected=victims, lpa=crime.lpa, crime=crime, served_at=d["served_at"],
                authorised_by=d["authorised_by"], authorised_rank=d["authorised_rank"],
                neighbourhood=_neighbourhood(areas, d.get("neighbourhood")),
                conditions=d["condition_list"], context=audit.context_from_request(request)),
                {"served_at": "served_on", "subject": "crime", "protected": "crime"},
                lambda order: f"{order.get_order_type_display()} served")
            if done:
                return done
    return render(request, "orders/serve.html", {"form": form, "errors": _errors(form)})


def _neighbourhood(areas: queries.SearchAreas, code: str | None) -> Area | None:
    pk = areas.ids.get((Area.Kind.NEIGHBOURHOOD, code)) if code else None
    return Area.objects.get(pk=pk) if pk else None


def _record_of_reference(request, text: str):
    """The source record a user typed by the force's reference, if its person is known in
    the user's area; a record outside it is refused and audited."""
    record = record_by_reference(text)
    if record is not None and not queries.known_in_area(request.user, record):
        audit.record(request.user, audit.DENIED, SourceRecord, record.pk,
                     context=audit.context_from_request(request),
                     detail={"capability": ORDERS, "reason": "out_of_area"})
        return None
    return record


def _court_order_parties(request, form):
    """The crime, perpetrator, protected persons and LPA the form names, or errors on it."""
    d = form.cleaned_data
    crime, suspect, victims = (_crime_parties(request.user, d["crime"]) if d.get("crime")
                               else (None, None, []))
    if d.get("crime") and crime is None:
        form.add_error("crime", f"No crime {d['crime']} in your area")
    subject = suspect
    if (d.get("subject") or "").strip():
        subject = _record_of_reference(request, d["subject"])
        if subject is None:
            form.add_error("subject", f"No record {d['subject']} that you may open")
    elif crime is not None and suspect is None:
        form.add_error("subject", f"Crime {crime.reference} has no suspect recorded: give "
                                  f"the perpetrator's record")
    protected = victims
    if d["protected_refs"]:
        protected = []
        for ref in d["protected_refs"]:
            record = _record_of_reference(request, ref)
            if record is None:
                form.add_error("protected", f"No record {ref} that you may open")
            else:
                protected.append(record)
    lpa = crime.lpa if crime is not None else None
    if d.get("lpa"):
        lpa = Area.objects.filter(code=d["lpa"], kind=Area.Kind.LPA).first()
    return crime, subject, protected, lpa


@never_cache
@roles.requires(ORDERS)
def court_order(request):
    """Record an order a court made with no notice before it (NMO, restraining order, SPO,
    DAPO on application) or bail conditions."""
    areas = queries.search_areas(request.user)
    types = [(t, OrderType(t).label) for t in services.COURT_ORDER_TYPES]
    form = forms.CourtOrderForm(request.POST or None, types=types, lpas=areas.lpas,
                                neighbourhoods=areas.neighbourhoods)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        crime, subject, protected, lpa = _court_order_parties(request, form)
        if not form.errors:
            done = _saved(request, form, lambda: services.record_court_order(
                actor=request.user, order_type=d["order_type"], subject=subject,
                protected=protected, lpa=lpa, made_on=d["made_on"], court=d["court"],
                ends_on=d.get("ends_on"), crime=crime,
                neighbourhood=_neighbourhood(areas, d.get("neighbourhood")),
                conditions=d["condition_list"], context=audit.context_from_request(request)),
                {}, lambda order: f"{order.get_order_type_display()} recorded")
            if done:
                return done
    return render(request, "orders/court_order.html", {"form": form, "errors": _errors(form)})


# --- the court-orders search ------------------------------------------------------

HEADINGS = ["Reference", "Type", "Status", "Area", "Neighbourhood", "Perpetrator",
            "Perpetrator's postcode", "Protecting", "Served or made", "Ends"]


def _cells(rows: list[queries.SearchRow]) -> list[list[str]]:
    """HEADINGS' cells of each row; references of records made in Vigil in one query."""
    made = made_in_vigil_among(ProtectiveOrder, rows)
    types = dict(OrderType.choices)
    statuses = dict(ProtectiveOrder.Status.choices)
    ends = [services.order_end(r) for r in rows]
    return [[human_reference(r, made), types.get(r.order_type, r.order_type),
             statuses.get(r.status, r.status),
             r.lpa, r.neighbourhood, f"{r.subject_forename} {r.subject_surname.upper()}",
             r.subject_postcode, "; ".join(r.protecting),
             timezone.localtime(r.served_at).strftime("%d %b %Y %H:%M") if r.served_at
             else r.made_on.strftime("%d %b %Y") if r.made_on else "",
             end.strftime("%d %b %Y") if end else "Until further order"]
            for r, end in zip(rows, ends, strict=True)]


ROW_KEYS = ("reference", "type", "status", "lpa", "neighbourhood", "perpetrator",
            "postcode", "protecting", "served", "ends")  # HEADINGS' cells, by name


def _page_rows(rows: list[queries.SearchRow]) -> list[dict]:
    # Cells by name: a template reads a dict key at once, a list index only after a dir().
    # The order pages' links from one reverse() rather than one a row.
    link = reverse("orders:detail", kwargs={"pk": 999999999}).replace("999999999", "{}")
    return [{"pk": r.pk, "href": link.format(r.pk), **dict(zip(ROW_KEYS, cells, strict=True))}
            for r, cells in zip(rows, _cells(rows), strict=True)]


def _filters(form) -> queries.OrderFilters:
    d = form.cleaned_data
    return queries.OrderFilters(
        lpa=d.get("lpa") or "", neighbourhood=d.get("neighbourhood") or "",
        subject_postcode=d.get("subject_postcode") or "",
        protected_postcode=d.get("protected_postcode") or "",
        order_type=d.get("order_type") or "", status=d.get("status") or "",
        expires_by=d.get("expires_by"))


@never_cache
@roles.requires(roles.VIEW_PERSON)
def search(request):
    user = request.user
    params = request.GET.copy()
    if "status" not in params:
        params["status"] = "live"
    areas = queries.search_areas(user)
    form = forms.SearchForm(params, lpas=areas.lpas, neighbourhoods=areas.neighbourhoods)
    context = audit.context_from_request(request)
    page = None
    query = ""
    if form.is_valid():
        filters = _filters(form)
        qs = queries.search_orders(user, filters, area_ids=areas.ids)
        detail = {k: str(v) for k, v in vars(filters).items() if v}
        if request.GET.get("download") == "xlsx":
            if not roles.can(user, roles.EXPORT):
                raise roles.deny(request, roles.EXPORT)
            rows = queries.search_rows(qs, areas.names)
            audit.record(user, audit.EXPORT, ProtectiveOrder, "", context=context,
                         detail={**detail, "rows": len(rows), "format": "xlsx"})
            return _xlsx("court-orders", HEADINGS, _cells(rows))
        # The page's 25 rows' cells; the count (the orders table alone) only when the
        # page is full.
        page, rows = page_of(qs, request.GET.get("page"), PER_PAGE,
                             lambda part: queries.search_rows(part, areas.names))
        audit.record(user, audit.SEARCH, ProtectiveOrder, "", context=context,
                     detail={**detail, "page": page.number})
        page.rows = _page_rows(rows)
        query = urlencode({k: v for k, v in form.cleaned_data.items() if v})
    return render(request, "orders/search.html", {
        "form": form, "page": page, "query": query, "headings": HEADINGS,
        "errors": _errors(form), "may_export": roles.can(user, roles.EXPORT),
        "may_record": roles.can(user, ORDERS)})


def _xlsx(name: str, headings: list[str], rows: list[list]) -> HttpResponse:
    buf = io.BytesIO()
    wb = xlsx_workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("Vigil")
    ws.write_row(0, 0, ["OFFICIAL-SENSITIVE"])
    ws.write_row(1, 0, headings)
    for i, row in enumerate(rows, start=2):
        ws.write_row(i, 0, row)
    wb.close()
    response = HttpResponse(
        buf.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    stamp = timezone.localtime().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="vigil-{name}-{stamp}.xlsx"'
    return response


# --- lists for the daily management meetings --------------------------------------

def _meeting_lpa(request) -> Area:
    lpas = list(queries.lpas_for(request.user))
    code = request.GET.get("lpa") or (lpas[0].code if len(lpas) == 1 else "")
    lpa = next((a for a in lpas if a.code == code), None)
    return lpa, lpas


@never_cache
@roles.requires(MEETINGS)
def meeting(request, which: str = ""):
    if which and which not in queries.MEETING_LISTS:
        raise Http404("No such list.")
    user = request.user
    lpa, lpas = _meeting_lpa(request)
    context = audit.context_from_request(request)
    if lpa is None or not which:
        return render(request, "orders/meeting_index.html", {
            "lpas": lpas, "lpa": lpa, "lists": queries.MEETING_LISTS,
            "error": ("Choose an area you may see" if request.GET.get("lpa") and lpa is None
                      else "")})
    now = timezone.now()
    heads, rows = queries.meeting_list(user, which, lpa, now)
    title = queries.MEETING_LISTS[which]
    detail = {"list": which, "lpa": lpa.code, "rows": len(rows)}
    if request.GET.get("download") == "xlsx":
        if not roles.can(user, roles.EXPORT):
            raise roles.deny(request, roles.EXPORT)
        audit.record(user, audit.EXPORT, "orders.meetinglist", which, context=context,
                     detail={**detail, "format": "xlsx"})
        return _xlsx(f"{which}-{lpa.code}", heads, [r.cells for r in rows])
    audit.record(user, audit.VIEW, "orders.meetinglist", which, context=context, detail=detail)
    printing = request.GET.get("print") == "1"
    page = Paginator(rows, len(rows) or 1 if printing else PER_PAGE).get_page(
        request.GET.get("page"))
    dips = (PrioritisationDipCheck.objects.filter(lpa=lpa)[:3] if which == "checks" else [])
    return render(request, "orders/meeting_list.html", {
        "dips": dips, "may_dip": roles.can(user, roles.assign_task("local_policing")),
        "lpa": lpa, "which": which, "title": title, "heads": heads, "page": page,
        "query": urlencode({"lpa": lpa.code}), "printing": printing, "now": now,
        "may_export": roles.can(user, roles.EXPORT)})


@never_cache
@roles.requires(roles.assign_task("local_policing"))
def dip_check(request):
    """Record a dip check of the checks' prioritisation by victim engagement."""
    lpa, lpas = _meeting_lpa(request)
    if lpa is None:
        raise Http404("Choose an area you may see.")
    form = forms.DipCheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.record_dip_check(
                actor=request.user, lpa=lpa, orders_sampled=d["orders_sampled"],
                orders_prioritised_right=d["orders_prioritised_right"], notes=d.get("notes") or "",
                context=audit.context_from_request(request))
        except RecordInvalid as exc:
            forms.show_problems(form, exc.problems, {})
        except NotAllowed as exc:
            form.add_error(None, str(exc).capitalize())
        else:
            messages.success(request, "Dip check recorded")
            return redirect(f"{reverse('orders:meeting_list', args=['checks'])}?lpa={lpa.code}")
    return render(request, "orders/dip_check.html", {"form": form, "lpa": lpa,
                                                     "errors": _errors(form)})
