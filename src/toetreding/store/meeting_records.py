"""The records of meetings (a meeting, its agenda items, its pack's sendings, the decisions
taken in it): plain data the service and views use without the meetings' tables, which
:mod:`.meetings` defines when a meeting is first read or written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from toetreding.store.records import HistoryEntry

MEETING_KEY = "vergadering"  # the payload key of a history row that names its meeting


@dataclass(frozen=True)
class MeetingRecord:
    """A meeting of one body of a partnership."""

    id: int
    partnership_id: int
    body: str
    day: date
    starts_at: time
    place: str
    present: list[int]  # people's ids
    created_by: int
    created_at: datetime
    pack_version: int


@dataclass(frozen=True)
class MeetingItemRecord:
    """A case on a meeting's agenda, with why it is there."""

    case_id: int
    position: int
    reason: str
    school_name: str


@dataclass(frozen=True)
class PackSendingRecord:
    """The meeting pack of one request (``version``) for one member, and how it went."""

    version: int
    person_id: int
    person_name: str
    email: str  # '' when the member had no usable address
    requested_by: str  # the name of who asked
    requested_at: datetime
    status: str  # pending, sent, failed, no_address
    finished_at: datetime | None
    problem: str | None


@dataclass(frozen=True)
class MeetingDecision:
    """A history row of a case that names the meeting: a decision taken in it."""

    case_id: int
    school_name: str
    entry: HistoryEntry
