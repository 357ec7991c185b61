"""Read side of core: the audit log, filtered for the admin's audit page."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from vigil.core.exports import safe_row
from vigil.core.models import AuditEvent


@dataclass(frozen=True)
class AuditFilter:
    user: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    date_from: str = ""  # ISO dates, inclusive, in the force's time zone
    date_to: str = ""

    @classmethod
    def from_params(cls, params) -> AuditFilter:
        """From a query dict; unknown actions are dropped rather than matching nothing."""
        action = params.get("action", "").strip()
        return cls(
            user=params.get("user", "").strip()[:150],
            action=action if action in AuditEvent.Action.values else "",
            object_type=params.get("object_type", "").strip()[:50],
            object_id=params.get("object_id", "").strip()[:64],
            date_from=_iso_date(params.get("date_from", "")),
            date_to=_iso_date(params.get("date_to", "")),
        )

    def as_detail(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v}


def audit_events(f: AuditFilter) -> QuerySet[AuditEvent]:
    """Newest first. `user` matches the actor name, so system actors can be found too."""
    qs = AuditEvent.objects.select_related("user").order_by("-at", "-id")
    if f.user:
        qs = qs.filter(actor__iexact=f.user)
    if f.action:
        qs = qs.filter(action=f.action)
    if f.object_type:
        qs = qs.filter(object_type=f.object_type.lower())
    if f.object_id:
        qs = qs.filter(object_id=f.object_id)
    if f.date_from:
        qs = qs.filter(at__gte=_start_of(date.fromisoformat(f.date_from)))
    if f.date_to:
        qs = qs.filter(at__lt=_start_of(date.fromisoformat(f.date_to) + timedelta(days=1)))
    return qs


def _iso_date(text: str) -> str:
    """A well-formed date, or nothing (a bad one is dropped, as unknown actions are)."""
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        return ""


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


AUDIT_CSV_HEADER = ["at", "actor", "action", "object_type", "object_id", "context", "detail"]


def audit_csv_lines(events: QuerySet[AuditEvent]):
    """CSV text, a line at a time, with every cell made safe for spreadsheets."""
    import json

    buf = io.StringIO()
    out = csv.writer(buf)

    def line(row):
        out.writerow(safe_row(row))
        text = buf.getvalue()
        buf.seek(0)
        buf.truncate()
        return text

    yield line(AUDIT_CSV_HEADER)
    for e in events.iterator(chunk_size=2000):
        yield line([timezone.localtime(e.at).isoformat(), e.actor, e.action, e.object_type,
                    e.object_id, e.context, json.dumps(e.detail, sort_keys=True)])


def audited_object_types() -> list[str]:
    return list(AuditEvent.objects.exclude(object_type="").order_by("object_type")
                .values_list("object_type", flat=True).distinct())
