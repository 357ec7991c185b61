"""Operation Encompass pages: the notification (review, send, what was sent), the daily
triage per local authority, and the children's social care screening."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from vigil.core import audit, roles
from vigil.core.record_links import record_page
from vigil.core.records import NotAllowed, RecordInvalid
from vigil.encompass import queries, services
from vigil.encompass.models import ChildScreening, EncompassNotification

PAGE_SIZE = 25

notification_detail = record_page("encompass/notification_detail.html",
                                  queries.notification_view, EncompassNotification)
screening_detail = record_page("encompass/screening_detail.html", queries.screening_view,
                               ChildScreening)


@require_POST
@roles.requires(roles.complete_task("encompass"))
def send_notification(request, pk: int):
    note = (queries.visible_notifications(request.user)
            .select_related("incident", "child", "school", "local_authority").filter(pk=pk)
            .first())
    if note is None:
        raise Http404("No such notification in your area.")
    try:
        note = services.send(note, actor=request.user, at=timezone.now(),
                             context=f"encompass.encompassnotification:{pk}")
    except (RecordInvalid, NotAllowed) as exc:
        reasons = [p[2] for p in exc.problems] if isinstance(exc, RecordInvalid) else [str(exc)]
        for reason in reasons:
            messages.error(request, reason[:1].upper() + reason[1:])
    else:
        if note.notified_at:
            messages.success(request, f"Sent to {note.sent_to}. The school has been told.")
        else:
            messages.success(request, f"Sent to the outbox for {note.sent_to}. The task turns "
                                      "Met when the mail server accepts it.")
    return redirect("encompass:notification", pk=pk)


@never_cache
@roles.requires(roles.view_queue("encompass"))
def triage(request):
    """The daily triage: per local authority, the children still to notify, earliest
    deadline first."""
    areas = queries.triage_areas(request.user)
    raw = request.GET.get("area", "")
    lpa_id = int(raw) if raw.isdigit() and areas.filter(pk=int(raw)).exists() else None
    qs = queries.still_to_notify(request.user, lpa_id)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    audit.record(request.user, audit.VIEW, "encompass.triage", str(lpa_id or ""),
                 context=audit.context_from_request(request),
                 detail={"area": lpa_id, "page": page.number, "rows": len(page.object_list)})
    return render(request, "encompass/triage.html", {
        "areas": areas, "lpa_id": lpa_id, "counts": queries.triage_counts(request.user),
        "rows": queries.triage_rows(page.object_list), "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number),
        "query": params.urlencode(), "now": timezone.now(), "ctx": "encompass:triage",
    })
