"""What a state change does to a case's deadlines, as the store applies it in the same
transaction as the state change."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from toetreding.definition.model import DeadlineSpec, ProtocolSpec


@dataclass(frozen=True)
class NewDeadline:
    state: str
    name: str
    due: date | None  # None: "datum volgt", the calendar data it needs is missing
    waiting_for: str | None = None  # what is missing, in words
    waiting_year: str | None = None  # the same as data: the school year whose vacation is missing
    waiting_region: str | None = None  # and its region (None: the year as a whole)


@dataclass(frozen=True)
class DeadlinePlan:
    """How a transition changes the case's deadlines, applied in the same transaction:
    ``met`` are met by the trigger (those due before ``met_from`` only when the trigger is
    the system's consequence of missing them: they stay missed); with ``close_rest`` the
    others of the state it leaves close (missed if already past due on ``today``, else
    cancelled); ``new`` are opened."""

    today: date
    met: tuple[str, ...] = ()
    met_from: date = date.min
    close_rest: bool = False
    new: tuple[NewDeadline, ...] = ()


def declared_deadline(spec: ProtocolSpec, state: str, name: str) -> DeadlineSpec | None:
    """The deadline ``name`` that ``state`` declares, if the protocol (still) has it."""
    found = spec.states.get(state)
    if found is None:
        return None
    return next((d for d in found.deadlines if d.name == name), None)


def reads_calendar(deadlines: Sequence[DeadlineSpec]) -> bool:
    """Whether the dates of ``deadlines`` are counted on calendar data that administrators
    change: a partnership's days off or the summer vacations (working days, or "vóór de
    zomervakantie"). Opening a case with such a deadline shares the calendar's locks."""
    return any(d.due.in_working_days or d.due.summer_vacation for d in deadlines)


#: Said of a deadline whose date waits for calendar data an administrator has to enter.
DATE_FOLLOWS = "datum volgt"


def due_text(day: date | None, *, automatic: bool = False, waiting_for: str | None = None) -> str:
    """A due date as it is shown next to the deadline's label: ``uiterlijk 31-03-2027``, the
    last day on which it is met on time (for "vóór 1 april" that is 31 March). A deadline
    the protocol meets itself on its date (``on_due``) happens that day: ``op 01-08-2027``.
    Without a date: ``datum volgt (zomervakantie 2025-2026 van regio noord ontbreekt)``."""
    if day is None:
        return f"{DATE_FOLLOWS} ({waiting_for} ontbreekt)" if waiting_for else DATE_FOLLOWS
    return f"{'op' if automatic else 'uiterlijk'} {day:%d-%m-%Y}"
