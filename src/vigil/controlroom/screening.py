"""Services for log-text screening: screen logs, and keep reviewers' confirmations and
corrections as labels. The only place that writes LogScreening, ScreeningMark and
ScreeningLabel.

- `screen_incident(id, actor=...)`: screen one log now (the review form, a re-screen).
- `screen_pending(actor=..., as_of=...)`: every log not yet screened by this screener,
  or changed since; in chunks, one transaction and one audit row per chunk. The import
  runs it for the logs it brought (`on_records_imported`); `vigil screen` runs it in
  batch.
- `record_label(id, kind, actor=..., present=...)`: a reviewer confirms or corrects a
  mark; refused (and audited) outside the reviewer's role or area.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from vigil.controlroom import screener
from vigil.controlroom.screening_models import LogScreening, ScreeningLabel, ScreeningMark
from vigil.core import audit, roles
from vigil.core.models import Role
from vigil.incidents.models import Incident

log = logging.getLogger(__name__)

# Who may confirm or correct a mark: the control-room DA specialists who review logs.
LABELLER_ROLES = frozenset({Role.CONTROL_ROOM})
CHUNK = 2000
MAX_NOTE = 500
MAX_WORDS = 20


class ScreeningError(Exception):
    """A screening or label cannot be recorded as asked; the message says why."""


class ScreeningRefused(ScreeningError):
    """The user may not label this log (role or area); the refusal is audited."""


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def _rows(incident_id: int, text: str, result: screener.Screening, at: datetime):
    screening = LogScreening(incident_id=incident_id, screener_version=result.version,
                             screened_at=at, text_chars=len(text), text_sha1=_sha1(text))
    # A mark with no words either way is not stored: no row means "not shown, no words".
    marks = []
    for kind in screener.MARKS:
        hits = [h.as_dict() for h in result.hits_for(kind)]
        if hits or result.marks[kind]:
            marks.append(ScreeningMark(screening=screening, kind=kind,
                                       present=result.marks[kind], hits=hits))
    return screening, marks


def _write(items: list[tuple[int, str, screener.Screening]], at: datetime) -> None:
    """Replace the screenings of these incidents (callers hold the transaction)."""
    ids = [i for i, _, _ in items]
    LogScreening.objects.filter(incident_id__in=ids).delete()
    screenings, marks = [], []
    for incident_id, text, result in items:
        s, m = _rows(incident_id, text, result, at)
        screenings.append(s)
        marks.extend(m)
    LogScreening.objects.bulk_create(screenings, batch_size=1000)
    for m in marks:  # bulk_create set the ids on PostgreSQL and SQLite alike
        m.screening_id = m.screening.pk
    ScreeningMark.objects.bulk_create(marks, batch_size=2000)


def screen_incident(incident_id: int, *, actor, at: datetime | None = None
                    ) -> LogScreening:
    """Screen one incident's narrative now, replacing any earlier screening."""
    at = at or timezone.now()
    row = Incident.objects.filter(pk=incident_id).values("narrative").first()
    if row is None:
        raise ScreeningError(f"incident {incident_id} does not exist")
    text = row["narrative"] or ""
    result = screener.screen(text)
    with transaction.atomic():
        _write([(incident_id, text, result)], at)
        audit.record(actor, audit.UPDATE, "controlroom.logscreening", incident_id,
                     context="screening",
                     detail={"screener": result.version,
                             "marks": [k for k, v in result.marks.items() if v]}, at=at)
    return LogScreening.objects.get(incident_id=incident_id)


def pending(as_of: datetime | None = None):
    """Incidents whose log has no screening by this screener, or changed since it."""
    qs = Incident.objects.filter(
        Q(screening__isnull=True)
        | ~Q(screening__screener_version=screener.VERSION)
        | Q(updated_at__gt=F("screening__screened_at")))
    if as_of is not None:
        qs = qs.filter(reported_at__lte=as_of)
    return qs


@dataclass
class BatchStats:
    screened: int = 0
    chars: int = 0
    marked: dict[str, int] = field(default_factory=lambda: dict.fromkeys(screener.MARKS, 0))
    screen_s: float = 0.0
    write_s: float = 0.0


