"""The set-wise (DuckDB) typing agrees with the per-row parser wherever it does not flag.

A cell the SQL accepts must be one parse_cell accepts, with the same value; a cell
it flags goes to parse_cell itself, so a flag can cost time but never change an
outcome. Hypothesis draws cells near every boundary the parsers have.
"""

from datetime import UTC, datetime, timedelta

import duckdb
import pytest
from django.db import models
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vigil.ingest import setwise
from vigil.ingest.spec import Column
from vigil.ingest.values import BadValue, parse_cell

CON = duckdb.connect()
SETTINGS = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

COLUMNS = {
    "text": (Column("t", "text", False, max_length=5), models.CharField(max_length=5)),
    "choice": (Column("c", "choice", False, ("victim", "suspect")),
               models.CharField(max_length=10, choices=[("victim", "v"), ("suspect", "s")])),
    "level": (Column("l", "choice", False, ("1", "2", "3")),
              models.PositiveSmallIntegerField(choices=[(1, "a"), (2, "b"), (3, "c")])),
    "date": (Column("d", "date", False), models.DateField()),
    "datetime": (Column("dt", "datetime", False), models.DateTimeField()),
    "integer": (Column("i", "integer", False), models.PositiveSmallIntegerField()),
    "boolean": (Column("b", "boolean", False), models.BooleanField()),
    "ref": (Column("r", "ref", False), models.CharField()),
}


def sql_result(kind: str, text: str):
    col, field = COLUMNS[kind]
    ok, value = setwise.cell_sql("c", col, field)
    return CON.execute(f"SELECT ({ok}) AS ok, {value} AS v FROM (SELECT ?::VARCHAR AS c)",
                       [text]).fetchone()


def python_result(kind: str, text: str):
    col, field = COLUMNS[kind]
    try:
        return True, parse_cell(text.strip(), col, field)
    except BadValue:
        return False, None


def agree(kind: str, text: str) -> None:
    if text == "":
        return  # empty cells are "not known" before any parser runs
    ok, value = sql_result(kind, text)
    if not ok:
        return  # flagged: parse_cell decides
    parsed_ok, parsed = python_result(kind, text)
    assert parsed_ok, f"SQL accepted {text!r} for {kind}, parse_cell rejects it"
    if kind == "datetime":
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    if kind == "ref":
        parsed = ":".join(parsed)
    assert value == parsed, (kind, text, value, parsed)


near_text = st.text(alphabet=st.sampled_from("aZé :-+TtrueFALSE01239\t\n\xa0\u2003\x00\x7f"),
                    max_size=8)


@SETTINGS
@given(kind=st.sampled_from(sorted(COLUMNS)), text=near_text)
def test_any_text_agrees(kind, text):
    agree(kind, text)


@st.composite
def datetimes_near_clock_changes(draw):
    year = draw(st.integers(1990, 2100))
    month = draw(st.sampled_from([1, 3, 3, 3, 6, 10, 10, 10, 12]))
    day = draw(st.integers(24, 31)) if month in (3, 10) else draw(st.integers(1, 28))
    try:
        base = datetime(year, month, day)
    except ValueError:
        base = datetime(year, month, 28)
    moment = base + timedelta(minutes=draw(st.integers(0, 24 * 60 - 1)),
                              microseconds=draw(st.sampled_from([0, 0, 5, 123456, 500000])))
    sep = draw(st.sampled_from(["T", " "]))
    text = moment.isoformat(sep=sep)
    if draw(st.booleans()):
        text = text[:16]  # HH:MM only
    suffix = draw(st.sampled_from(["", "", "Z", "+01:00", "-05:30", "+00:00", "+14:00"]))
    return text + suffix


@SETTINGS
@given(text=datetimes_near_clock_changes())
def test_datetimes_agree_across_clock_changes(text):
    ok, _ = sql_result("datetime", text)
    agree("datetime", text)
    year = int(text[:4])
    if setwise.BST_YEARS[0] <= year <= setwise.BST_YEARS[1]:
        assert ok, f"a plain ISO date-time took the slow path: {text!r}"


