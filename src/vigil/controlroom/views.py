"""Control-room pages: the log-review sampling queue and review form (Raneem's Law), and
the DA desk's triage list and contact record (Rapid Video Response). Scoped by role and
area; every view and refusal is audited. Thin: the writes are in services."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from vigil.controlroom import screening, services
from vigil.controlroom.forms import DeskContactForm, LogReviewForm
from vigil.controlroom.models import DeskContact, LogReview, SampledLog
from vigil.core import audit, roles
from vigil.core.policy import current
from vigil.core.records import NotAllowed, RecordInvalid
from vigil.incidents.models import Incident

PAGE_SIZE = 25
DESK_VIEW = roles.view_queue("referral_allocation")
DESK_RECORD = roles.complete_task("referral_allocation")


def _scoped(qs, user, field: str):
    areas = roles.area_ids(user)
    return qs if areas is None else qs.filter(**{f"{field}__in": areas})


def _incident_for(request, pk: int, capability: str) -> Incident:
    incident = Incident.objects.select_related("lpa").filter(pk=pk).first()
    if incident is None:
        raise Http404("no such log")
    if not roles.in_scope(request.user, [incident.lpa_id]):
        raise roles.deny(request, capability, object_type="incidents.incident",
                         object_id=str(pk), reason="area")
    return incident


def _page(request, qs):
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return page, page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)


def _minutes(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if abs(minutes) < 60:
        return f"{minutes} min"
    hours, rest = divmod(abs(minutes), 60)
    return f"{'-' if minutes < 0 else ''}{hours} h {rest:02d} min"


# --- Log review (Raneem's Law) --------------------------------------------------------------

@roles.requires(roles.REVIEW_LOG)
def sample_queue(request):
    show = request.GET.get("show", "waiting")
    qs = _scoped(SampledLog.objects.select_related("incident", "incident__lpa", "taken_by"),
                 request.user, "incident__lpa_id")
    if show == "reviewed":
        qs = qs.filter(incident__log_review__isnull=False)
    else:
        qs = qs.filter(incident__log_review__isnull=True)
        if show == "mine":
            qs = qs.filter(taken_by=request.user)
    qs = qs.order_by("-sampled_on", "incident__reported_at", "pk")
    page, page_range = _page(request, qs)
    audit.record(request.user, audit.VIEW, "controlroom.sampledlog", "",
                 context=audit.context_from_request(request) or "log-review:queue",
                 detail={"show": show, "page": page.number})
    return render(request, "controlroom/sample_queue.html", {
        "page": page, "page_range": page_range, "show": show,
        "query": f"show={show}",
        "tabs": [("waiting", "Waiting for review"), ("mine", "Taken by me"),
                 ("reviewed", "Reviewed")]})


@require_POST
@roles.requires(roles.REVIEW_LOG)
def take_sample(request, pk: int):
    sample = get_object_or_404(SampledLog.objects.select_related("incident"), pk=pk)
    _incident_for(request, sample.incident_id, roles.REVIEW_LOG)
    try:
        services.take_sample(sample, actor=request.user, at=timezone.now())
    except (RecordInvalid, NotAllowed) as exc:
        messages.error(request, str(exc).split(": ", 1)[-1].capitalize())
        return redirect(reverse("controlroom:samples"))
    return redirect(reverse("controlroom:review", args=[sample.incident_id]))


def _segments(text: str, marks) -> list[tuple[str, str, str]]:
    """The log text in pieces, each with the mark whose words it is ('' for none) and
    that mark's name."""
    names = {m.kind: m.label for m in marks}
    spans = sorted({(h["start"], h["end"], m.kind) for m in marks for h in m.hits
                    if h.get("counts") and 0 <= h["start"] < h["end"] <= len(text)})
    out, pos = [], 0
    for start, end, kind in spans:
        if start < pos:
            continue
        out.append((text[pos:start], "", ""))
        out.append((text[start:end], kind, names[kind]))
        pos = end
    out.append((text[pos:], "", ""))
    return [s for s in out if s[0]]


def _mark_rows(marks) -> list[dict]:
    return [{"kind": m.kind, "label": m.label, "present": m.present,
             "screener_present": m.screener_present, "labelled": m.labelled,
             "words": [(h["text"], (h.get("factor") or "").replace("_", " "))
                       for h in m.hits if h.get("counts")],
             "not_counted": list(dict.fromkeys((h["text"], h.get("reason", ""))
                                               for h in m.hits if not h.get("counts")))[:5]}
            for m in marks]


