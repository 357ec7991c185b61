"""Meeting invitations as iCalendar (RFC 5545) files: one VEVENT per meeting.

The invitation goes to partner agencies' calendars, so it names the MARAC, the day
and the number of cases, never a victim. Times are written in UTC (a "Z" suffix),
which every calendar reads without a time-zone block.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from vigil.core.calendar import LONDON
from vigil.core.policy import current as current_policy


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space."""
    raw = line.encode("utf-8")
    if len(raw) <= 75:
        return line
    parts, chunk = [], b""
    for ch in line:
        b = ch.encode("utf-8")
        if len(chunk) + len(b) > (75 if not parts else 74):
            parts.append(chunk.decode("utf-8"))
            chunk = b""
        chunk += b
    parts.append(chunk.decode("utf-8"))
    return "\r\n ".join(parts)


def _utc(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def invitation(meeting, *, url: str = "", stamp: datetime | None = None) -> str:
    policy = current_policy()
    hour, minute = (int(x) for x in policy.marac_meeting_time.split(":"))
    start = datetime.combine(meeting.held_on, time(hour, minute), tzinfo=LONDON)
    end = start + timedelta(hours=policy.marac_meeting_hours)
    cases = meeting.cases.exclude(status__in=("withdrawn", "transferred")).count()
    stamp = stamp or datetime.combine(meeting.held_on, time(0), tzinfo=LONDON)
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Vigil//MARAC//EN", "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH", "BEGIN:VEVENT",
        f"UID:marac-{meeting.source_system}-{meeting.source_id}@vigil".lower(),
        f"DTSTAMP:{_utc(stamp)}", f"DTSTART:{_utc(start)}", f"DTEND:{_utc(end)}",
        f"SUMMARY:{_escape(f'{meeting.lpa.name} MARAC')}",
        "DESCRIPTION:" + _escape(f"{cases} of {meeting.capacity} cases listed. "
                                 "OFFICIAL-SENSITIVE: the agenda is shared separately."),
        "CLASS:CONFIDENTIAL",
    ]
    if url:
        lines.append(f"URL:{url}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
