"""School calendars per local authority, read from the stored term dates.

The rules read the same rows through the History (safeguarding.history) and build the
same calendars (`rules.calendar_for`), so a page, the triage list, the analytics snapshot
and the task all give one deadline: 08:30 (policy) on the next school day of the child's
school's local authority, falling back to the force's calendar for years not given.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from vigil.core import calendar as cal
from vigil.core.models import School
from vigil.core.policy import current
from vigil.encompass.models import SchoolTerm


def calendars(policy=None) -> dict[int | None, cal.SchoolCalendar]:
    """authority id -> its calendar; key None (and any authority without terms) -> the
    force's calendar. One query; build it once per page or job."""
    policy = policy or current()
    base = cal.force_school_calendar(policy.school_day_start)
    rows = defaultdict(list)
    for term in SchoolTerm.objects.order_by("starts_on"):
        rows[term.local_authority_id].append((term.school_year, term.starts_on, term.ends_on,
                                              term.half_term_starts, term.half_term_ends))
    out: dict[int | None, cal.SchoolCalendar] = {None: base}
    for authority, items in rows.items():
        out[authority] = cal.SchoolCalendar(cal.terms_from_rows(items), base.day_starts_at,
                                            fallback=base)
    return out


class Deadlines:
    """The Encompass deadline for a child: the next school day's start in the authority of
    the child's school (or the incident's, for home education and unknown schools)."""

    def __init__(self, policy=None):
        self._calendars = calendars(policy)
        self._school_authority: dict[int, int] = {}

    def authority(self, school_id: int | None, incident_lpa_id: int) -> int:
        if school_id is None:
            return incident_lpa_id
        if school_id not in self._school_authority:
            self._school_authority.update(School.objects.filter(
                pk=school_id).values_list("pk", "local_authority_id"))
        return self._school_authority.get(school_id, incident_lpa_id)

    def due(self, reported_at: datetime, authority: int | None) -> datetime:
        calendar = self._calendars.get(authority) or self._calendars[None]
        return calendar.next_school_day_start(reported_at)

    def due_for(self, reported_at: datetime, school_id: int | None,
                incident_lpa_id: int) -> datetime:
        return self.due(reported_at, self.authority(school_id, incident_lpa_id))