@roles.requires(roles.REVIEW_LOG)
def review(request, pk: int):
    incident = _incident_for(request, pk, roles.REVIEW_LOG)
    context = f"log-review:{incident.pk}"
    existing = LogReview.objects.filter(incident=incident).first()
    if not hasattr(incident, "screening"):
        screening.screen_incident(incident.pk, actor=request.user)
    marks = screening.marks_for(incident.pk)
    form = None
    if request.method == "POST" and request.POST.get("action") == "label":
        kind, present = request.POST.get("kind", ""), request.POST.get("present", "")
        try:
            label = screening.record_label(incident.pk, kind, actor=request.user,
                                           present=present == "yes",
                                           note=request.POST.get("note", ""))
        except screening.ScreeningError as exc:
            messages.error(request, str(exc).capitalize())
        else:
            word = "confirmed" if label.agrees else "corrected"
            messages.success(request, f"{label.get_kind_display()} {word}.")
        return redirect(reverse("controlroom:review", args=[incident.pk]) + "#marks")
    if existing is None:
        form = LogReviewForm(request.POST if request.method == "POST" else None, marks=marks,
                             grade=incident.grade)
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            try:
                made = services.record_log_review(
                    incident, actor=request.user, reviewed_at=timezone.now(),
                    feedback=d["feedback"], findings=form.findings(),
                    regraded_to=d.get("regraded_to") or "",
                    reopen_reason=d.get("reopen_reason") or "", notes=d.get("notes") or "",
                    context=context)
            except RecordInvalid as exc:
                for field, _, reason in exc.problems:
                    form.add_error(field if field in form.fields else None, reason)
            except NotAllowed as exc:
                form.add_error(None, str(exc).capitalize())
            else:
                extra = " A follow-up task is in the LPA's queue." if (
                    made.regraded or made.reopened) else ""
                messages.success(request, f"Review of log {incident.reference} recorded.{extra}")
                return redirect(reverse("controlroom:review", args=[incident.pk]))
    audit.record(request.user, audit.VIEW, incident, context=context,
                 detail={"page": "log review"})
    sample = SampledLog.objects.filter(incident=incident).select_related("taken_by").first()
    return render(request, "controlroom/review.html", {
        "incident": incident, "marks": _mark_rows(marks), "form": form, "review": existing,
        "sample": sample, "segments": _segments(incident.narrative or "", marks)})


# --- The DA desk (Rapid Video Response) -----------------------------------------------------

def _clocks(incident: Incident, now, policy) -> dict:
    rvr_due = incident.reported_at + timedelta(minutes=policy.rvr_target_minutes)
    sla_due = incident.reported_at + timedelta(hours=policy.deployment_sla_hours)
    return {"since": _minutes(now - incident.reported_at), "rvr_due": rvr_due,
            "rvr_late": now > rvr_due, "rvr_by": _minutes(abs(now - rvr_due)),
            "sla_due": sla_due, "sla_late": now > sla_due}


@roles.requires(DESK_VIEW)
def desk(request):
    policy, now = current(), timezone.now()
    since = now - timedelta(hours=policy.da_desk_window_hours)
    qs = _scoped(Incident.objects.select_related("lpa")
                 .filter(grade__in=policy.da_desk_grades, reported_at__gte=since,
                         reported_at__lte=now)
                 .filter(Q(desk_contact__isnull=True)), request.user, "lpa_id")
    qs = qs.order_by("reported_at", "pk")
    page, page_range = _page(request, qs)
    rows = [{"incident": i, **_clocks(i, now, policy)} for i in page]
    audit.record(request.user, audit.VIEW, "controlroom.deskcontact", "",
                 context=audit.context_from_request(request) or "da-desk:triage",
                 detail={"page": page.number})
    return render(request, "controlroom/desk.html", {
        "page": page, "page_range": page_range, "rows": rows, "policy": policy,
        "query": "", "grades": [Incident.Grade(g).label for g in policy.da_desk_grades]})


@roles.requires(DESK_VIEW)
def desk_incident(request, pk: int):
    from vigil.safeguarding.models import Task

    incident = _incident_for(request, pk, DESK_VIEW)
    policy, now = current(), timezone.now()
    context = f"da-desk:{incident.pk}"
    contact = DeskContact.objects.filter(incident=incident).first()
    can_record = contact is None and roles.can(request.user, DESK_RECORD)
    form = None
    if request.method == "POST":
        if not can_record:
            raise roles.deny(request, DESK_RECORD, object_type="incidents.incident",
                             object_id=str(pk),
                             reason="capability" if contact is None else "already recorded")
        form = DeskContactForm(request.POST, incident=incident, now=now)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.record_desk_contact(
                    incident, actor=request.user, at=now,
                    video_contact_at=d.get("video_contact_at"),
                    no_video_reason=d.get("no_video_reason") or "",
                    dash_taken=d["dash_taken"], suicide_screened=d["suicide_screened"],
                    suicide_risk_identified=(d.get("suicide_risk_identified") == "yes"
                                             if d["suicide_screened"] else None),
                    context=context)
            except RecordInvalid as exc:
                for field, _, reason in exc.problems:
                    form.add_error(field if field in form.fields else None, reason)
            except NotAllowed as exc:
                form.add_error(None, str(exc).capitalize())
            else:
                messages.success(request, f"Desk contact for {incident.reference} recorded.")
                return redirect(reverse("controlroom:desk_incident", args=[incident.pk]))
    elif can_record:
        form = DeskContactForm(incident=incident, now=now)
    audit.record(request.user, audit.VIEW, incident, context=context,
                 detail={"page": "DA desk"})
    ra_task = (Task.objects.filter(kind="ra_review", subject=f"incidents.incident:{incident.pk}")
               .order_by("pk").first())
    victims = incident.parties.filter(role="victim").select_related("person")
    return render(request, "controlroom/desk_incident.html", {
        "incident": incident, "contact": contact, "form": form, "ra_task": ra_task,
        "victims": victims, "crimes": incident.crimes.order_by("recorded_at"),
        "policy": policy, **_clocks(incident, now, policy),
        "rvr_minutes": (int((contact.video_contact_at - incident.reported_at)
                            .total_seconds() // 60)
                        if contact and contact.video_contact_at else None)})
