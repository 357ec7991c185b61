"""Read side of safeguarding: queues and flags, scoped by the user's role and area."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet

from vigil.core import calendar as cal
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
    unclaimed: int = 0


def queue_summaries(user, *, as_of: datetime) -> list[QueueSummary]:
    teams = roles.teams_for(user)
    counts = {row["team"]: row for row in _scoped(user, Task.objects.filter(
        team__in=teams, status=Task.Status.OPEN)).values("team").annotate(
        open=Count("id"), overdue=Count("id", filter=Q(due_at__lt=as_of)),
        unclaimed=Count("id", filter=Q(claimed_by__isnull=True)))}
    labels = dict(Team.choices)
    empty = {"open": 0, "overdue": 0, "unclaimed": 0}
    return [QueueSummary(t, labels[t], counts.get(t, empty)["open"],
                         counts.get(t, empty)["overdue"], counts.get(t, empty)["unclaimed"])
            for t in teams]


DUE_FILTERS = {"overdue": "Overdue", "today": "Due today", "week": "Due this week"}
HOLDER_FILTERS = {"unclaimed": "Nobody yet", "mine": "Me", "others": "Someone else"}


def due_window(due: str | None, as_of: datetime) -> Q:
    """Overdue: before now. Today / this week: from now to the end of the local day /
    of Sunday, so a filter never mixes late work with work still in time."""
    if due == "overdue":
        return Q(due_at__lt=as_of)
    day = as_of.astimezone(cal.LONDON).date()
    if due == "today":
        return Q(due_at__gte=as_of, due_at__lt=cal.local(day + timedelta(days=1)))
    if due == "week":
        return Q(due_at__gte=as_of,
                 due_at__lt=cal.local(day + timedelta(days=7 - day.weekday())))
    return Q()


def _holder(user, holder: str | None) -> Q:
    if holder == "unclaimed":
        return Q(claimed_by__isnull=True)
    if holder == "mine":
        return Q(claimed_by_id=user.pk)
    if holder == "others":
        return Q(claimed_by__isnull=False) & ~Q(claimed_by_id=user.pk)
    return Q()


def queue(user, team: str, *, as_of: datetime, lpa_id: int | None = None,
          kind: str | None = None, due: str | None = None,
          holder: str | None = None) -> QuerySet:
    """Open tasks of one team the user may see: overdue first, then by due time."""
    if not can_see_team(user, team):
        return Task.objects.none()
    qs = _scoped(user, Task.objects.filter(team=team, status=Task.Status.OPEN))
    if lpa_id:
        qs = qs.filter(lpa_id=lpa_id)
    if kind:
        qs = qs.filter(kind=kind)
    qs = qs.filter(due_window(due, as_of) & _holder(user, holder))
    # Ordered by due time: every overdue task is due before every task still in time.
    return qs.select_related("person", "lpa", "claimed_by").order_by("due_at", "id")


def my_work(user, *, as_of: datetime, due: str | None = None, team: str | None = None
            ) -> QuerySet:
    """Open tasks the user holds, across every team they work, in their area."""
    teams = roles.teams_for(user, "complete_task")
    if team:
        teams = [t for t in teams if t == team]
    qs = _scoped(user, Task.objects.filter(status=Task.Status.OPEN, claimed_by_id=user.pk,
                                           team__in=teams))
    return qs.filter(due_window(due, as_of)).select_related(
        "person", "lpa", "claimed_by").order_by("due_at", "id")


@dataclass(frozen=True)
class MyQueue:
    team: str
    label: str
    open: int
    overdue: int


def my_work_by_queue(user, *, as_of: datetime) -> list[MyQueue]:
    """How many open and overdue tasks the user holds in each team they work."""
    counts = {row["team"]: row for row in my_work(user, as_of=as_of).order_by()
              .values("team").annotate(open=Count("id"),
                                       overdue=Count("id", filter=Q(due_at__lt=as_of)))}
    labels = dict(Team.choices)
    return [MyQueue(t, labels[t], counts[t]["open"], counts[t]["overdue"])
            for t in roles.teams_for(user, "complete_task") if t in counts]


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
