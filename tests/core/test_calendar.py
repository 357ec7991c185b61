"""Deadline arithmetic at the boundaries domain.md names."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from vigil.core import calendar as cal

L = ZoneInfo("Europe/London")


def at(y, m, d, hh=12, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=L)


@pytest.mark.parametrize("day, expected", [
    (date(2026, 4, 3), True),     # Good Friday
    (date(2026, 4, 6), True),     # Easter Monday
    (date(2026, 5, 25), True),    # Spring bank holiday
    (date(2026, 12, 28), True),   # Boxing Day substitute (26th is a Saturday)
    (date(2026, 12, 26), False),  # the Saturday itself is not a bank holiday
    (date(2026, 4, 7), False),
])
def test_bank_holidays_england(day, expected):
    assert cal.is_bank_holiday(day) is expected


@pytest.mark.parametrize("served, due", [
    # Saturday evening before the Spring bank holiday: Sat 4 h, Sun and Mon skipped,
    # Tue 24 h, Wed 20 h.
    (at(2026, 5, 23, 20), at(2026, 5, 27, 20)),
    # The same service a week earlier (no bank holiday): Sunday only is skipped.
    (at(2026, 5, 16, 20), at(2026, 5, 19, 20)),
    # DAPN over Christmas 2026: Wed 14 h + Thu 24 h, Christmas Day skipped, Sat 10 h.
    (at(2026, 12, 23, 10), at(2026, 12, 26, 10)),
    # Christmas Eve evening: Sat counts, Sun 27 and the Boxing Day substitute Mon 28 do not.
    (at(2026, 12, 24, 18), at(2026, 12, 29, 18)),
    # Served on Good Friday: the clock starts at midnight after it.
    (at(2026, 4, 3, 9), at(2026, 4, 8, 0)),
    # Clocks go forward on a Sunday, which is excluded anyway.
    (at(2026, 3, 27, 12), at(2026, 3, 30, 12)),
])
def test_notice_hearing_deadline(served, due):
    assert cal.notice_hearing_deadline(served, 48) == due


def test_add_hours_counts_real_elapsed_hours_across_dst():
    # 24 real hours after noon on the Saturday clocks go forward is 13:00 on Sunday.
    assert cal.add_hours_excluding(at(2026, 3, 28, 12), 24, lambda d: False) == at(
        2026, 3, 29, 13)


@pytest.mark.parametrize("start, due", [
    # Starting on the day of the change itself: that day has 23 (March) or 25 (October)
    # real hours, and the clock counts them, not the wall clock's 24.
    (at(2026, 3, 29, 0, 30), at(2026, 3, 30, 1, 30)),
    (at(2026, 10, 25, 0, 30), at(2026, 10, 25, 23, 30)),
])
def test_elapsed_hours_starting_on_the_day_of_a_change(start, due):
    assert cal.add_elapsed_hours(start, 24) == due
    real = cal.add_elapsed_hours(start, 24).astimezone(UTC) - start.astimezone(UTC)
    assert real == timedelta(hours=24)


def test_add_hours_excluding_rejects_naive_and_negative():
    with pytest.raises(ValueError, match="timezone-aware"):
        cal.add_hours_excluding(datetime(2026, 1, 1), 48, cal.is_notice_excluded_day)
    with pytest.raises(ValueError, match="negative"):
        cal.add_hours_excluding(at(2026, 1, 1), -1, cal.is_notice_excluded_day)


@pytest.mark.parametrize("start, days, due", [
    # Medium-risk contact across Easter 2026: Good Friday and Easter Monday don't count.
    (at(2026, 4, 2, 15), 5, cal.end_of_day(date(2026, 4, 13))),
    (at(2026, 3, 19, 15), 5, cal.end_of_day(date(2026, 3, 26))),
    # Victims' Code: arrest on Friday night -> end of Monday.
    (at(2026, 3, 13, 23), 1, cal.end_of_day(date(2026, 3, 16))),
    # Saturday before a bank-holiday Monday -> end of Tuesday.
    (at(2026, 5, 23, 10), 1, cal.end_of_day(date(2026, 5, 26))),
])
def test_add_working_days(start, days, due):
    assert cal.add_working_days(start, days) == due


@pytest.mark.parametrize("incident, due", [
    # Friday night in term -> Monday 08:30.
    (at(2026, 3, 13, 22), at(2026, 3, 16, 8, 30)),
    # Before the start of a school day -> that morning.
    (at(2026, 3, 17, 6), at(2026, 3, 17, 8, 30)),
    # After the start -> next morning.
    (at(2026, 3, 17, 9), at(2026, 3, 18, 8, 30)),
    # Summer holiday -> first day of the autumn term (Wed 2 Sep 2026).
    (at(2026, 8, 10, 21), at(2026, 9, 2, 8, 30)),
    # Friday before October half term -> Monday after it.
    (at(2026, 10, 23, 20), at(2026, 11, 2, 8, 30)),
    # Last day of spring term 2026: two-week Easter break -> Monday 13 April.
    (at(2026, 3, 27, 20), at(2026, 4, 13, 8, 30)),
])
def test_next_school_day_start_default_calendar(incident, due):
    assert cal.SchoolCalendar().next_school_day_start(incident) == due


def test_school_calendar_from_file_overrides_default(tmp_path):
    path = tmp_path / "terms.json"
    path.write_text('{"2026": [{"start": "2026-08-24", "end": "2026-12-18", '
                    '"closures": [["2026-08-26", "2026-08-28"]]}]}')
    school = cal.SchoolCalendar.from_file(path, day_starts_at=time(9, 0))
    assert school.next_school_day_start(at(2026, 8, 24, 10)) == at(2026, 8, 25, 9)
    # Closure 26-28 Aug, then the late summer bank holiday on Monday 31 August.
    assert school.next_school_day_start(at(2026, 8, 25, 10)) == at(2026, 9, 1, 9)


def test_school_calendar_bad_file_names_the_year(tmp_path):
    path = tmp_path / "terms.json"
    path.write_text('{"2026": [{"start": "2026-09-01"}]}')
    with pytest.raises(ValueError, match="school year 2026"):
        cal.SchoolCalendar.from_file(path)
