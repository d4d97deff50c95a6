"""Fill the documents from what a case and its audit recorded.

* the audit report: a report version's frozen snapshot (findings, advice, corrections) with
  the committee and interviews of its audit;
* the decision letter: the case's latest decision into a state with an admission outcome,
  with the advice of the final report, the reason to deviate from it if any, and for a
  volgschool the deficiencies and the re-audit deadline;
* the decision letter of a protocol without an audit (:class:`OutcomeLetter`): the step that
  led to the case's latest outcome, with its note and what it recorded;
* the steering group's argued decision (step 3): the latest step that records the
  steering group's decision document (``besluit_stuurgroep``), with its conditions
  (``voorwaarden``) when the school may start.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from toetreding._exceptions import NotFoundError
from toetreding.audits import AdviceView, AuditDesk
from toetreding.clock import as_aware, local
from toetreding.definition import InputKind, ProtocolSpec
from toetreding.documents.context import (
    CORRECTION_ADOPTED,
    CORRECTION_NOT_ADOPTED,
    OUTCOMES,
    Advice,
    ArguedDecision,
    AuditReport,
    CommitteeMember,
    DecisionLetter,
    Deficiency,
    DomainFindings,
    FactualCorrection,
    Finding,
    Interview,
    Letterhead,
    OutcomeLetter,
    RecordedFact,
    ScaleLevel,
    Signatory,
)
from toetreding.documents.render import outcome_letters
from toetreding.frameworks import FrameworkSpec
from toetreding.service import CaseView, Toetreding, standing
from toetreding.store import HistoryEntry

DECISION_DOCUMENT = "besluit_stuurgroep"  # the input that carries the step-3 decision
CONDITIONS = "voorwaarden"
DEVIATION = "reden_afwijking"
SUPPORT = "ondersteuning"  # a volgschool's support and secondment of expertise (optional)


def audit_report(
    desk: AuditDesk, case_id: int, version: int | None = None, number: int | None = None
) -> AuditReport:
    """A report version as the committee fixed it, of audit ``number`` (default: latest)."""
    view = desk.app.view(case_id)
    audit = desk.view(case_id, number)
    report = desk.report(case_id, version, number)
    framework = audit.framework
    content = report.content
    groups = view.group_labels
    corrections = tuple(
        FactualCorrection(
            text=c["text"],
            decision_label=CORRECTION_ADOPTED if c["accepted"] else CORRECTION_NOT_ADOPTED,
            reason=c["reason"] or "",
            criterion_id=c["criterion"],
        )
        for c in content.get("corrections", ())
    )
    return AuditReport(
        letterhead=_letterhead(view),
        school_name=view.school.name,
        school_board=view.school.board,
        case_id=case_id,
        final=report.final,
        version=report.version,
        date=local(report.created_at).date(),
        audit_date=min((i.held_on for i in audit.interviews), default=None),
        framework_title=framework.title,
        scale=tuple(ScaleLevel(level.name, level.label) for level in framework.scale),
        committee=tuple(CommitteeMember(m.name, m.partner, m.role) for m in audit.members),
        interviews=tuple(
            Interview(i.group_name, groups[i.group_name], i.held_on, tuple(i.attendees))
            for i in audit.interviews
        ),
        domains=_domains(framework, content["findings"], {i.group_name for i in audit.interviews}),
        advice=_advice(AdviceView.from_dict(content["advice"])),
        corrections=corrections if report.final else (),
    )


def _outcome(view: CaseView, entry: HistoryEntry) -> str | None:
    """The outcome of the state the row entered, in the version it was written under (a
    case moved to another version keeps rows in its earlier version's states)."""
    state = view.specs_of(entry)[1].states.get(entry.to_state)
    return state.outcome if state else None


def decision_letter(desk: AuditDesk, case_id: int) -> DecisionLetter | OutcomeLetter:
    """The letter for the case's latest admission decision: on the audit's advice when the
    protocol has an internal audit, else on the step alone."""
    view = desk.app.view(case_id)
    if view.spec.audit is None:
        return outcome_letter(view)
    decision = _latest(view, lambda h: _outcome(view, h) in OUTCOMES, "toelatingsbesluit")
    outcome = _outcome(view, decision)
    assert outcome in OUTCOMES
    # The final report the decision rests on: not one of a re-audit begun since.
    found = desk.final_report_before(case_id, decision.at)
    if found is None:
        raise NotFoundError(f"dossier {case_id} heeft geen definitief rapport vóór het besluit")
    number, final = found
    advice = AdviceView.from_dict(final.content["advice"])
    reason = str(decision.payload.get(DEVIATION) or "").strip()
    framework = desk.view(case_id, number).framework
    return DecisionLetter(
        letterhead=_letterhead(view),
        school_name=view.school.name,
        school_board=view.school.board,
        case_id=case_id,
        date=local(decision.at).date(),
        outcome=outcome,
        reasoning=decision.note or "",
        advice=_advice(advice),
        signed_by=_signatory(view, decision),
        deviates_from_advice=outcome != advice.outcome,
        deviation_reason=reason if outcome != advice.outcome else "",
        deficiencies=_deficiencies(framework, final.content["findings"])
        if outcome == "volgschool"
        else (),
        reaudit_deadline=_reaudit_deadline(view, decision) if outcome == "volgschool" else None,
        support=str(decision.payload.get(SUPPORT) or "").strip() if outcome == "volgschool" else "",
    )


def outcome_letter(view: CaseView) -> OutcomeLetter:
    """The letter for the step that led the case into its latest outcome (the row that
    entered it, not a later step within it, such as po-Groningen's yearly plan)."""
    decision = _entered_outcome(view)
    spec = view.specs_of(decision)[1]
    outcome = _outcome(view, decision) or ""
    state = spec.states[decision.to_state]
    if outcome not in outcome_letters():
        raise NotFoundError(f"voor de uitkomst '{state.label}' is er (nog) geen besluitbrief")
    step = next((t for t in spec.transitions if t.trigger == decision.trigger), None)
    return OutcomeLetter(
        letterhead=_letterhead(view),
        school_name=view.school.name,
        school_board=view.school.board,
        case_id=view.case.id,
        date=local(decision.at).date(),
        outcome=outcome,
        outcome_label=state.label,
        step_label=step.label if step else state.label,
        signed_by=_signatory(view, decision),
        reasoning=decision.note or "",
        facts=_recorded_facts(spec, decision),
    )


def _entered_outcome(view: CaseView) -> HistoryEntry:
    rows = standing(view.history)
    entered = [
        row
        for before, row in zip([None, *rows], rows, strict=False)
        if _outcome(view, row) is not None
        and (before is None or _outcome(view, before) != _outcome(view, row))
    ]
    if not entered:
        raise NotFoundError(f"dossier {view.case.id} heeft nog geen toelatingsbesluit")
    return entered[-1]


_SHOWN = {InputKind.TEXT, InputKind.DATE, InputKind.NUMBER, InputKind.SCHOOL_YEAR}


def _recorded_facts(spec: ProtocolSpec, decision: HistoryEntry) -> tuple[RecordedFact, ...]:
    """What the step recorded beside its note, in the order the step asks it: texts,
    dates, numbers and school years (files and confirmations are in the dossier)."""
    step = next((t for t in spec.transitions if t.trigger == decision.trigger), None)
    facts = []
    for wanted in step.inputs if step else ():
        value = decision.payload.get(wanted.name)
        if wanted.kind not in _SHOWN or value in (None, ""):
            continue
        shown = (
            date.fromisoformat(str(value)).strftime("%d-%m-%Y")
            if (wanted.kind is InputKind.DATE)
            else str(value)
        )
        facts.append(RecordedFact(wanted.label, shown))
    return tuple(facts)


def argued_decision(app: Toetreding, case_id: int) -> ArguedDecision:
    """The steering group's argued decision on the school's trajectory (step 3)."""
    view = app.view(case_id)
    decision = _latest(view, lambda h: DECISION_DOCUMENT in h.payload, "beargumenteerd besluit")
    conditions = str(decision.payload.get(CONDITIONS) or "")
    return ArguedDecision(
        letterhead=_letterhead(view),
        school_name=view.school.name,
        school_board=view.school.board,
        case_id=case_id,
        date=local(decision.at).date(),
        admitted_to_trajectory=bool(conditions),
        reasoning=decision.note or "",
        conditions=conditions,
        signed_by=_signatory(view, decision),
    )


def _letterhead(view: CaseView) -> Letterhead:
    return Letterhead(view.partnership.name, view.partnership.code)


def _signatory(view: CaseView, event: HistoryEntry) -> Signatory:
    role = view.spec.roles.get(event.role or "", event.role or "")
    return Signatory(event.actor_name or "", role)


def _latest(view: CaseView, wanted: Any, what: str) -> HistoryEntry:
    found = next((h for h in reversed(view.history) if wanted(h)), None)
    if found is None:
        raise NotFoundError(f"dossier {view.case.id} heeft nog geen {what}")
    return found


def _advice(advice: AdviceView) -> Advice:
    return Advice(advice.label, advice.reasons, advice.deciding, advice.rules)


def _domains(
    framework: FrameworkSpec, findings: dict[str, Any], held: set[str]
) -> tuple[DomainFindings, ...]:
    return tuple(
        DomainFindings(
            domain.title,
            tuple(
                _finding(framework, c.id, c.title, findings.get(c.id), held)
                for c in domain.criteria
            ),
        )
        for domain in framework.domains
    )


def _finding(
    framework: FrameworkSpec, criterion_id: str, title: str, data: Any, held: set[str]
) -> Finding:
    data = data or {}
    level = data.get("level")
    interview = data.get("interview")
    return Finding(
        criterion_id=criterion_id,
        title=title,
        level_label=framework.level(level).label if level else None,
        evidence=data.get("evidence") or "",
        strengths=data.get("strengths") or "",
        points_for_development=data.get("development") or "",
        interview_id=interview if interview in held else None,
    )


def _deficiencies(framework: FrameworkSpec, findings: dict[str, Any]) -> tuple[Deficiency, ...]:
    result = []
    for criterion in framework.criteria():
        level = (findings.get(criterion.id) or {}).get("level")
        if level and framework.level(level).sufficient is False:
            result.append(Deficiency(criterion.id, criterion.title, framework.level(level).label))
    return tuple(result)


def _reaudit_deadline(view: CaseView, decision: HistoryEntry) -> date | None:
    """The due date of the deadline the decision's state opened (the re-audit year), also
    once the case has moved on (a re-audit asked for, or a final decision taken)."""
    opened = [
        d
        for d in view.deadlines
        if d.state == decision.to_state and as_aware(d.created_at) >= as_aware(decision.at)
    ]
    return min(opened, key=lambda d: d.created_at).due_date if opened else None
