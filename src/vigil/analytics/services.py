"""State changes in analytics: official RAG ratings, audited exports, the board report's
cover, leads, commentary and editions. Each audited in the same transaction."""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction

from vigil.analytics.models import (
    Commentary,
    CommitmentLead,
    RagOverride,
    ReportCover,
    ReportEdition,
)
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


def _audit(*, at, user, actor, action, object_type, object_id, context="", detail=None):
    AuditEvent.objects.create(at=at, user=user, actor=actor, action=action,
                              object_type=object_type, object_id=str(object_id)[:64],
                              context=context[:300], detail=detail or {})


COVER_FIELDS = ("meeting", "meeting_date", "agenda_item", "presented_by", "author")


@transaction.atomic
def set_cover(*, actor: str, user=None, year: str, at: datetime, **fields) -> ReportCover:
    """The cover details for a year's reports (meeting, date, agenda item, presenter,
    author)."""
    from vigil.analytics.pack import parse_financial_year

    try:
        parse_financial_year(year)
    except ValueError as exc:
        raise AnalyticsError(str(exc)) from None
    unknown = set(fields) - set(COVER_FIELDS)
    if unknown:
        raise AnalyticsError(f"unknown cover fields: {', '.join(sorted(unknown))}")
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
    for name in ("meeting", "presented_by", "author"):
        if len(values.get(name) or "") > 200:
            raise AnalyticsError(f"{name.replace('_', ' ')} is longer than 200 characters")
    if len(values.get("agenda_item") or "") > 50:
        raise AnalyticsError("agenda item is longer than 50 characters")
    cover, _ = ReportCover.objects.update_or_create(
        year=year, defaults={**values, "updated_by": actor, "updated_at": at})
    _audit(at=at, user=user, actor=actor, action=AuditEvent.Action.UPDATE,
           object_type="analytics.reportcover", object_id=year, context="board report cover",
           detail={k: str(v) for k, v in values.items()})
    return cover


@transaction.atomic
def set_lead(*, actor: str, user=None, commitment: str, lead, at: datetime) -> CommitmentLead:
    """Name the SMT lead who writes a commitment's commentary."""
    from vigil.core import roles

    if commitment not in COMMITMENTS:
        raise AnalyticsError(f"unknown commitment {commitment!r}; known: "
                             f"{', '.join(COMMITMENTS)}")
    if lead is None or not lead.is_active or not roles.can(lead, roles.VIEW_DASHBOARDS):
        raise AnalyticsError("the lead must be an active user who can see the dashboards")
    row, _ = CommitmentLead.objects.update_or_create(
        commitment=commitment, defaults={"user": lead, "set_by": actor, "set_at": at})
    _audit(at=at, user=user, actor=actor, action=AuditEvent.Action.UPDATE,
           object_type="analytics.commitmentlead", object_id=commitment,
           context=f"lead for ref {commitment}", detail={"lead": lead.username})
    return row


def current_commentary(year: str) -> dict[str, Commentary]:
    out: dict[str, Commentary] = {}
    for row in Commentary.objects.filter(year=year).order_by("commitment", "version"):
        out[row.commitment] = row
    return out


class CommentaryConflict(AnalyticsError):
    """Someone else saved the commentary since this editor opened it."""

    def __init__(self, latest: Commentary):
        self.latest = latest
        super().__init__(
            f"{latest.actor} saved a newer version (version {latest.version}, "
            f"{latest.saved_at:%d %B %Y %H:%M}) while you were editing; your text was not "
            "saved. Their version is shown: merge your changes into it and save again.")


def save_commentary(*, actor: str, user, commitment: str, year: str, text: str,
                    base_version: int, at: datetime) -> Commentary:
    """Save a new version of the commentary, written by the commitment's lead.

    `base_version` is the version the editor started from (0 for none). If another
    version was saved since, nothing is overwritten: CommentaryConflict names it.
    """
    from vigil.analytics.pack import parse_financial_year

    if commitment not in COMMITMENTS:
        raise AnalyticsError(f"unknown commitment {commitment!r}")
    try:
        parse_financial_year(year)
    except ValueError as exc:
        raise AnalyticsError(str(exc)) from None
    lead = CommitmentLead.objects.filter(commitment=commitment).first()
    if lead is None or user is None or lead.user_id != user.pk:
        raise AnalyticsError(f"only the SMT lead for ref {commitment} writes its commentary")
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise AnalyticsError("the commentary is empty")
    if len(text) > 6000:
        raise AnalyticsError(f"the commentary is {len(text)} characters; keep it to 6,000")
    try:
        with transaction.atomic():
            latest = (Commentary.objects.select_for_update()
                      .filter(commitment=commitment, year=year).order_by("-version").first())
            if (latest.version if latest else 0) != base_version:
                raise CommentaryConflict(latest)
            row = Commentary.objects.create(commitment=commitment, year=year,
                                            version=base_version + 1, text=text, author=user,
                                            actor=actor, saved_at=at)
            _audit(at=at, user=user, actor=actor, action=AuditEvent.Action.UPDATE,
                   object_type="analytics.commentary", object_id=row.pk,
                   context=f"commentary ref {commitment} {year}",
                   detail={"version": row.version, "characters": len(text)})
    except IntegrityError:
        # The other editor's row landed between our read and our insert.
        latest = Commentary.objects.filter(commitment=commitment,
                                           year=year).order_by("-version").first()
        raise CommentaryConflict(latest) from None
    return row


@transaction.atomic
def request_edition(*, actor: str, user, year: str, as_of: date, at: datetime
                    ) -> ReportEdition:
    """Queue a board report for the worker; the caller enqueues it after commit."""
    row = ReportEdition.objects.create(year=year, as_of=as_of, requested_by=user, actor=actor,
                                       requested_at=at, stage="Waiting for the worker")
    _audit(at=at, user=user, actor=actor, action=AuditEvent.Action.CREATE,
           object_type="analytics.reportedition", object_id=row.pk,
           context=f"board report {year} as of {as_of:%d %B %Y}")
    return row
