"""Time for the generator: instants are integer epoch seconds, shown in Europe/London.

Working days, bank holidays, school days and the notice clock are core.calendar's;
these wrappers take and give epoch seconds.

Keeping instants as UTC seconds makes ordering and arithmetic exact across the
clock changes; only the writer turns them into local ISO 8601 with an offset.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from vigil.core import calendar

LONDON = ZoneInfo("Europe/London")
HOUR = 3600
DAY = 86400
YEAR_DAYS = 365.25


def at(d: date, hour: int = 0, minute: int = 0, second: int = 0) -> int:
    """The instant of a local wall-clock time on a day."""
    return int(datetime(d.year, d.month, d.day, hour, minute, second, tzinfo=LONDON).timestamp())


def day_of(ts: float) -> date:
    return datetime.fromtimestamp(int(ts), LONDON).date()


_OFFSETS: dict[int, tuple[int, str]] = {}


def iso(ts: float) -> str:
    """Local ISO 8601 with its offset. The UK changes clocks on the hour (01:00 UTC), so
    the offset is looked up once per hour of UTC time."""
    ts = int(ts)
    hour = ts // HOUR
    found = _OFFSETS.get(hour)
    if found is None:
        offset = int(datetime.fromtimestamp(hour * HOUR, LONDON).utcoffset().total_seconds())
        found = _OFFSETS[hour] = (offset, f"+{offset // HOUR:02d}:00")
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts + found[0])) + found[1]


def years_before(end: date, years: int) -> date:
    """The first day of a history of `years` years ending on `end`."""
    try:
        back = end.replace(year=end.year - years)
    except ValueError:  # 29 February
        back = end.replace(year=end.year - years, day=28)
    return back + timedelta(days=1)


def _dt(ts: int) -> datetime:
    return datetime.fromtimestamp(int(ts), LONDON)


def notice_deadline(served: int, hours: int) -> int:
    """When a notice's hearing must be held (core.calendar: 48 h not counting Sundays,
    Christmas Day, Good Friday or bank holidays)."""
    return int(calendar.notice_hearing_deadline(_dt(served), hours).timestamp())


def next_school_day_start(ts: int) -> int:
    """The start of the next school day after the instant (core.calendar's school terms)."""
    return int(calendar.next_school_day_start(_dt(ts)).timestamp())


def add_working_days(ts: int, n: int) -> int:
    """The end of the n-th working day after the instant's day (core.calendar)."""
    return int(calendar.add_working_days(_dt(ts), n).timestamp())
