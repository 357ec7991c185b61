"""Every child owed an Encompass notification, with the deadline their task has.

The on-time measure's denominator (issue 13): every child aged 4 to 17 (policy) on a DA
incident, whether or not a notification exists, so a child never notified counts as late.
The deadline is the task's (`calendars.Deadlines`, the same term dates and fall-back the
rules use). The analytics snapshot exports these rows pseudonymised (`snapshot_rows`).

A notification is the child's when it names the same person (linked) or the same source
record; before linkage has run, one on the same incident naming a child of the same date
of birth and surname, or the only notification for the only child on the incident.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from vigil.core.checks import age_on
from vigil.core.policy import current
from vigil.encompass.calendars import Deadlines


@dataclass(frozen=True)
class Duty:
    party_id: int
    incident_id: int
    person_id: int | None
    record_id: int
    local_authority_id: int
    reported_at: datetime
    due_at: datetime
    notified_at: datetime | None


def _notifications() -> dict[int, list[tuple]]:
    from vigil.encompass.models import EncompassNotification

    out = defaultdict(list)
    for row in EncompassNotification.objects.values_list(
            "incident_id", "child__person_id", "child_id", "child__date_of_birth",
            "child__surname", "notified_at").iterator(chunk_size=20_000):
        out[row[0]].append(row[1:])
    return out


def match(notes: list[tuple], person_id, record_id, dob, surname, only_child: bool):
    """The notification (person, record, dob, surname, notified_at) that is this child's."""
    for n in notes:
        if (person_id is not None and n[0] == person_id) or n[1] == record_id:
            return n
    for n in notes:
        if dob is not None and n[2] == dob and n[3].casefold() == surname.casefold():
            return n
    return notes[0] if only_child and len(notes) == 1 else None


def duties(policy=None) -> Iterator[Duty]:
    """One per child of Encompass age on an incident (an unknown age counts, as the task
    does), in party order."""
    from vigil.incidents.models import IncidentParty

    policy = policy or current()
    deadlines = Deadlines(policy)
    notes = _notifications()
    children = Counter(IncidentParty.objects.filter(role="child").values_list(
        "incident_id", flat=True).iterator(chunk_size=20_000))
    cache: dict[tuple, datetime] = {}  # one lookup per authority, day and side of the bell
    bell = policy.school_day_start
    rows = (IncidentParty.objects.filter(role="child").order_by("id").values_list(
        "id", "incident_id", "person__person_id", "person_id", "incident__reported_at",
        "incident__lpa_id", "school_id", "school__local_authority_id",
        "person__person__date_of_birth", "person__date_of_birth", "person__surname"))
    for (pid, inc_id, person_id, record_id, reported, lpa_id, school_id, school_la, dob,
         record_dob, surname) in rows.iterator(chunk_size=20_000):
        local = timezone.localtime(reported)
        if dob is not None and not (policy.encompass_age_from <= age_on(dob, local.date())
                                    <= policy.encompass_age_to):
            continue
        authority = school_la if school_id is not None else lpa_id
        key = (authority, local.date(), local.strftime("%H:%M") < bell)
        due = cache.get(key)
        if due is None:
            due = cache[key] = deadlines.due(reported, authority)
        note = match(notes.get(inc_id, ()), person_id, record_id, record_dob, surname,
                     children[inc_id] == 1)
        yield Duty(pid, inc_id, person_id, record_id, authority, reported, due,
                   note[4] if note else None)


def snapshot_rows(person_key: Callable[[int | None, int | None], str | None]) -> dict:
    out: dict[str, list] = {k: [] for k in ("id", "incident_id", "local_authority_id",
                                             "reported_at", "due_at", "notified_at",
                                             "child_key")}
    for d in duties():
        out["id"].append(d.party_id)
        out["incident_id"].append(d.incident_id)
        out["local_authority_id"].append(d.local_authority_id)
        out["reported_at"].append(d.reported_at)
        out["due_at"].append(d.due_at)
        out["notified_at"].append(d.notified_at)
        out["child_key"].append(person_key(d.person_id, d.record_id))
    return out
