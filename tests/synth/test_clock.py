"""The generator's clock: core.calendar's rules on epoch seconds, and local ISO 8601."""

from datetime import date, datetime

import pytest

from vigil.synth.clock import LONDON, at, iso, next_school_day_start, notice_deadline


def local(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, LONDON).replace(tzinfo=None)


@pytest.mark.parametrize(("served", "expected"), [
    # Monday: two plain days.
    (datetime(2025, 6, 2, 10, 0), datetime(2025, 6, 4, 10, 0)),
    # Friday: Saturday counts, Sunday does not.
    (datetime(2025, 6, 6, 10, 0), datetime(2025, 6, 9, 10, 0)),
    # Saturday: 14 h, Sunday skipped, then 34 h.
    (datetime(2025, 6, 7, 10, 0), datetime(2025, 6, 10, 10, 0)),
    # Sunday service: the clock starts on Monday.
    (datetime(2025, 6, 8, 15, 0), datetime(2025, 6, 11, 0, 0)),
    # Easter 2025: Good Friday, Sunday and Easter Monday are skipped.
    (datetime(2025, 4, 17, 10, 0), datetime(2025, 4, 22, 10, 0)),
    # Christmas 2025: Christmas Day, Boxing Day and Sunday are skipped.
    (datetime(2025, 12, 24, 12, 0), datetime(2025, 12, 29, 12, 0)),
    # Clocks go forward on Sunday 30 March 2025 (a Sunday, so not counted anyway).
    (datetime(2025, 3, 29, 12, 0), datetime(2025, 4, 1, 12, 0)),
    # Just before midnight on Saturday.
    (datetime(2025, 6, 7, 23, 59), datetime(2025, 6, 10, 23, 59)),
])
def test_notice_deadline(served, expected):
    ts = at(served.date(), served.hour, served.minute)
    assert local(notice_deadline(ts, 48)) == expected


@pytest.mark.parametrize(("when", "expected"), [
    (datetime(2025, 6, 4, 20, 0), datetime(2025, 6, 5, 8, 30)),  # Wednesday evening
    (datetime(2025, 6, 6, 20, 0), datetime(2025, 6, 9, 8, 30)),  # Friday -> Monday
    (datetime(2025, 5, 2, 22, 0), datetime(2025, 5, 6, 8, 30)),  # bank holiday Monday
    (datetime(2025, 6, 5, 7, 0), datetime(2025, 6, 5, 8, 30)),  # before school: that morning
])
def test_next_school_day_start(when, expected):
    assert local(next_school_day_start(at(when.date(), when.hour, when.minute))) == expected


@pytest.mark.parametrize(("day", "offset"), [(date(2025, 1, 15), "+00:00"),
                                             (date(2025, 7, 15), "+01:00")])
def test_iso_has_the_london_offset(day, offset):
    assert iso(at(day, 9, 30)) == f"{day.isoformat()}T09:30:00{offset}"
