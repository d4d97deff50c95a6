"""What the store's modules share: the tables as SQLAlchemy Core objects, the insert helper,
and how a reference names a row (by number, or by code, BRIN or e-mail address)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import fields
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import ColumnElement, Engine, Table, or_, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

import toetreding.store.tables as _models
from toetreding._exceptions import ConflictError
from toetreding.store.records import CaseRecord, Visibility

if TYPE_CHECKING:
    from sqlalchemy.dialects import postgresql, sqlite

T = TypeVar("T", bound=SQLModel)
P = TypeVar("P", bound=BaseModel)


def core_table(model: type[SQLModel]) -> Table:
    """The Core table of a table model (for statements that need no ORM objects)."""
    table = model.__table__  # type: ignore[attr-defined]  # SQLModel does not declare it
    assert isinstance(table, Table)
    return table


PARTNERSHIPS = core_table(_models.Partnership)
SCHOOLS = core_table(_models.School)
PEOPLE = core_table(_models.Person)
MEMBERSHIPS = core_table(_models.Membership)
PROTOCOL_VERSIONS = core_table(_models.ProtocolVersion)
PUBLISHED_PROTOCOLS = core_table(_models.PublishedProtocol)
PROTOCOL_USES = core_table(_models.ProtocolUse)
CASES = core_table(_models.Case)
EVENTS = core_table(_models.Event)
# What a CaseRecord holds, in its order (``cases`` has planner columns besides).
CASE_RECORD = tuple(CASES.c[f.name] for f in fields(CaseRecord))
HISTORY_CHAIN = core_table(_models.HistoryChain)
DEADLINES = core_table(_models.Deadline)
REMINDERS = core_table(_models.Reminder)
CASE_FILES = core_table(_models.CaseFile)
FILE_CHUNKS = core_table(_models.FileChunk)
SCHOOL_VACATIONS = core_table(_models.SchoolVacation)
DAYS_OFF = core_table(_models.DayOff)
CALENDAR_CHANGES = core_table(_models.CalendarChange)
# The tables of meetings, audits, frameworks, advice rules, accounts and kept API answers are
# defined when first used (see ``tables/__init__.py``): their Core tables are in
# ``meetings.py``, ``audits.py``, ``frameworks.py``, ``advice_rules.py``, ``accounts.py``,
# ``sessions.py`` and ``idempotency.py``.

MAX_ID = 2**31 - 1  # the databases' integer keys


def is_id(ref: str | int) -> bool:
    """Whether ``ref`` names a row by its number (ASCII digits within the key range), rather
    than by a code, BRIN or e-mail address. '²' is a digit to Python, not an id."""
    text = str(ref)
    return isinstance(ref, int) or (text.isascii() and text.isdigit() and int(text) <= MAX_ID)


def insert_row(engine: Engine, row: T, conflict: str) -> T:
    """Insert one table row; a unique key it breaks is a ConflictError saying ``conflict``."""
    with Session(engine, expire_on_commit=False) as session:
        session.add(row)
        try:
            session.commit()
        except IntegrityError as exc:
            raise ConflictError(conflict) from exc
        session.refresh(row)
    return row


def public_by_id(engine: Engine, table: Table, schema: type[P], row_id: int) -> P | None:
    """The row with this number as ``schema`` (a ``*Public``), read with Core: a command
    that reads no more than that pays nothing for setting up the ORM (15 ms)."""
    with engine.connect() as connection:
        row = connection.execute(select(table).where(table.c.id == row_id)).first()
    return None if row is None else schema.model_validate(row._asdict())


def row_by_ref(session: Session, model: type[T], column: Any, ref: str | int) -> T | None:
    """The row with this number, or whose ``column`` equals ``ref``."""
    if is_id(ref):
        return session.get(model, int(ref))
    found: T | None = session.exec(select(model).where(column == ref)).scalars().first()  # type: ignore[call-overload]
    return found


def dialect_insert(postgres: bool, table: Table) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into ``table`` that can say what to do with a row whose key is taken
    (``ON CONFLICT``), in the database's own dialect, whose module is loaded only here: the
    other's is not needed (PostgreSQL's loads all its drivers)."""
    if postgres:
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(table)


def visible_cases(visible: Visibility) -> ColumnElement[bool]:
    """Cases of these partnerships, or of these schools (what a person may see)."""
    partnership_ids, school_ids = visible
    return or_(CASES.c.partnership_id.in_(partnership_ids), CASES.c.school_id.in_(school_ids))


def definition_digest(spec: BaseModel) -> str:
    """A digest of a definition's content (protocol, framework), blind to comments and
    layout of the file."""
    canonical = json.dumps(spec.model_dump(mode="json", by_alias=True), sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()
