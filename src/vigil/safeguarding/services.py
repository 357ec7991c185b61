"""Safeguarding services: completing a task from a queue; the totals the rules have written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Count, Q

from vigil.core import audit, roles
from vigil.safeguarding.models import Flag, Task


class TaskError(Exception):
    """A task cannot be completed as asked; the message says why."""


class StaleTask(TaskError):
    """Someone else changed the task since it was shown (optimistic locking)."""


@transaction.atomic
def complete_task(task_id: int, *, actor, outcome: str, version: int, at: datetime) -> Task:
    """Mark a task done by a named user with an outcome.

    `version` is the version the user saw; if the task changed since, nothing is
    written and StaleTask is raised, so two people never overwrite each other.
    """
    outcome = (outcome or "").strip()
    if not outcome:
        raise TaskError("an outcome is required to complete a task")
    if at.tzinfo is None:
        raise TaskError(f"completion time must be timezone-aware, got {at}")
    task = Task.objects.filter(pk=task_id).first()
    if task is None:
        raise TaskError(f"task {task_id} does not exist")
    if not roles.can(actor, roles.complete_task(task.team)):
        audit.refused(actor, roles.complete_task(task.team), task, reason="capability")
        raise TaskError(f"your role cannot complete {task.get_team_display()} tasks")
    if not roles.in_scope(actor, [task.lpa_id]) and task.lpa_id is not None:
        audit.refused(actor, roles.complete_task(task.team), task, reason="out_of_area")
        raise TaskError("this task belongs to another area")
    if task.status != Task.Status.OPEN:
        raise TaskError(f"task is already {task.get_status_display().lower()}")
    updated = Task.objects.filter(pk=task_id, version=version, status=Task.Status.OPEN).update(
        status=Task.Status.DONE, completed_by=actor, completed_at=at, outcome=outcome[:2000],
        version=version + 1)
    if not updated:
        raise StaleTask("the task was changed by someone else since you opened it; "
                        "reload the queue and try again")
    task.refresh_from_db()
    audit.record(actor, audit.UPDATE, task, context=f"queue:{task.team}",
                 detail={"status": "done", "outcome": outcome[:200], "kind": task.kind,
                         "overdue": at > task.due_at}, at=at)
    return task


@dataclass(frozen=True)
class Totals:
    tasks: int
    open_tasks: int
    flags: int


def totals() -> Totals:
    """How many tasks (and of them open) and flags the rules have written so far."""
    counts = Task.objects.aggregate(tasks=Count("id"),
                                    open_tasks=Count("id", filter=Q(status=Task.Status.OPEN)))
    return Totals(counts["tasks"], counts["open_tasks"], Flag.objects.count())


def record_and_complete(task_id: int, *, actor, form, version: int, at: datetime,
                        context: str = "") -> tuple[Task, object]:
    """Complete a task by recording what it asks for (its kind's form, task_forms.py).

    The form's save makes the record through its team's service, which lets the rules
    answer: a task the record meets turns Met with the record as its outcome. A record
    the rules do not read (a QA review, a decision not to refer) completes the task as
    done by the user, naming the record. All in one transaction; a stale version or a
    refused record writes nothing.
    """
    from vigil.safeguarding.task_forms import PlainOutcomeForm

    with transaction.atomic():
        task = Task.objects.select_for_update().filter(pk=task_id).first()
        if task is None:
            raise TaskError(f"task {task_id} does not exist")
        if not roles.can(actor, roles.complete_task(task.team)):
            raise TaskError(f"your role cannot complete {task.get_team_display()} tasks")
        if task.lpa_id is not None and not roles.in_scope(actor, [task.lpa_id]):
            raise TaskError("this task belongs to another area")
        if task.status != Task.Status.OPEN:
            raise TaskError(f"task is already {task.get_status_display().lower()}")
        if task.version != version:
            raise StaleTask("the task was changed by someone else since you opened it; "
                            "reload the page and try again")
        if isinstance(form, PlainOutcomeForm):
            return complete_task(task_id, actor=actor, outcome=form.outcome_text(),
                                 version=version, at=at), None
        made = form.save(actor=actor, at=at, context=context)
        task.refresh_from_db()
        reference = (f"{made._meta.label_lower}:{made.pk}" if hasattr(made, "_meta")
                     else str(made))
        # A form whose record is a step towards the duty (a composed notification, sent
        # after review) leaves the task open; the rules close it when the duty is met.
        if task.status == Task.Status.OPEN and getattr(form, "completes_task", True):
            task = complete_task(task_id, actor=actor, outcome=reference, version=task.version,
                                 at=at)
        if hasattr(made, "_meta") and reference not in task.evidence:
            # The record the user made is the task's evidence, whatever the rule names.
            Task.objects.filter(pk=task_id).update(evidence=[*task.evidence, reference],
                                                   version=task.version + 1)
            task.refresh_from_db()
        return task, made
