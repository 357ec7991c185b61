"""My work (the tasks I hold, across my teams) and my notices."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from vigil.core import audit, roles
from vigil.safeguarding import kinds, queries, references
from vigil.safeguarding import notices as notice_service
from vigil.safeguarding.models import Team
from vigil.safeguarding.views import back_to, choice_or_none, page_of, rows_for


@roles.requires("complete_task:*")
def my_work(request):
    now = timezone.now()
    user = request.user
    due = choice_or_none(request.GET.get("due"), queries.DUE_FILTERS)
    team = choice_or_none(request.GET.get("team"), roles.teams_for(user, "complete_task"))
    page, query = page_of(request, queries.my_work(user, as_of=now, due=due, team=team))
    audit.record(user, audit.VIEW, "safeguarding.my_work", "",
                 context=audit.context_from_request(request),
                 detail={"due": due, "team": team, "page": page.number,
                         "rows": len(page.object_list)})
    labels = dict(Team.choices)
    return render(request, "safeguarding/my_work.html", {
        "rows": rows_for(user, page.object_list, now), "page": page, "query": query,
        "due": due, "team": team, "due_filters": queries.DUE_FILTERS,
        "teams": [(t, labels[t]) for t in roles.teams_for(user, "complete_task")],
        "by_queue": queries.my_work_by_queue(user, as_of=now), "ctx": "my-work",
        "here": request.get_full_path(), "show_team": True,
    })


@roles.requires("view_queue:*")
def notices(request):
    user = request.user
    show = choice_or_none(request.GET.get("show"), {"unread"})
    qs = notice_service.visible(user)
    if show:
        qs = qs.filter(read_at__isnull=True)
    page, query = page_of(request, qs)
    items = list(page.object_list)
    refs = references.source_references(n.task.subject for n in items)
    audit.record(user, audit.VIEW, "safeguarding.notices", "",
                 context=audit.context_from_request(request),
                 detail={"page": page.number, "rows": len(items)})
    return render(request, "safeguarding/notices.html", {
        "items": [{"notice": n, "label": kinds.label(n.task.kind),
                   "ref": refs.get(n.task.subject, ""),
                   "overdue": n.task.due_at < timezone.now()} for n in items],
        "page": page, "query": query, "show": show,
        "unread": notice_service.unread_count(user),
        "digest": notice_service.digest_enabled(user), "has_email": bool(user.email),
        "here": request.get_full_path(),
    })


@require_POST
@roles.requires("view_queue:*")
def mark_read(request):
    ids = [int(i) for i in request.POST.getlist("notice") if i.isdigit()]
    n = notice_service.mark_read(actor=request.user, notice_ids=ids or None)
    messages.success(request, f"{n} notice{'s' if n != 1 else ''} marked as read.")
    return redirect(back_to(request, reverse("work:notices")))


@require_POST
@roles.requires("view_queue:*")
def digest(request):
    enabled = request.POST.get("email_digest") == "1"
    if enabled and not request.user.email:
        messages.error(request, "Your account has no email address; ask an administrator to "
                       "add one before you turn on the digest.")
        return redirect(reverse("work:notices"))
    notice_service.set_digest(actor=request.user, enabled=enabled)
    messages.success(request, "Daily email digest turned " + ("on." if enabled else "off."))
    return redirect(reverse("work:notices"))


def home_panel(request) -> dict | None:
    """Home: my tasks by queue, my teams' counts, unread notices (core.home.HOME_PANELS)."""
    user = request.user
    if not roles.can(user, "view_queue:*"):
        return None
    now = timezone.now()
    unread = notice_service.visible(user).filter(read_at__isnull=True)
    return {
        "works": roles.can(user, "complete_task:*"),
        "mine": queries.my_work_by_queue(user, as_of=now),
        "team_counts": queries.queue_summaries(user, as_of=now),
        "unread": unread.count(), "latest": list(unread[:3]),
    }
