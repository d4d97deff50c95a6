"""Time is a parameter. Only the CLI's default reads the wall clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Europe/Amsterdam")


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until moved; used by tests and simulations."""

    def __init__(self, moment: datetime) -> None:
        self._now = as_aware(moment)

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = as_aware(moment)

    def advance(self, delta: timedelta) -> None:
        self._now += delta


def as_aware(moment: datetime) -> datetime:
    """Read a naive datetime as Dutch local time; keep aware ones as they are."""
    return moment.replace(tzinfo=LOCAL_TZ) if moment.tzinfo is None else moment


def local(moment: datetime) -> datetime:
    """``moment`` in Dutch local time, for display."""
    return as_aware(moment).astimezone(LOCAL_TZ)
