"""Keep LinkKey (the normalised keys of each source record) in step with the records."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction

from vigil.people.linkage import normalise
from vigil.people.models import LinkKey, SourceRecord

FIELDS = ("id", "forename", "surname", "date_of_birth", "postcode", "address", "phone")


COLUMNS = ("record_id", "forename", "surname", "forename_sound", "surname_sound",
           "date_of_birth", "postcode", "postcode_outward", "address", "phone")


def key_values(record: dict) -> tuple:
    """LinkKey's COLUMNS for a SourceRecord's values (a dict with FIELDS)."""
    fn = normalise.forename(record["forename"])
    sn = normalise.surname(record["surname"])
    pc = normalise.postcode(record["postcode"])
    return (record["id"], fn[:100], sn[:100], normalise.phonetic(fn)[:100],
            normalise.phonetic(sn)[:100], record["date_of_birth"], pc[:10],
            normalise.postcode_outward(pc)[:5], normalise.address(record["address"])[:200],
            normalise.phone(record["phone"])[:30])


def key_for(record: dict) -> LinkKey:
    return LinkKey(**dict(zip(COLUMNS, key_values(record), strict=True)))


def refresh(record_ids: Iterable[int] | None = None, *, batch_size: int = 5000,
            missing_only: bool = False) -> int:
    """Rebuild the keys of the given records (all records when None). Returns the count.

    With `missing_only` the records are known to have no keys yet: nothing to delete.
    """
    if record_ids is None:
        chunks = [SourceRecord.objects.order_by("id")]
    else:
        ids = sorted(set(record_ids))
        chunks = [SourceRecord.objects.filter(id__in=ids[i:i + batch_size]).order_by("id")
                  for i in range(0, len(ids), batch_size)]
    count = 0
    for qs in chunks:
        batch: list[tuple] = []
        for values in qs.values(*FIELDS).iterator(chunk_size=batch_size):
            batch.append(key_values(values))
            if len(batch) >= batch_size:
                count += _replace(batch, missing_only)
                batch = []
        if batch:
            count += _replace(batch, missing_only)
    return count


def _replace(rows: list[tuple], missing_only: bool) -> int:
    """Raw executemany: building model instances for bulk_create costs 5x more."""
    if not missing_only:
        LinkKey.objects.filter(record_id__in=[r[0] for r in rows]).delete()
    marks = ", ".join(["%s"] * len(COLUMNS))
    # One transaction per batch: SQLite in autocommit would commit every row.
    with transaction.atomic(), connection.cursor() as cur:
        cur.executemany(f"INSERT INTO {LinkKey._meta.db_table} ({', '.join(COLUMNS)}) "
                        f"VALUES ({marks})", rows)
    return len(rows)


def missing_record_ids() -> list[int]:
    """Source records that have no keys yet (imported before linkage ran)."""
    return list(SourceRecord.objects.filter(link_key__isnull=True).values_list("id", flat=True))


def refresh_missing() -> int:
    return refresh(missing_record_ids(), missing_only=True)