def screen_pending(*, actor, as_of: datetime | None = None, ids: Iterable[int] | None = None,
                   everything: bool = False, chunk: int = CHUNK, workers: int = 1,
                   progress: Callable[[int], None] | None = None) -> BatchStats:
    """Screen every pending log (reported by `as_of`), in chunks.

    Each chunk is one transaction with its audit row: a failure part-way keeps the
    chunks already written and leaves no chunk half-written. `workers` > 1 screens in
    that many processes (the screener is pure Python and CPU-bound). `everything`
    screens every log again, pending or not.
    """
    stats = BatchStats()
    if everything:
        qs = Incident.objects.all()
        if as_of is not None:
            qs = qs.filter(reported_at__lte=as_of)
    else:
        qs = pending(as_of)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    todo = list(qs.order_by("pk").values_list("pk", flat=True))
    pool = None
    if workers > 1 and len(todo) > chunk:
        import multiprocessing

        pool = multiprocessing.get_context("spawn").Pool(workers)
    try:
        for start in range(0, len(todo), chunk):
            part = todo[start:start + chunk]
            # Stamped before reading: a log changed while we screen stays pending.
            at = timezone.now()
            rows = list(Incident.objects.filter(pk__in=part).order_by("pk")
                        .values_list("pk", "narrative"))
            t0 = time.perf_counter()
            texts = [text or "" for _, text in rows]
            results = (pool.map(screener.screen, texts, chunksize=100) if pool
                       else [screener.screen(t) for t in texts])
            t1 = time.perf_counter()
            with transaction.atomic():
                _write([(pk, text, r) for (pk, _), text, r
                        in zip(rows, texts, results, strict=True)], at)
                audit.record(actor, audit.UPDATE, "controlroom.logscreening", "",
                             context="screening:batch",
                             detail={"screener": screener.VERSION, "logs": len(rows),
                                     "first": rows[0][0] if rows else None,
                                     "last": rows[-1][0] if rows else None}, at=at)
            stats.screen_s += t1 - t0
            stats.write_s += time.perf_counter() - t1
            stats.screened += len(rows)
            stats.chars += sum(len(t) for t in texts)
            for r in results:
                for kind, present in r.marks.items():
                    stats.marked[kind] += present
            if progress:
                progress(len(rows))
    finally:
        if pool:
            pool.close()
            pool.join()
    return stats


def on_records_imported(sender, person_ids=(), as_of=None, **kwargs) -> BatchStats | None:
    """Receiver for vigil.ingest.signals.records_imported: screen the logs that arrived.

    The signal names persons, not incidents; the logs to screen are exactly the pending
    ones (new, changed, or screened by an older screener), found by one indexed query.
    """
    stats = screen_pending(actor="screening", workers=2)
    if stats.screened:
        log.info("screened %d new or changed logs", stats.screened)
    return stats


# --- labels ------------------------------------------------------------------------------

def _refuse(actor, incident_id, reason: str, kind: str) -> ScreeningRefused:
    audit.record(actor, audit.DENIED, "controlroom.screeninglabel", incident_id,
                 context="screening:label", detail={"reason": reason, "kind": kind})
    return ScreeningRefused(reason)


