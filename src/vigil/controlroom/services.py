"""The control room's write path from the web app: a DA specialist's log review, taking
a sampled log, and the DA desk's contact record (Rapid Video Response)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from vigil.controlroom.models import DeskContact, LogReview, SampledLog
from vigil.core import audit, records, roles
from vigil.core import calendar as cal
from vigil.core.policy import current
from vigil.incidents.models import Incident

FINDINGS = ("positive_feedback", "regraded", "reopened", "risk_assessment_feedback",
            "reassurance_given", "asked_support_services", "children_identified",
            "key_risk_factors_asked", "victim_blaming_language")
MAX_TEXT = 2000
FOLLOWUP_TEAM = "local_policing"


def _persons(incident: Incident) -> set[int]:
    return set(incident.parties.values_list("person__person_id", flat=True))


def take_sample(sample: SampledLog, *, actor, at: datetime) -> SampledLog:
    """A specialist takes a sampled log to review (no colleague reviews it too)."""
    records.authorise(actor, roles.REVIEW_LOG, [sample.incident.lpa_id],
                      what="controlroom.sampledlog")
    with transaction.atomic():
        locked = SampledLog.objects.select_for_update().get(pk=sample.pk)
        if locked.taken_by_id and locked.taken_by_id != actor.pk:
            raise records.RecordInvalid([("taken_by", str(locked.taken_by),
                                          f"{locked.taken_by} has already taken this log")])
        locked.taken_by, locked.taken_at = actor, at
        locked.save(update_fields=["taken_by", "taken_at"])
        audit.record(actor, audit.UPDATE, locked, context="log-review:take",
                     detail={"incident": sample.incident.reference})
    return locked


def record_log_review(incident: Incident, *, actor, reviewed_at: datetime, feedback: str,
                      findings: set[str], regraded_to: str = "", reopen_reason: str = "",
                      notes: str = "", context: str = "") -> LogReview:
    """Review a control-room log (Raneem's Law). `findings` are the yes answers.

    A regrade names the new grade and a reopen says why; either is acted on at once: a
    follow-up task in the LPA's queue, due by the new grade (policy log_followup_hours).
    """
    records.authorise(actor, roles.REVIEW_LOG, [incident.lpa_id], what="controlroom.logreview")
    findings = set(findings)
    problems = []
    unknown = findings - set(FINDINGS)
    if unknown:
        problems.append(("findings", ", ".join(sorted(unknown)), "not a log-review finding"))
    if feedback not in LogReview.Feedback.values:
        problems.append(("feedback", feedback, "choose direct, via line manager, live or none"))
    reopen_reason, notes = (reopen_reason or "").strip(), (notes or "").strip()
    if "regraded" in findings and regraded_to not in Incident.Grade.values:
        problems.append(("regraded_to", regraded_to, "choose the grade the log was regraded to"))
    if "regraded" in findings and regraded_to == incident.grade:
        problems.append(("regraded_to", regraded_to, "that is the log's own grade"))
    if "reopened" in findings and not reopen_reason:
        problems.append(("reopen_reason", "", "say why the log was reopened"))
    for name, text in (("reopen_reason", reopen_reason), ("notes", notes)):
        if len(text) > MAX_TEXT:
            problems.append((name, f"{len(text)} characters", f"at most {MAX_TEXT} characters"))
    if LogReview.objects.filter(incident=incident).exists():
        problems.append(("incident", incident.reference, "this log has already been reviewed"))
    review = LogReview(incident=incident, reviewed_at=reviewed_at,
                       reviewer=records.actor_name(actor), feedback=feedback,
                       regraded_to=regraded_to if "regraded" in findings else "",
                       reopen_reason=reopen_reason if "reopened" in findings else "",
                       notes=notes, **{f: f in findings for f in FINDINGS})
    with transaction.atomic():
        review = records.save(review, actor=actor, person_ids=_persons(incident),
                              as_of=reviewed_at, context=context, problems=problems)
        if review.regraded or review.reopened:
            _follow_up(review, incident, actor)
    return review


def _follow_up(review: LogReview, incident: Incident, actor) -> None:
    """Act on a regrade or reopen: a task for the LPA to re-attend or re-contact."""
    from vigil.safeguarding.models import Task

    policy = current()
    grade = review.regraded_to or incident.grade
    hours = dict(policy.log_followup_hours).get(grade, 24)
    what = (f"regraded to {Incident.Grade(review.regraded_to).label}" if review.regraded_to
            else "reopened")
    victim = (incident.parties.filter(role="victim").order_by("person_id")
              .values_list("person__person_id", flat=True).first())
    log_ref = f"incidents.incident:{incident.pk}"
    task = Task.objects.create(
        key=f"log_followup:{log_ref}", kind="log_followup", team=FOLLOWUP_TEAM,
        lpa_id=incident.lpa_id, person_id=victim, subject=log_ref,
        reason=(f"Log {incident.reference} {what} after a DA specialist's review: "
                f"re-attend or re-contact the victim"
                + (f" ({review.reopen_reason[:120]})" if review.reopen_reason else ""))[:300],
        rule="log_review_followup", policy_version=policy.version,
        evidence=[log_ref, f"controlroom.logreview:{review.pk}"],
        # Real elapsed hours: a London-aware time plus a timedelta would count wall-clock
        # hours, one too many or too few across a clock change.
        starts_at=review.reviewed_at, due_at=cal.add_elapsed_hours(review.reviewed_at, hours))
    audit.record(actor, audit.CREATE, task, context="log-review:followup",
                 detail={"grade": grade, "due_hours": hours})


def record_desk_contact(incident: Incident, *, actor, at: datetime,
                        video_contact_at: datetime | None, no_video_reason: str = "",
                        dash_taken: bool, suicide_screened: bool,
                        suicide_risk_identified: bool | None = None,
                        context: str = "") -> DeskContact:
    """The DA desk's record of a new incident: the video contact (or why none), the DASH
    and the DA suicide-risk screening."""
    records.authorise(actor, roles.complete_task("referral_allocation"), [incident.lpa_id],
                      what="controlroom.deskcontact")
    problems = []
    no_video_reason = (no_video_reason or "").strip()
    if video_contact_at is None and not no_video_reason:
        problems.append(("no_video_reason", "", "say why there was no video contact"))
    if video_contact_at is not None:
        if video_contact_at < incident.reported_at:
            problems.append(("video_contact_at", video_contact_at,
                             "before the call was made"))
        if video_contact_at > at:
            problems.append(("video_contact_at", video_contact_at, "in the future"))
    if not suicide_screened:
        suicide_risk_identified = None
    elif suicide_risk_identified is None:
        problems.append(("suicide_risk_identified", "", "say whether a suicide risk was "
                                                        "identified"))
    if DeskContact.objects.filter(incident=incident).exists():
        problems.append(("incident", incident.reference, "the desk has already recorded "
                                                         "this incident"))
    contact = DeskContact(incident=incident, recorded_at=at, officer=records.actor_name(actor),
                          video_contact_at=video_contact_at,
                          no_video_reason="" if video_contact_at else no_video_reason,
                          dash_taken=dash_taken, suicide_screened=suicide_screened,
                          suicide_risk_identified=suicide_risk_identified)
    return records.save(contact, actor=actor, person_ids=_persons(incident), as_of=at,
                        context=context, problems=problems)
