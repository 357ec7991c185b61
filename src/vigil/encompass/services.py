"""Operation Encompass and children's social care: the write path from the web app and jobs.

Notifications are composed from the permitted fields only (`compose_message`), reviewed
by the officer and sent through the shared outbox (`vigil.core.mail`): the stored subject,
body and recipient are exactly what the Key Adult receives. The school is told when the
mail server accepts the email (`record_deliveries`, run after each send and every minute
by the worker); a refusal is retried by the outbox and a failure shows on the
notification, the triage list and the task.
"""

from __future__ import annotations

import csv
import io
import logging
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from vigil.core import audit, mail, records, roles
from vigil.core.checks import RecordInvalid
from vigil.core.errors import CommandError
from vigil.core.models import Area, School
from vigil.core.record_links import ref_of
from vigil.encompass import checks
from vigil.encompass.models import (
    ChildScreening,
    EncompassNotification,
    LocalAuthorityContact,
    SchoolTerm,
)
from vigil.incidents.models import Incident
from vigil.people.models import SourceRecord

log = logging.getLogger(__name__)
WHAT = "encompass.encompassnotification"
D = EncompassNotification.Destination


def _authorise(actor, incident: Incident, what: str = WHAT) -> None:
    records.authorise(actor, roles.complete_task("encompass"), [incident.lpa_id], what=what)


# --- composing --------------------------------------------------------------------------

def _when(value: datetime) -> str:
    return timezone.localtime(value).strftime("%A %-d %B %Y, %H:%M")


def compose_message(note: EncompassNotification) -> tuple[str, str]:
    """(subject, body) from the permitted fields only (domain.md, Operation Encompass):
    the child, date of birth, police reference, date, time and place, whether the child
    was present, the voice of the child and brief circumstances. Nothing else of the
    record (no names of adults, no risk level, no narrative) is ever in the text."""
    child, incident = note.child, note.incident
    dob = child.date_of_birth.strftime("%-d %B %Y") if child.date_of_birth else "Not known"
    name = f"{child.forename} {child.surname}".strip() or "Not known"
    place = incident.location or incident.postcode or "Not recorded"
    to = note.recipient_name + ("" if note.school_id else "")
    lines = [
        "OFFICIAL-SENSITIVE",
        "",
        "Operation Encompass notification",
        f"For: {to}",
        "",
        f"Child: {name}",
        f"Date of birth: {dob}",
        f"Police reference: {incident.reference}",
        f"Date and time: {_when(incident.reported_at)}",
        f"Place: {place}",
        f"Child present: {'Yes' if note.child_present else 'No'}",
        f"Voice of the child: {note.voice_of_child or 'Not recorded'}",
        "",
        "Brief circumstances:",
        note.circumstances,
        "",
        "This notification is shared under Operation Encompass (a statutory duty since "
        "7 November 2025) so that the school can support the child. Keep it securely, share "
        "it only with staff who need it to support the child, and do not discuss it with the "
        "family without advice from the police or the local authority.",
    ]
    if note.destination == D.SCHOOL_NOT_KNOWN:
        lines += ["", "The police do not know this child's school: please pass this "
                      "notification to the child's school's Key Adult."]
    subject = (f"{mail.MARKING}: Operation Encompass notification, police reference "
               f"{incident.reference}")
    return subject, "\n".join(lines)


