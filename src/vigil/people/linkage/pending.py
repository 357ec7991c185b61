"""The queue of linkage an import committed but could not finish (issue 18).

An import commits first and links after (the `records_imported` signal). If
linking fails, its records are queued here and the import's caller is told
(the receiver raises `LinkageDeferred`, which the importer reports). The queue
is retried by the next import's linkage and settled by `vigil link`, which
links every record; `vigil link` says what is waiting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from vigil.people.linkage.models import PendingLinkage


class LinkageDeferred(RuntimeError):
    """Linking an import's records failed; they are queued for a retry."""


@dataclass(frozen=True)
class Waiting:
    entries: int
    records: int
    oldest: datetime | None

    def __str__(self) -> str:
        if not self.entries:
            return "no linkage waiting"
        return (f"{self.records:,} records of {self.entries:,} import(s) waiting to be linked "
                f"since {self.oldest:%d/%m/%Y %H:%M}")


def enqueue(record_ids, *, as_of: datetime, error: BaseException | str) -> PendingLinkage:
    now = timezone.now()
    return PendingLinkage.objects.create(
        created_at=now, last_attempt_at=now, as_of=as_of, record_ids=sorted(set(record_ids)),
        error=(error if isinstance(error, str) else f"{type(error).__name__}: {error}")[:2000])


def open_entries() -> list[PendingLinkage]:
    return list(PendingLinkage.objects.filter(done_at__isnull=True))


def waiting() -> Waiting:
    entries = open_entries()
    return Waiting(entries=len(entries), records=sum(len(e.record_ids) for e in entries),
                   oldest=entries[0].created_at if entries else None)


def settle(entries: list[PendingLinkage], *, by: str) -> None:
    """Mark entries done (their records were linked)."""
    if entries:
        PendingLinkage.objects.filter(pk__in=[e.pk for e in entries]).update(
            done_at=timezone.now(), done_by=by[:150])


def failed_again(entries: list[PendingLinkage], error: BaseException) -> None:
    with transaction.atomic():
        for e in entries:
            e.attempts += 1
            e.last_attempt_at = timezone.now()
            e.error = f"{type(error).__name__}: {error}"[:2000]
            e.save(update_fields=["attempts", "last_attempt_at", "error"])
