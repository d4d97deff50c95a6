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

from toetreding.calendar import Region
from toetreding.definition.model import Sector

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


class SchoolUpdate(SQLModel):
    """The fields of a school that can be corrected later; only those given change."""

    name: str | None = Field(default=None, max_length=200)
    brin: str | None = Field(default=None, max_length=20)
    region: Region | None = None
    board: str | None = Field(default=None, max_length=200)


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
        Index("ix_deadlines_status_reminder", "status", "next_reminder_on"),
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
    # The next day the reminder sweep must look at this deadline's ladder; None: never.
    next_reminder_on: date | None = None


# --- quality frameworks ---------------------------------------------------------------------


class FrameworkBase(SQLModel):
    framework_id: str = Field(max_length=60)
    version: int
    title: str
    digest: str = Field(max_length=64, description="SHA-256 van de canonieke JSON")


class Framework(FrameworkBase, table=True):
    """A quality framework a partnership loaded, kept as JSON so it stays readable and
    unchanged; ``partnership_id`` NULL is a shipped framework recorded as used."""

    __tablename__ = "frameworks"
    __table_args__ = (
        # NULLs are distinct in unique constraints, so shipped frameworks need their own.
        Index(
            "uq_frameworks_shipped_version",
            "framework_id",
            "version",
            unique=True,
            sqlite_where=text("partnership_id IS NULL"),
            postgresql_where=text("partnership_id IS NULL"),
        ),
        Index(
            "uq_frameworks_partnership_version",
            "partnership_id",
            "framework_id",
            "version",
            unique=True,
            sqlite_where=text("partnership_id IS NOT NULL"),
            postgresql_where=text("partnership_id IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int | None = Field(default=None, foreign_key="partnerships.id")
    definition: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    loaded_at: datetime


class FrameworkPublic(FrameworkBase):
    partnership_id: int | None = Field(description="Leeg: meegeleverd kader")
    loaded_at: datetime | None = Field(description="Leeg: meegeleverd en nog niet gebruikt")
    scored: bool
    domains: int
    criteria: int


# --- audits -----------------------------------------------------------------------------------


class Audit(SQLModel, table=True):
    """An internal audit of a case, scored against one framework version."""

    __tablename__ = "audits"
    __table_args__ = (Index("ix_audits_case", "case_id"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id")
    framework_id: str = Field(max_length=60)
    framework_version: int
    partnership_framework: bool = Field(
        default=False, description="Een eigen kader van het partnerschap (anders meegeleverd)"
    )
    opened_at: datetime
    opened_by: int = Field(foreign_key="people.id")
    closed_at: datetime | None = Field(default=None, description="Definitief rapport vastgesteld")


class AuditMember(SQLModel, table=True):
    """A member of an audit committee, and the partner organisation they come from."""

    __tablename__ = "audit_members"
    __table_args__ = (UniqueConstraint("audit_id", "person_id", name="uq_audit_members_person"),)

    id: int | None = Field(default=None, primary_key=True)
    audit_id: int = Field(foreign_key="audits.id")
    person_id: int = Field(foreign_key="people.id")
    partner: str = Field(max_length=200)
    role: str = Field(max_length=40, description="voorzitter, lid of secretaris")


class AuditSession(SQLModel, table=True):
    """An interview with one of the protocol's groups, with who attended."""

    __tablename__ = "audit_sessions"
    __table_args__ = (Index("ix_audit_sessions_audit", "audit_id"),)

    id: int | None = Field(default=None, primary_key=True)
    audit_id: int = Field(foreign_key="audits.id")
    group_name: str = Field(max_length=60)
    held_on: date
    attendees: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    notes: str | None = None


class Finding(SQLModel, table=True):
    """One revision of the committee's finding on a criterion; the highest revision counts
    and earlier ones stay as history."""

    __tablename__ = "findings"
    __table_args__ = (
        UniqueConstraint("audit_id", "criterion_id", "revision", name="uq_findings_revision"),
    )

    id: int | None = Field(default=None, primary_key=True)
    audit_id: int = Field(foreign_key="audits.id")
    criterion_id: str = Field(max_length=40)
    revision: int
    level: str | None = Field(default=None, max_length=40)
    evidence: str
    strengths: str | None = None
    development: str | None = None
    session_id: int | None = Field(default=None, foreign_key="audit_sessions.id")
    recorded_by: int = Field(foreign_key="people.id")
    recorded_at: datetime


class Report(SQLModel, table=True):
    """A version of the audit report: the findings and advice as they were, frozen."""

    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("audit_id", "version", name="uq_reports_version"),)

    id: int | None = Field(default=None, primary_key=True)
    audit_id: int = Field(foreign_key="audits.id")
    version: int
    final: bool
    advice_outcome: str = Field(max_length=60)
    content: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime
    created_by: int = Field(foreign_key="people.id")


class Correction(SQLModel, table=True):
    """A factual correction the school returned on a draft report, and what the committee
    did with it."""

    __tablename__ = "corrections"
    __table_args__ = (Index("ix_corrections_report", "report_id"),)

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="reports.id")
    criterion_id: str | None = Field(default=None, max_length=40)
    text: str
    submitted_by: int = Field(foreign_key="people.id")
    submitted_at: datetime
    accepted: bool | None = None
    reason: str | None = None
    decided_by: int | None = Field(default=None, foreign_key="people.id")
    decided_at: datetime | None = None


# --- conversation frames --------------------------------------------------------------------


class FrameAnswer(SQLModel, table=True):
    """One revision of an answer to a question of a conversation frame (an unscored
    framework, e.g. the FROSK intake questions) recorded during a step of a case."""

    __tablename__ = "frame_answers"
    __table_args__ = (
        UniqueConstraint(
            "case_id", "framework_id", "question_id", "revision", name="uq_frame_answers_revision"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id")
    framework_id: str = Field(max_length=60)
    framework_version: int
    state: str = Field(max_length=60, description="De stap waarin het antwoord is vastgelegd")
    question_id: str = Field(max_length=40)
    revision: int
    answer: str
    recorded_by: int = Field(foreign_key="people.id")
    recorded_at: datetime


# --- reminders ------------------------------------------------------------------------------


class ReminderStatus(StrEnum):
    PENDING = "pending"  # due to go out
    SENDING = "sending"  # claimed by a scheduler process (until ``lease_until``)
    SENT = "sent"
    FAILED = "failed"  # the last attempt failed; retried from ``next_attempt_at``
    SKIPPED = "skipped"  # stale when a sweep came to it (``skip_reason`` says why)


class Reminder(SQLModel, table=True):
    """The ledger: one row per reminder that is, was or will not be sent. The unique key
    (deadline, rung, person, due date) is what makes a reminder go out at most once."""

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("deadline_id", "rung", "person_id", "due_date", name="uq_reminders_key"),
        Index("ix_reminders_status_attempt", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    deadline_id: int = Field(foreign_key="deadlines.id")
    rung: int
    person_id: int = Field(foreign_key="people.id")
    role: str = Field(max_length=40)
    due_date: date
    send_on: date
    escalation: bool = False
    status: str = Field(default=ReminderStatus.PENDING, max_length=12)
    attempts: int = 0
    last_error: str | None = None
    next_attempt_at: datetime | None = None
    claimed_by: str | None = Field(default=None, max_length=120)
    lease_until: datetime | None = None
    skip_reason: str | None = None
    created_at: datetime
    sent_at: datetime | None = None


# --- accounts for the web app ---------------------------------------------------------------


class Account(SQLModel, table=True):
    """How a person signs in: a password hash (argon2), optionally an API token and a
    calendar feed secret (both stored hashed, revocable), and whether they administer."""

    __tablename__ = "accounts"
    __table_args__ = (
        UniqueConstraint("person_id", name="uq_accounts_person"),
        Index("ix_accounts_api_token", "api_token_hash"),
        Index("ix_accounts_calendar_token", "calendar_token_hash"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="people.id")
    password_hash: str = Field(max_length=200)
    is_admin: bool = False
    api_token_hash: str | None = Field(default=None, max_length=64)
    calendar_token_hash: str | None = Field(default=None, max_length=64)
    created_at: datetime
    password_changed_at: datetime
