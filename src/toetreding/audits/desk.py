"""The audit desk: what a coordinator, an audit committee and a school do with an audit.

Open it with a committee, record interviews and findings per criterion, draft a report with
the advice, take the school's factual corrections, decide them, and fix the final report.
Where each of these may happen is the protocol's ``audit`` section; who may do it is checked
here. The protocol's own steps (sending the draft, deciding) stay triggers of the case,
whose guards read the reports (``report_ready``, ``advice_followed_or_reason``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from toetreding._exceptions import InvalidInputError, NotFoundError
from toetreding.audits.advice_view import AdviceView
from toetreding.audits.views import (
    AuditView,
    CorrectionView,
    MemberView,
    ReportComparison,
    ScoreChange,
    snapshot,
)
from toetreding.clock import as_aware
from toetreding.definition import ProtocolSpec
from toetreding.definition.model import AuditSpec
from toetreding.frameworks import FrameworkRegistry, FrameworkSpec
from toetreding.rules.advice import AdviceRegistry, advise
from toetreding.service import Toetreding
from toetreding.store import (
    AuditPublic,
    AuditSessionPublic,
    CorrectionPublic,
    FindingCreate,
    FindingPublic,
    ReportPublic,
)
from toetreding.store.audits import AuditStore
from toetreding.store.frameworks import FrameworkStore
from toetreding.store.records import CaseRecord

# Who forms the committee; the committee members themselves do the rest.
ORGANISERS = frozenset({"coordinator", "stuurgroep"})
MEMBER_ROLES = ("voorzitter", "lid", "secretaris")


@dataclass(frozen=True)
class NewFinding:
    """A committee member's finding on one criterion."""

    criterion_id: str
    level: str | None
    evidence: str
    strengths: str | None = None
    development: str | None = None
    session_group: str | None = None  # the interview it draws on


