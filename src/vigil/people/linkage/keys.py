"""Keep LinkKey (the normalised keys of each source record) in step with the records.

Keys are computed set-wise (normalise_bulk) from raw rows and written with raw
executemany. A large write (a first run over an imported store) drops the
table's secondary indexes and rebuilds them afterwards, inside the same
transaction, so a failure leaves the old keys and indexes as they were.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import connection, transaction

from vigil.people.linkage import normalise
from vigil.people.linkage import normalise_bulk as bulk
from vigil.people.models import LinkKey, SourceRecord

FIELDS = ("id", "forename", "surname", "date_of_birth", "postcode", "address", "phone")

COLUMNS = ("record_id", "forename", "surname", "forename_sound", "surname_sound",
           "date_of_birth", "postcode", "postcode_outward", "address", "phone")

# From this many rows, building each index once beats updating seven B-trees row
# by row: those outgrow SQLite's page cache and each insert then costs disk reads.
BULK_ROWS = 50_000
PAGE = 50_000  # rows read, keyed and written at a time (bounds memory)
ID_CHUNK = 5000  # ids per IN (...) list


def key_values(record: dict) -> tuple:
    """LinkKey's COLUMNS for one SourceRecord's values (a dict with FIELDS).

    The per-record definition; key_rows is the same set-wise (test_normalise_bulk.py).
    """
    fn = normalise.forename(record["forename"])
    sn = normalise.surname(record["surname"])
    pc = normalise.postcode(record["postcode"])
    return (record["id"], fn[:100], sn[:100], normalise.phonetic(fn)[:100],
            normalise.phonetic(sn)[:100], record["date_of_birth"], pc[:10],
            normalise.postcode_outward(pc)[:5], normalise.address(record["address"])[:200],
            normalise.phone(record["phone"])[:30])


def key_rows(rows: list[tuple]) -> list[tuple]:
    """LinkKey's COLUMNS for raw SourceRecord rows (tuples in FIELDS order)."""
    if not rows:
        return []
    ids, forenames, surnames, dobs, postcodes, addresses, phones = (
        list(col) for col in zip(*rows, strict=True))
    fn, sn = bulk.forename(forenames), bulk.surname(surnames)
    pc = bulk.postcode(postcodes)
    cut = bulk.truncate
    columns = [cut(fn, 100), cut(sn, 100), cut(bulk.phonetic(fn), 100),
               cut(bulk.phonetic(sn), 100), None, cut(pc, 10),
               cut(bulk.postcode_outward(pc), 5), cut(bulk.address(addresses), 200),
               cut(bulk.phone(phones), 30)]
    lists = [ids] + [dobs if c is None else c.to_pylist() for c in columns]
    return list(zip(*lists, strict=True))


def refresh(record_ids: Iterable[int] | None = None, *, missing_only: bool = False) -> int:
    """Rebuild the keys of the given records (all records when None). Returns the count.

    With `missing_only` the records are known to have no keys yet: nothing to delete.
    """
    if record_ids is None:
        with transaction.atomic(), _indexes_rebuilt_after(SourceRecord.objects.count()):
            LinkKey.objects.all().delete()
            return sum(_insert(key_rows(page)) for page in _pages(missing=False))
    ids = sorted(set(record_ids))
    count = 0
    with transaction.atomic(), _indexes_rebuilt_after(len(ids)):
        for i in range(0, len(ids), ID_CHUNK):
            chunk = ids[i:i + ID_CHUNK]
            if not missing_only:
                LinkKey.objects.filter(record_id__in=chunk).delete()
            count += _insert(key_rows(_fetch(chunk)))
    return count


def refresh_missing() -> int:
    """Key the source records that have none yet (imported before linkage ran)."""
    missing = SourceRecord.objects.filter(link_key__isnull=True).count()
    if not missing:
        return 0
    with transaction.atomic(), _indexes_rebuilt_after(missing):
        return sum(_insert(key_rows(page)) for page in _pages(missing=True))


def _select() -> str:
    return f"SELECT {', '.join('s.' + f for f in FIELDS)} FROM {SourceRecord._meta.db_table} s"


def _fetch(ids: list[int]) -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(f"{_select()} WHERE s.id IN ({', '.join(['%s'] * len(ids))})", ids)
        return cur.fetchall()


def _pages(*, missing: bool) -> Iterator[list[tuple]]:
    """Raw rows in id order, PAGE at a time; each page is a fresh query (keyset
    pagination), so writing keys between pages never disturbs an open cursor."""
    unkeyed = (f" AND NOT EXISTS (SELECT 1 FROM {LinkKey._meta.db_table} k "
               "WHERE k.record_id = s.id)") if missing else ""
    last = -1
    while True:
        with connection.cursor() as cur:
            cur.execute(f"{_select()} WHERE s.id > %s{unkeyed} ORDER BY s.id LIMIT {PAGE}",
                        [last])
            rows = cur.fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _insert(rows: list[tuple]) -> int:
    """Raw executemany: building model instances for bulk_create costs 5x more."""
    if rows:
        marks = ", ".join(["%s"] * len(COLUMNS))
        with connection.cursor() as cur:
            cur.executemany(f"INSERT INTO {LinkKey._meta.db_table} ({', '.join(COLUMNS)}) "
                            f"VALUES ({marks})", rows)
    return len(rows)


@contextmanager
def _indexes_rebuilt_after(rows: int) -> Iterator[None]:
    """For `rows` >= BULK_ROWS: drop LinkKey's secondary indexes, rebuild them after.

    Runs inside the caller's transaction (DDL is transactional on SQLite and
    PostgreSQL): if the write fails, the rollback restores the indexes too.
    """
    if rows < BULK_ROWS:
        yield
        return
    assert connection.in_atomic_block, "index rebuild must share the write's transaction"
    table = LinkKey._meta.db_table
    with connection.cursor() as cur:
        definitions = _index_definitions(cur, table)
        for name, _sql in definitions:
            cur.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    if connection.vendor == "postgresql":
        # PostgreSQL refuses CREATE INDEX while the rows' deferred foreign-key
        # checks are pending: run them now.
        connection.check_constraints()
    with connection.cursor() as cur:
        for _name, sql in definitions:
            cur.execute(sql)


def _index_definitions(cur, table: str) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of the table's indexes that no constraint owns,
    read from the catalogue so migration-made ones (trigram GIN) come too."""
    if connection.vendor == "postgresql":
        cur.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i "
            "WHERE i.schemaname = current_schema() AND i.tablename = %s AND NOT EXISTS ("
            " SELECT 1 FROM pg_constraint c"
            " WHERE c.conindid = format('%%I.%%I', i.schemaname, i.indexname)::regclass)",
            [table])
    else:
        # sql is NULL for the indexes SQLite makes itself (primary key, unique).
        cur.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                    "AND tbl_name = %s AND sql IS NOT NULL", [table])
    return sorted(cur.fetchall())
