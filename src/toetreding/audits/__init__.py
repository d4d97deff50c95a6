"""Internal audits: committee, interviews, findings per criterion, reports and corrections."""

from toetreding.audits.advice_rules import PublishedAdvice, rules_name
from toetreding.audits.advice_view import AdviceView
from toetreding.audits.committee import committee_warnings
from toetreding.audits.desk import AuditDesk
from toetreding.audits.findings import NewFinding
from toetreding.audits.frames import FrameDesk, FrameView
from toetreding.audits.scores_sheet import scores_sheet
from toetreding.audits.views import AuditView, CorrectionView, ReportComparison

__all__ = [
    "AdviceView",
    "AuditDesk",
    "AuditView",
    "CorrectionView",
    "FrameDesk",
    "FrameView",
    "NewFinding",
    "PublishedAdvice",
    "ReportComparison",
    "committee_warnings",
    "rules_name",
    "scores_sheet",
]
