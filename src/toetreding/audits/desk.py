"""The audit desk: what a coordinator, an audit committee and a school do with an audit.

Open it with a committee, record interviews and findings per criterion, draft a report with
the advice, take the school's factual corrections, decide them, and fix the final report.
Where each of these may happen is the protocol's ``audit`` section; who may do it is checked
here. The protocol's own steps (sending the draft, deciding) stay triggers of the case,
whose guards read the reports (``report_ready``, ``advice_followed_or_reason``).

Each concern has its module; :class:`AuditDesk` puts them together:

* ``committee``: the audit, its committee and its interviews;
* ``findings``: scores per criterion, the audit as the committee reads it, the advice;
* ``reports``: report versions, the school's corrections and the committee's decisions;
* ``released``: the reports the school was sent, and the one a decision rests on;
* ``advice_rules``: the partnership's advice rules, published in the app, that an audit
  opens with and keeps.
"""

from __future__ import annotations

from pathlib import Path

from toetreding.advice import AdviceRegistry, advise
from toetreding.audits._base import ORGANISERS
from toetreding.audits.advice_rules import AdviceRulesDesk, rules_name
from toetreding.audits.advice_view import AdviceView
from toetreding.audits.committee import MEMBER_ROLES, CommitteeDesk, committee_warnings
from toetreding.audits.findings import NewFinding
from toetreding.audits.released import ReleasedReports
from toetreding.audits.reports import ReportDesk
from toetreding.definition.model import AuditSpec
from toetreding.frameworks import FrameworkRegistry, FrameworkSpec
from toetreding.service import Toetreding
from toetreding.store import AuditPublic, CaseRecord, FindingPublic

__all__ = ["MEMBER_ROLES", "ORGANISERS", "AuditDesk", "NewFinding", "committee_warnings"]


class AuditDesk(CommitteeDesk, ReportDesk, ReleasedReports, AdviceRulesDesk):
    """Audits of cases, over the same store, clock and protocols as :class:`Toetreding`."""

    def __init__(self, app: Toetreding, protocols_dir: str | Path) -> None:
        self.app = app
        self.audits = app.audit_records
        self.protocols_dir = Path(protocols_dir)
        shipped = FrameworkRegistry.shipped(protocols_dir)
        self.frameworks = app.framework_store(shipped)
        self.advice_rules = app.advice_store(AdviceRegistry.shipped(protocols_dir, shipped.get))

    def _advice(
        self,
        audit: AuditPublic,
        case: CaseRecord,
        audit_spec: AuditSpec,
        framework: FrameworkSpec,
        findings: dict[str, FindingPublic],
    ) -> AdviceView | None:
        if not framework.scored:
            return None
        rules = self._rules_of(audit, case, audit_spec)
        if rules is None:
            return None
        scores = {criterion: f.level for criterion, f in findings.items() if f.level}
        advice = advise(rules, framework, scores)
        return AdviceView(
            advice.outcome, advice.label, advice.reasons, advice.deciding, rules_name(rules)
        )
