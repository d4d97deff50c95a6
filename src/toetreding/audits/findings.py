"""The committee's findings per criterion, the audit as the committee reads it, and the
advice the findings give."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from toetreding._exceptions import InvalidInputError
from toetreding.audits._base import DeskBase
from toetreding.audits.advice_view import AdviceView
from toetreding.audits.committee import committee_warnings
from toetreding.audits.views import AuditView
from toetreding.frameworks import FrameworkSpec
from toetreding.store import AuditPublic, FindingCreate, FindingPublic


@dataclass(frozen=True)
class NewFinding:
    """A committee member's finding on one criterion."""

    criterion_id: str
    level: str | None
    evidence: str
    strengths: str | None = None
    development: str | None = None
    interview_group: str | None = None  # the interview it draws on


class FindingDesk(DeskBase):
    """Scoring criteria, and reading the audit with its advice."""

    def score(
        self,
        case_id: int,
        finding: NewFinding,
        *,
        actor_ref: str | int,
        at: datetime | None = None,
    ) -> FindingPublic:
        """Record (or revise) a finding; the earlier revision stays in the history."""
        case, spec, audit_spec = self._case(case_id)
        where = (*audit_spec.open_in, *filter(None, [audit_spec.finalize_in]))
        self._require_state(case, spec, where, "scoren")
        audit = self._open_audit(case_id)
        member = self._member(audit, actor_ref)
        framework = self._framework(audit, case)
        framework.criterion(finding.criterion_id)  # raises, listing the known ones
        _check_level(framework, finding.level)
        if not finding.evidence.strip():
            raise InvalidInputError("onderbouw de score: wat is gelezen of gehoord").with_hint(
                "--evidence TEKST"
            )
        return self.audits.record_finding(
            FindingCreate(
                audit_id=audit.id,
                criterion_id=finding.criterion_id,
                level=finding.level,
                evidence=finding.evidence.strip(),
                strengths=finding.strengths,
                development=finding.development,
                interview_id=self._interview_id(audit, finding.interview_group),
                recorded_by=member,
                recorded_at=self._moment(at),
            )
        )

    def view(self, case_id: int, number: int | None = None) -> AuditView:
        """An audit of the case (by default the latest) as the committee reads it."""
        case, _, audit_spec = self._case(case_id)
        audit = self._audit(case_id, number)
        framework = self._framework(audit, case)
        findings = self.audits.findings(audit.id)
        unscored = [c.id for c in framework.criteria() if _unscored(findings.get(c.id), framework)]
        members = self._members(audit)
        return AuditView(
            case_id=case_id,
            audit=audit,
            framework=framework,
            members=members,
            interviews=self.audits.interviews(audit.id),
            findings=findings,
            unscored=unscored,
            advice=self._advice(audit, case, audit_spec, framework, findings)
            if not unscored
            else None,
            reports=self.audits.reports(audit.id),
            warnings=committee_warnings(members),
        )

    def finding_history(self, case_id: int, criterion_id: str) -> list[FindingPublic]:
        audit = self._latest(case_id)
        return self.audits.finding_history(audit.id, criterion_id)

    def advise(self, case_id: int) -> AdviceView:
        """The advice the current findings give; refused while criteria are unscored."""
        view = self.view(case_id)
        if view.advice is None:
            titles = ", ".join(f"{c} ({view.framework.criterion(c).title})" for c in view.unscored)
            raise InvalidInputError(f"de audit is nog niet compleet; nog niet gescoord: {titles}")
        return view.advice

    def _interview_id(self, audit: AuditPublic, group: str | None) -> int | None:
        """The latest interview with ``group``; a finding names the group, not the day."""
        if group is None:
            return None
        interviews = self.audits.interviews(audit.id)
        found = [i for i in interviews if i.group_name == group]
        if not found:
            held = ", ".join(sorted({i.group_name for i in interviews})) or "nog geen"
            raise InvalidInputError(
                f"er is geen gesprek met groep '{group}' vastgelegd (gehouden: {held})"
            )
        return found[-1].id


def _check_level(framework: FrameworkSpec, level: str | None) -> None:
    if framework.scored and level is None:
        names = ", ".join(lv.name for lv in framework.scale)
        raise InvalidInputError(f"geef een score; de schaal is: {names}")
    if level is not None:
        framework.level(level)  # raises, listing the scale


def _unscored(finding: FindingPublic | None, framework: FrameworkSpec) -> bool:
    return finding is None or (framework.scored and finding.level is None)
