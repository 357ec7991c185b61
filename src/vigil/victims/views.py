"""Victims' Code pages: the victims of DA crimes in the area, a victim's Victims' Code
record for a crime (needs assessment, contact plan, updates and their timeliness), the
two forms, and the supervisor's compliance view by team. Scoped and audited."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from vigil.core import audit, roles
from vigil.core.records import NotAllowed, RecordInvalid
from vigil.incidents.models import Crime
from vigil.victims import queries
from vigil.victims.forms import ContactPlanForm, NeedsAssessmentForm

SEE = roles.view_queue(queries.TEAM)
WORK = roles.complete_task(queries.TEAM)
SUPERVISE = roles.assign_task(queries.TEAM)
PAGE_SIZE = 25
PERIODS = [(30, "Last 30 days"), (90, "Last 90 days"), (365, "Last 12 months")]


@never_cache
@roles.requires(SEE)
def victim_list(request):
    page = Paginator(queries.visible_victims(request.user), PAGE_SIZE).get_page(
        request.GET.get("page"))
    cares = queries.cares_for(page.object_list)
    rows = [(p, cares.get((p.person.person_id, p.crime_id))) for p in page.object_list]
    audit.record(request.user, audit.VIEW, "victims.victimcare", "list",
                 context=audit.context_from_request(request))
    return render(request, "victims/victim_list.html", {
        "page": page, "rows": rows,
        "page_range": page.paginator.get_elided_page_range(page.number),
        "can_supervise": roles.can(request.user, SUPERVISE)})


def _view_or_404(request, crime_pk: int, person_pk: int, capability: str):
    view = queries.care_view(request.user, crime_pk, person_pk)
    if view is None:
        if Crime.objects.filter(pk=crime_pk).exists():
            audit.record(request.user, audit.DENIED, Crime, crime_pk,
                         context=audit.context_from_request(request),
                         detail={"capability": capability, "reason": "out_of_area"})
        raise Http404("No such victim in your area.")
    return view


@never_cache
@roles.requires(SEE)
def care_detail(request, crime_pk: int, person_pk: int):
    view = _view_or_404(request, crime_pk, person_pk, SEE)
    audit.record(request.user, audit.VIEW, view.care or view.crime,
                 context=audit.context_from_request(request),
                 detail={"victim_person": person_pk})
    return render(request, "victims/care_detail.html", {
        "view": view, "can_record": roles.can(request.user, WORK),
        "ctx": f"incidents.crime:{view.crime.pk}"})


def _form_page(request, crime_pk, person_pk, form_class, label, template):
    view = _view_or_404(request, crime_pk, person_pk, WORK)
    context = f"incidents.crime:{view.crime.pk}"
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            form.save(view.victim, view.crime, actor=request.user, at=timezone.now(),
                      context=context)
        except RecordInvalid as exc:
            for field, _, reason in exc.problems:
                form.add_error(field if field in form.fields else None,
                               reason[:1].upper() + reason[1:])
        except NotAllowed as exc:
            form.add_error(None, str(exc).capitalize())
        else:
            messages.success(request, f"{label} recorded.")
            return redirect("victims:care", crime_pk, person_pk)
    return render(request, "victims/care_form.html", {"view": view, "form": form,
                                                      "label": label})


@never_cache
@roles.requires(WORK)
def needs_assessment(request, crime_pk: int, person_pk: int):
    return _form_page(request, crime_pk, person_pk, NeedsAssessmentForm, "Needs assessment",
                      "victims/care_form.html")


@never_cache
@roles.requires(WORK)
def contact_plan(request, crime_pk: int, person_pk: int):
    return _form_page(request, crime_pk, person_pk, ContactPlanForm, "Contact plan",
                      "victims/care_form.html")


@never_cache
@roles.requires(SUPERVISE)
def compliance(request):
    days = request.GET.get("days", "30")
    days = int(days) if days.isdigit() and int(days) in dict(PERIODS) else 30
    rows = queries.compliance(request.user, days)
    audit.record(request.user, audit.VIEW, "victims.compliance", str(days),
                 context=audit.context_from_request(request))
    return render(request, "victims/compliance.html", {
        "rows": rows, "days": days, "periods": PERIODS, "kinds": queries.KINDS})
