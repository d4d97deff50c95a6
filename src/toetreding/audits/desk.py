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
* ``released``: the reports the school was sent, and the one a decision rests on.
"""

from __future__ import annotations

from pathlib import Path

from toetreding.advice import AdviceRegistry, advise
from toetreding.audits._base import ORGANISERS
from toetreding.audits.advice_view import AdviceView
from toetreding.audits.committee import MEMBER_ROLES, CommitteeDesk, committee_warnings
from toetreding.audits.findings import NewFinding
from toetreding.audits.released import ReleasedReports
from toetreding.audits.reports import ReportDesk
from toetreding.definition.model import AuditSpec
from toetreding.frameworks import FrameworkRegistry, FrameworkSpec
from toetreding.service import Toetreding
from toetreding.store import FindingPublic

__all__ = ["MEMBER_ROLES", "ORGANISERS", "AuditDesk", "NewFinding", "committee_warnings"]


class AuditDesk(CommitteeDesk, ReportDesk, ReleasedReports):
    """Audits of cases, over the same store, clock and protocols as :class:`Toetreding`."""

    def __init__(self, app: Toetreding, protocols_dir: str | Path) -> None:
        self.app = app
        self.audits = app.audit_records
        self.frameworks = app.framework_store(FrameworkRegistry.shipped(protocols_dir))
        self.advice_rules = AdviceRegistry.shipped(protocols_dir)

    def _advice(
        self, audit_spec: AuditSpec, framework: FrameworkSpec, findings: dict[str, FindingPublic]
    ) -> AdviceView | None:
        if audit_spec.advice is None or not framework.scored:
            return None
        rules = self.advice_rules.get(audit_spec.advice)
        scores = {criterion: f.level for criterion, f in findings.items() if f.level}
        advice = advise(rules, framework, scores)
        return AdviceView(advice.outcome, advice.label, advice.reasons, advice.deciding)
