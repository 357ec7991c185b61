"""State changes in analytics: RAG overrides and audited exports."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction

from vigil.analytics.models import RagOverride
from vigil.analytics.rag import COMMITMENTS
from vigil.core.models import AuditEvent


class AnalyticsError(ValueError):
    """A user-facing error with a message naming what was wrong."""


@transaction.atomic
def override_rag(*, actor: str, user=None, commitment: str, period_end: date, computed: str,
                 rating: str, reason: str, at: datetime) -> RagOverride:
    """Record an analyst's RAG rating in place of the computed one, with the reason."""
    if commitment not in COMMITMENTS:
        raise AnalyticsError(f"unknown commitment {commitment!r}; "
                             f"known: {', '.join(COMMITMENTS)}")
    valid = RagOverride.Rating.values
    for name, value in (("rating", rating), ("computed", computed or "green")):
        if value not in valid:
            raise AnalyticsError(f"{name} {value!r} must be one of {', '.join(valid)}")
    if not reason.strip():
        raise AnalyticsError("an override needs a reason")
    row = RagOverride.objects.create(commitment=commitment, period_end=period_end,
                                     computed=computed or "", rating=rating, reason=reason.strip(),
                                     set_by=user, actor=actor, set_at=at)
    AuditEvent.objects.create(at=at, user=user, actor=actor, action=AuditEvent.Action.UPDATE,
                              object_type="analytics.ragoverride", object_id=str(row.pk),
                              context=f"board report {period_end:%b %Y}",
                              detail={"commitment": commitment, "computed": computed,
                                      "rating": rating, "reason": row.reason})
    return row


def overrides_for(period_end: date) -> dict[str, RagOverride]:
    """The latest override per commitment for the report ending in `period_end`'s month."""
    out: dict[str, RagOverride] = {}
    for row in RagOverride.objects.filter(period_end=period_end).order_by("set_at", "id"):
        out[row.commitment] = row
    return out


def record_export(*, actor: str, user=None, what: str, fmt: str, at: datetime,
                  context: str = "", detail: dict | None = None) -> None:
    """Every download of figures is an export in the audit log."""
    AuditEvent.objects.create(at=at, user=user, actor=actor, action=AuditEvent.Action.EXPORT,
                              object_type="analytics.kpi", object_id=what[:64],
                              context=context[:300], detail={"format": fmt, **(detail or {})})
