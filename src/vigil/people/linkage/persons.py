"""Move source records between persons, record every move, and keep persons' summaries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import connection

from vigil.people.models import LinkChange, Person, PersonRedirect, RecordMove, SourceRecord

SUMMARY_FIELDS = ("forename", "surname", "date_of_birth", "sex", "postcode")


def apply_moves(change: LinkChange, moves: dict[int, tuple[int | None, int]],
                *, batch_size: int = 5000) -> None:
    """Set each record's person (record -> (from person, to person)) and log RecordMoves.

    Persons left with no records redirect to the person that took most of them.
    """
    if not moves:
        return
    _insert(RecordMove._meta.db_table, ("change_id", "record_id", "from_person_id",
                                        "to_person_id"),
            [(change.pk, r, f, t) for r, (f, t) in moves.items()], batch_size=batch_size)
    _bulk_set_person({r: t for r, (_f, t) in moves.items()}, batch_size=batch_size)
    touched = {t for _f, t in moves.values()} | {f for f, _t in moves.values() if f}
    _redirect_emptied(change, moves)
    refresh_summaries(touched)


def _bulk_set_person(target: dict[int, int], *, batch_size: int) -> None:
    _update_from(SourceRecord._meta.db_table, ["person_id"], [(r, p) for r, p in target.items()],
                 batch_size=batch_size)


def _update_from(table: str, columns: list[str], rows: list[tuple], *, batch_size: int = 5000,
                 bump_version: bool = False) -> None:
    """UPDATE table SET columns FROM a temporary table of (id, *values): one statement
    instead of one per row (Django's bulk_update is far slower at 100k+ rows)."""
    if not rows:
        return
    temp = f"vigil_upd_{table}"
    cols = ", ".join(f"c{i} {'text' if i else 'bigint'}" for i in range(len(columns) + 1))
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {temp}")
        cur.execute(f"CREATE TEMPORARY TABLE {temp} ({cols})")
        marks = ", ".join(["%s"] * (len(columns) + 1))
        for i in range(0, len(rows), batch_size):
            cur.executemany(f"INSERT INTO {temp} VALUES ({marks})", rows[i:i + batch_size])
        casts = {"person_id": "bigint", "date_of_birth": "date"}
        sets = [f"{c} = CAST(u.c{i + 1} AS {casts.get(c, 'text')})"
                if connection.vendor == "postgresql" else f"{c} = u.c{i + 1}"
                for i, c in enumerate(columns)]
        if bump_version:
            sets.append("version = version + 1")
        cur.execute(f"UPDATE {table} SET {', '.join(sets)} FROM {temp} u "
                    f"WHERE {table}.id = u.c0")
        cur.execute(f"DROP TABLE {temp}")


def _insert(table: str, columns: tuple[str, ...], rows: list[tuple], *,
            batch_size: int = 5000) -> None:
    """Raw executemany (bulk_create's model instances cost ~5x more at 100k+ rows)."""
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cur:
        for i in range(0, len(rows), batch_size):
            cur.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                            rows[i:i + batch_size])


def _chunks(items, size: int = 20_000):
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _redirect_emptied(change: LinkChange, moves: dict[int, tuple[int | None, int]]) -> None:
    sources = {f for f, _t in moves.values() if f}
    if not sources:
        return
    still_used = set()
    for chunk in _chunks(sources):
        still_used |= set(SourceRecord.objects.filter(person_id__in=chunk)
                          .values_list("person_id", flat=True).distinct())
    emptied = sources - still_used
    # A person that now has records again is no longer redirected.
    for chunk in _chunks(emptied | {t for _f, t in moves.values()}):
        PersonRedirect.objects.filter(person_id__in=chunk).delete()
    if not emptied:
        return
    went_to: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for f, t in moves.values():
        if f in emptied:
            went_to[f][t] += 1
    _insert(PersonRedirect._meta.db_table, ("person_id", "to_person_id", "change_id"),
            [(p, max(d, key=lambda t: (d[t], -t)), change.pk) for p, d in went_to.items()])


def refresh_summaries(person_ids: Iterable[int], *, batch_size: int = 5000) -> None:
    """A person shows their most recently updated source record's details."""
    ids = sorted(set(person_ids))
    rows = []
    for i in range(0, len(ids), batch_size):
        latest: dict[int, dict] = {}
        for row in (SourceRecord.objects.filter(person_id__in=ids[i:i + batch_size])
                    .order_by("person_id", "updated_at", "id")
                    .values("person_id", *SUMMARY_FIELDS)):
            latest[row["person_id"]] = row
        for pid, row in latest.items():
            dob = row["date_of_birth"]
            rows.append((pid, row["forename"], row["surname"], dob.isoformat() if dob else None,
                         row["sex"] or "U", row["postcode"]))
    _update_from(Person._meta.db_table, list(SUMMARY_FIELDS), rows, bump_version=True)


def resolve(person_id: int) -> int:
    """The person now holding the records of `person_id` (following redirects)."""
    seen = set()
    while person_id not in seen:
        seen.add(person_id)
        nxt = (PersonRedirect.objects.filter(person_id=person_id)
               .values_list("to_person_id", flat=True).first())
        if nxt is None:
            return person_id
        person_id = nxt
    return person_id
