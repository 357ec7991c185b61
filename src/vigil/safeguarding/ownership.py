"""Who works a task and when it is due: claim, release, assign, take over, reschedule.

Each change is one transaction holding the task row, the history row (TaskChange)
and the audit row. Every change takes the version the user saw and bumps it, so
the optimistic lock that guards completion also sees a claim: two officers cannot
both work one task without one of them being told. A refusal (role, area, a task
someone else holds) writes nothing but a `denied` audit row.

Who may do what (vigil.core.roles):
- a team member (complete_task:<team>) claims an open task nobody holds, releases
  their own, takes over a colleague's only by saying so (`take_over=True`), and
  reschedules a task they hold or nobody holds;
- a supervisor (assign_task:<team>) also assigns to a named colleague who works
  that team in the task's area, and reschedules or releases any task in the queue.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from vigil.core import audit, roles
from vigil.core.policy import current
from vigil.safeguarding.models import Notice, Task, TaskChange

REASON_MAX = TaskChange._meta.get_field("reason").max_length


class OwnershipError(Exception):
    """A change of owner or due time cannot be made; the message says why."""


class Refused(OwnershipError):
    """The actor may not make this change (role, area, someone else's task). Audited."""


class HeldByAnother(Refused):
    """Another officer holds the task; take it over explicitly to work it."""


class Stale(Refused):
    """The task changed since the user saw it (optimistic locking)."""


def _now(at: datetime | None) -> datetime:
    at = at or timezone.now()
    if at.tzinfo is None:
        raise OwnershipError(f"time must be timezone-aware, got {at}")
    return at


def in_area(user, task: Task) -> bool:
    """Whether the task is in the user's area (force-wide users: every task)."""
    allowed = roles.area_ids(user)
    return allowed is None or task.lpa_id in allowed


def works(user, task: Task) -> bool:
    return roles.can(user, roles.complete_task(task.team)) and in_area(user, task)


def supervises(user, task: Task) -> bool:
    return roles.can(user, roles.assign_task(task.team)) and in_area(user, task)


def holder_text(task: Task) -> str:
    when = timezone.localtime(task.claimed_at).strftime("%d %b %H:%M") if task.claimed_at \
        else ""
    return f"{task.claimed_by} has had this task since {when}" if when else \
        f"{task.claimed_by} has this task"


def _check_open(task: Task, version: int) -> None:
    if task.status != Task.Status.OPEN:
        raise OwnershipError(f"the task is already {task.get_status_display().lower()}")
    if task.version != version:
        who = f" ({holder_text(task)})" if task.claimed_by_id else ""
        raise Stale("someone changed this task since you opened it" + who
                    + "; look at it again before you act")


def _save(task: Task, actor, at: datetime, action: str, *, fields: dict,
          detail: dict, **change) -> Task:
    """Write the change, its history row and its audit row; bump the version."""
    updated = Task.objects.filter(pk=task.pk, version=task.version).update(
        version=task.version + 1, **fields)
    if not updated:  # SQLite has no row lock: the conditional update is the lock
        raise Stale("someone changed this task a moment ago; look at it again")
    for name, value in fields.items():
        setattr(task, name, value)
    task.version += 1
    TaskChange.objects.create(task=task, at=at, actor=actor, action=action, **change)
    audit.record(actor, audit.UPDATE, task, context=f"queue:{task.team}",
                 detail={"action": action, "kind": task.kind, **detail}, at=at)
    return task


def _run(task_id: int, actor, action: str, change: Callable[[Task], Task]) -> Task:
    """Run `change` on the locked task in one transaction; audit a refusal outside it."""
    try:
        with transaction.atomic():
            task = (Task.objects.select_for_update(of=("self",)).select_related("claimed_by")
                    .filter(pk=task_id).first())
            if task is None:
                raise OwnershipError(f"task {task_id} does not exist")
            return change(task)
    except Refused as exc:
        audit.record(actor, audit.DENIED, "safeguarding.task", task_id,
                     context=f"ownership:{action}",
                     detail={"action": action, "reason": str(exc),
                             "refusal": type(exc).__name__})
        raise


def claim(task_id: int, *, actor, version: int, take_over: bool = False,
          at: datetime | None = None) -> Task:
    """Take a task to work. Taking a colleague's needs `take_over=True` (audited)."""
    at = _now(at)

    def change(task: Task) -> Task:
        if not works(actor, task):
            raise Refused(f"your role or area cannot work {task.get_team_display()} tasks"
                          " here")
        _check_open(task, version)
        held_by = task.claimed_by
        if held_by is not None and held_by.pk == actor.pk:
            raise OwnershipError("you already have this task")
        if held_by is not None and not take_over:
            raise HeldByAnother(f"{holder_text(task)}; take it over if you mean to work it")
        action = TaskChange.Action.TAKE_OVER if held_by is not None else TaskChange.Action.CLAIM
        return _save(task, actor, at, action, fields={"claimed_by": actor, "claimed_at": at},
                     detail={"from": held_by.get_username() if held_by else None},
                     from_user=held_by, to_user=actor)

    return _run(task_id, actor, "claim", change)


def release(task_id: int, *, actor, version: int, at: datetime | None = None) -> Task:
    """Put a task back in the queue for anyone: its holder, or a supervisor."""
    at = _now(at)

    def change(task: Task) -> Task:
        if not (works(actor, task) or supervises(actor, task)):
            raise Refused(f"your role or area cannot work {task.get_team_display()} tasks"
                          " here")
        _check_open(task, version)
        held_by = task.claimed_by
        if held_by is None:
            raise OwnershipError("nobody has this task")
        if held_by.pk != actor.pk and not supervises(actor, task):
            raise HeldByAnother(f"{holder_text(task)}; only they or a supervisor can "
                                "release it")
        return _save(task, actor, at, TaskChange.Action.RELEASE,
                     fields={"claimed_by": None, "claimed_at": None},
                     detail={"from": held_by.get_username()}, from_user=held_by)

    return _run(task_id, actor, "release", change)


def assignees(task: Task):
    """Colleagues a supervisor may give this task to: active, working its team, in its area."""
    users = get_user_model().objects.filter(is_active=True).select_related("area")
    roles_working = [r for r, caps in roles.ROLE_CAPABILITIES.items()
                     if roles.complete_task(task.team) in caps]
    users = users.filter(Q(area__isnull=True) | Q(area_id=task.lpa_id), role__in=roles_working)
    return users.order_by("last_name", "first_name", "username")


def assign(task_id: int, *, actor, assignee_id: int, version: int,
           at: datetime | None = None) -> Task:
    """A supervisor gives a task to a named colleague, who gets a notice."""
    at = _now(at)

    def change(task: Task) -> Task:
        if not supervises(actor, task):
            raise Refused(f"only a supervisor of {task.get_team_display()} in this area can "
                          "assign its tasks")
        _check_open(task, version)
        assignee = assignees(task).filter(pk=assignee_id).first()
        if assignee is None:
            raise OwnershipError("choose a colleague who works this team in this task's area")
        held_by = task.claimed_by
        if held_by is not None and held_by.pk == assignee.pk:
            raise OwnershipError(f"{assignee} already has this task")
        task = _save(task, actor, at, TaskChange.Action.ASSIGN,
                     fields={"claimed_by": assignee, "claimed_at": at},
                     detail={"to": assignee.get_username(),
                             "from": held_by.get_username() if held_by else None},
                     from_user=held_by, to_user=assignee)
        if assignee.pk != actor.pk:
            Notice.objects.create(key=f"assigned:{task.pk}:{task.version}", user=assignee,
                                  task=task, kind=Notice.Kind.ASSIGNED, created_at=at)
        return task

    return _run(task_id, actor, "assign", change)


def reschedule(task_id: int, *, actor, due_at: datetime, reason: str, version: int,
               at: datetime | None = None) -> Task:
    """Move a task's due time, with a reason. The rules' due time is kept for the KPIs."""
    at = _now(at)
    reason = (reason or "").strip()
    if not reason:
        raise OwnershipError("give a reason for the new due date")
    if len(reason) > REASON_MAX:
        raise OwnershipError(f"the reason is {len(reason)} characters; keep it to {REASON_MAX}")
    if due_at.tzinfo is None:
        raise OwnershipError(f"the new due time must be timezone-aware, got {due_at}")
    limit = current().task_reschedule_max_days

    def change(task: Task) -> Task:
        if not (works(actor, task) or supervises(actor, task)):
            raise Refused(f"your role or area cannot work {task.get_team_display()} tasks"
                          " here")
        _check_open(task, version)
        if task.claimed_by_id not in (None, actor.pk) and not supervises(actor, task):
            raise HeldByAnother(f"{holder_text(task)}; only they or a supervisor can "
                                "reschedule it")
        if due_at <= at:
            raise OwnershipError("the new due date must be in the future")
        if due_at > at + timedelta(days=limit):
            raise OwnershipError(f"the new due date must be within {limit} days")
        if due_at == task.due_at:
            raise OwnershipError("the new due date is the same as the current one")
        before = task.due_at
        return _save(task, actor, at, TaskChange.Action.RESCHEDULE,
                     fields={"due_at": due_at, "original_due_at": task.kpi_due_at},
                     detail={"from": before.isoformat(), "to": due_at.isoformat(),
                             "reason": reason[:200]},
                     due_before=before, due_after=due_at, reason=reason)

    return _run(task_id, actor, "reschedule", change)


def assert_may_complete(task_id: int, *, actor) -> None:
    """Refuse (audited) to complete a task another officer holds.

    Call just before completing, outside its transaction (so the refusal's audit
    row stays): the completion's own version check covers a claim made after
    this read, because every claim bumps the version.
    """
    task = Task.objects.select_related("claimed_by").filter(pk=task_id).first()
    if task is None or task.claimed_by_id in (None, getattr(actor, "pk", None)):
        return
    exc = HeldByAnother(f"{holder_text(task)}; take it over before you complete it")
    audit.record(actor, audit.DENIED, "safeguarding.task", task_id,
                 context="ownership:complete",
                 detail={"action": "complete", "reason": str(exc), "refusal": "HeldByAnother"})
    raise exc
