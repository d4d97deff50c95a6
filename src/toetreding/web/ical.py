"""A minimal iCalendar (RFC 5545) writer for the calendar feed: all-day events (deadlines)
and timed events in UTC (meetings).

Written here rather than taken from a library because the feed needs four things: text
escaping (section 3.3.11), line folding at 75 octets (3.1), CRLF line endings, and all-day
``VEVENT``s with a stable ``UID``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

CRLF = "\r\n"
MAX_OCTETS = 75  # per line, not counting the CRLF
PRODID = "-//toetreding//termijnen//NL"


@dataclass(frozen=True)
class AllDayEvent:
    """One day in the calendar, e.g. the due date of a deadline."""

    uid: str
    day: date
    summary: str
    description: str = ""
    url: str = ""


@dataclass(frozen=True)
class TimedEvent:
    """An event with a start and an end time, e.g. a meeting."""

    uid: str
    start: datetime
    end: datetime
    summary: str
    location: str = ""
    description: str = ""
    url: str = ""


def escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped, every line break as ``\\n``."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets (UTF-8), never inside a
    character; each continuation line starts with one space (which counts as an octet)."""
    data = line.encode("utf-8")
    if len(data) <= MAX_OCTETS:  # most lines: a feed of 10,000 deadlines has 100,000
        return line
    parts: list[str] = []
    start, limit = 0, MAX_OCTETS
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:  # a continuation byte: the cut is inside a character
            end -= 1
        parts.append(data[start:end].decode("utf-8"))
        start, limit = end, MAX_OCTETS - 1
    parts.append(data[start:].decode("utf-8"))
    return (CRLF + " ").join(parts)


def _day(value: date) -> str:
    return f"{value:%Y%m%d}"


def _stamp(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def _event_lines(event: AllDayEvent | TimedEvent, stamp: str) -> list[str]:
    if isinstance(event, TimedEvent):  # a meeting makes its members busy
        lines = [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{_stamp(event.start)}",
            f"DTEND:{_stamp(event.end)}",
            f"SUMMARY:{escape_text(event.summary)}",
        ]
        if event.location:
            lines.append(f"LOCATION:{escape_text(event.location)}")
    else:
        lines = [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{_day(event.day)}",
            f"DTEND;VALUE=DATE:{_day(event.day + timedelta(days=1))}",
            f"SUMMARY:{escape_text(event.summary)}",
            "TRANSP:TRANSPARENT",  # a due date does not make anyone busy
        ]
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.url:
        lines.append(f"URL:{event.url}")
    lines.append("END:VEVENT")
    return lines


def calendar(events: Iterable[AllDayEvent | TimedEvent], *, name: str, stamp: datetime) -> str:
    """The whole ``VCALENDAR``: folded lines, CRLF after every line (the last one too)."""
    moment = _stamp(stamp)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for event in events:
        lines.extend(_event_lines(event, moment))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)
