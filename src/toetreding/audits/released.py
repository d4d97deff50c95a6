"""The reports that left the committee: what the school was sent, and the final report a
decision rests on."""

from __future__ import annotations

from datetime import datetime

from toetreding.audits._base import DeskBase
from toetreding.clock import as_aware
from toetreding.service.case_lookups import in_current_names
from toetreding.store import AuditPublic, CaseRecord, HistoryEntry, ReportPublic


class ReleasedReports(DeskBase):
    """Report versions as the case's history released them."""

    def released_reports(self, case_id: int, number: int | None = None) -> list[ReportPublic]:
        """The report versions the school has been sent: the draft that was current when the
        case entered the corrections step, and the final report once the case left the step
        in which it was fixed. Other drafts are the committee's own working versions."""
        case, _, audit_spec = self._case(case_id)
        audit = self._audit(case_id, number)
        reports = self.audits.reports(audit.id)
        history = self._history_of(case, audit, number)
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

    def _history_of(
        self, case: CaseRecord, audit: AuditPublic, number: int | None
    ) -> list[HistoryEntry]:
        """The audit's part of the case's history, from its opening to the next audit's,
        in the state names of the version the case is on now (its audit steps are named so;
        an audit runs on when its case moves to a newer version)."""
        audits = self.audits_of(case.id)
        index = len(audits) if number is None else number
        start = as_aware(audit.opened_at)
        end = as_aware(audits[index].opened_at) if index < len(audits) else None
        return [
            e
            for e in in_current_names(
                self.app.history(case.id), lambda v: self.app.protocol(case.protocol_id, v)
            )
            if start <= as_aware(e.at) and (end is None or as_aware(e.at) <= end)
        ]
