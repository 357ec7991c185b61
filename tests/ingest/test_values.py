"""Cell parsing: dates, London date-times across the clock changes, numbers, refs."""

from datetime import UTC, date, datetime

import pytest

from vigil.ingest.spec import BY_NAME
from vigil.ingest.values import (
    BadValue,
    parse_boolean,
    parse_cell,
    parse_date,
    parse_datetime,
    parse_ref,
)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize("text, expected", [
    ("2024-02-29", date(2024, 2, 29)),
    ("2025-12-31", date(2025, 12, 31)),
])
def test_dates(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text, reason", [
    ("2025-02-30", "impossible date"),
    ("2025-02-29", "impossible date"),
    ("2025-13-01", "impossible date"),
    ("31/03/2025", "not a date"),
    ("20250331", "not a date"),
])
def test_bad_dates(text, reason):
    with pytest.raises(BadValue, match=reason):
        parse_date(text)


@pytest.mark.parametrize("text, expected", [
    # Winter: GMT; summer: BST (UTC+1).
    ("2025-01-15T10:00:00", utc(2025, 1, 15, 10)),
    ("2025-07-15 10:00", utc(2025, 7, 15, 9)),
    # Offsets are honoured as given.
    ("2025-07-15T10:00:00Z", utc(2025, 7, 15, 10)),
    ("2025-07-15T10:00:00+02:00", utc(2025, 7, 15, 8)),
    # Clocks forward 30 Mar 2025 01:00 GMT: the missing 01:30 reads as 01:30 GMT (02:30 BST).
    ("2025-03-30T00:59:00", utc(2025, 3, 30, 0, 59)),
    ("2025-03-30T01:30:00", utc(2025, 3, 30, 1, 30)),
    ("2025-03-30T02:00:00", utc(2025, 3, 30, 1, 0)),
    # Clocks back 26 Oct 2025 02:00 BST: the repeated 01:30 reads as the first one (BST).
    ("2025-10-26T01:30:00", utc(2025, 10, 26, 0, 30)),
    ("2025-10-26T02:00:00", utc(2025, 10, 26, 2, 0)),
])
def test_datetimes_are_london_when_naive(text, expected):
    value = parse_datetime(text)
    assert value == expected
    assert value.utcoffset() is not None


@pytest.mark.parametrize("text, reason", [
    ("2025-02-30T10:00", "impossible date-time"),
    ("2025-03-01T25:00", "impossible date-time"),
    ("2025-03-01", "not a date-time"),
    ("yesterday", "not a date-time"),
])
def test_bad_datetimes(text, reason):
    with pytest.raises(BadValue, match=reason):
        parse_datetime(text)


@pytest.mark.parametrize("text, expected", [("true", True), ("false", False),
                                            ("TRUE", True)])
def test_booleans(text, expected):
    assert parse_boolean(text) is expected


@pytest.mark.parametrize("text", ["yes", "1", "Y"])
def test_bad_booleans(text):
    with pytest.raises(BadValue, match="true or false"):
        parse_boolean(text)


def test_refs():
    assert parse_ref("CONNECT:P:1") == ("CONNECT", "P:1")
    for bad in ("P1", ":P1", "CONNECT:"):
        with pytest.raises(BadValue, match="SYSTEM:ID"):
            parse_ref(bad)


def _col(file, name):
    spec = BY_NAME[file]
    i = [c.name for c in spec.columns].index(name)
    return spec.columns[i], spec.fields[i]


@pytest.mark.parametrize("file, column, text, expected", [
    ("risk_assessments", "yes_count", "14", 14),
    ("risk_assessments", "final_level", "3", 3),
    ("persons", "sex", "F", "F"),
    ("persons", "surname", "x" * 100, "x" * 100),
])
def test_cells(file, column, text, expected):
    assert parse_cell(text, *_col(file, column)) == expected


@pytest.mark.parametrize("file, column, text, reason", [
    ("risk_assessments", "yes_count", "12.5", "not a whole number"),
    ("risk_assessments", "yes_count", "-1", "out of range"),
    ("risk_assessments", "final_level", "4", "allowed: 1, 2, 3"),
    ("persons", "sex", "female", "allowed: F, M, U"),
    ("persons", "surname", "x" * 101, "too long: 101 characters, at most 100"),
])
def test_bad_cells(file, column, text, reason):
    with pytest.raises(BadValue, match=reason):
        parse_cell(text, *_col(file, column))
