"""The one as-of date every analytics page and the board report use, and what it rests on.

The default is the end of the last complete month the snapshot holds records for, never
"today": on a snapshot whose records end on 31 October, opened on 30 November, November is
not a month with no incidents, it is a month the snapshot does not hold. An as-of after the
records or before the first of them is refused with a message saying which dates are held.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb

from vigil.analytics.engine import add_months
from vigil.analytics.snapshot import MANIFEST, snapshot_dir, snapshot_lock, table_glob

_CACHE: dict[tuple[str, str], tuple[date | None, date | None]] = {}
_LOCK = threading.Lock()


class AsOfError(ValueError):
    """An as-of date the snapshot cannot answer for; the message says which dates it can."""


@dataclass(frozen=True)
class AsOf:
    as_of: date
    records_from: date
    records_to: date
    taken_at: datetime | None
    default: bool

    def statement(self) -> str:
        """'Records to 31 October 2026, snapshot taken 30 November 2026 16:51'."""
        text = f"Figures as of {_day(self.as_of)}: records to {_day(self.records_to)}"
        if self.taken_at:
            text += f", snapshot taken {_day(self.taken_at)} {self.taken_at:%H:%M}"
        return text


def _day(d) -> str:
    return f"{d.day} {d:%B %Y}"


def end_of_month(month: date) -> date:
    return add_months(month.replace(day=1), 1) - timedelta(days=1)


def last_month_end_on_or_before(d: date) -> date:
    """The last day of the last complete month ending on or before `d`."""
    return d if end_of_month(d) == d else d.replace(day=1) - timedelta(days=1)


def snapshot_stamp(data_dir: Path) -> str:
    path = snapshot_dir(data_dir) / MANIFEST
    if not path.exists():
        return ""
    return json.loads(path.read_text()).get("taken_at", "")


def record_span(data_dir: Path) -> tuple[date | None, date | None]:
    """First and last days with a DA incident in the snapshot (cached per snapshot)."""
    key = (str(data_dir), snapshot_stamp(data_dir))
    with _LOCK:
        if key in _CACHE:
            return _CACHE[key]
    glob = table_glob(data_dir, "incidents").replace("'", "''")
    con = duckdb.connect()
    try:
        with snapshot_lock(data_dir, exclusive=False):  # not while one is being published
            first, last = con.execute(
                f"SELECT MIN(reported_at), MAX(reported_at) FROM read_parquet('{glob}')"
            ).fetchone()
    except duckdb.Error:
        first = last = None
    finally:
        con.close()
    span = (_as_date(first), _as_date(last))
    with _LOCK:
        _CACHE[key] = span
    return span


def _as_date(value) -> date | None:
    if value is None:
        return None
    return value.date() if isinstance(value, datetime) else value


def resolve(data_dir: Path, text: str | None, *, today: date | None = None) -> AsOf:
    """The as-of for `text` (YYYY-MM-DD), or the default when empty; AsOfError if refused."""
    stamp = snapshot_stamp(data_dir)
    taken_at = datetime.fromisoformat(stamp) if stamp else None
    first, last = record_span(data_dir)
    if first is None or last is None:
        raise AsOfError("the snapshot holds no incidents, so there are no figures to show; "
                        "import records and run `vigil snapshot`")
    # A snapshot taken during a day holds that day only in part.
    if taken_at is not None and last >= taken_at.date():
        last = taken_at.date() - timedelta(days=1)
    default = last_month_end_on_or_before(last)
    if default < first:
        default = last
    if not text:
        return AsOf(default, first, last, taken_at, True)
    try:
        chosen = date.fromisoformat(text.strip())
    except ValueError:
        raise AsOfError(f"as-of {text!r} is not a date; use the form 2026-10-31") from None
    today = today or date.today()
    if chosen > today:
        raise AsOfError(f"as-of {_day(chosen)} is in the future; the snapshot holds records "
                        f"from {_day(first)} to {_day(last)}")
    if chosen > last:
        raise AsOfError(f"as-of {_day(chosen)} is after the last records in the snapshot "
                        f"({_day(last)}); months after that would count as empty. Choose a "
                        f"date from {_day(first)} to {_day(last)}")
    if chosen < first:
        raise AsOfError(f"as-of {_day(chosen)} is before the first records in the snapshot "
                        f"({_day(first)}); choose a date from {_day(first)} to {_day(last)}")
    return AsOf(chosen, first, last, taken_at, False)
