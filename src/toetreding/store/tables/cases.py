"""Protocol versions in use, cases, their history and their deadlines."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field

from toetreding.store.tables._base import SQLModel, partial_index

# --- protocol versions in use -------------------------------------------------------------


class ProtocolVersion(SQLModel, table=True):
    """The exact definition a case was started on, so it stays readable and unchanged."""

    __tablename__ = "protocol_versions"

    protocol_id: str = Field(primary_key=True, max_length=60)
    version: int = Field(primary_key=True)
    digest: str = Field(max_length=64)
    definition: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    registered_at: datetime


class PublishedProtocol(SQLModel, table=True):
    """A protocol version an administrator published in the app: its text as written, kept
    unchanged (a change is a new version). Files in ``protocols/`` are the shipped ones.
    Every version of one protocol has the same ``partnership_id``."""

    __tablename__ = "published_protocols"

    protocol_id: str = Field(primary_key=True, max_length=60)
    version: int = Field(primary_key=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    digest: str = Field(max_length=64)
    published_at: datetime
    published_by: int | None = Field(default=None, foreign_key="people.id")
    # the partnership whose own protocol this is; None: shared (shipped, or older rows)
    partnership_id: int | None = Field(default=None, foreign_key="partnerships.id")


class ProtocolUse(SQLModel, table=True):
    """Whether a partnership uses a shared protocol (a shipped one, or one published for all):
    every choice a row, the newest per (partnership, protocol) counting; none: it does."""

    __tablename__ = "protocol_uses"
    __table_args__ = (Index("ix_protocol_uses_partnership", "partnership_id", "protocol_id"),)

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnerships.id")
    protocol_id: str = Field(max_length=60)
    used: bool
    chosen_by: int | None = Field(default=None, foreign_key="people.id")
    chosen_at: datetime


# --- cases and their history --------------------------------------------------------------


class Case(SQLModel, table=True):
    """An admission case: one school on one protocol version."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_partnership_state", "partnership_id", "state"),
        Index("ix_cases_school", "school_id"),
        Index("ix_cases_protocol_state", "protocol_id", "protocol_version", "state"),
        # The cases whose last steps the reminder planner has not yet looked at for a
        # hand-over (``store/handover_plan.py``): few at any time, found by this index.
        partial_index("ix_cases_handover_due", "id", where="revision > handover_seq"),
    )

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnerships.id")
    school_id: int = Field(foreign_key="schools.id")
    protocol_id: str = Field(max_length=60)
    protocol_version: int
    state: str = Field(max_length=60)
    revision: int = Field(
        default=1, description="Aantal gebeurtenissen; bewaakt gelijktijdige wijzigingen"
    )
    opened_at: datetime
    updated_at: datetime
    closed_at: datetime | None = None
    # The last history row (``seq``) the planner looked at for a hand-over e-mail.
    # Only a server default: statements written for older schemas (migration tests) leave
    # it out.
    handover_seq: int = Field(
        sa_column=Column(Integer, nullable=False, server_default="0"), default=0
    )


class Event(SQLModel, table=True):
    """Append-only history: one row per state change, written in the same transaction."""

    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("case_id", "seq", name="uq_events_case_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id")
    seq: int
    trigger: str = Field(max_length=60)
    from_state: str | None = Field(default=None, max_length=60)
    to_state: str = Field(max_length=60)
    actor_id: int | None = Field(default=None, foreign_key="people.id")
    role: str | None = Field(default=None, max_length=40)
    at: datetime
    note: str | None = None
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # Tamper evidence (``store/history_chain.py``): this row's hash, chained to the case's
    # previous row, and its place in one of the database's chains. Written with the row.
    chain_hash: str | None = Field(default=None, max_length=64)
    chain_id: int | None = None
    chain_seq: int | None = None


class HistoryChain(SQLModel, table=True):
    """The head of one of the database's chains over the history rows (ids 1 to
    ``history_chain.CHAINS``): how many rows it holds and the hash over them; moved in the
    transaction that adds a row."""

    __tablename__ = "history_chain"

    id: int = Field(primary_key=True)
    row_count: int
    head_hash: str = Field(max_length=64)


# --- deadlines ------------------------------------------------------------------------------


class DeadlineStatus(StrEnum):
    OPEN = "open"  # running; overdue when its due date has passed (derived, never stored)
    MET = "met"  # a trigger in ``met_by`` fired (on time or late: compare resolved_at)
    MISSED = "missed"  # passed unmet: the case left the state late, or the consequence ran
    WAIVED = "waived"  # set aside by a person, with a reason
    CANCELLED = "cancelled"  # the case left the state by another route before it was due


class Deadline(SQLModel, table=True):
    """A deadline of one case, created when the case enters the state that declares it."""

    __tablename__ = "deadlines"
    __table_args__ = (
        Index("ix_deadlines_status_due", "status", "due_date"),
        Index("ix_deadlines_case_status", "case_id", "status"),
        Index("ix_deadlines_status_reminder", "status", "next_reminder_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id")
    state: str = Field(max_length=60)
    name: str = Field(max_length=60)
    # None: "datum volgt", the calendar data it needs is missing (``waiting_for`` says which).
    due_date: date | None = None
    original_due_date: date | None = None
    waiting_for: str | None = Field(default=None, max_length=120)
    # What it waits for as data (migration 0024): the school year whose summer vacation is
    # missing, and the region (None: the year as a whole). ``toetreding doctor`` reads these.
    waiting_year: str | None = Field(default=None, max_length=9)
    waiting_region: str | None = Field(default=None, max_length=20)
    status: str = Field(default=DeadlineStatus.OPEN, max_length=12)
    created_at: datetime
    resolved_at: datetime | None = None
    resolved_by: int | None = Field(default=None, foreign_key="people.id")
    reason: str | None = None
    consequence_at: datetime | None = None
    # The next day the reminder sweep must look at this deadline's ladder; None: never.
    next_reminder_on: date | None = None