def compose(incident: Incident, child: SourceRecord, *, actor, destination: str,
            school: School | None, child_present: bool, circumstances: str, at: datetime,
            voice_of_child: str = "", context: str = "") -> EncompassNotification:
    """Compose (or recompose, until it is sent) the notification for one child; not sent."""
    _authorise(actor, incident)
    note = (EncompassNotification.objects.filter(
        incident=incident, child__person_id=child.person_id).first()
        if child.person_id else
        EncompassNotification.objects.filter(incident=incident, child=child).first())
    if note is not None and (note.notified_at or (note.queued_at and not (
            note.email_id and note.email.status == "failed"))):
        raise RecordInvalid([("", "", "this child's notification has already been sent; "
                                      "it cannot be changed")])
    note = note or EncompassNotification(incident=incident, child=child)
    problems = []
    if destination == D.SCHOOL and school is None:
        problems.append(("school", "", "choose the school, or say the child is educated at "
                                       "home or the school is not known"))
    if destination != D.SCHOOL:
        school = None
    note.destination, note.school = destination, school
    note.local_authority_id = school.local_authority_id if school else incident.lpa_id
    note.child_present = child_present
    note.circumstances, note.voice_of_child = circumstances.strip(), voice_of_child.strip()
    if not note.circumstances:
        problems.append(("circumstances", "", "say briefly what the Key Adult needs to know"))
    note.composed_at, note.composed_by = at, records.actor_name(actor)
    if not problems:
        note.subject, note.body = compose_message(note)
    # No rule reads a composed, unsent notification: the rules answer when it is sent.
    return records.save(note, actor=actor, person_ids=(), as_of=at, context=context,
                        problems=problems)


def notify_school(incident: Incident, child: SourceRecord, *, actor, school: School | None,
                  child_present: bool, circumstances: str, notified_at: datetime,
                  voice_of_child: str = "", context: str = "") -> EncompassNotification:
    """Record a notification made outside the outbox (by phone or in person, e.g. after
    the email was refused): the school (or, with no school, the local authority for a
    child educated at home) was told at `notified_at`. One per child and incident."""
    _authorise(actor, incident)
    note = EncompassNotification.objects.filter(
        incident=incident, child__person_id=child.person_id).first() if child.person_id else None
    if note is not None and note.notified_at:
        raise RecordInvalid([("", "", "this child's school has already been notified")])
    note = note or EncompassNotification(incident=incident, child=child)
    note.school = school
    note.destination = D.SCHOOL if school else D.HOME_EDUCATED
    note.local_authority_id = school.local_authority_id if school else incident.lpa_id
    note.child_present, note.circumstances = child_present, circumstances.strip()
    note.voice_of_child = voice_of_child.strip()
    note.notified_at, note.notified_by = notified_at, records.actor_name(actor)
    problems = []
    if notified_at < incident.reported_at:
        problems.append(("notified_at", notified_at, "the notification is before the incident"))
    return records.save(note, actor=actor, person_ids={child.person_id}, as_of=notified_at,
                        context=context, problems=problems)


# --- sending ----------------------------------------------------------------------------

def recipient(note: EncompassNotification) -> tuple[str, str]:
    """(address, why not) for a notification: the school's Key Adult, or the authority's
    Encompass address for a child educated at home or with no known school."""
    if note.school_id:
        address = note.school.key_adult_email
        return address, "" if address else (
            f"{note.school.name} has no Key Adult email address. Ask the school for it and "
            "ask an administrator to add it to the school's record, then send.")
    contact = LocalAuthorityContact.objects.filter(
        local_authority_id=note.local_authority_id).first()
    address = contact.encompass_email if contact else ""
    return address, "" if address else (
        f"{note.local_authority} has no Encompass email address for the local authority. "
        "Ask an administrator to add it (local authority contacts), then send.")


def send(note: EncompassNotification, *, actor, at: datetime | None = None,
         context: str = "") -> EncompassNotification:
    """Send the composed notification to its recipient through the outbox, as reviewed."""
    at = at or timezone.now()
    _authorise(actor, note.incident)
    failed = note.email_id is not None and note.email.status == "failed"
    if note.notified_at or (note.queued_at and not failed):
        raise RecordInvalid([("", "", "this notification has already been sent")])
    if not note.body:
        raise RecordInvalid([("", "", "compose the notification before sending it")])
    address, why_not = recipient(note)
    if not address:
        audit.record(actor, audit.UPDATE, note, context=context,
                     detail={"refused": "no address", "reason": why_not})
        raise RecordInvalid([("sent_to", "", why_not)])
    with transaction.atomic():
        try:
            email = mail.queue(purpose="encompass", to=[address], subject=note.subject,
                               body=note.body, actor=actor, reference=ref_of(note),
                               area=note.local_authority, at=at)
        except CommandError as exc:
            raise RecordInvalid([("sent_to", address, str(exc))]) from None
        note.sent_to, note.sent_by, note.queued_at, note.email = (
            ", ".join(email.to), records.actor_name(actor), at, email)
        note.subject = email.subject  # as the outbox marked it: exactly what was sent
        _delivered(note)
        return records.save(note, actor=actor, person_ids={note.child.person_id}, as_of=at,
                            context=context, detail={"sent_to": note.sent_to})