class AuditDesk:
    """Audits of cases, over the same store, clock and protocols as :class:`Toetreding`."""

    def __init__(self, app: Toetreding, protocols_dir: str | Path) -> None:
        self.app = app
        self.audits = AuditStore(app.store.engine)
        self.frameworks = FrameworkStore(app.store.engine, FrameworkRegistry.shipped(protocols_dir))
        self.advice_rules = AdviceRegistry.shipped(protocols_dir)

    # --- the audit and its committee ------------------------------------------------------

    def open(
        self, case_id: int, *, actor_ref: str | int, at: datetime | None = None
    ) -> AuditPublic:
        """Open an audit of the case on the framework its protocol names."""
        case, spec, audit_spec = self._case(case_id)
        person_id, moment = self._organiser(case, actor_ref), self._moment(at)
        self._require_state(case, spec, audit_spec.open_in, "een audit openen")
        latest = self.audits.latest_audit(case_id)
        if latest is not None and latest.closed_at is None:
            raise InvalidInputError(
                f"dossier {case_id} heeft al een lopende audit ({latest.id}); die wordt "
                "afgesloten met het definitieve rapport"
            )
        framework, own = self.framework_for(case, audit_spec.framework, moment)
        return self.audits.open_audit(case_id, framework.key, own, person_id, moment)

    def add_member(
        self,
        case_id: int,
        *,
        person_ref: str | int,
        partner: str,
        role: str = "lid",
        actor_ref: str | int,
    ) -> list[str]:
        """Add a committee member from a partner organisation; returns warnings."""
        case, _, _ = self._case(case_id)
        self._organiser(case, actor_ref)
        if role not in MEMBER_ROLES:
            raise InvalidInputError(
                f"rol '{role}' bestaat niet; kies uit: {', '.join(MEMBER_ROLES)}"
            )
        if not partner.strip():
            raise InvalidInputError("noem de partnerorganisatie waar het lid vandaan komt")
        audit = self._open_audit(case_id)
        person_id = self.app.store.person(person_ref).id or 0
        self.audits.add_member(audit.id, person_id, partner.strip(), role)
        return committee_warnings(self._members(audit))

    def add_session(
        self,
        case_id: int,
        *,
        group: str,
        held_on: date,
        attendees: Sequence[str],
        notes: str | None = None,
        actor_ref: str | int,
    ) -> AuditSessionPublic:
        """Record an interview with one of the protocol's groups and who attended."""
        _, _, audit_spec = self._case(case_id)
        audit = self._open_audit(case_id)
        self._member(audit, actor_ref)
        groups = {g.name: g.label for g in audit_spec.groups}
        if groups and group not in groups:
            raise InvalidInputError(
                f"gespreksgroep '{group}' bestaat niet in dit protocol; kies uit: "
                + ", ".join(f"{name} ({label})" for name, label in groups.items())
            )
        names = [name.strip() for name in attendees if name.strip()]
        if not names:
            raise InvalidInputError("noem wie er bij het gesprek waren").with_hint(
                "--attendee NAAM (herhaal voor elke deelnemer)"
            )
        return self.audits.add_session(audit.id, group, held_on, names, notes)

    # --- findings -------------------------------------------------------------------------

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
        self._check_level(framework, finding.level)
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
                session_id=self._session_id(audit, finding.session_group),
                recorded_by=member,
                recorded_at=self._moment(at),
            )
        )

    def audits_of(self, case_id: int) -> list[AuditPublic]:
        """Every audit of the case, the first one first (a volgschool is audited again);
        they are numbered from 1 in this order."""
        return self.audits.audits(case_id)

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
            sessions=self.audits.sessions(audit.id),
            findings=findings,
            unscored=unscored,
            advice=self._advice(audit_spec, framework, findings) if not unscored else None,
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

    # --- reports --------------------------------------------------------------------------

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
        content = snapshot(view.framework, view.findings, view.sessions, advice)
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
        roles = self.app.store.case_for_actor(case_id, person_id).roles
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
                person = self.app.store.person(correction.submitted_by)
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
        content = snapshot(view.framework, view.findings, view.sessions, advice)
        content["corrections"] = [
            {
                "id": c.correction.id,
                "criterion": c.correction.criterion_id,
                "text": c.correction.text,
                "accepted": c.correction.accepted,
                "reason": c.correction.reason,
            }
            for c in corrections
        ]
        return self.audits.add_report(
            audit.id, True, advice.outcome, content, member, self._moment(at)
        )

    def reports(self, case_id: int, number: int | None = None) -> list[ReportPublic]:
        """The report versions of an audit of the case (by default the latest)."""
        return self.audits.reports(self._audit(case_id, number).id)

    def released_reports(self, case_id: int, number: int | None = None) -> list[ReportPublic]:
        """The report versions the school has been sent: the draft that was current when the
        case entered the corrections step, and the final report once the case left the step
        in which it was fixed. Other drafts are the committee's own working versions."""
        _, _, audit_spec = self._case(case_id)
        audits = self.audits_of(case_id)
        index = len(audits) if number is None else number
        audit = self._audit(case_id, number)
        reports = self.audits.reports(audit.id)
        # The audit's part of the history: from its opening to the next audit's, if any.
        start = as_aware(audit.opened_at)
        end = as_aware(audits[index].opened_at) if index < len(audits) else None
        history = [
            e
            for e in self.app.store.history(case_id)
            if start <= as_aware(e.at) and (end is None or as_aware(e.at) <= end)
        ]
        sent = {
            False: [as_aware(e.at) for e in history if e.to_state == audit_spec.corrections_in],
            True: [as_aware(e.at) for e in history if e.from_state == audit_spec.finalize_in],
        }
        released = set()
        for final, moments in sent.items():
            kind = [r for r in reports if r.final is final]
            for moment in moments:
                current = [r for r in kind if as_aware(r.created_at) <= moment]
                if current:
                    released.add(current[-1].version)
        return [r for r in reports if r.version in released]

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

    # --- helpers --------------------------------------------------------------------------

    def _case(self, case_id: int) -> tuple[CaseRecord, ProtocolSpec, AuditSpec]:
        case = self.app.store.case(case_id)
        spec = self.app.spec_of(case)
        if spec.audit is None:
            raise InvalidInputError(f"protocol '{spec.id}' kent geen interne audit")
        return case, spec, spec.audit

    def _moment(self, at: datetime | None) -> datetime:
        return as_aware(at) if at else self.app.clock.now()

    def _organiser(self, case: CaseRecord, actor_ref: str | int) -> int:
        person_id = self.app.person_id(actor_ref)
        roles = self.app.store.roles_of(person_id, case.partnership_id)
        if not roles & ORGANISERS:
            raise InvalidInputError(
                "alleen de coördinator of de stuurgroep stelt de auditcommissie samen"
            )
        return person_id

    def _member(self, audit: AuditPublic, actor_ref: str | int) -> int:
        person_id = self.app.person_id(actor_ref)
        if person_id not in {m.person_id for m in self._members(audit)}:
            raise InvalidInputError(
                "alleen leden van de auditcommissie van deze audit mogen dit"
            ).with_hint("de coördinator of stuurgroep voegt leden toe: toetreding audit member add")
        return person_id

    def _members(self, audit: AuditPublic) -> list[MemberView]:
        return [
            MemberView(person.id, person.name, person.email, member.partner, member.role)
            for member, person in self.audits.members(audit.id)
        ]

    def _require_state(
        self, case: CaseRecord, spec: ProtocolSpec, states: Sequence[str], what: str
    ) -> None:
        if case.state not in states:
            where = ", ".join(f"'{spec.states[s].label}'" for s in states if s in spec.states)
            raise InvalidInputError(
                f"{what} kan in stap {where or '(geen)'}; dossier {case.id} staat in "
                f"'{spec.states[case.state].label}'"
            )

    def final_report_before(
        self, case_id: int, moment: datetime
    ) -> tuple[int, ReportPublic] | None:
        """The newest final report (and its audit's number) fixed at or before ``moment``:
        the one a decision taken then rests on, even after a new audit has begun."""
        found = None
        for number, audit in enumerate(self.audits_of(case_id), start=1):
            for report in self.audits.reports(audit.id):
                if report.final and as_aware(report.created_at) <= as_aware(moment):
                    found = (number, report)
        return found

    def _latest(self, case_id: int) -> AuditPublic:
        return self._audit(case_id, None)

    def _audit(self, case_id: int, number: int | None) -> AuditPublic:
        """The case's audit with this number (1 = the first), or the latest."""
        if number is None:
            audit = self.audits.latest_audit(case_id)
            if audit is None:
                raise NotFoundError(f"dossier {case_id} heeft nog geen audit").with_hint(
                    f"toetreding audit open {case_id}"
                )
            return audit
        audits = self.audits_of(case_id)
        if not 1 <= number <= len(audits):
            raise NotFoundError(f"dossier {case_id} heeft geen audit {number}")
        return audits[number - 1]

    def _open_audit(self, case_id: int) -> AuditPublic:
        audit = self._latest(case_id)
        if audit.closed_at is not None:
            raise InvalidInputError(
                f"de audit van dossier {case_id} is afgesloten met het definitieve rapport"
            )
        return audit

    def framework_for(
        self, case: CaseRecord, framework_id: str, moment: datetime
    ) -> tuple[FrameworkSpec, bool]:
        """The partnership's own framework of that id, else the shipped one (recorded, so
        the audit keeps exactly the text it was scored against)."""
        spec = self.frameworks.get(case.partnership_id, framework_id)
        own = any(
            f.partnership_id is not None and (f.framework_id, f.version) == spec.key
            for f in self.frameworks.list(case.partnership_id)
        )
        if not own:
            self.frameworks.load(None, spec, moment)
        return spec, own

    def _framework(self, audit: AuditPublic, case: CaseRecord) -> FrameworkSpec:
        owner = case.partnership_id if audit.partnership_framework else None
        return self.frameworks.get(owner, audit.framework_id, audit.framework_version)

    def _check_level(self, framework: FrameworkSpec, level: str | None) -> None:
        if framework.scored and level is None:
            names = ", ".join(lv.name for lv in framework.scale)
            raise InvalidInputError(f"geef een score; de schaal is: {names}")
        if level is not None:
            framework.level(level)  # raises, listing the scale

    def _session_id(self, audit: AuditPublic, group: str | None) -> int | None:
        if group is None:
            return None
        sessions = self.audits.sessions(audit.id)
        found = [s for s in sessions if s.group_name == group]
        if not found:
            held = ", ".join(sorted({s.group_name for s in sessions})) or "nog geen"
            raise InvalidInputError(
                f"er is geen gesprek met groep '{group}' vastgelegd (gehouden: {held})"
            )
        return found[-1].id

    def _advice(
        self, audit_spec: AuditSpec, framework: FrameworkSpec, findings: dict[str, FindingPublic]
    ) -> AdviceView | None:
        if audit_spec.advice is None or not framework.scored:
            return None
        rules = self.advice_rules.get(audit_spec.advice)
        scores = {criterion: f.level for criterion, f in findings.items() if f.level}
        advice = advise(rules, framework, scores)
        return AdviceView(advice.outcome, advice.label, advice.reasons, advice.deciding)


def committee_warnings(members: Sequence[MemberView]) -> list[str]:
    """A committee should come from several partners."""
    partners = {m.partner.casefold() for m in members}
    if members and len(partners) == 1:
        return [
            f"alle leden van de auditcommissie komen van {members[0].partner}; "
            "neem leden van verschillende partners op"
        ]
    return []


def _unscored(finding: FindingPublic | None, framework: FrameworkSpec) -> bool:
    return finding is None or (framework.scored and finding.level is None)


def _level_label(framework: FrameworkSpec, finding: dict[str, object] | None) -> str | None:
    if not finding or not finding.get("level"):
        return None
    return framework.level(str(finding["level"])).label
