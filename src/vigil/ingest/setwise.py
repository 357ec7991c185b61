"""Set-wise (DuckDB SQL) pre-filters derived from the per-row definitions.

Each cell parser in values.py and each row check in checks.py stays the one
definition. For a bulk load we need them over millions of rows, so this module
gives, per column, a DuckDB expression that is TRUE only where the per-row
parser would accept the cell and produce exactly the value the expression
computes; every other cell is *flagged* and the row goes through the per-row
parser itself, which gives the value or the message. A flag never decides an
outcome; it only chooses the path. tests/ingest/test_setwise.py proves that
wherever a cell is not flagged, the SQL value equals `parse_cell`'s.

Row checks work the same way (`row_flags`): a SQL predicate that is TRUE for
every row `checks.check_row` could reject; flagged rows are checked by
`check_row` itself.
"""

from __future__ import annotations

from django.db import models

from vigil.ingest import checks
from vigil.ingest.spec import Column, FileSpec
from vigil.ingest.values import _CONTROL as _CONTROL_CHARS
from vigil.ingest.values import _INT_RANGES, TEXT_MAX_CHARS
from vigil.risk.models import QUESTION_COUNT

# Characters Python's str.strip() may remove, and control characters (a superset of both:
# a cell starting or ending with one, or holding a control character, goes the slow way).
_EDGE = r"[\x00-\x20\x7f-\xa0\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]"
# The per-row check's own pattern (values.check_characters): one definition.
_CONTROL = _CONTROL_CHARS.pattern
_CONTROL_OR_LAYOUT = _CONTROL[:-1] + r"\t\n\r]"
# The clock rule the SQL path knows: BST from 01:00 UTC on the last Sunday in March to 01:00
# UTC on the last Sunday in October (in force since 1996); other years take the slow path.
BST_YEARS = (1997, 2099)
_DATETIME_RE = (r"([0-9]{4})-[0-9]{2}-[0-9]{2}[T ]([01][0-9]|2[0-3]):[0-5][0-9]"
                r"(:[0-5][0-9](\.[0-9]{1,6})?)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?")


