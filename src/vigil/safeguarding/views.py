"""Team work queues and the ownership actions on their rows: thin views over
queries.py, ownership.py and services.py.

Every action is a plain form POST that redirects back to the page it came from
(`next`: the same filters and page) at the task's row (`#task-<id>`), so it works
without JavaScript and the user keeps their place.
"""

from __future__ import annotations

from datetime import datetime, time

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from vigil.core import audit, roles
from vigil.core import calendar as cal
from vigil.core.models import Area
from vigil.safeguarding import kinds, ownership, queries, references, services
from vigil.safeguarding.models import Task, Team
from vigil.safeguarding.task_forms import has_record_form

PAGE_SIZE = 25


@roles.requires("view_queue:*")
def queues(request):
    now = timezone.now()
    return render(request, "safeguarding/queues.html",
                  {"summaries": queries.queue_summaries(request.user, as_of=now)})


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def choice_or_none(value: str | None, allowed) -> str | None:
    return value if value in allowed else None


def rows_for(user, tasks, now: datetime) -> list[dict]:
    """What the user sees and may do on each task's row."""
    tasks = references.attach(tasks)
    rows = []
    for t in tasks:
        works, supervises = ownership.works(user, t), ownership.supervises(user, t)
        mine = t.claimed_by_id == user.pk
        free = t.claimed_by_id is None
        rows.append({
            "task": t, "overdue": t.due_at < now, "case": queries.subject_link(t),
            "mine": mine, "can_claim": works and free, "can_take_over": works and not (
                free or mine), "can_release": mine or (supervises and not free),
            "can_reschedule": (works and (free or mine)) or supervises,
            "can_assign": supervises, "can_complete": works and (free or mine),
            "records": has_record_form(t.kind),
        })
    return rows


def page_of(request, qs):
    """The requested page of `qs`, and the query string without the page number."""
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()


@roles.requires("view_queue:{team}")
def team_queue(request, team: str):
    if team not in Team.values:
        raise Http404(f"no queue called {team}")
    now = timezone.now()
    lpa_id = _int_or_none(request.GET.get("lpa"))
    kind = request.GET.get("kind") or None
    due = choice_or_none(request.GET.get("due"), queries.DUE_FILTERS)
    holder = choice_or_none(request.GET.get("holder"), queries.HOLDER_FILTERS)
    qs = queries.queue(request.user, team, as_of=now, lpa_id=lpa_id, kind=kind, due=due,
                       holder=holder)
    page, query = page_of(request, qs)
    allowed = roles.area_ids(request.user)
    lpas = Area.objects.filter(kind=Area.Kind.LPA)
    if allowed is not None:
        lpas = lpas.filter(id__in=allowed)
    audit.record(request.user, audit.VIEW, "safeguarding.queue", team,
                 context=audit.context_from_request(request),
                 detail={"lpa": lpa_id, "kind": kind, "due": due, "holder": holder,
                         "page": page.number, "rows": len(page.object_list)})
    return render(request, "safeguarding/queue.html", {
        "team": team, "team_label": Team(team).label, "lpas": lpas,
        "rows": rows_for(request.user, page.object_list, now), "page": page, "query": query,
        "kinds": kinds.choices(queries.kinds_in_queue(request.user, team)), "lpa_id": lpa_id,
        "kind": kind, "due": due, "holder": holder, "due_filters": queries.DUE_FILTERS,
        "holder_filters": queries.HOLDER_FILTERS, "ctx": f"queue:{team}",
        "here": request.get_full_path(),
    })


def back_to(request, default: str, task_id: int | None = None) -> str:
    """Where an action returns: the page it was posted from (same host only), at the row."""
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if not (nxt.startswith("/") and url_has_allowed_host_and_scheme(
            nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure())):
        nxt = default
    nxt = nxt.split("#", 1)[0]
    return f"{nxt}#task-{task_id}" if task_id else nxt


def _task_or_404(request, team: str, pk: int) -> Task:
    """The task, if it is in this queue and in the user's area; else 404 (audited)."""
    task = Task.objects.select_related("claimed_by", "person", "lpa").filter(
        pk=pk, team=team).first()
    if task is None or not ownership.in_area(request.user, task):
        audit.record(request.user, audit.DENIED, "safeguarding.task", pk,
                     context=audit.context_from_request(request),
                     detail={"reason": "not_found_or_out_of_area", "path": request.path})
        raise Http404("no such task in your queues")
    return task


def _act(request, team: str, pk: int, verb: str, action, **kwargs):
    back = back_to(request, reverse("safeguarding:queue", args=[team]), pk)
    _task_or_404(request, team, pk)
    version = _int_or_none(request.POST.get("version"))
    if version is None:
        messages.error(request, "The form was missing the task version; reload and try again.")
        return redirect(back)
    try:
        task = action(pk, actor=request.user, version=version, **kwargs)
    except ownership.OwnershipError as exc:
        messages.error(request, f"Task not {verb}: {exc}.")
        return redirect(back)
    after = {"assigned": f" to {task.claimed_by}; they have a notice",
             "claimed": "; it is in My work", "taken over": "; it is in My work"}
    messages.success(request, f"{verb.capitalize()}: {task.kind_label}{after.get(verb, '')}.")
    return redirect(back)


