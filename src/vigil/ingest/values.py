"""Parse one CSV cell into the value stored, or say why it cannot be.

Each parser takes the stripped text of a non-empty cell and returns the value,
or raises `BadValue` with a message for the reject report.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from django.db import models

from vigil.ingest.spec import Column

LONDON = ZoneInfo("Europe/London")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_INTEGER = re.compile(r"^[+-]?\d+$")
_BOOLEANS = {"true": True, "false": False}
# Positive small integer fields are 0..32767 on every backend.
_INT_RANGES = {
    models.PositiveSmallIntegerField: (0, 32767),
    models.PositiveIntegerField: (0, 2147483647),
    models.SmallIntegerField: (-32768, 32767),
    models.IntegerField: (-2147483648, 2147483647),
}


class BadValue(ValueError):
    """The cell's text is not a valid value for its column."""


# --- Characters no source system should send -------------------------------------
# NUL and the other C0/C1 control characters break downstream systems, hide text on
# screen and in spreadsheets, and are never part of a name or a narrative. Tab and
# line breaks are allowed in free text (narratives) only.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LAYOUT = re.compile(r"[\t\n\r]")
# Free text without a column limit (narratives) is held to this many characters
# (docs/deploy.md, "Limits"): about ten pages, far beyond any real log entry.
TEXT_MAX_CHARS = 20_000


def check_characters(text: str, kind: str) -> None:
    """Refuse control characters, naming the first and where it is."""
    found = _CONTROL.search(text) or (kind != "text" and _LAYOUT.search(text))
    if found:
        raise BadValue(f"control character U+{ord(found.group()):04X} at character "
                       f"{found.start() + 1}; remove it and import again")


def parse_date(text: str) -> date:
    m = _DATE.match(text)
    if not m:
        raise BadValue("not a date; write YYYY-MM-DD, e.g. 2025-03-31")
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError as exc:
        raise BadValue(f"impossible date ({exc})") from None


def parse_datetime(text: str) -> datetime:
    """ISO 8601; without an offset the time is Europe/London wall-clock time.

    Clocks going forward leave a gap (01:00-02:00 on the last Sunday in March):
    a time in the gap is read with the offset in force before the change, so
    01:30 becomes 02:30 BST. Clocks going back repeat an hour (01:00-02:00 on
    the last Sunday in October): a repeated time is read as its first
    occurrence, in BST. This is Python's fold=0 rule, so it is deterministic.
    """
    if not _DATETIME.match(text):
        raise BadValue("not a date-time; write ISO 8601, e.g. 2025-03-31T14:05:00")
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise BadValue(f"impossible date-time ({exc})") from None
    if value.tzinfo is None:
        # fold=0 with zoneinfo: first occurrence in the overlap, pre-change offset in the gap.
        value = value.replace(tzinfo=LONDON)
    # As UTC: aware datetimes in a gap or fold never compare equal across zones (PEP 495).
    return value.astimezone(UTC)


def parse_integer(text: str, field: models.Field) -> int:
    if not _INTEGER.match(text):
        raise BadValue("not a whole number")
    value = int(text)
    for cls in type(field).__mro__:
        if cls in _INT_RANGES:
            low, high = _INT_RANGES[cls]
            if not low <= value <= high:
                raise BadValue(f"out of range: must be between {low} and {high}")
            break
    return value


def parse_boolean(text: str) -> bool:
    try:
        return _BOOLEANS[text.lower()]
    except KeyError:
        raise BadValue("not a boolean; write true or false") from None


def parse_decimal(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise BadValue("not a number") from None


def parse_ref(text: str) -> tuple[str, str]:
    system, sep, source_id = text.partition(":")
    if not sep or not system or not source_id:
        raise BadValue('not a reference; write SYSTEM:ID, e.g. "CONNECT:P123"')
    return system, source_id


def parse_cell(text: str, col: Column, field: models.Field):
    """The stored value of a non-empty, stripped cell."""
    kind = col.type
    check_characters(text, kind)
    if kind == "text":
        limit = col.max_length if col.max_length is not None else TEXT_MAX_CHARS
        if len(text) > limit:
            raise BadValue(f"too long: {len(text)} characters, at most {limit}")
        return text
    if kind == "choice":
        if text not in col.choices:
            raise BadValue(f"unknown value; allowed: {', '.join(col.choices)}")
        return field.to_python(text)
    if kind == "date":
        return parse_date(text)
    if kind == "datetime":
        return parse_datetime(text)
    if kind == "integer":
        return parse_integer(text, field)
    if kind == "boolean":
        return parse_boolean(text)
    if kind == "ref":
        return parse_ref(text)
    if kind == "code":
        return text
    if kind == "decimal":
        return parse_decimal(text)
    if kind == "json":
        try:
            return json.loads(text)
        except ValueError as exc:
            raise BadValue(f"not valid JSON ({exc})") from None
    raise BadValue(f"unsupported column type {kind}")


def empty_value(field: models.Field):
    """What an empty (not known) cell stores in an optional column."""
    if field.null:
        return None
    if field.has_default():
        return field.get_default()
    return ""
