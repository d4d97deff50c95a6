"""Report versions and the school's corrections: draft, correct, decide, finalize, compare."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from toetreding._exceptions import InvalidInputError, NotFoundError
from toetreding.audits.findings import FindingDesk
from toetreding.audits.views import CorrectionView, ReportComparison, ScoreChange, snapshot
from toetreding.frameworks import FrameworkSpec
from toetreding.store import CorrectionPublic, ReportPublic


class ReportDesk(FindingDesk):
    """The committee's report versions and the corrections the school returns on a draft."""

    def draft_report(
        self, case_id: int, *, actor_ref: str | int, at: datetime | None = None
    ) -> ReportPublic:
        """A new draft version with the advice; only when every criterion is scored."""
        case, spec, audit_spec = self._case(case_id)
        self._require_state(case, spec, audit_spec.open_in, "een concept-rapport opstellen")
        audit = self._open_audit(case_id)
        member = self._member(audit, actor_ref)
        view = self.view(case_id)
        advice = self.advise(case_id)
        content = snapshot(view.framework, view.findings, view.interviews, advice)
        return self.audits.add_report(
            audit.id, False, advice.outcome, content, member, self._moment(at)
        )

    def submit_correction(
        self,
        case_id: int,
        text: str,
        *,
        criterion_id: str | None = None,
        actor_ref: str | int,
        at: datetime | None = None,
    ) -> CorrectionPublic:
        """The school reports a factual inaccuracy in the draft report."""
        case, spec, audit_spec = self._case(case_id)
        person_id = self.app.person_id(actor_ref)
        roles = self.app.roles_for_case(case_id, person_id)
        if "school" not in roles:
            raise InvalidInputError("alleen de school zelf meldt feitelijke onjuistheden")
        self._require_state(case, spec, (audit_spec.corrections_in or "",), "correcties melden")
        audit = self._latest(case_id)
        draft = next((r for r in reversed(self.audits.reports(audit.id)) if not r.final), None)
        if draft is None:
            raise InvalidInputError("er is nog geen concept-rapport om op te reageren")
        if criterion_id is not None:
            self._framework(audit, case).criterion(criterion_id)
        if not text.strip():
            raise InvalidInputError("beschrijf de feitelijke onjuistheid").with_hint("--text TEKST")
        return self.audits.add_correction(
            draft.id, criterion_id, text.strip(), person_id, self._moment(at)
        )

    def decide_correction(
        self,
        case_id: int,
        correction_id: int,
        *,
        accept: bool,
        reason: str,
        actor_ref: str | int,
        at: datetime | None = None,
    ) -> CorrectionPublic:
        """The committee takes a correction over or not, always with a reason."""
        case, spec, audit_spec = self._case(case_id)
        self._require_state(case, spec, (audit_spec.finalize_in or "",), "correcties beoordelen")
        audit = self._latest(case_id)
        member = self._member(audit, actor_ref)
        if correction_id not in {c.correction.id for c in self.corrections(case_id)}:
            raise NotFoundError(f"correctie {correction_id} hoort niet bij dossier {case_id}")
        if not reason.strip():
            raise InvalidInputError("geef de reden om de correctie (niet) over te nemen").with_hint(
                "--reason TEKST"
            )
        return self.audits.decide_correction(
            correction_id, accept, reason.strip(), member, self._moment(at)
        )

    def corrections(self, case_id: int, number: int | None = None) -> list[CorrectionView]:
        """Every correction on an audit's drafts (default: the latest), oldest first."""
        audit = self._audit(case_id, number)
        result = []
        for report in self.audits.reports(audit.id):
            for correction in self.audits.corrections(report.id):
                person = self.app.person(correction.submitted_by)
                result.append(CorrectionView(correction, person.name, report.version))
        return result

    def finalize(
        self, case_id: int, *, actor_ref: str | int, at: datetime | None = None
    ) -> ReportPublic:
        """Fix the final report: every correction decided, advice from the current findings."""
        case, spec, audit_spec = self._case(case_id)
        self._require_state(case, spec, (audit_spec.finalize_in or "",), "het rapport vaststellen")
        audit = self._open_audit(case_id)
        member = self._member(audit, actor_ref)
        corrections = self.corrections(case_id)
        open_ones = [str(c.correction.id) for c in corrections if c.correction.accepted is None]
        if open_ones:
            raise InvalidInputError(
                "besluit eerst over elke correctie van de school: nog open zijn "
                + ", ".join(open_ones)
            ).with_hint(
                f"toetreding report correct {case_id} --decide N --accept|--reject --reason TEKST"
            )
        view = self.view(case_id)
        advice = self.advise(case_id)
        content = snapshot(view.framework, view.findings, view.interviews, advice)
        content["corrections"] = [_decided(c.correction) for c in corrections]
        return self.audits.add_report(
            audit.id, True, advice.outcome, content, member, self._moment(at)
        )

    def reports(self, case_id: int, number: int | None = None) -> list[ReportPublic]:
        """The report versions of an audit of the case (by default the latest)."""
        return self.audits.reports(self._audit(case_id, number).id)

    def report(
        self, case_id: int, version: int | None = None, number: int | None = None
    ) -> ReportPublic:
        """A version (by default the newest) of an audit's report (by default the latest)."""
        reports = self.reports(case_id, number)
        if not reports:
            raise NotFoundError(f"dossier {case_id} heeft nog geen rapport").with_hint(
                f"toetreding report draft {case_id}"
            )
        if version is None:
            return reports[-1]
        found = next((r for r in reports if r.version == version), None)
        if found is None:
            known = ", ".join(str(r.version) for r in reports)
            raise NotFoundError(f"rapportversie {version} bestaat niet; er zijn: {known}")
        return found

    def compare(self, case_id: int, older: int, newer: int) -> ReportComparison:
        """What changed between two report versions: scores and advice."""
        case, _, _ = self._case(case_id)
        framework = self._framework(self._latest(case_id), case)
        before, after = self.report(case_id, older), self.report(case_id, newer)
        changes = []
        for criterion in framework.criteria():
            old = _level_label(framework, before.content["findings"].get(criterion.id))
            new = _level_label(framework, after.content["findings"].get(criterion.id))
            if old != new:
                changes.append(ScoreChange(criterion.id, criterion.title, old, new))
        return ReportComparison(
            older,
            newer,
            changes,
            before.content["advice"]["label"],
            after.content["advice"]["label"],
        )


def _decided(correction: CorrectionPublic) -> dict[str, Any]:
    """A correction as the final report freezes it."""
    return {
        "id": correction.id,
        "criterion": correction.criterion_id,
        "text": correction.text,
        "accepted": correction.accepted,
        "reason": correction.reason,
    }


def _level_label(framework: FrameworkSpec, finding: dict[str, object] | None) -> str | None:
    if not finding or not finding.get("level"):
        return None
    return framework.level(str(finding["level"])).label
