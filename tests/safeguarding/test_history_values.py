"""The rules' loader reads date-times as text from either database and parses them in C:
SQLite's naive UTC text and PostgreSQL's text with its offset give the same instant."""

from datetime import UTC, date, datetime

import pytest

from vigil.core.calendar import LONDON
from vigil.safeguarding.history import _d, _dt

INSTANT = datetime(2026, 10, 31, 22, 40, tzinfo=UTC)


@pytest.mark.parametrize("text", [
    "2026-10-31 22:40:00",              # SQLite: naive UTC
    "2026-10-31T22:40:00",
    "2026-10-31 22:40:00+00",           # PostgreSQL in Django's UTC session
    "2026-10-31 22:40:00+00:00",
    "2026-11-01 04:10:00+05:30",        # an offset named in full
    "2026-10-31 14:40:00-08",
])
def test_the_same_instant_from_either_database(text):
    parsed = _dt(text)
    assert parsed == INSTANT and parsed.tzinfo is LONDON


@pytest.mark.parametrize(("text", "expected", "fold"), [
    ("2026-10-31 22:40:00.123456", INSTANT.replace(microsecond=123456), 0),
    ("2026-10-31 22:40:00.5+00", INSTANT.replace(microsecond=500000), 0),
    # The night the clocks go back, 01:30 in London happens twice: 00:30 UTC is the
    # first (BST), 01:30 UTC the second (GMT, fold 1). Compared by timestamp: PEP 495
    # makes a time in the fold unequal to any time in another zone.
    ("2026-10-25 00:30:00", datetime(2026, 10, 25, 0, 30, tzinfo=UTC), 0),
    ("2026-10-25 01:30:00+00", datetime(2026, 10, 25, 1, 30, tzinfo=UTC), 1),
])
def test_fractions_and_the_clock_change(text, expected, fold):
    parsed = _dt(text)
    assert parsed.timestamp() == expected.timestamp() and parsed.fold == fold


def test_drivers_own_values_and_dates_pass_through():
    assert _dt(None) is None
    assert _dt(INSTANT) == INSTANT
    assert _dt(datetime(2026, 10, 31, 22, 40)) == INSTANT  # naive: UTC
    assert _d("2026-10-31") == date(2026, 10, 31) and _d(date(2026, 1, 2)) == date(2026, 1, 2)
