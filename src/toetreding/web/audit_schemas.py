"""What the audit API takes and gives: the audit with its committee, interviews, findings,
advice and report versions, and a committee member's finding.

As in :mod:`toetreding.web.schemas` (which holds ``Text`` and the other resources): a
``*Base`` holds shared fields, ``*Create`` is what a client sends, ``*Public`` what it gets
back. The ``audit_detail`` and ``finding_public`` functions only translate the audit desk's
records; who may see or do what is decided by ``web.access`` and the desk.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field, model_validator

from toetreding.audits import AuditView
from toetreding.store import FindingPublic as StoredFinding  # the API's FindingPublic is below
from toetreding.web.schemas import Text


class AuditPublic(BaseModel):
    id: int
    framework_id: str
    framework_version: int
    framework_title: str
    scored: bool = Field(description="Of het kader met een schaal scoort")
    scale: list[str] = Field(description="Niveaus van de schaal, beste eerst")
    opened_at: datetime
    closed_at: datetime | None = Field(description="Definitief rapport vastgesteld")


class MemberPublic(BaseModel):
    person_id: int
    name: str
    email: str
    partner: str
    role: str


class InterviewPublic(BaseModel):
    id: int
    group: str
    group_label: str
    held_on: date
    attendees: list[str]
    notes: str | None


class FindingBase(BaseModel):
    level: Text | None = Field(default=None, description="Niveau op de schaal van het kader")
    evidence: Text = Field(description="Onderbouwing: wat is gelezen of gehoord")
    strengths: Text | None = Field(default=None, description="Sterke punten")
    development: Text | None = Field(default=None, description="Ontwikkelpunten")


class FindingCreate(FindingBase):
    interview_group: Text | None = Field(
        default=None, description="Het gesprek (gespreksgroep) waarop de bevinding steunt"
    )

    @model_validator(mode="before")
    @classmethod
    def _old_name(cls, data: Any) -> Any:
        """Clients written before the rename send ``session_group``: take it as
        ``interview_group`` rather than drop it silently."""
        if isinstance(data, dict) and "session_group" in data:
            data = dict(data)
            data.setdefault("interview_group", data.pop("session_group"))
        return data


class FindingPublic(FindingBase):
    criterion_id: str
    title: str
    revision: int
    level_label: str | None
    interview_group: str | None
    recorded_by: int
    recorded_at: datetime


class CriterionRef(BaseModel):
    criterion_id: str
    title: str


class AdvicePublic(BaseModel):
    outcome: str
    label: str
    reasons: list[str]
    deciding: list[str] = Field(description="Criteria die het advies bepaalden")
    rules: str = Field(description="De adviesregels waaruit het advies volgt, met versie")


class ReportSummary(BaseModel):
    version: int
    final: bool
    advice_outcome: str
    created_at: datetime


class AuditDetail(BaseModel):
    case_id: int
    audit: AuditPublic
    committee: list[MemberPublic]
    interviews: list[InterviewPublic]
    findings_shown: bool = Field(
        description=(
            "Of de werkbevindingen van de commissie getoond worden; niet aan de school, die "
            "leest de rapporten"
        )
    )
    findings: list[FindingPublic]
    unscored: list[CriterionRef]
    advice: AdvicePublic | None = Field(description="Pas als elk criterium is gescoord")
    reports: list[ReportSummary]
    warnings: list[str]


def finding_public(view: AuditView, finding: StoredFinding) -> FindingPublic:
    framework = view.framework
    return FindingPublic(
        criterion_id=finding.criterion_id,
        title=framework.criterion(finding.criterion_id).title,
        revision=finding.revision,
        level=finding.level,
        level_label=framework.level(finding.level).label if finding.level else None,
        evidence=finding.evidence,
        strengths=finding.strengths,
        development=finding.development,
        interview_group=view.interview_group(finding.interview_id),
        recorded_by=finding.recorded_by,
        recorded_at=finding.recorded_at,
    )


def audit_detail(
    view: AuditView, group_labels: Mapping[str, str], *, findings_shown: bool
) -> AuditDetail:
    """The audit; without the committee's working findings (and the advice they give so
    far) when ``findings_shown`` is False."""
    framework, audit = view.framework, view.audit
    return AuditDetail(
        case_id=view.case_id,
        audit=AuditPublic(
            id=audit.id,
            framework_id=framework.id,
            framework_version=framework.version,
            framework_title=framework.title,
            scored=framework.scored,
            scale=[level.name for level in framework.scale],
            opened_at=audit.opened_at,
            closed_at=audit.closed_at,
        ),
        committee=[
            MemberPublic(
                person_id=m.person_id, name=m.name, email=m.email, partner=m.partner, role=m.role
            )
            for m in view.members
        ],
        interviews=[
            InterviewPublic(
                id=i.id,
                group=i.group_name,
                group_label=group_labels[i.group_name],
                held_on=i.held_on,
                attendees=list(i.attendees),
                notes=i.notes,
            )
            for i in view.interviews
        ],
        findings_shown=findings_shown,
        findings=[
            finding_public(view, view.findings[c.id])
            for c in framework.criteria()
            if c.id in view.findings and findings_shown
        ],
        unscored=[
            CriterionRef(criterion_id=c, title=framework.criterion(c).title)
            for c in view.unscored
            if findings_shown
        ],
        advice=(
            AdvicePublic(
                outcome=view.advice.outcome,
                label=view.advice.label,
                reasons=list(view.advice.reasons),
                deciding=list(view.advice.deciding),
                rules=view.advice.rules,
            )
            if view.advice and findings_shown
            else None
        ),
        reports=[
            ReportSummary(
                version=r.version,
                final=r.final,
                advice_outcome=r.advice_outcome,
                created_at=r.created_at,
            )
            for r in view.reports
        ],
        warnings=list(view.warnings),
    )


__all__ = [
    "AdvicePublic",
    "AuditDetail",
    "AuditPublic",
    "CriterionRef",
    "FindingBase",
    "FindingCreate",
    "FindingPublic",
    "InterviewPublic",
    "MemberPublic",
    "ReportSummary",
    "audit_detail",
    "finding_public",
]