def _delivered(note: EncompassNotification) -> bool:
    email = note.email
    if email is None:
        return False
    email.refresh_from_db()
    if email.status == "sent" and email.sent_at and not note.notified_at:
        note.notified_at, note.notified_by = email.sent_at, note.sent_by
        return True
    return False


def record_deliveries() -> int:
    """Notifications whose email the mail server has since accepted: told at that time
    (the task turns Met). The worker runs it every minute; returns how many."""
    done = 0
    for note in (EncompassNotification.objects.select_related("email", "child")
                 .filter(notified_at__isnull=True, email__status="sent")):
        if _delivered(note):
            records.save(note, actor="job:encompass", person_ids={note.child.person_id},
                         as_of=note.notified_at, context="mail:encompass")
            done += 1
    for screening in (ChildScreening.objects.select_related("incident")
                      .filter(referred_at__isnull=True, referral_email__status="sent")):
        screening.referred_at = screening.referral_email.sent_at
        screening.referred_by = screening.referred_by or "job:encompass"
        records.save(screening, actor="job:encompass", person_ids=_incident_persons(
            screening.incident), as_of=screening.referred_at, context="mail:encompass")
        done += 1
    return done


def deliveries_job() -> int:
    return record_deliveries()


def on_email_failed(sender, email, **kwargs) -> None:
    """An Encompass email refused for good: the rules re-read the child so the open task
    says so (phone the Key Adult, send again); the notification page shows the error."""
    if email.purpose not in ("encompass", "csc_referral"):
        return
    from vigil.core.signals import records_imported

    note = (EncompassNotification.objects.filter(email=email).select_related("child").first())
    persons = ({note.child.person_id} - {None}) if note else set()
    screening = ChildScreening.objects.filter(referral_email=email).select_related(
        "incident").first()
    if screening:
        persons |= _incident_persons(screening.incident)
    if persons:
        records_imported.send(sender=EncompassNotification, person_ids=frozenset(persons),
                              as_of=timezone.now())


# --- children's social care ---------------------------------------------------------------

def _incident_persons(incident: Incident) -> set:
    return {p for p in incident.parties.values_list("person__person_id", flat=True) if p}


def screen(incident: Incident, *, actor, decision: str, reasons: str, at: datetime,
           context: str = "") -> ChildScreening:
    """Record the screening of a DA incident with children and its decision."""
    _authorise(actor, incident, "encompass.childscreening")
    problems = []
    if not incident.parties.filter(role="child").exists():
        problems.append(("incident", incident.reference, "the incident has no child"))
    if at < incident.reported_at:
        problems.append(("screened_at", at, "the screening is before the incident"))
    screening = ChildScreening(incident=incident, local_authority_id=incident.lpa_id,
                               screened_at=at, screened_by=records.actor_name(actor),
                               decision=decision, reasons=reasons.strip())
    if ChildScreening.objects.filter(incident=incident).exists():
        problems.append(("incident", incident.reference, "this incident is already screened"))
    if not screening.reasons:
        problems.append(("reasons", "", "give the reasons for the decision"))
    return records.save(screening, actor=actor, person_ids=_incident_persons(incident),
                        as_of=at, context=context, problems=problems)


