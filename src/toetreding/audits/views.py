"""What the audit desk hands out: plain, read-only views for the CLI, documents and web."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from toetreding.audits.advice_view import AdviceView
from toetreding.frameworks import FrameworkSpec
from toetreding.store import (
    AuditInterviewPublic,
    AuditPublic,
    CorrectionPublic,
    FindingPublic,
    ReportPublic,
)


@dataclass(frozen=True)
class MemberView:
    person_id: int
    name: str
    email: str
    partner: str
    role: str


@dataclass(frozen=True)
class AuditView:
    """An audit as a committee reads it: who, which interviews, every current finding,
    what is still unscored, and the advice once complete."""

    case_id: int
    audit: AuditPublic
    framework: FrameworkSpec
    members: list[MemberView]
    interviews: list[AuditInterviewPublic]
    findings: dict[str, FindingPublic]  # the current revision per criterion
    unscored: list[str]  # criterion ids without a score
    advice: AdviceView | None  # None until every criterion is scored
    reports: list[ReportPublic]
    warnings: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.unscored

    def interview_group(self, interview_id: int | None) -> str | None:
        found = next((i for i in self.interviews if i.id == interview_id), None)
        return found.group_name if found else None


@dataclass(frozen=True)
class ScoreChange:
    """How a criterion differs between two report versions."""

    criterion_id: str
    title: str
    before: str | None  # level label, None when not scored
    after: str | None


@dataclass(frozen=True)
class ReportComparison:
    older: int
    newer: int
    scores: list[ScoreChange]
    advice_before: str
    advice_after: str


@dataclass(frozen=True)
class CorrectionView:
    correction: CorrectionPublic
    submitted_by: str
    report_version: int


def snapshot(
    framework: FrameworkSpec,
    findings: dict[str, FindingPublic],
    interviews: list[AuditInterviewPublic],
    advice: AdviceView,
) -> dict[str, Any]:
    """The report's frozen content: findings and advice as they are now (an interview by
    its group, which a reader knows it by)."""
    groups: dict[int | None, str] = {i.id: i.group_name for i in interviews}
    return {
        "framework": {
            "id": framework.id,
            "version": framework.version,
            "title": framework.title,
        },
        "findings": {
            criterion: {
                "level": f.level,
                "revision": f.revision,
                "evidence": f.evidence,
                "strengths": f.strengths,
                "development": f.development,
                "interview": groups.get(f.interview_id),
            }
            for criterion, f in findings.items()
        },
        "advice": advice.as_dict(),
    }


def report_date(report: ReportPublic) -> date:
    created: datetime = report.created_at
    return created.date()
