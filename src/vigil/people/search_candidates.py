"""Candidate records for a search: a few bounded, index-only SQL lookups on LinkKey.

Hand-written SQL because this is the hot path of every search: compiling the
equivalent ORM queries cost more Python time than running them. Every condition
is one PostgreSQL and SQLite can answer from a btree index (equality, IN lists,
ranges), except two PostgreSQL-only ones with their own GIN indexes (migration
0004): trigram similarity over the name vocabulary, and address words.

Fuzzy names go through NameVocab: the typed name becomes the spellings that exist
(exact, sound-alike, surname prefix, trigram-similar), among thousands of
distinct names rather than a million records, and LinkKey is then asked for
those spellings exactly (index linkkey_name: surname, forename).
"""

from __future__ import annotations

import functools
from collections import namedtuple
from dataclasses import dataclass
from datetime import date

import jellyfish
import psycopg
from django.db import connection

from vigil.people.linkage import normalise
from vigil.people.models import LinkKey, NameVocab

FUZZY = 0.85  # Jaro-Winkler for "similar spelling" (search.py scores with the same)
MAX_SPELLINGS = 40  # per name part: more spellings than this are the closest 40

KEY_COLUMNS = ("record_id", "forename", "surname", "forename_sound", "surname_sound",
               "date_of_birth", "postcode", "postcode_outward", "address", "phone")
Key = namedtuple("Key", KEY_COLUMNS)


@dataclass(frozen=True)
class Cond:
    """A SQL condition on LinkKey's columns and its parameters."""

    sql: str
    params: tuple = ()

    def __and__(self, other: Cond) -> Cond:
        return Cond(f"({self.sql}) AND ({other.sql})", self.params + other.params)

    def __or__(self, other: Cond) -> Cond:
        return Cond(f"({self.sql}) OR ({other.sql})", self.params + other.params)


def one_of(column: str, values) -> Cond:
    values = sorted(values)
    if not values:
        return Cond("1 = 0")
    sql, params = in_list(column, values)
    return Cond(sql, params)


