"""Audits: committee, interviews, findings, reports, corrections; conversation-frame answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

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