def record_label(incident_id: int, kind: str, *, actor, present: bool, note: str = "",
                 words: Iterable[str] = (), at: datetime | None = None) -> ScreeningLabel:
    """A reviewer confirms (present = the screener's answer) or corrects a mark.

    The label keeps what the screener said and its version, so corrections can be
    counted and used as labelled data. Refusals (role, area) are audited.
    """
    if kind not in screener.MARKS:
        raise ScreeningError(f"unknown mark {kind!r}; choose one of "
                             f"{', '.join(screener.MARKS)}")
    if not isinstance(present, bool):
        raise ScreeningError(f"present must be True or False, got {present!r}")
    if at is not None and at.tzinfo is None:
        raise ScreeningError(f"label time must be timezone-aware, got {at}")
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ScreeningError(f"note is {len(note)} characters; at most {MAX_NOTE}")
    words = [str(w).strip()[:200] for w in words if str(w).strip()]
    if len(words) > MAX_WORDS:
        raise ScreeningError(f"{len(words)} words pointed to; at most {MAX_WORDS}")
    incident = Incident.objects.filter(pk=incident_id).only("lpa_id", "narrative").first()
    if incident is None:
        raise ScreeningError(f"incident {incident_id} does not exist")
    if not getattr(actor, "is_authenticated", False) or actor.role not in LABELLER_ROLES:
        raise _refuse(actor, incident_id, "role cannot review control-room logs", kind)
    if not roles.in_scope(actor, [incident.lpa_id]):
        raise _refuse(actor, incident_id, "log belongs to another area", kind)
    at = at or timezone.now()
    with transaction.atomic():
        screening = LogScreening.objects.filter(incident_id=incident_id).first()
        if screening is None:
            raise ScreeningError(f"log {incident_id} has not been screened yet; "
                                 "screen it before confirming or correcting its marks")
        mark = screening.marks.filter(kind=kind).first()
        said = bool(mark and mark.present)
        label = ScreeningLabel.objects.create(
            incident_id=incident_id, kind=kind, present=present, screener_present=said,
            screener_version=screening.screener_version, words=words, note=note,
            labelled_by=actor, labelled_at=at, text_sha1=screening.text_sha1)
        audit.record(actor, audit.CREATE, label, context="screening:label",
                     detail={"incident": incident_id, "kind": kind, "present": present,
                             "screener_present": said, "agrees": label.agrees},
                     at=at)
    return label


# --- reading -------------------------------------------------------------------------------

@dataclass(frozen=True)
class MarkView:
    """A mark as the review form shows it: the screener's answer, its words, any label."""

    kind: str
    label: str
    present: bool              # the reviewer's answer if labelled, else the screener's
    screener_present: bool
    hits: list[dict]
    labelled: ScreeningLabel | None


def marks_for(incident_id: int) -> list[MarkView]:
    """Every mark of one screened log in the screener's order, with its latest label
    (empty when the log has not been screened)."""
    if not LogScreening.objects.filter(incident_id=incident_id).exists():
        return []
    marks = {m.kind: m for m in ScreeningMark.objects.filter(
        screening__incident_id=incident_id)}
    latest: dict[str, ScreeningLabel] = {}
    for label in ScreeningLabel.objects.filter(incident_id=incident_id).order_by(
            "labelled_at", "pk"):
        latest[label.kind] = label
    out = []
    for kind, name in screener.MARKS.items():
        mark = marks.get(kind)
        said = bool(mark and mark.present)
        label = latest.get(kind)
        out.append(MarkView(kind, name, label.present if label else said, said,
                            mark.hits if mark else [], label))
    return out


@dataclass
class Agreement:
    kind: str
    confirmed: int = 0
    false_positive: int = 0   # screener said yes, reviewer no
    false_negative: int = 0   # screener said no, reviewer yes
    true_negative: int = 0

    @property
    def precision(self) -> float | None:
        n = self.confirmed + self.false_positive
        return self.confirmed / n if n else None

    @property
    def recall(self) -> float | None:
        n = self.confirmed + self.false_negative
        return self.confirmed / n if n else None


def label_agreement() -> list[Agreement]:
    """Per mark, how the screener's answers compare with reviewers' latest labels."""
    latest: dict[tuple[int, str], tuple[bool, bool]] = {}
    for incident_id, kind, present, said in ScreeningLabel.objects.order_by(
            "labelled_at", "pk").values_list("incident_id", "kind", "present",
                                             "screener_present"):
        latest[(incident_id, kind)] = (present, said)
    rows = {k: Agreement(k) for k in screener.MARKS}
    for (_, kind), (present, said) in latest.items():
        a = rows[kind]
        if present and said:
            a.confirmed += 1
        elif said:
            a.false_positive += 1
        elif present:
            a.false_negative += 1
        else:
            a.true_negative += 1
    return list(rows.values())
