"""Plain records the store hands out: a case, a case as loaded for an actor, a history row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from toetreding.store.tables import PersonPublic, SchoolPublic


@dataclass(frozen=True)
class CaseRecord:
    id: int
    partnership_id: int
    school_id: int
    protocol_id: str
    protocol_version: int
    state: str
    revision: int
    opened_at: datetime
    updated_at: datetime
    closed_at: datetime | None


@dataclass(frozen=True)
class CaseForActor:
    """A case as loaded for one request, with the actor's roles for it."""

    case: CaseRecord
    actor_name: str
    roles: frozenset[str]


@dataclass(frozen=True)
class Opening:
    """What opening a case for a school checks, read in one query: the school's row, the
    number of its open case (None: none), the person's row and their roles in the school's
    partnership (as ``Store.school``, ``open_case_of_school``, ``person`` and ``roles_of``
    give them), how many protocol versions are published (``published.count()``) and how
    many protocol choices were made (``protocol_uses.count()``)."""

    school: SchoolPublic
    open_case: int | None
    person: PersonPublic
    roles: frozenset[str]
    published: int
    choices: int = 0


@dataclass(frozen=True)
class HistoryEntry:
    """A row of a case's history: a step taken (or a deadline changed), by whom, when."""

    seq: int
    trigger: str
    from_state: str | None
    to_state: str
    actor_id: int | None
    actor_name: str | None
    role: str | None
    at: datetime
    note: str | None
    payload: dict[str, Any]


@dataclass(frozen=True)
class DeadlineRecord:
    """A deadline with the case and school it belongs to (agenda and case pages)."""

    id: int
    case_id: int
    state: str
    name: str
    due_date: date | None  # None: "datum volgt" (``waiting_for`` says what is missing)
    original_due_date: date | None
    waiting_for: str | None
    status: str
    created_at: datetime
    resolved_at: datetime | None
    resolved_by: int | None
    reason: str | None
    consequence_at: datetime | None
    next_reminder_on: date | None
    school_name: str
    partnership_id: int
    protocol_id: str
    protocol_version: int

    def overdue_on(self, today: date) -> bool:
        """Derived from the due date, never stored: an open deadline past its due date."""
        return self.status == "open" and self.due_date is not None and self.due_date < today


class AgendaDeadline(NamedTuple):
    """An open deadline as the agenda shows it: only the columns it shows, a tuple built
    from its row by position (the agenda lists thousands; no dict per row)."""

    id: int
    case_id: int
    state: str
    name: str
    due_date: date | None  # None: "datum volgt" (``waiting_for`` says what is missing)
    original_due_date: date | None
    waiting_for: str | None
    school_name: str
    partnership_id: int
    protocol_id: str
    protocol_version: int


@dataclass(frozen=True)
class CasePulse:
    """How long a case has been in its step and its soonest open deadline."""

    case_id: int
    since: datetime  # when the case entered its current state
    next_state: str | None  # the soonest open deadline: the state declaring it,
    next_name: str | None  # its name,
    next_due: date | None  # and its due date (None: no open deadline, or one waiting)


BoardRow = tuple[int, str, int, str, int, str]
"""A case on the overview board: partnership id, protocol id, version, state, case id, school
name."""

Visibility = tuple[frozenset[int], frozenset[int]]
"""What a person may see: the cases of these partnerships and of these schools."""


@dataclass(frozen=True)
class CaseFilter:
    """Which cases a list wants; every field narrows it (None: no condition)."""

    partnership_id: int | None = None
    state: str | None = None
    protocol_id: str | None = None
    school_id: int | None = None
    running: bool | None = None  # True: not closed; False: closed only
    school_name: str | None = None  # part of the school's name, any case
    visible: Visibility | None = None  # a person's view (None: all cases)


@dataclass(frozen=True)
class NewMembership:
    """A role to give in an import; the person by e-mail address and the school by BRIN,
    because either may be added by the same import."""

    email: str
    role: str
    school_brin: str | None = None


@dataclass(frozen=True)
class DirectoryBatch:
    """What a spreadsheet import adds and changes in one partnership, applied together."""

    partnership_id: int
    new_schools: list[Any]  # SchoolCreate
    school_changes: list[tuple[int, Any]]  # (school id, SchoolUpdate)
    new_people: list[tuple[str, str]]  # (name, e-mail address)
    renamed_people: list[tuple[int, str]]  # (person id, new name)
    new_memberships: list[NewMembership]
