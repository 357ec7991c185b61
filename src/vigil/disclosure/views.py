"""Clare's Law pages: the applications list, a new application, the application page and
the disclosure. Every page applies role and area; every look and change is audited."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from vigil.core import audit, roles
from vigil.core.record_links import record_page
from vigil.core.records import NotAllowed, RecordInvalid
from vigil.disclosure import queries
from vigil.disclosure.forms import ApplicationForm, DisclosureForm
from vigil.disclosure.models import DvdsApplication

WORK = roles.complete_task("clares_law")
PAGE_SIZE = 25

application_detail = record_page("disclosure/application_detail.html",
                                 queries.application_view, DvdsApplication)


def _add_problems(form, exc: RecordInvalid, rename: dict | None = None) -> None:
    for field, _, reason in exc.problems:
        field = (rename or {}).get(field, field)
        form.add_error(field if field in form.fields else None, reason[:1].upper() + reason[1:])


@never_cache
@roles.requires(roles.view_queue("clares_law"))
def application_list(request):
    """The applications in the user's area, newest first, 25 to a page."""
    qs = queries.visible_applications(request.user).select_related(
        "lpa", "person_at_risk", "subject").order_by("-received_at", "-id")
    status = request.GET.get("status", "")
    if status == "awaiting":
        qs = qs.filter(decision="")
    elif status in DvdsApplication.Decision.values:
        qs = qs.filter(decision=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record(request.user, audit.VIEW, "disclosure.dvdsapplication", "list",
                 context=audit.context_from_request(request), detail={"status": status})
    return render(request, "disclosure/application_list.html", {
        "page": page, "page_range": page.paginator.get_elided_page_range(page.number),
        "query": f"status={status}" if status else "", "status": status,
        "can_add": roles.can(request.user, WORK),
        "statuses": [("", "All"), ("awaiting", "Awaiting decision")]
        + list(DvdsApplication.Decision.choices),
    })


@never_cache
@roles.requires(WORK)
def application_new(request):
    context = audit.context_from_request(request) or "clares-law:new"
    form = ApplicationForm(request.POST if request.method == "POST" else None,
                           user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            app = form.save(actor=request.user, context=context)
        except RecordInvalid as exc:
            _add_problems(form, exc, {"received_at": "received_date"})
        except NotAllowed as exc:
            form.add_error("lpa", str(exc).capitalize())
        else:
            messages.success(request, "Application recorded. The initial checks are due "
                                      "within 24 hours.")
            return redirect("disclosure:application", app.pk)
    return render(request, "disclosure/application_form.html", {"form": form})


@never_cache
@roles.requires(WORK)
def disclosure_new(request, pk: int):
    view = queries.application_view(request.user, pk)
    if view is None:
        if DvdsApplication.objects.filter(pk=pk).exists():
            audit.record(request.user, audit.DENIED, DvdsApplication, pk,
                         context=audit.context_from_request(request),
                         detail={"capability": WORK, "reason": "out_of_area"})
        raise Http404("No such application in your area.")
    app = view.record
    context = f"disclosure.dvdsapplication:{app.pk}"
    form = DisclosureForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            form.save(app, actor=request.user, at=timezone.now(), context=context)
        except RecordInvalid as exc:
            _add_problems(form, exc)
        except NotAllowed as exc:
            form.add_error(None, str(exc).capitalize())
        else:
            messages.success(request, "Disclosure recorded with its safety plan.")
            return redirect("disclosure:application", app.pk)
    return render(request, "disclosure/disclosure_form.html", {"form": form, "record": app,
                                                              "ctx": context})
