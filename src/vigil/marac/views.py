"""The MARAC coordinator's pages: the referral page, the coordinator's view per LPA,
partner referrals, scheduling, meetings and agendas (HTML, PDF, iCalendar), hearings,
actions, closing and transfers. Thin: reads through queries, writes through services.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from vigil.core import audit, roles
from vigil.core.record_links import record_page
from vigil.core.records import NotAllowed, RecordInvalid
from vigil.marac import forms, ical, queries, services
from vigil.marac.models import MaracAction, MaracMeeting, MaracReferral, MaracTransfer

SEE = roles.view_queue("marac")
WORK = roles.complete_task("marac")
SUPERVISE = roles.assign_task("marac")

referral_detail = record_page("marac/referral_detail.html", queries.referral_view,
                              MaracReferral)


def _today():
    return timezone.localdate()


def _ctx(request, obj=None) -> str:
    return audit.context_from_request(request) or (
        f"{obj._meta.label_lower}:{obj.pk}" if obj is not None else "marac")


def _in_area(request, obj, lpa_ids, capability: str):
    """404 (audited) when the record is in another area: as if it did not exist."""
    if not roles.in_scope(request.user, lpa_ids):
        audit.record(request.user, audit.DENIED, obj, context=_ctx(request),
                     detail={"capability": capability, "reason": "out_of_area"})
        raise Http404("No such record in your area.")
    return obj


def _referral(request, pk: int, capability: str = WORK) -> MaracReferral:
    ref = (MaracReferral.objects.select_related("lpa", "victim", "meeting")
           .filter(pk=pk).first())
    if ref is None:
        raise Http404("No such referral.")
    return _in_area(request, ref, [ref.lpa_id], capability)


def _meeting(request, pk: int, capability: str = SEE) -> MaracMeeting:
    meeting = MaracMeeting.objects.select_related("lpa").filter(pk=pk).first()
    if meeting is None:
        raise Http404("No such meeting.")
    return _in_area(request, meeting, [meeting.lpa_id], capability)


def _problems(form, exc: Exception) -> None:
    if isinstance(exc, RecordInvalid):
        for field, _, reason in exc.problems:
            form.add_error(field if field in form.fields else None, reason[:1].upper()
                           + reason[1:])
    else:
        form.add_error(None, str(exc)[:1].upper() + str(exc)[1:])


def _reasons(exc: Exception) -> str:
    if isinstance(exc, RecordInvalid):
        return "; ".join(reason for _, _, reason in exc.problems)
    return str(exc)


def _lpa_choice(request):
    lpas = queries.visible_lpas(request.user)
    if not lpas:
        raise Http404("No MARAC in your area.")
    code = request.GET.get("lpa", "")
    chosen = next((a for a in lpas if a.code == code), None)
    if chosen is None and request.user.area_id:
        chosen = next((a for a in lpas if a.pk == request.user.area_id), None)
    return lpas, chosen or lpas[0]


# --- the coordinator's view --------------------------------------------------------

@never_cache
@roles.requires(SEE)
def coordinator(request):
    lpas, lpa = _lpa_choice(request)
    view = queries.coordinator(lpa, today=_today(), page=request.GET.get("page"))
    # Seed 003's all-LPA table, for a user who sees more than one LPA (the page shows it
    # only then; one LPA's weeks are already in the view).
    table = queries.seed_table(lpas, [w.week_end for w in view.weeks]) if len(lpas) > 1 else None
    audit.record(request.user, audit.VIEW, "marac.coordinator", lpa.code,
                 context=_ctx(request), detail={"waiting": view.waiting_total})
    page = view.waiting_page
    return render(request, "marac/coordinator.html", {
        "view": view, "lpas": lpas, "lpa": lpa, "can_work": roles.can(request.user, WORK),
        "table": table,
        "can_supervise": roles.can(request.user, SUPERVISE),
        "page": page, "page_range": page.paginator.get_elided_page_range(page.number),
        "query": f"lpa={lpa.code}", "anchor": "waiting"})


@never_cache
@roles.requires(SUPERVISE)
def declined(request):
    page = Paginator(queries.declined(request.user), 25).get_page(request.GET.get("page"))
    audit.record(request.user, audit.VIEW, "marac.declined", "", context=_ctx(request))
    return render(request, "marac/declined.html", {
        "page": page, "page_range": page.paginator.get_elided_page_range(page.number)})


# --- referrals ---------------------------------------------------------------------

@never_cache
@roles.requires(WORK)
def partner_referral(request):
    lpas = queries.visible_lpas(request.user)
    form = forms.PartnerReferralForm(lpas, request.POST or None)
    if request.method == "POST" and form.is_valid() and getattr(form, "victim", None):
        d = form.cleaned_data
        try:
            ref = services.refer(form.victim, actor=request.user, lpa=d["lpa"],
                                 referred_on=_today(), criteria=set(d["criteria"]),
                                 referring_agency=d["referring_agency"],
                                 sharing_basis=d["sharing_basis"],
                                 risk_summary=d["risk_summary"], context=_ctx(request))
        except (RecordInvalid, NotAllowed) as exc:
            _problems(form, exc)
        else:
            extra = " It is a repeat referral." if ref.repeat_referral else ""
            messages.success(request, f"Referral {ref.source_system} {ref.source_id} recorded; "
                                      f"IDVA referral opened.{extra}")
            return redirect("marac:referral", pk=ref.pk)
    return render(request, "marac/form.html", {
        "form": form, "title": "Record a referral from a partner agency",
        "caption": "MARAC", "submit": "Record the referral",
        "back": reverse("marac:coordinator")})


@never_cache
@roles.requires(WORK)
def schedule(request, pk: int):
    ref = _referral(request, pk)
    today = _today()
    offer = services.offer(ref, today=today)
    form = forms.ScheduleForm(ref, today, request.POST or None,
                              initial={"meeting": offer.meeting.pk if offer.meeting else None})
    if request.method == "POST" and form.is_valid():
        try:
            services.schedule(ref, form.cleaned_data["meeting"], actor=request.user,
                              context=_ctx(request, ref))
        except (RecordInvalid, NotAllowed) as exc:
            _problems(form, exc)
        else:
            m = form.cleaned_data["meeting"]
            messages.success(request, f"Listed for the MARAC on {m.held_on:%d %B %Y}.")
            return redirect("marac:referral", pk=ref.pk)
    return render(request, "marac/schedule.html", {"form": form, "referral": ref,
                                                   "offer": offer})


@never_cache
@roles.requires(WORK)
def hearing(request, pk: int):
    ref = _referral(request, pk)
    form = forms.HearingRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_hearing(ref, actor=request.user, outcome=form.cleaned_data["outcome"],
                                    actions=form.drafts, today=_today(),
                                    context=_ctx(request, ref))
        except (RecordInvalid, NotAllowed) as exc:
            _problems(form, exc)
        else:
            messages.success(request, f"Hearing recorded with {len(form.drafts)} action(s).")
            return redirect("marac:referral", pk=ref.pk)
    return render(request, "marac/hearing.html", {"form": form, "referral": ref})


@require_POST
@roles.requires(WORK)
def close(request, pk: int):
    ref = _referral(request, pk)
    try:
        services.close_case(ref, actor=request.user, on=_today(), context=_ctx(request, ref))
    except (RecordInvalid, NotAllowed) as exc:
        messages.error(request, f"The case cannot be closed: {_reasons(exc)}.")
    else:
        messages.success(request, "Case closed.")
    return redirect("marac:referral", pk=ref.pk)


@require_POST
@roles.requires(WORK)
def action(request, pk: int):
    act = MaracAction.objects.select_related("referral").filter(pk=pk).first()
    if act is None:
        raise Http404("No such action.")
    _in_area(request, act, [act.referral.lpa_id], WORK)
    op = request.POST.get("op")
    try:
        if op == "complete":
            services.complete_action(act, actor=request.user, on=_today(),
                                     context=_ctx(request, act.referral))
            messages.success(request, f"Action for {act.agency} marked done.")
        elif op == "carry":
            services.carry_action(act, actor=request.user, on=_today(),
                                  context=_ctx(request, act.referral))
            messages.success(request, f"Action for {act.agency} carried to the next meeting.")
        else:
            messages.error(request, "Choose whether the action is done or carried.")
    except (RecordInvalid, NotAllowed) as exc:
        messages.error(request, f"The action was not changed: {_reasons(exc)}.")
    back = request.POST.get("next", "")
    if back.startswith("/marac/") and "//" not in back:
        return redirect(back)
    return redirect(reverse("marac:referral", args=[act.referral_id]) + "#actions")


# --- transfers ---------------------------------------------------------------------

@never_cache
@roles.requires(WORK)
def transfer(request, pk: int):
    ref = _referral(request, pk)
    form = forms.TransferForm(ref, request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        to_lpa = None
        if d["to"] != forms.OUTSIDE:
            from vigil.core.models import Area

            to_lpa = Area.objects.filter(pk=int(d["to"]), kind="lpa").first()
        try:
            services.transfer_out(ref, actor=request.user, on=_today(), to_lpa=to_lpa,
                                  destination=d.get("destination") or "", sent=d["sent"],
                                  context=_ctx(request, ref))
        except (RecordInvalid, NotAllowed) as exc:
            _problems(form, exc)
        else:
            where = to_lpa.name if to_lpa else d["destination"]
            messages.success(request, f"Transferred to {where}.")
            return redirect("marac:referral", pk=ref.pk)
    return render(request, "marac/form.html", {
        "form": form, "title": f"Transfer the case of {ref.victim.forename} "
                               f"{ref.victim.surname}", "caption": "MARAC transfer out",
        "submit": "Transfer the case", "back": reverse("marac:referral", args=[ref.pk])})


@never_cache
@roles.requires(WORK)
def withdraw(request, pk: int):
    ref = _referral(request, pk)
    form = forms.WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw(ref, actor=request.user, on=_today(),
                              reason=form.cleaned_data["withdrawal_reason"],
                              context=_ctx(request, ref))
        except (RecordInvalid, NotAllowed) as exc:
            _problems(form, exc)
        else:
            messages.success(request, "Case withdrawn. Its place at the meeting is free.")
            return redirect("marac:referral", pk=ref.pk)
    return render(request, "marac/form.html", {
        "form": form, "title": f"Withdraw the case of {ref.victim.forename} "
                               f"{ref.victim.surname}", "caption": "MARAC referral",
        "submit": "Withdraw the case", "back": reverse("marac:referral", args=[ref.pk])})


@never_cache
@roles.requires(WORK)
def transfer_in(request):
    lpas = queries.visible_lpas(request.user)
    form = forms.TransferInForm(lpas, request.POST or None)
    if request.method == "POST" and form.is_valid() and getattr(form, "victim", None):
        d = form.cleaned_data
        try:
            moved = services.transfer_in(form.victim, actor=request.user, lpa=d["lpa"],
                                         on=_today(), origin=d["origin"],
                                         criteria=set(d["criteria"]),
                                         sharing_basis=d["sharing_basis"],
                                         received=d.get("received") or "",
                                         context=_ctx(request))
        except (RecordInvalid, NotAllowed) as exc:
            _problems(form, exc)
        else:
            messages.success(request, f"Case received from {moved.origin}.")
            return redirect("marac:referral", pk=moved.referral_id)
    return render(request, "marac/form.html", {
        "form": form, "title": "Receive a case from a MARAC outside the region",
        "caption": "MARAC transfer in", "submit": "Receive the case",
        "back": reverse("marac:coordinator")})


@require_POST
@roles.requires(WORK)
def receive(request, pk: int):
    t = MaracTransfer.objects.select_related("referral", "to_lpa").filter(pk=pk).first()
    if t is None or t.to_lpa_id is None:
        raise Http404("No such transfer.")
    _in_area(request, t, [t.to_lpa_id], WORK)
    try:
        new = services.receive_transfer(t, actor=request.user, on=_today(),
                                        context=_ctx(request))
    except (RecordInvalid, NotAllowed) as exc:
        messages.error(request, f"The transfer was not received: {_reasons(exc)}.")
        return redirect(reverse("marac:coordinator") + f"?lpa={t.to_lpa.code}")
    messages.success(request, "Case received: it now awaits a hearing here.")
    return redirect("marac:referral", pk=new.pk)


# --- meetings ------------------------------------------------------------------------

@never_cache
@roles.requires(SEE)
def meetings(request):
    lpas, lpa = _lpa_choice(request)
    qs = (queries.visible_meetings(request.user).filter(lpa=lpa)
          .filter(held_on__gte=_today() - timedelta(days=56)).order_by("held_on"))
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    loads = queries.loads([m.pk for m in page])
    audit.record(request.user, audit.VIEW, "marac.meetings", lpa.code, context=_ctx(request))
    return render(request, "marac/meetings.html", {
        "lpas": lpas, "lpa": lpa, "page": page, "loads": loads, "today": _today(),
        "page_range": page.paginator.get_elided_page_range(page.number),
        "query": f"lpa={lpa.code}", "can_work": roles.can(request.user, WORK),
        "interval": services.meeting_interval(lpa)})


@never_cache
@roles.requires(WORK)
def meeting_new(request):
    lpas = queries.visible_lpas(request.user)
    form = forms.MeetingForm(lpas, request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if d.get("until"):
                made = services.plan_meetings(d["lpa"], actor=request.user, first=d["held_on"],
                                              until=d["until"], capacity=d["capacity"],
                                              context=_ctx(request))
            else:
                made = [services.add_meeting(d["lpa"], actor=request.user,
                                             held_on=d["held_on"], capacity=d["capacity"],
                                             context=_ctx(request))]
        except (RecordInvalid, NotAllowed) as exc:
            _problems(form, exc)
        else:
            messages.success(request, f"{len(made)} meeting(s) added.")
            return redirect(reverse("marac:meetings") + f"?lpa={d['lpa'].code}")
    return render(request, "marac/form.html", {
        "form": form, "title": "Add MARAC meetings", "caption": "MARAC calendar",
        "submit": "Add the meetings", "back": reverse("marac:meetings")})


@never_cache
@roles.requires(SEE)
def meeting(request, pk: int):
    m = _meeting(request, pk)
    agenda = queries.agenda(m, today=_today())
    audit.record(request.user, audit.VIEW, m, context=_ctx(request, m),
                 detail={"cases": [c.referral.source_ref for c in agenda.cases]})
    can_work = roles.can(request.user, WORK)
    form = forms.AttendanceForm(initial={"agencies": m.attendance}) if can_work else None
    return render(request, "marac/meeting.html", {
        "agenda": agenda, "meeting": m, "form": form, "can_work": can_work,
        "today": _today(), "ctx": f"marac.maracmeeting:{m.pk}"})


@require_POST
@roles.requires(WORK)
def attendance(request, pk: int):
    m = _meeting(request, pk, WORK)
    form = forms.AttendanceForm(request.POST)
    if form.is_valid():
        try:
            services.record_attendance(m, actor=request.user,
                                       agencies=form.cleaned_data["agencies"],
                                       context=_ctx(request, m))
        except (RecordInvalid, NotAllowed) as exc:
            messages.error(request, f"Attendance not recorded: {_reasons(exc)}.")
        else:
            messages.success(request, "Attendance recorded.")
    else:
        messages.error(request, "Select the agencies that attended.")
    return redirect(reverse("marac:meeting", args=[m.pk]) + "#attendance")


@never_cache
@roles.requires(WORK)
def agenda_pdf(request, pk: int):
    m = _meeting(request, pk, WORK)
    agenda = queries.agenda(m, today=_today())
    html = render_to_string("marac/agenda_print.html", {
        "agenda": agenda, "meeting": m, "today": _today(),
        "printed_by": request.user.get_full_name() or request.user.username,
        "printed_at": timezone.localtime()}, request=request)
    from weasyprint import HTML

    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    audit.record(request.user, audit.EXPORT, m, context=_ctx(request, m),
                 detail={"format": "pdf",
                         "cases": [c.referral.source_ref for c in agenda.cases]})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (f'attachment; filename="marac-{m.lpa.code}-'
                                       f'{m.held_on:%Y-%m-%d}-agenda.pdf"')
    return response


@never_cache
@roles.requires(SEE)
def invite(request, pk: int):
    m = _meeting(request, pk)
    body = ical.invitation(m, url=request.build_absolute_uri(reverse("marac:meeting",
                                                                     args=[m.pk])))
    audit.record(request.user, audit.EXPORT, m, context=_ctx(request, m),
                 detail={"format": "ics"})
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = (f'attachment; filename="marac-{m.lpa.code}-'
                                       f'{m.held_on:%Y-%m-%d}.ics"')
    return response
