"""Database tables (SQLModel ``table=True``) and the schemas shown to users.

Following the SQLModel docs: ``*Base`` holds the shared fields, the table model adds keys
and bookkeeping, ``*Create`` is what a user supplies and ``*Public`` what is shown.
Times are timezone-aware and stored in UTC.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, String, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from toetreding.definition.model import Sector


class Region(StrEnum):
    """Summer-vacation regions of the Netherlands."""

    NOORD = "noord"
    MIDDEN = "midden"
    ZUID = "zuid"


# --- partnerships -------------------------------------------------------------------------


class PartnershipBase(SQLModel):
    code: str = Field(max_length=40, description="Korte code, bijv. 'part2'")
    name: str = Field(max_length=200)


class Partnership(PartnershipBase, table=True):
    __tablename__ = "partnerships"
    __table_args__ = (UniqueConstraint("code", name="uq_partnerships_code"),)

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime


class PartnershipCreate(PartnershipBase):
    pass


class PartnershipPublic(PartnershipBase):
    id: int


# --- schools ------------------------------------------------------------------------------


class SchoolBase(SQLModel):
    name: str = Field(max_length=200)
    sector: Sector = Field(sa_type=String(10))
    brin: str | None = Field(default=None, max_length=20, description="BRIN of ander kenmerk")
    region: Region = Field(sa_type=String(10))
    board: str | None = Field(default=None, max_length=200, description="Schoolbestuur")


class School(SchoolBase, table=True):
    __tablename__ = "schools"
    __table_args__ = (
        UniqueConstraint("partnership_id", "brin", name="uq_schools_partnership_brin"),
        Index("ix_schools_partnership", "partnership_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnerships.id")
    created_at: datetime


class SchoolCreate(SchoolBase):
    partnership_id: int


class SchoolPublic(SchoolBase):
    id: int
    partnership_id: int


# --- people and their roles ---------------------------------------------------------------


class PersonBase(SQLModel):
    name: str = Field(max_length=200)
    email: str = Field(max_length=254)


class Person(PersonBase, table=True):
    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("email", name="uq_people_email"),)

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime


class PersonCreate(PersonBase):
    pass


class PersonPublic(PersonBase):
    id: int


class Membership(SQLModel, table=True):
    """A person's role in a partnership; a ``school`` role is tied to one school."""

    __tablename__ = "memberships"
    __table_args__ = (
        # NULLs are distinct in unique constraints, so partnership-wide roles need their own.
        Index(
            "uq_memberships_partnership_role",
            "person_id",
            "partnership_id",
            "role",
            unique=True,
            sqlite_where=text("school_id IS NULL"),
            postgresql_where=text("school_id IS NULL"),
        ),
        Index(
            "uq_memberships_school_role",
            "person_id",
            "partnership_id",
            "role",
            "school_id",
            unique=True,
            sqlite_where=text("school_id IS NOT NULL"),
            postgresql_where=text("school_id IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="people.id")
    partnership_id: int = Field(foreign_key="partnerships.id")
    role: str = Field(max_length=40)
    school_id: int | None = Field(default=None, foreign_key="schools.id")


# --- protocol versions in use -------------------------------------------------------------


class ProtocolVersion(SQLModel, table=True):
    """The exact definition a case was started on, so it stays readable and unchanged."""

    __tablename__ = "protocol_versions"

    protocol_id: str = Field(primary_key=True, max_length=60)
    version: int = Field(primary_key=True)
    digest: str = Field(max_length=64)
    definition: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    registered_at: datetime


# --- cases and their history --------------------------------------------------------------


class Case(SQLModel, table=True):
    """An admission case: one school on one protocol version."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_partnership_state", "partnership_id", "state"),
        Index("ix_cases_school", "school_id"),
        Index("ix_cases_protocol_state", "protocol_id", "protocol_version", "state"),
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


class CasePublic(SQLModel):
    id: int
    partnership_id: int
    school_id: int
    school_name: str
    protocol_id: str
    protocol_version: int
    state: str
    state_label: str
    step: int | None
    outcome: str | None
    final: bool
    opened_at: datetime
    updated_at: datetime


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


class EventPublic(SQLModel):
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
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id")
    state: str = Field(max_length=60)
    name: str = Field(max_length=60)
    due_date: date
    original_due_date: date
    status: str = Field(default=DeadlineStatus.OPEN, max_length=12)
    created_at: datetime
    resolved_at: datetime | None = None
    resolved_by: int | None = Field(default=None, foreign_key="people.id")
    reason: str | None = None
    consequence_at: datetime | None = None
