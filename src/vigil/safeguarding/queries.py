"""Read side of safeguarding: queues and flags, scoped by the user's role and area."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet

from vigil.core import roles
from vigil.safeguarding.models import Flag, Task, Team

SUBJECT_LINKS = {"incidents.incident": "incidents:detail"}


def _scoped(user, qs: QuerySet) -> QuerySet:
    allowed = roles.area_ids(user)
    if allowed is None:
        return qs
    return qs.filter(lpa_id__in=allowed)


def can_see_team(user, team: str) -> bool:
    return team in Team.values and roles.can(user, roles.view_queue(team))


@dataclass(frozen=True)
class QueueSummary:
    team: str
    label: str
    open: int
    overdue: int


def queue_summaries(user, *, as_of: datetime) -> list[QueueSummary]:
    teams = roles.teams_for(user)
    counts = {row["team"]: row for row in _scoped(user, Task.objects.filter(
        team__in=teams, status=Task.Status.OPEN)).values("team").annotate(
        open=Count("id"), overdue=Count("id", filter=Q(due_at__lt=as_of)))}
    labels = dict(Team.choices)
    return [QueueSummary(t, labels[t], counts.get(t, {}).get("open", 0),
                         counts.get(t, {}).get("overdue", 0)) for t in teams]


def queue(user, team: str, *, as_of: datetime, lpa_id: int | None = None,
          kind: str | None = None) -> QuerySet:
    """Open tasks of one team the user may see: overdue first, then by due time."""
    if not can_see_team(user, team):
        return Task.objects.none()
    qs = _scoped(user, Task.objects.filter(team=team, status=Task.Status.OPEN))
    if lpa_id:
        qs = qs.filter(lpa_id=lpa_id)
    if kind:
        qs = qs.filter(kind=kind)
    # Ordered by due time: every overdue task is due before every task still in time.
    return qs.select_related("person", "lpa").order_by("due_at", "id")


def kinds_in_queue(user, team: str) -> list[str]:
    if not can_see_team(user, team):
        return []
    return sorted(set(_scoped(user, Task.objects.filter(team=team, status=Task.Status.OPEN))
                      .values_list("kind", flat=True)))


def subject_link(task: Task) -> tuple[str, int] | None:
    """(URL name, pk) of the case page a task is about, when there is one."""
    kind, _, pk = task.subject.partition(":")
    if kind in SUBJECT_LINKS and pk.isdigit():
        return SUBJECT_LINKS[kind], int(pk)
    return None


def person_flags(person_id: int, *, as_of: datetime) -> list[Flag]:
    """The person's flags in force at `as_of`, most serious kinds first, with evidence."""
    flags = Flag.objects.filter(person_id=person_id, raised_at__lte=as_of).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=as_of))
    order = ["risk_high", "marac_eligible", "escalation", "serial_perpetrator",
             "repeat_victim", "vulnerable_victim", "risk_medium", "risk_standard"]
    return sorted(flags, key=lambda f: (order.index(f.kind) if f.kind in order else 99,
                                        -f.raised_at.timestamp()))