def q(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def literal(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return q(value)
    raise TypeError(f"no SQL literal for {value!r}")


def _int_range(field: models.Field) -> tuple[int, int]:
    for cls in type(field).__mro__:
        if cls in _INT_RANGES:
            return _INT_RANGES[cls]
    return (-(2**63), 2**63 - 1)


def is_integer_field(field: models.Field) -> bool:
    return isinstance(field, models.IntegerField)


def _utc_from_london(local: str) -> str:
    """Naive London wall-clock timestamp -> naive UTC, Python's fold=0 rule.

    The offset is London's at the instant (local - 1 hour): that is the offset in force
    before a change, which is what fold=0 reads in the spring gap and the autumn fold.
    """
    u = f"({local} - INTERVAL 1 HOUR)"
    march = f"make_date(year({u}), 3, 31)"
    october = f"make_date(year({u}), 10, 31)"
    start = f"(({march} - CAST(dayofweek({march}) AS INTEGER))::TIMESTAMP + INTERVAL 1 HOUR)"
    end = f"(({october} - CAST(dayofweek({october}) AS INTEGER))::TIMESTAMP + INTERVAL 1 HOUR)"
    return (f"({local} - CASE WHEN {u} >= {start} AND {u} < {end} "
            "THEN INTERVAL 1 HOUR ELSE INTERVAL 0 HOUR END)")


def cell_sql(c: str, col: Column, field: models.Field) -> tuple[str, str]:
    """(ok, value) for a cell; any character values.check_characters refuses sends the
    cell the slow way (layout characters too, outside free text)."""
    ok, value = _cell_sql(c, col, field)
    refused = _CONTROL if col.type == "text" else _CONTROL_OR_LAYOUT
    return f"({ok}) AND NOT regexp_matches({c}, {q(refused)})", value


def _cell_sql(c: str, col: Column, field: models.Field) -> tuple[str, str]:
    """(ok, value) DuckDB expressions over a VARCHAR cell `c` that is not NULL or ''.

    `ok` is TRUE only where parse_cell(c) would return exactly `value`.
    """
    plain = f"NOT regexp_matches({c}, {q('^' + _EDGE + '|' + _EDGE + '$')})"
    kind = col.type
    if kind == "text":
        ok = f"NOT regexp_matches({c}, {q(_CONTROL)})"
        limit = col.max_length if col.max_length is not None else TEXT_MAX_CHARS
        ok += f" AND length({c}) <= {limit}"
        return f"{plain} AND {ok}", c
    if kind == "choice":
        allowed = ", ".join(q(x) for x in col.choices)
        value = f"TRY_CAST({c} AS BIGINT)" if is_integer_field(field) else c
        return f"{c} IN ({allowed})", value
    if kind == "date":
        ok = (f"regexp_full_match({c}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') AND {c} >= '0001' "
              f"AND try_strptime({c}, '%Y-%m-%d') IS NOT NULL")
        return ok, f"CAST(try_strptime({c}, '%Y-%m-%d') AS DATE)"
    if kind == "datetime":
        # The wall-clock part and the offset, if any.
        local = f"TRY_CAST(regexp_extract({c}, '^([0-9-]+[T ][0-9:.]+)', 1) AS TIMESTAMP)"
        sign = f"regexp_extract({c}, '([+-])([0-9]{{2}}):([0-9]{{2}})$', 1)"
        hours = f"TRY_CAST(regexp_extract({c}, '([+-])([0-9]{{2}}):([0-9]{{2}})$', 2) AS INTEGER)"
        mins = f"TRY_CAST(regexp_extract({c}, '([+-])([0-9]{{2}}):([0-9]{{2}})$', 3) AS INTEGER)"
        offset_min = f"(CASE WHEN {sign} = '-' THEN -1 ELSE 1 END * ({hours} * 60 + {mins}))"
        has_offset = f"regexp_matches({c}, '(Z|[+-][0-9]{{2}}:[0-9]{{2}})$')"
        year = f"TRY_CAST(substr({c}, 1, 4) AS INTEGER)"
        ok = (f"regexp_full_match({c}, {q(_DATETIME_RE)}) "
              f"AND TRY_CAST(regexp_extract({c}, '^([0-9-]+[T ][0-9:.]+)', 1) AS TIMESTAMP) "
              f"IS NOT NULL AND {year} BETWEEN {BST_YEARS[0]} AND {BST_YEARS[1]}")
        value = (f"CASE WHEN {c} LIKE '%Z' THEN {local} "
                 f"WHEN {has_offset} THEN {local} - to_minutes({offset_min}) "
                 f"ELSE {_utc_from_london(local)} END")
        return ok, value
    if kind == "integer":
        low, high = _int_range(field)
        ok = (f"regexp_full_match({c}, '[+-]?[0-9]{{1,18}}') "
              f"AND TRY_CAST({c} AS BIGINT) BETWEEN {low} AND {high}")
        return ok, f"TRY_CAST({c} AS BIGINT)"
    if kind == "boolean":
        ok = f"regexp_full_match({c}, '[A-Za-z]+') AND lower({c}) IN ('true', 'false')"
        return ok, f"lower({c}) = 'true'"
    if kind == "ref":
        return (f"{plain} AND regexp_full_match({c}, '[^:]+:.+')",
                c)  # split into system and id by the caller
    if kind == "code":
        return plain, c
    return "FALSE", "NULL"  # json, decimal: always the per-row path


def ref_parts(c: str) -> tuple[str, str]:
    """A ref cell's (system, id), split at the first colon as parse_ref does."""
    return (f"split_part({c}, ':', 1)", f"substr({c}, strpos({c}, ':') + 1)")


# -- row checks


def row_flags(spec: FileSpec, col: dict[str, str], ref_value: dict[str, str]) -> str | None:
    """A SQL predicate TRUE for every row check_row could reject, or None if unknown.

    `col` maps a column name to its SQL value in the staging table, `ref_value` maps a
    ref/code column to an expression giving a named extra of its target (see bulk.py):
    ref_value["lpa.kind"], ref_value["assessment.instrument"].
    """
    if spec.computed or spec.name in ("areas",) or (
            spec.name in checks._BY_FILE and spec.name not in _FILE_FLAGS):
        return None
    flags = []
    names = {c.name for c in spec.columns}
    for earlier, later in checks.date_orders(spec.model):
        if earlier in col and later in col:
            flags.append(f"({col[earlier]} IS NOT NULL AND {col[later]} IS NOT NULL "
                         f"AND {col[later]} < {col[earlier]})")
    for c, f in zip(spec.columns, spec.fields, strict=True):
        if c.target != "core.Area" or c.name not in col:
            continue
        allowed = f.remote_field.limit_choices_to
        kind = allowed.get("kind") if isinstance(allowed, dict) else None
        if kind:
            flags.append(f"({col[c.name]} IS NOT NULL AND "
                         f"{ref_value[c.name + '.kind']} IS DISTINCT FROM {q(kind)})")
    if spec.name in _FILE_FLAGS:
        extra = _FILE_FLAGS[spec.name](col, ref_value, names)
        if extra is None:
            return None
        flags.append(extra)
    return " OR ".join(flags) if flags else "FALSE"


def _incident_parties(col, ref_value, names) -> str | None:
    role = col.get("role")
    if role is None:
        return None
    parts = []
    if "school" in col:
        parts.append(f"{col['school']} IS NOT NULL")
    if "home_educated" in col:
        parts.append(f"{col['home_educated']}")
    if not parts:
        return "FALSE"
    return f"({role} IS DISTINCT FROM 'child' AND ({' OR '.join(parts)}))"


def _risk_answers(col, ref_value, names) -> str | None:
    instrument = ref_value.get("assessment.instrument")
    if instrument is None or "question" not in col:
        return None
    limits = " ".join(f"WHEN {q(k)} THEN {v}" for k, v in QUESTION_COUNT.items())
    return (f"({col['question']} < 1 OR {col['question']} > "
            f"COALESCE(CASE {instrument} {limits} END, 0))")


_FILE_FLAGS = {
    "incident_parties": _incident_parties,
    "risk_answers": _risk_answers,
}
# Extras of a reference target the flags above read, by column target.
FLAG_EXTRAS = {"core.Area": ("kind",), "risk.RiskAssessment": ("instrument",)}
