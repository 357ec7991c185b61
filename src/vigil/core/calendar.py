"""Working days, England and Wales bank holidays, school days, and deadline arithmetic.

Every function takes aware datetimes (any zone; Europe/London is the working zone)
and returns aware Europe/London datetimes. Bank holidays come from the maintained
`holidays` package (England, subdivision "ENG"), never a hand-typed list. School
term dates are data: a default England calendar per school year, which a force
replaces with its local authorities' published dates (`SchoolCalendar.from_file`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
from dateutil.easter import easter

LONDON = ZoneInfo("Europe/London")
END_OF_DAY = time(23, 59, 59)

DayPredicate = Callable[[date], bool]


def _require_aware(value: datetime, name: str = "datetime") -> datetime:
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (Europe/London), got naive {value}")
    return value.astimezone(LONDON)


def local(day: date, at: time = time(0, 0)) -> datetime:
    """`day` at wall-clock `at` in London (zoneinfo resolves DST gaps forward)."""
    return datetime.combine(day, at, tzinfo=LONDON)


def end_of_day(day: date) -> datetime:
    return local(day, END_OF_DAY)


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    """The days off: when a holiday falls at a weekend the library lists both the
    day itself and the "(observed)" substitute; only the substitute is a bank
    holiday (gov.uk), so the weekend original is dropped."""
    listed = holidays.country_holidays("GB", subdiv="ENG", years=year)
    substituted = {name.removesuffix(" (observed)") for name in listed.values()
                   if name.endswith("(observed)")}
    return frozenset(day for day, name in listed.items()
                     if not (day.weekday() >= 5 and name in substituted))


def is_bank_holiday(day: date) -> bool:
    """A bank holiday in England and Wales (substitute days included)."""
    return day in _bank_holidays(day.year)


def bank_holiday_name(day: date) -> str | None:
    return holidays.country_holidays("GB", subdiv="ENG", years=day.year).get(day)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day)


def is_notice_excluded_day(day: date) -> bool:
    """Days not counted in the 48-hour DVPN/DAPN hearing clock (CSA 2010 s.27(3)).

    Sundays, Christmas Day, Good Friday and any bank holiday. Christmas Day and
    Good Friday are named separately in law because they are common-law holidays,
    not bank holidays, in England; we check them explicitly for that reason.
    """
    if day.weekday() == 6 or (day.month == 12 and day.day == 25):
        return True
    if day == easter(day.year) - timedelta(days=2):
        return True
    return is_bank_holiday(day)


def add_hours_excluding(start: datetime, hours: float, excluded_days: DayPredicate
                        ) -> datetime:
    """`hours` of elapsed time after `start`, not counting any whole excluded day.

    Time is counted in real elapsed hours (a DST change is not an extra hour of
    grace); a day is excluded from local midnight to local midnight.
    """
    cursor = _require_aware(start, "start")
    if hours < 0:
        raise ValueError(f"hours must not be negative, got {hours}")
    remaining = timedelta(hours=hours)
    while True:
        day = cursor.date()
        next_midnight = local(day + timedelta(days=1))
        if excluded_days(day):
            cursor = next_midnight
            continue
        # Real elapsed time: Python subtracts two datetimes sharing a tzinfo by the wall
        # clock, so compare them in UTC (the day of a change is 23 or 25 hours long).
        available = next_midnight.astimezone(UTC) - cursor.astimezone(UTC)
        if remaining <= available:
            return (cursor.astimezone(UTC) + remaining).astimezone(LONDON)
        remaining -= available
        cursor = next_midnight


def add_elapsed_hours(start: datetime, hours: float) -> datetime:
    """`hours` of real elapsed time after `start` (24 h across a clock change is 24 real
    hours: 11:00 BST on the Sunday the clocks go back is followed by 10:00 GMT on Monday)."""
    return add_hours_excluding(start, hours, lambda day: False)


def notice_hearing_deadline(served_at: datetime, hours: int) -> datetime:
    """When the DVPO/DAPO hearing must start after a DVPN/DAPN is served."""
    return add_hours_excluding(served_at, hours, is_notice_excluded_day)


def add_working_days(start: datetime, days: int) -> datetime:
    """The end of the `days`-th working day after the day of `start`.

    "Within N working days" is met by the end of that day: an arrest on Friday
    evening is due for a 1-working-day update by the end of Monday (or Tuesday
    after a bank-holiday Monday). A start on a non-working day counts from the
    next working day, as the first working day after it.
    """
    current = _require_aware(start, "start").date()
    if days < 0:
        raise ValueError(f"days must not be negative, got {days}")
    if days == 0:
        return end_of_day(current if is_working_day(current) else next_working_day(current))
    counted = 0
    while counted < days:
        current += timedelta(days=1)
        if is_working_day(current):
            counted += 1
    return end_of_day(current)


def next_working_day(day: date) -> date:
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_days(start: datetime, days: int) -> datetime:
    """Calendar days: the same wall-clock time `days` later (DST-safe)."""
    start = _require_aware(start, "start")
    return local(start.date() + timedelta(days=days), start.timetz().replace(tzinfo=None))


def date_deadline(day: date, days: int) -> datetime:
    """For clocks counted in whole dates (MARAC 28 days): end of day `day + days`."""
    return end_of_day(day + timedelta(days=days))


# --- School days ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    start: date
    end: date
    # Half-term or other closures inside the term, inclusive ranges.
    closures: tuple[tuple[date, date], ...] = ()

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError(f"term ends {self.end} before it starts {self.start}")


def _weekday_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _weekday_on_or_before(day: date, weekday: int) -> date:
    return day - timedelta(days=(day.weekday() - weekday) % 7)


def _week(monday: date) -> tuple[date, date]:
    return (monday, monday + timedelta(days=4))


def default_england_terms(school_year: int) -> list[Term]:
    """A typical England term calendar for the school year starting in September.

    The pattern most local authorities follow: autumn from the first Wednesday in
    September to the Friday before Christmas week with half term in the last week
    of October; spring from the first Monday after New Year's week to the Friday
    before the week of Good Friday, half term in the week of the third Monday of
    February; summer after the two-week Easter break to about 22 July, half term
    in the week of the Spring Bank Holiday. Bank holidays are never school days.
    Replace with the published dates of each local authority where known.
    """
    y = school_year
    autumn_start = _weekday_on_or_after(date(y, 9, 2), 2)
    autumn_end = _weekday_on_or_before(date(y, 12, 20), 4)
    october_half = _week(_weekday_on_or_before(date(y, 10, 31), 0))
    spring_start = _weekday_on_or_after(date(y + 1, 1, 5), 0)
    good_friday = easter(y + 1) - timedelta(days=2)
    spring_end = good_friday - timedelta(days=7)
    february_half = _week(_weekday_on_or_after(date(y + 1, 2, 15), 0))
    summer_start = good_friday + timedelta(days=10)  # Monday after Easter week
    may_half = _week(_weekday_on_or_before(date(y + 1, 5, 31), 0))
    summer_end = _weekday_on_or_before(date(y + 1, 7, 22), 4)
    return [
        Term(autumn_start, autumn_end, (october_half,)),
        Term(spring_start, spring_end, (february_half,)),
        Term(summer_start, summer_end, (may_half,)),
    ]


class SchoolCalendar:
    """School days: term days that are weekdays, not closures, not bank holidays.

    `terms` maps a school year (the September it starts in) to its terms; years
    not given fall back to the default England calendar.
    """

    def __init__(self, terms: dict[int, list[Term]] | None = None,
                 day_starts_at: time = time(8, 30)):
        self._terms = dict(terms or {})
        self.day_starts_at = day_starts_at

    @classmethod
    def from_file(cls, path: str | Path, day_starts_at: time = time(8, 30)) -> SchoolCalendar:
        """JSON: {"2026": [{"start": "2026-09-02", "end": "2026-12-18",
        "closures": [["2026-10-26", "2026-10-30"]]}, ...]}"""
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
        terms: dict[int, list[Term]] = {}
        for year, items in raw.items():
            try:
                terms[int(year)] = [
                    Term(date.fromisoformat(t["start"]), date.fromisoformat(t["end"]),
                         tuple((date.fromisoformat(a), date.fromisoformat(b))
                               for a, b in t.get("closures", [])))
                    for t in items
                ]
            except (KeyError, ValueError, TypeError) as exc:
                raise ValueError(f"{path}: school year {year}: bad term entry ({exc})") from exc
        return cls(terms, day_starts_at)

    def terms_for(self, school_year: int) -> list[Term]:
        if school_year not in self._terms:
            self._terms[school_year] = default_england_terms(school_year)
        return self._terms[school_year]

    def is_school_day(self, day: date) -> bool:
        if day.weekday() >= 5 or is_bank_holiday(day):
            return False
        school_year = day.year if day.month >= 8 else day.year - 1
        for term in self.terms_for(school_year):
            if term.start <= day <= term.end:
                return not any(a <= day <= b for a, b in term.closures)
        return False

    def next_school_day_start(self, at: datetime) -> datetime:
        """The start of the first school day that begins after `at`.

        An incident before 08:30 on a school day is due that morning; one on a
        Friday night is due on Monday morning (or after half term); one in the
        summer holiday is due on the first morning of the autumn term.
        """
        at = _require_aware(at, "at")
        day = at.date()
        for _ in range(400):
            if self.is_school_day(day):
                start = local(day, self.day_starts_at)
                if start > at:
                    return start
            day += timedelta(days=1)
        raise ValueError(f"no school day within 400 days after {at}; check the term dates")


def iter_days(first: date, last: date) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


@lru_cache(maxsize=1)
def default_school_calendar() -> SchoolCalendar:
    """The force's school calendar: VIGIL_SCHOOL_TERMS_FILE if set, else the default."""
    from django.conf import settings

    path = getattr(settings, "VIGIL_SCHOOL_TERMS_FILE", None) or os.environ.get(
        "VIGIL_SCHOOL_TERMS_FILE")
    return SchoolCalendar.from_file(path) if path else SchoolCalendar()


def next_school_day_start(at: datetime, calendar: SchoolCalendar | None = None) -> datetime:
    return (calendar or default_school_calendar()).next_school_day_start(at)