@require_POST
@roles.requires("view_queue:{team}")
def claim(request, team: str, pk: int):
    take_over = request.POST.get("take_over") == "1"
    return _act(request, team, pk, "taken over" if take_over else "claimed", ownership.claim,
                take_over=take_over)


@require_POST
@roles.requires("view_queue:{team}")
def release(request, team: str, pk: int):
    return _act(request, team, pk, "released", ownership.release)


@roles.requires("view_queue:{team}")
def assign(request, team: str, pk: int):
    task = _task_or_404(request, team, pk)
    if not ownership.supervises(request.user, task):
        raise roles.deny(request, roles.assign_task(team), object_type="safeguarding.task",
                         object_id=str(pk))
    back = back_to(request, reverse("safeguarding:queue", args=[team]), pk)
    if request.method == "POST":
        assignee = _int_or_none(request.POST.get("assignee"))
        if assignee is None:
            error = "Choose the colleague to give this task to"
        else:
            return _act(request, team, pk, "assigned", ownership.assign, assignee_id=assignee)
    else:
        error = ""
    return render(request, "safeguarding/assign.html", {
        "task": references.attach([task])[0], "team": team,
        "assignees": ownership.assignees(task), "error": error, "next": back.split("#")[0],
        "errors": {"assignee": error} if error else {},
        "back": back, "history": task.changes.select_related("actor", "from_user", "to_user"),
    }, status=400 if error else 200)


def _parse_due(post) -> tuple[datetime | None, dict]:
    """The new due time from the GOV.UK date input and a 24-hour time; field errors."""
    errors = {}
    try:
        day = datetime(int(post.get("due-year", "")), int(post.get("due-month", "")),
                       int(post.get("due-day", ""))).date()
    except ValueError:
        errors["due-day"] = "Enter the new due date as a real date, for example 27 3 2026"
        day = None
    try:
        clock = time.fromisoformat((post.get("due-time") or "").strip())
    except ValueError:
        errors["due-time"] = "Enter the time in 24-hour form, for example 17:00"
        clock = None
    if day and clock:
        return cal.local(day, clock), errors
    return None, errors


@roles.requires("view_queue:{team}")
def reschedule(request, team: str, pk: int):
    task = _task_or_404(request, team, pk)
    if not (ownership.works(request.user, task) or ownership.supervises(request.user, task)):
        raise roles.deny(request, roles.complete_task(team), object_type="safeguarding.task",
                         object_id=str(pk))
    back = back_to(request, reverse("safeguarding:queue", args=[team]), pk)
    errors: dict[str, str] = {}
    due = timezone.localtime(task.due_at)
    form = {"day": due.day, "month": due.month, "year": due.year,
            "time": f"{due:%H:%M}", "reason": ""}
    if request.method == "POST":
        form = {"day": request.POST.get("due-day", ""), "month": request.POST.get(
            "due-month", ""), "year": request.POST.get("due-year", ""),
            "time": request.POST.get("due-time", ""), "reason": request.POST.get("reason", "")}
        new_due, errors = _parse_due(request.POST)
        if not form["reason"].strip():
            errors["reason"] = "Say why the task needs a new due date"
        version = _int_or_none(request.POST.get("version"))
        if version is None:
            errors["due-day"] = "The form was missing the task version; reload and try again"
        if not errors:
            try:
                done = ownership.reschedule(pk, actor=request.user, due_at=new_due,
                                            reason=form["reason"], version=version)
            except ownership.OwnershipError as exc:
                errors["due-day"] = str(exc)[:1].upper() + str(exc)[1:]
            else:
                messages.success(request, f"Rescheduled: {done.kind_label}, now due "
                                 f"{timezone.localtime(done.due_at):%d %b %Y %H:%M}.")
                return redirect(back)
    return render(request, "safeguarding/reschedule.html", {
        "task": references.attach([task])[0], "team": team, "form": form, "errors": errors,
        "err": {k.replace("-", "_"): v for k, v in errors.items()},
        "next": back.split("#")[0], "back": back,
        "history": task.changes.select_related("actor", "from_user", "to_user"),
    }, status=400 if errors else 200)


@require_POST
@roles.requires("complete_task:{team}")
def complete(request, team: str, pk: int):
    back = back_to(request, reverse("safeguarding:queue", args=[team]), pk)
    version = _int_or_none(request.POST.get("version"))
    if version is None:
        messages.error(request, "The form was missing the task version; reload and try again.")
        return redirect(back)
    try:
        ownership.assert_may_complete(pk, actor=request.user)
        task = Task.objects.filter(pk=pk).first()
        if task is not None and has_record_form(task.kind):
            # A duty with a record behind it is completed by recording that record, on
            # the task's page; a line of free text here would leave the KPIs blind.
            messages.error(request, f"{task.kind_label} is completed by recording it on "
                                    "the task page.")
            return redirect(task.get_absolute_url())
        task = services.complete_task(pk, actor=request.user, outcome=request.POST.get(
            "outcome", ""), version=version, at=timezone.now())
    except (services.TaskError, ownership.OwnershipError) as exc:
        messages.error(request, f"Task not completed: {exc}.")
        return redirect(back)
    messages.success(request, f"Done: {task.kind_label}.")
    return redirect(back.split("#")[0])