def in_list(column: str, values: list) -> tuple[str, tuple]:
    """`column IN values` as SQL and parameters (values all of one type).

    On PostgreSQL one array parameter, written here as an array literal: the query
    text stays the same whatever the length, so psycopg parses it once (a long IN
    list cost about a millisecond a query to parse), and psycopg's own list adapter
    cost as much again. The plan is the same as for an IN list."""
    if not postgres():
        return f"{column} IN ({', '.join(['%s'] * len(values))})", tuple(values)
    first = values[0] if values else ""
    if isinstance(first, int):
        return f"{column} = ANY(%s::bigint[])", ("{" + ",".join(map(str, values)) + "}",)
    if isinstance(first, date):
        return (f"{column} = ANY(%s::date[])",
                ("{" + ",".join(v.isoformat() for v in values) + "}",))
    quoted = ('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values)
    return f"{column} = ANY(%s::text[])", ("{" + ",".join(quoted) + "}",)


def rows(sql: str, params) -> list[tuple]:
    """Run a read-only query of this module's (or search's) and return its rows.

    On PostgreSQL as a server-side prepared statement (psycopg prepares it once per
    connection, keyed by the query text, and keeps the 100 most recent): planning
    cost more than running most of these queries. Django's cursor binds parameters
    client-side and so never prepares. This bypasses Django's query logging, not
    its connection or transaction: the query runs on the same connection."""
    if not postgres():
        with connection.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        # Django turns automatic preparing off (prepare_threshold None), which also
        # turns off prepare=True. Never automatic: only the queries asked below.
        raw.prepare_threshold = 2**31 - 1
    with psycopg.Cursor(raw) as cur:
        cur.execute(sql, params, prepare=True)
        return cur.fetchall()


@functools.cache
def postgres() -> bool:
    """The database is PostgreSQL (asked once: Django's connection proxy costs a little
    every time, and the hot path asked often)."""
    return connection.vendor == "postgresql"


def _prefix(column: str, text: str) -> Cond:
    # A range, not LIKE: a btree serves it whatever the collation.
    return Cond(f"{column} >= %s AND {column} < %s", (text, text + "~"))


def initial(column: str, letter: str) -> Cond:
    return _prefix(column, letter[:1])


def equals(column: str, value) -> Cond:
    return Cond(f"{column} = %s", (value,))


def dob(start: date, end: date, exact: date | None) -> Cond:
    if exact is None:
        return Cond("date_of_birth >= %s AND date_of_birth <= %s", (start, end))
    days = {exact}
    if exact.day <= 12 and exact.day != exact.month:  # day and month swapped
        days.add(date(exact.year, exact.day, exact.month))
    return one_of("date_of_birth", days)


def phone(digits: str) -> Cond:
    if len(digits) >= 10:
        return equals("phone", digits)
    ends = Cond("phone LIKE %s", ("%" + digits,))
    if not postgres():
        return ends  # no index serves the end of a number on SQLite
    back = digits[::-1]  # migration 0006 indexes reverse(phone)
    return Cond("reverse(phone) >= %s AND reverse(phone) < %s", (back, back + "~")) & ends


def postcode(text: str) -> Cond:
    """Full postcode, sector or district: all are prefixes of the normalised postcode."""
    return _prefix("postcode", text)


def address(text: str, *, partial: bool = False) -> Cond:
    """The address contains these words (both sides normalised: lower case, one space).

    On PostgreSQL the word index finds the records holding these words in this order
    and LIKE keeps exact containment. `partial` lets the first and last typed words
    be parts of words ("ill la" in "mill lane"): a fallback, as a prefix match over
    the word index costs about five times as much."""
    like = Cond("address LIKE %s", ("%" + text + "%",))
    if not postgres():
        return like
    words = text.split()
    if partial:
        # The last word may be the start of a word; a partial first word only LIKE
        # can check, so it is left to the other words (when there are any).
        words = (words[1:] if len(words) > 1 else words)
        words[-1] += ":*"
    phrase = " <-> ".join(words)
    return Cond("to_tsvector('simple', address) @@ to_tsquery('simple', %s)", (phrase,)) & like


def similar_address(text: str) -> Cond | None:
    """Trigram-similar address (PostgreSQL only): the slow fallback."""
    if not postgres():
        return None
    return Cond("address %% %s", (text,))


def fetch_all(lookups: list[tuple[Cond, int]]) -> list[list[Key]]:
    """Several lookups (condition, cap) in one statement: the rows of each, up to its
    cap + 1. One round trip and one statement's overhead instead of one each."""
    if len(lookups) <= 1:
        return [fetch(*lookup) for lookup in lookups]
    cols, table = ", ".join(KEY_COLUMNS), LinkKey._meta.db_table
    if postgres():  # each a MATERIALIZED CTE, as in fetch
        ctes = ", ".join(f"c{i} AS MATERIALIZED (SELECT {cols} FROM {table} WHERE {c.sql})"
                         for i, (c, _) in enumerate(lookups))
        sql = f"WITH {ctes} " + " UNION ALL ".join(
            f"(SELECT {i}, * FROM c{i} LIMIT {int(cap) + 1})"
            for i, (_, cap) in enumerate(lookups))
    else:
        sql = " UNION ALL ".join(
            f"SELECT * FROM (SELECT {i}, {cols} FROM {table} WHERE {c.sql} "
            f"LIMIT {int(cap) + 1})" for i, (c, cap) in enumerate(lookups))
    out: list[list[Key]] = [[] for _ in lookups]
    for row in rows(sql, [p for c, _ in lookups for p in c.params]):
        out[row[0]].append(Key._make(row[1:]))
    return out


def fetch(cond: Cond, cap: int) -> list[Key]:
    """Up to cap + 1 LinkKey rows matching cond (one more tells the caller it was capped)."""
    sql = f"SELECT {', '.join(KEY_COLUMNS)} FROM {LinkKey._meta.db_table} WHERE {cond.sql}"
    if postgres():
        # Under LIMIT the planner guesses matches are spread evenly and picks a
        # sequential scan that stops early; they are not (a surname's records come
        # together), so at 1M records it read 50,000 rows for 100. A MATERIALIZED CTE
        # is planned for all its rows (the index scans) and still runs only as far
        # as the LIMIT reads.
        sql = f"WITH c AS MATERIALIZED ({sql}) SELECT * FROM c"
    sql += f" LIMIT {int(cap) + 1}"
    return [Key._make(row) for row in rows(sql, cond.params)]


# --- names ----------------------------------------------------------------------

@functools.lru_cache(maxsize=4096)
def phonetic(name: str) -> str:
    return normalise.phonetic(name)


@functools.lru_cache(maxsize=4096)
def variants(name: str) -> frozenset[str]:
    return frozenset(normalise.name_variants(name))


def jw(a: str, b: str) -> float:
    return jellyfish.jaro_winkler_similarity(a, b) if a and b else 0.0


@dataclass(frozen=True)
class Spellings:
    """The existing spellings a typed name part may stand for."""

    surnames: frozenset[str] = frozenset()
    forenames: frozenset[str] = frozenset()
    capped: bool = False  # more spellings matched than MAX_SPELLINGS


def spellings(surname: str = "", forename: str = "") -> Spellings:
    """One query on NameVocab: surnames the same, sounding alike, starting with or
    (PostgreSQL) trigram-similar to `surname`; forenames the same, a nickname form,
    sounding alike or similar to `forename`. Only spellings the scorer would count
    are kept (search._name_score), so nothing is fetched only to score nothing."""
    parts = []
    if surname:
        parts.append(_vocab_cond(NameVocab.Kind.SURNAME, surname, prefix=True))
    if forename:
        parts.append(_vocab_cond(NameVocab.Kind.FORENAME, forename, prefix=False))
    if not parts:
        return Spellings()
    cond = parts[0] if len(parts) == 1 else parts[0] | parts[1]
    found = rows(f"SELECT kind, value, sound FROM {NameVocab._meta.db_table} "
                 f"WHERE {cond.sql}", cond.params)
    sur = _closest([(v, s) for k, v, s in found if k == NameVocab.Kind.SURNAME], surname,
                   prefix=True)
    fore = _closest([(v, s) for k, v, s in found if k == NameVocab.Kind.FORENAME], forename,
                    prefix=False)
    # The typed spellings themselves, even when no record has them yet (SQLite
    # databases keyed before the vocabulary existed, or a name about to arrive).
    sur_set = set(sur[0]) | ({surname} if surname else set())
    fore_set = set(fore[0]) | ({forename} | variants(forename) if forename else set())
    return Spellings(frozenset(sur_set), frozenset(fore_set), sur[1] or fore[1])


def _vocab_cond(kind: str, name: str, *, prefix: bool) -> Cond:
    # A surname matches its own prefix; a forename its nickname forms. The kind is in
    # every arm so that each arm is one index scan (kind, sound / kind, value / trigram).
    is_kind = equals("kind", kind)
    spelt = _prefix("value", name) if prefix else one_of("value", variants(name) | {name})
    cond = (is_kind & equals("sound", phonetic(name))) | (is_kind & spelt)
    if prefix and postgres():
        # Typos in surnames; forename typos are met by the same-initial lookup
        # (search._name_conds), which saves half this query's cost.
        cond = cond | (is_kind & Cond("value %% %s", (name,)))
    return cond


def _closest(found: list[tuple[str, str]], typed: str, *, prefix: bool
             ) -> tuple[list[str], bool]:
    """The spellings the scorer counts, closest first, at most MAX_SPELLINGS."""
    if not typed:
        return [], False
    sound, forms = phonetic(typed), variants(typed)
    ranked = []
    for value, value_sound in found:
        closeness = jw(value, typed)
        if (value == typed or value in forms or (value_sound and value_sound == sound)
                or closeness >= FUZZY or (prefix and value.startswith(typed))):
            ranked.append((value != typed, value not in forms, -closeness, value))
    ranked.sort()
    return [r[3] for r in ranked[:MAX_SPELLINGS]], len(ranked) > MAX_SPELLINGS
