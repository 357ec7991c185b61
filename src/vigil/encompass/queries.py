"""Read side for Operation Encompass: which notifications a user may open, and the page."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from vigil.core.record_links import record_tasks, scoped
from vigil.encompass.models import EncompassNotification


def visible_notifications(user) -> QuerySet[EncompassNotification]:
    return scoped(user, EncompassNotification.objects.all(), "local_authority")


@dataclass
class NotificationView:
    record: EncompassNotification
    tasks: list


def notification_view(user, pk: int) -> NotificationView | None:
    n = (visible_notifications(user)
         .select_related("incident", "child", "school", "local_authority")
         .filter(pk=pk).first())
    if n is None:
        return None
    return NotificationView(record=n, tasks=record_tasks(user, n))
