"""The task page: what the task is, why, its evidence, and the form that completes it."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import capfirst

from vigil.core import audit, records, roles
from vigil.core.records import NotAllowed, RecordInvalid
from vigil.safeguarding import ownership, queries, services
from vigil.safeguarding.models import Task
from vigil.safeguarding.task_forms import PlainOutcomeForm, form_class, resolve


def _task_for(request, pk: int) -> Task:
    """The task, if the user may see its team's queue and its area (refusals audited)."""
    task = Task.objects.select_related("lpa", "person", "claimed_by").filter(pk=pk).first()
    if task is None:
        raise Http404("no such task")
    needed = roles.view_queue(task.team)
    if not roles.can(request.user, needed):
        raise roles.deny(request, needed, object_type="safeguarding.task", object_id=str(pk))
    if task.lpa_id is not None and not roles.in_scope(request.user, [task.lpa_id]):
        raise roles.deny(request, needed, object_type="safeguarding.task", object_id=str(pk),
                         reason="area")
    return task


# Where a model's own name is not the one the force uses.
LABELS = {"disclosure.dvdsapplication": "Clare's Law application",
          "disclosure.dvdsstep": "Clare's Law step", "marac.maracreferral": "MARAC referral",
          "marac.maracaction": "MARAC action",
          "risk.riskassessment": "Risk assessment (DASH)"}


def describe(reference: str) -> dict:
    """A record reference as a person reads it: its kind and the force's own reference."""
    record = resolve(reference)
    if record is None:
        return {"label": reference.replace("_", " "), "ref": "", "url": "", "summary": ""}
    kind = LABELS.get(record._meta.label_lower) or record._meta.verbose_name.capitalize()
    own = getattr(record, "reference", "") or getattr(record, "source_ref", "")
    if getattr(record, "source_system", "") == records.VIGIL:
        own = records.human_reference(record)  # no source reference: when and by whom
    url = record.get_absolute_url() if hasattr(record, "get_absolute_url") else ""
    return {"label": kind, "ref": own.replace(":", " "), "url": url,
            "summary": getattr(record, "summary", "")}


def task_detail(request, pk: int):
    task = _task_for(request, pk)
    context = f"task:{task.pk}"
    can_complete = (task.status == Task.Status.OPEN
                    and roles.can(request.user, roles.complete_task(task.team)))
    form_type = form_class(task.kind)
    form = None
    if request.method == "POST":
        if not can_complete:
            raise roles.deny(request, roles.complete_task(task.team),
                             object_type="safeguarding.task", object_id=str(pk),
                             reason="capability" if task.status == Task.Status.OPEN
                             else f"task {task.status}")
        form = form_type(task, request.POST)
        version = request.POST.get("version", "")
        if form.is_valid():
            try:
                ownership.assert_may_complete(task.pk, actor=request.user)
                task, made = services.record_and_complete(
                    task.pk, actor=request.user, form=form,
                    version=int(version) if version.isdigit() else -1,
                    at=timezone.now(), context=context)
            except RecordInvalid as exc:
                for field, _, reason in exc.problems:
                    form.add_error(field if field in form.fields else None, reason)
            except (services.TaskError, NotAllowed, ownership.OwnershipError) as exc:
                form.add_error(None, str(exc).capitalize())
            else:
                if hasattr(form, "after_save"):  # the record has a next step (review)
                    message, url = form.after_save(made)
                    messages.success(request, message)
                    return redirect(url)
                what = getattr(form, "record_label", "outcome")
                messages.success(request, f"{capfirst(what)} recorded. The task is "
                                          f"{task.get_status_display().split(' (')[0].lower()}.")
                return redirect(task.get_absolute_url())
    elif can_complete:
        form = form_type(task)
    audit.record(request.user, audit.VIEW, task, context=audit.context_from_request(request)
                 or context, detail={"kind": task.kind, "status": task.status})
    subject = queries.subject_link(task)
    outcome_refs = [describe(task.outcome)] if resolve(task.outcome) else []
    return render(request, "safeguarding/task_detail.html", {
        "task": task, "form": form, "plain": isinstance(form, PlainOutcomeForm),
        "overdue": task.status == Task.Status.OPEN and task.due_at < timezone.now(),
        "subject": describe(task.subject), "subject_link": subject,
        "evidence": [describe(e) for e in task.evidence], "outcome_refs": outcome_refs,
        "ctx": context,
    })
