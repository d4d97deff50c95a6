"""Audits: committee, interviews, findings, reports, corrections; conversation-frame answers.

Each record follows the SQLModel docs' split: ``*Base`` holds the fields every variant
shares, the table model adds the primary key (and the number the store assigns: a
finding's or answer's ``revision``, a report's ``version``), ``*Create`` is what a caller
hands the store and ``*Public`` what the store hands back.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Index, UniqueConstraint
from sqlmodel import Field

from toetreding.store.tables._base import SQLModel

# --- audits -----------------------------------------------------------------------------------


class AuditBase(SQLModel):
    """An internal audit of a case, scored against one framework version."""

    case_id: int = Field(foreign_key="cases.id")
    framework_id: str = Field(max_length=60)
    framework_version: int
    partnership_framework: bool = Field(
        default=False, description="Een eigen kader van het partnerschap (anders meegeleverd)"
    )
    advice_id: str | None = Field(
        default=None, max_length=60, description="De adviesregels bij het openen (leeg: geen)"
    )
    advice_version: int | None = None
    opened_at: datetime
    opened_by: int = Field(foreign_key="people.id")
    closed_at: datetime | None = Field(default=None, description="Definitief rapport vastgesteld")


class Audit(AuditBase, table=True):
    __tablename__ = "audits"
    __table_args__ = (Index("ix_audits_case", "case_id"),)

    id: int | None = Field(default=None, primary_key=True)


class AuditPublic(AuditBase):
    id: int


class AuditMemberBase(SQLModel):
    """A member of an audit committee, and the partner organisation they come from."""

    audit_id: int = Field(foreign_key="audits.id")
    person_id: int = Field(foreign_key="people.id")
    partner: str = Field(max_length=200)
    role: str = Field(max_length=40, description="voorzitter, lid of secretaris")


class AuditMember(AuditMemberBase, table=True):
    __tablename__ = "audit_members"
    __table_args__ = (UniqueConstraint("audit_id", "person_id", name="uq_audit_members_person"),)

    id: int | None = Field(default=None, primary_key=True)


class AuditMemberPublic(AuditMemberBase):
    id: int


class AuditInterviewBase(SQLModel):
    """An interview with one of the protocol's groups, with who attended."""

    audit_id: int = Field(foreign_key="audits.id")
    group_name: str = Field(max_length=60)
    held_on: date
    attendees: list[str] = Field(default_factory=list, sa_type=JSON, nullable=False)
    notes: str | None = None


class AuditInterview(AuditInterviewBase, table=True):
    __tablename__ = "audit_interviews"
    __table_args__ = (Index("ix_audit_interviews_audit", "audit_id"),)

    id: int | None = Field(default=None, primary_key=True)


class AuditInterviewPublic(AuditInterviewBase):
    id: int


class FindingBase(SQLModel):
    """The committee's finding on a criterion, as a member records it."""

    audit_id: int = Field(foreign_key="audits.id")
    criterion_id: str = Field(max_length=40)
    level: str | None = Field(default=None, max_length=40)
    evidence: str
    strengths: str | None = None
    development: str | None = None
    interview_id: int | None = Field(default=None, foreign_key="audit_interviews.id")
    recorded_by: int = Field(foreign_key="people.id")
    recorded_at: datetime


class Finding(FindingBase, table=True):
    """One revision of a finding; the highest revision counts and earlier ones stay as
    history."""

    __tablename__ = "findings"
    __table_args__ = (
        UniqueConstraint("audit_id", "criterion_id", "revision", name="uq_findings_revision"),
    )

    id: int | None = Field(default=None, primary_key=True)
    revision: int


class FindingCreate(FindingBase):
    """A finding to record; the store numbers its revision."""


class FindingPublic(FindingBase):
    id: int
    revision: int


class ReportBase(SQLModel):
    """A version of the audit report: the findings and advice as they were, frozen."""

    audit_id: int = Field(foreign_key="audits.id")
    final: bool
    advice_outcome: str = Field(max_length=60)
    content: dict[str, Any] = Field(sa_type=JSON, nullable=False)
    created_at: datetime
    created_by: int = Field(foreign_key="people.id")


class Report(ReportBase, table=True):
    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("audit_id", "version", name="uq_reports_version"),)

    id: int | None = Field(default=None, primary_key=True)
    version: int


class ReportPublic(ReportBase):
    id: int
    version: int


class CorrectionBase(SQLModel):
    """A factual correction the school returned on a draft report, and what the committee
    did with it."""

    report_id: int = Field(foreign_key="reports.id")
    criterion_id: str | None = Field(default=None, max_length=40)
    text: str
    submitted_by: int = Field(foreign_key="people.id")
    submitted_at: datetime
    accepted: bool | None = None
    reason: str | None = None
    decided_by: int | None = Field(default=None, foreign_key="people.id")
    decided_at: datetime | None = None


class Correction(CorrectionBase, table=True):
    __tablename__ = "corrections"
    __table_args__ = (Index("ix_corrections_report", "report_id"),)

    id: int | None = Field(default=None, primary_key=True)


class CorrectionPublic(CorrectionBase):
    id: int


# --- conversation frames --------------------------------------------------------------------


class FrameAnswerBase(SQLModel):
    """An answer to a question of a conversation frame (an unscored framework, e.g. the
    FROSK intake questions) recorded during a step of a case."""

    case_id: int = Field(foreign_key="cases.id")
    framework_id: str = Field(max_length=60)
    framework_version: int
    state: str = Field(max_length=60, description="De stap waarin het antwoord is vastgelegd")
    question_id: str = Field(max_length=40)
    answer: str
    recorded_by: int = Field(foreign_key="people.id")
    recorded_at: datetime


class FrameAnswer(FrameAnswerBase, table=True):
    """One revision of an answer; the highest counts."""

    __tablename__ = "frame_answers"
    __table_args__ = (
        UniqueConstraint(
            "case_id", "framework_id", "question_id", "revision", name="uq_frame_answers_revision"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    revision: int


class FrameAnswerCreate(FrameAnswerBase):
    """An answer to record; the store numbers its revision."""


class FrameAnswerPublic(FrameAnswerBase):
    id: int
    revision: int