@pytest.mark.parametrize("text, utc", [
    ("2025-03-30T00:59", "2025-03-30 00:59:00"),  # GMT
    ("2025-03-30T01:30", "2025-03-30 01:30:00"),  # in the gap: read with GMT (02:30 BST)
    ("2025-03-30T02:00", "2025-03-30 01:00:00"),  # BST
    ("2025-10-26T00:59", "2025-10-25 23:59:00"),  # BST
    ("2025-10-26T01:30", "2025-10-26 00:30:00"),  # the fold: first occurrence, BST
    ("2025-10-26T02:00", "2025-10-26 02:00:00"),  # GMT
    ("2025-07-01T12:00:00+02:00", "2025-07-01 10:00:00"),
])
def test_clock_change_boundaries(text, utc):
    ok, value = sql_result("datetime", text)
    assert ok
    assert str(value) == utc
    agree("datetime", text)


@SETTINGS
@given(n=st.integers(-40000, 40000), form=st.sampled_from(["{}", "+{}", "0{}", " {}"]))
def test_integers_agree(n, form):
    agree("integer", form.format(n))


@SETTINGS
@given(d=st.dates(), form=st.sampled_from(["{}", "{} ", "{}x"]))
def test_dates_agree(d, form):
    agree("date", form.format(d.isoformat()))
    ok, _ = sql_result("date", d.isoformat())
    assert ok


@pytest.mark.parametrize("text", ["2025-02-30", "0000-01-01", "2025-13-01", "2025-1-01"])
def test_impossible_dates_are_flagged(text):
    ok, _ = sql_result("date", text)
    assert not ok
    assert python_result("date", text)[0] is False


# -- row checks: every row check_row rejects is flagged by the set-wise predicate


def _flagged(spec_name: str, values: dict, extras: dict) -> bool:
    """Evaluate setwise.row_flags for one row in SQLite (the predicate is portable SQL)."""
    import sqlite3

    from vigil.ingest.spec import BY_NAME

    spec = BY_NAME[spec_name]
    col = {name: f"v_{name}" for name in values}
    ref_value = {key: f"x_{key.replace('.', '_')}" for key in extras}
    sql = setwise.row_flags(spec, col, ref_value)
    names = [*col.values(), *ref_value.values()]
    params = [*values.values(), *extras.values()]
    select = ", ".join(f"? AS {n}" for n in names)
    with sqlite3.connect(":memory:") as con:
        return bool(con.execute(f"SELECT {sql} FROM (SELECT {select})", params).fetchone()[0])


class _Plan:
    def __init__(self, col, field):
        self.col, self.field = col, field


def _plans(spec):
    return [_Plan(c, f) for c, f in zip(spec.columns, spec.fields, strict=True)]


@SETTINGS
@given(role=st.sampled_from(["victim", "suspect", "child", "witness"]),
       school=st.one_of(st.none(), st.just(7)), home_educated=st.booleans())
def test_incident_party_rows_check_row_rejects_are_flagged(role, school, home_educated):
    from vigil.ingest.checks import check_row
    from vigil.ingest.spec import BY_NAME

    spec = BY_NAME["incident_parties"]
    values = {"role": role, "school": school, "home_educated": home_educated}
    problems = check_row(spec, dict(values), {}, [], None)
    if problems:
        assert _flagged("incident_parties", values, {})


@SETTINGS
@given(question=st.integers(-2, 40), instrument=st.sampled_from(["DASH27", "RIC24"]))
def test_risk_answer_rows_check_row_rejects_are_flagged(question, instrument):
    from vigil.ingest.checks import check_row
    from vigil.ingest.spec import BY_NAME

    spec = BY_NAME["risk_answers"]
    problems = check_row(spec, {"question": question}, {"assessment": {"instrument": instrument}},
                         [], None)
    flagged = _flagged("risk_answers", {"question": question},
                       {"assessment.instrument": instrument})
    if problems:
        assert flagged


@SETTINGS
@given(recorded=st.dates(), ends=st.one_of(st.none(), st.dates()),
       kind=st.sampled_from(["lpa", "neighbourhood", "force"]))
def test_date_order_and_area_kind_rejects_are_flagged(recorded, ends, kind):
    from vigil.ingest.checks import check_row
    from vigil.ingest.spec import BY_NAME

    spec = BY_NAME["vulnerabilities"]
    values = {"recorded_on": recorded, "ends_on": ends}
    problems = check_row(spec, dict(values), {}, _plans(spec), None)
    as_text = {k: None if v is None else v.isoformat() for k, v in values.items()}
    if problems:
        assert _flagged("vulnerabilities", as_text, {})
    spec = BY_NAME["incidents"]
    refs = {"lpa": {"kind": kind, "id": 1}}
    problems = check_row(spec, {"lpa": "BHM"}, refs, _plans(spec), None)
    if problems:
        assert _flagged("incidents", {"lpa": 1}, {"lpa.kind": kind})
