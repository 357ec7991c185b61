"""Team work queues: thin views over queries.py and services.py."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from vigil.core import audit, roles
from vigil.core.models import Area
from vigil.safeguarding import queries, services
from vigil.safeguarding.models import Team


@roles.requires("view_queue:*")
def queues(request):
    now = timezone.now()
    return render(request, "safeguarding/queues.html",
                  {"summaries": queries.queue_summaries(request.user, as_of=now)})


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@roles.requires("view_queue:{team}")
def team_queue(request, team: str):
    if team not in Team.values:
        raise Http404(f"no queue called {team}")
    now = timezone.now()
    lpa_id = _int_or_none(request.GET.get("lpa"))
    kind = request.GET.get("kind") or None
    tasks = list(queries.queue(request.user, team, as_of=now, lpa_id=lpa_id, kind=kind)[:500])
    rows = [{"task": t, "overdue": t.due_at < now, "case": queries.subject_link(t)}
            for t in tasks]
    allowed = roles.area_ids(request.user)
    lpas = Area.objects.filter(kind=Area.Kind.LPA)
    if allowed is not None:
        lpas = lpas.filter(id__in=allowed)
    audit.record(request.user, audit.VIEW, "safeguarding.queue", team,
                 context=audit.context_from_request(request),
                 detail={"lpa": lpa_id, "kind": kind, "rows": len(rows)})
    return render(request, "safeguarding/queue.html", {
        "team": team, "team_label": Team(team).label, "rows": rows, "lpas": lpas,
        "kinds": queries.kinds_in_queue(request.user, team), "lpa_id": lpa_id, "kind": kind,
        "can_complete": roles.can(request.user, roles.complete_task(team)),
        "ctx": f"queue:{team}",
    })


@require_POST
@roles.requires("complete_task:{team}")
def complete(request, team: str, pk: int):
    back = reverse("safeguarding:queue", args=[team])
    version = _int_or_none(request.POST.get("version"))
    if version is None:
        messages.error(request, "The form was missing the task version; reload and try again.")
        return redirect(back)
    try:
        task = services.complete_task(pk, actor=request.user, outcome=request.POST.get(
            "outcome", ""), version=version, at=timezone.now())
    except services.TaskError as exc:
        messages.error(request, f"Task not completed: {exc}.")
        return redirect(back)
    messages.success(request, f"Done: {task.reason}")
    return redirect(back)