def referral_message(screening: ChildScreening, concerns: str) -> tuple[str, str]:
    """The multi-agency referral form as sent: the incident, the children, the decision."""
    incident = screening.incident
    children = [p.person for p in incident.parties.select_related("person", "school")
                .filter(role="child").order_by("id")]
    lines = ["OFFICIAL-SENSITIVE", "", "Multi-agency referral form: children's social care",
             f"Police reference: {incident.reference}",
             f"Date and time of the incident: {_when(incident.reported_at)}",
             f"Place: {incident.location or incident.postcode or 'Not recorded'}", "",
             "Children:"]
    for child in children:
        dob = child.date_of_birth.strftime("%-d %B %Y") if child.date_of_birth else "not known"
        lines.append(f"- {child.forename} {child.surname} (born {dob})")
    lines += ["", f"Screening decision: {screening.get_decision_display()} "
                  f"({_when(screening.screened_at)}, {screening.screened_by})",
              "Reasons:", screening.reasons, "", "Concerns and what is asked of children's "
              "social care:", concerns.strip()]
    return (f"{mail.MARKING}: Referral to children's social care, police reference "
            f"{incident.reference}",
            "\n".join(lines))


def refer(screening: ChildScreening, *, actor, concerns: str, at: datetime | None = None,
          context: str = "") -> ChildScreening:
    """Send the referral (multi-agency referral form) to the authority's children's front
    door through the outbox; referred when the mail server accepts it."""
    at = at or timezone.now()
    incident = screening.incident
    _authorise(actor, incident, "encompass.childscreening")
    problems = []
    if screening.decision != ChildScreening.Decision.REFER:
        problems.append(("decision", screening.decision, "the screening did not decide to refer"))
    if screening.referral_queued_at:
        problems.append(("", "", "the referral has already been sent"))
    if not concerns.strip():
        problems.append(("concerns", "", "say what the concerns are and what is asked"))
    contact = LocalAuthorityContact.objects.filter(
        local_authority_id=screening.local_authority_id).first()
    address = contact.childrens_services_email if contact else ""
    if not address and not problems:
        problems.append(("referral_to", "", f"{screening.local_authority} has no children's "
                         "social care (MASH) email address. Ask an administrator to add it "
                         "(local authority contacts)."))
    if problems:
        raise RecordInvalid(problems)
    subject, body = referral_message(screening, concerns)
    with transaction.atomic():
        email = mail.queue(purpose="csc_referral", to=[address], subject=subject, body=body,
                           actor=actor, reference=ref_of(screening),
                           area=screening.local_authority, at=at)
        email.refresh_from_db()
        screening.referral_to, screening.referral_subject = ", ".join(email.to), email.subject
        screening.referral_body, screening.referral_queued_at = body, at
        screening.referral_email, screening.referred_by = email, records.actor_name(actor)
        if email.status == "sent":
            screening.referred_at = email.sent_at
        return records.save(screening, actor=actor, person_ids=_incident_persons(incident),
                            as_of=at, context=context, detail={"sent_to": address})


# --- term dates ---------------------------------------------------------------------------

TERM_COLUMNS = ("local_authority", "school_year", "term", "starts_on", "ends_on",
                "half_term_starts", "half_term_ends")


