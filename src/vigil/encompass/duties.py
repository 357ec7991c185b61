"""Every child owed an Encompass notification, with the deadline their task has.

The on-time measure's denominator (issue 13): every child aged 4 to 17 (policy) on a DA
incident, whether or not a notification exists, so a child never notified counts as late.
The deadline is the task's (`calendars.Deadlines`, the same term dates and fall-back the
rules use). The analytics snapshot exports these rows pseudonymised (`snapshot_rows`).
"""

from __future__ import annotations

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


def duties(policy=None) -> Iterator[Duty]:
    """One per child of Encompass age on an incident (an unknown age counts, as the task
    does), in party order."""
    from vigil.incidents.models import IncidentParty

    policy = policy or current()
    deadlines = Deadlines(policy)
    start = deadlines.due  # one calendar lookup per authority, day and side of the bell
    cache: dict[tuple, datetime] = {}
    bell = policy.school_day_start
    rows = (IncidentParty.objects.filter(role="child").order_by("id").values_list(
        "id", "incident_id", "person__person_id", "person_id", "incident__reported_at",
        "incident__lpa_id", "school_id", "school__local_authority_id",
        "person__person__date_of_birth"))
    for pid, inc_id, person_id, record_id, reported, lpa_id, school_id, school_la, dob in \
            rows.iterator(chunk_size=20_000):
        local = timezone.localtime(reported)
        if dob is not None and not (policy.encompass_age_from <= age_on(dob, local.date())
                                    <= policy.encompass_age_to):
            continue
        authority = school_la if school_id is not None else lpa_id
        key = (authority, local.date(), local.strftime("%H:%M") < bell)
        due = cache.get(key)
        if due is None:
            due = cache[key] = start(reported, authority)
        yield Duty(pid, inc_id, person_id, record_id, authority, reported, due)


def snapshot_rows(person_key: Callable[[int | None, int | None], str | None]) -> dict:
    out: dict[str, list] = {k: [] for k in ("id", "incident_id", "local_authority_id",
                                             "reported_at", "due_at", "child_key")}
    for d in duties():
        out["id"].append(d.party_id)
        out["incident_id"].append(d.incident_id)
        out["local_authority_id"].append(d.local_authority_id)
        out["reported_at"].append(d.reported_at)
        out["due_at"].append(d.due_at)
        out["child_key"].append(person_key(d.person_id, d.record_id))
    return out
