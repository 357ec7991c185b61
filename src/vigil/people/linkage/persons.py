"""Move source records between persons, record every move, and keep persons' summaries."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from vigil.people.models import LinkChange, Person, PersonRedirect, RecordMove, Sex, SourceRecord

SUMMARY_FIELDS = ("forename", "surname", "date_of_birth", "sex", "postcode")


def apply_moves(change: LinkChange, moves: dict[int, tuple[int | None, int]],
                *, batch_size: int = 20_000) -> None:
    """Set each record's person (record -> (from person, to person)) and log RecordMoves.

    Persons left with no records redirect to the person that took most of them.
    Set-wise: the moves go into a temporary table once and every step is one SQL
    statement joined to it (a batch run moves hundreds of thousands of records).
    """
    if not moves:
        return
    with _moves_table(moves, batch_size) as moved, connection.cursor() as cur:
        cur.execute(f"INSERT INTO {RecordMove._meta.db_table} (change_id, record_id, "
                    f"from_person_id, to_person_id) SELECT %s, record_id, from_id, to_id "
                    f"FROM {moved} ORDER BY record_id", [change.pk])
        cur.execute(f"UPDATE {_SOURCE} SET person_id = m.to_id FROM {moved} m "
                    f"WHERE {_SOURCE}.id = m.record_id")
        _redirect_emptied(cur, change, moved)
        _refresh_summaries(cur, moved)


_SOURCE = SourceRecord._meta.db_table


@contextmanager
def _moves_table(moves: dict[int, tuple[int | None, int]], batch_size: int) -> Iterator[str]:
    name = "vigil_moves"
    # INTEGER PRIMARY KEY is SQLite's rowid: the join to it is a direct lookup.
    key = "bigint PRIMARY KEY" if connection.vendor == "postgresql" else "INTEGER PRIMARY KEY"
    rows = [(r, f, t) for r, (f, t) in moves.items()]
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {name}")
        cur.execute(f"CREATE TEMPORARY TABLE {name} (record_id {key}, from_id bigint, "
                    "to_id bigint)")
        for i in range(0, len(rows), batch_size):
            cur.executemany(f"INSERT INTO {name} VALUES (%s, %s, %s)", rows[i:i + batch_size])
    try:
        yield name
    finally:
        with connection.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {name}")


def _redirect_emptied(cur, change: LinkChange, moved: str) -> None:
    """Persons the moves left empty redirect to the person that took most of their
    records (ties: the lowest id); a person with records again is no longer redirected."""
    emptied = (f"SELECT DISTINCT e.from_id FROM {moved} e WHERE e.from_id IS NOT NULL AND "
               f"NOT EXISTS (SELECT 1 FROM {_SOURCE} s WHERE s.person_id = e.from_id)")
    redirects = PersonRedirect._meta.db_table
    cur.execute(f"DELETE FROM {redirects} WHERE person_id IN ({emptied}) "
                f"OR person_id IN (SELECT to_id FROM {moved})")
    cur.execute(
        f"INSERT INTO {redirects} (person_id, to_person_id, change_id) "
        f"SELECT from_id, to_id, %s FROM (SELECT from_id, to_id, ROW_NUMBER() OVER ("
        f"PARTITION BY from_id ORDER BY COUNT(*) DESC, to_id) AS n FROM {moved} "
        f"WHERE from_id IN ({emptied}) GROUP BY from_id, to_id) ranked WHERE n = 1",
        [change.pk])


def _refresh_summaries(cur, moved: str) -> None:
    """A person shows their most recently updated source record's details."""
    fields = ", ".join(SUMMARY_FIELDS)
    sets = ", ".join(f"{f} = l.{f}" if f != "sex" else
                     f"sex = COALESCE(NULLIF(l.sex, ''), '{Sex.UNKNOWN}')" for f in SUMMARY_FIELDS)
    person = Person._meta.db_table
    cur.execute(
        f"UPDATE {person} SET {sets}, version = version + 1 FROM ("
        f"SELECT person_id, {fields}, ROW_NUMBER() OVER (PARTITION BY person_id "
        f"ORDER BY updated_at DESC, id DESC) AS n FROM {_SOURCE} WHERE person_id IN ("
        f"SELECT to_id FROM {moved} UNION SELECT from_id FROM {moved})) l "
        f"WHERE {person}.id = l.person_id AND l.n = 1")


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