def import_terms(text: str, *, actor, source: str = "upload") -> int:
    """Term dates from CSV (columns TERM_COLUMNS; local_authority is the LPA's code or its
    local authority's name). All or nothing: any bad row refuses the whole file with every
    problem named by line and column. Rows replace the stored term of the same authority,
    year and term. Returns how many rows were stored."""
    if not isinstance(actor, str) and not roles.can(actor, roles.ADMIN):
        records.authorise(actor, roles.ADMIN, [], what="encompass.schoolterm")
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in TERM_COLUMNS[:5] if c not in (reader.fieldnames or [])]
    if missing:
        raise CommandError(f"{source}: missing column(s) {', '.join(missing)}; expected "
                           f"{', '.join(TERM_COLUMNS)}")
    authorities = {}
    for area in Area.objects.filter(kind="lpa"):
        authorities[area.code.lower()] = area
        if area.local_authority:
            authorities[area.local_authority.lower()] = area
    problems, rows = [], []
    for line, raw in enumerate(reader, start=2):
        def bad(column, value, reason, line=line):
            problems.append(f"{source}, line {line}, column {column}: {value!r}: {reason}")
        values: dict = {}
        area = authorities.get((raw.get("local_authority") or "").strip().lower())
        if area is None:
            bad("local_authority", raw.get("local_authority"), "no such local authority")
        try:
            values["school_year"] = int((raw.get("school_year") or "").strip())
        except ValueError:
            bad("school_year", raw.get("school_year"), "not a year such as 2026")
        values["term"] = (raw.get("term") or "").strip().lower()
        if values["term"] not in SchoolTerm.Name.values:
            bad("term", raw.get("term"), "must be autumn, spring or summer")
        for column in TERM_COLUMNS[3:]:
            text_value = (raw.get(column) or "").strip()
            if not text_value:
                if column in ("starts_on", "ends_on"):
                    bad(column, text_value, "required")
                values[column] = None
                continue
            try:
                values[column] = date.fromisoformat(text_value)
            except ValueError:
                bad(column, text_value, "not a date (YYYY-MM-DD)")
                values[column] = None
        if values.get("starts_on") and values.get("ends_on") and \
                values["ends_on"] < values["starts_on"]:
            bad("ends_on", values["ends_on"].isoformat(), "the term ends before it starts")
        for column, value, reason in checks.check_term(values):
            bad(column, str(value), reason)
        rows.append((line, area, values))
    if not problems:
        problems += _overlaps(rows, source)
    if problems:
        raise CommandError("Term dates refused, nothing stored:\n" + "\n".join(problems))
    with transaction.atomic():
        for _, area, values in rows:
            term, created = SchoolTerm.objects.update_or_create(
                local_authority=area, school_year=values["school_year"], term=values["term"],
                defaults={k: values[k] for k in TERM_COLUMNS[3:]})
            audit.record(actor, audit.CREATE if created else audit.UPDATE, term,
                         context=f"import:{source}"[:120])
        moved = refresh_open_deadlines(actor=actor, context=f"import:{source}"[:120])
    if moved:
        log.info("%s open Encompass deadlines moved to new term dates", moved)
    return len(rows)


def refresh_open_deadlines(*, actor, context: str = "") -> int:
    """Open Encompass tasks due by term dates since changed: due by the new dates (a task a
    user rescheduled keeps its own time). Audited per task; returns how many moved."""
    from vigil.encompass.calendars import Deadlines
    from vigil.incidents.models import IncidentParty
    from vigil.safeguarding.models import Task

    deadlines = Deadlines()
    tasks = list(Task.objects.filter(kind="encompass", status=Task.Status.OPEN,
                                     original_due_at__isnull=True))
    incident_ids = {int(t.subject.partition(":")[2]) for t in tasks
                    if t.subject.startswith("incidents.incident:")}
    parties = {(p.incident_id, p.person.person_id): p for p in IncidentParty.objects.filter(
        incident_id__in=incident_ids, role="child").select_related("person", "incident")}
    moved = 0
    for task in tasks:
        party = parties.get((int(task.subject.partition(":")[2]), task.person_id))
        if party is None:
            continue
        due = deadlines.due_for(party.incident.reported_at, party.school_id,
                                party.incident.lpa_id)
        if due != task.due_at and due >= task.starts_at:
            before = task.due_at
            Task.objects.filter(pk=task.pk).update(due_at=due, version=task.version + 1)
            audit.record(actor, audit.UPDATE, task, context=context,
                         detail={"due_before": before.isoformat(), "due_after": due.isoformat(),
                                 "because": "school term dates changed"})
            moved += 1
    return moved


def _overlaps(rows, source) -> list[str]:
    """No two terms of one authority overlap, counting the stored ones not replaced."""
    by_area: dict = {}
    for line, area, v in rows:
        by_area.setdefault(area.pk, {})[(v["school_year"], v["term"])] = (
            f"line {line}", v["starts_on"], v["ends_on"])
    out = []
    for area_id, given in by_area.items():
        stored = {(t.school_year, t.term): (f"the stored {t.term} {t.school_year} term",
                                            t.starts_on, t.ends_on)
                  for t in SchoolTerm.objects.filter(local_authority_id=area_id)}
        stored.update(given)
        for _, value, reason in checks.check_terms_do_not_overlap(list(stored.values())):
            out.append(f"{source}: starts_on {value}: {reason}")
    return out
