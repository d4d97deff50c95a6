"""Database tables (SQLModel ``table=True``) and the schemas shown to users, one module per
concern; defining a table class registers it on ``SQLModel.metadata``.

Following the SQLModel docs: ``*Base`` holds the shared fields, the table model adds keys
and bookkeeping, ``*Create`` is what a user supplies and ``*Public`` what is shown.
Times are timezone-aware and stored in UTC. Only ``toetreding.store`` imports this package.

The tables of audits, quality frameworks, advice rules, accounts (with sign-in sessions
and API tokens) and kept API answers (half the time it takes to define them all) are
defined when first named, e.g. ``tables.Audit``: reading or moving a
case does not touch them. What needs every table on ``SQLModel.metadata`` (migrations,
their drift check, a backup) calls :func:`register_all_tables` first.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from toetreding._lazy import lazy_names
from toetreding.store.tables._base import complete_partial_indexes
from toetreding.store.tables.calendar import CalendarChange, DayOff, SchoolVacation
from toetreding.store.tables.cases import (
    Case,
    Deadline,
    DeadlineStatus,
    Event,
    HistoryChain,
    ProtocolUse,
    ProtocolVersion,
    PublishedProtocol,
)
from toetreding.store.tables.directory import (
    Membership,
    MembershipPublic,
    Partnership,
    PartnershipBase,
    PartnershipCreate,
    PartnershipPublic,
    Person,
    PersonBase,
    PersonCreate,
    PersonPublic,
    School,
    SchoolBase,
    SchoolCreate,
    SchoolPublic,
    SchoolUpdate,
)
from toetreding.store.tables.files import CaseFile, CaseFileBase, CaseFilePublic, FileChunk
from toetreding.store.tables.reminders import Reminder, ReminderStatus

if TYPE_CHECKING:
    from toetreding.store.tables.accounts import (
        Account,
        AccountPublic,
        ApiToken,
        ApiTokenPublic,
        SignInAttempt,
        WebSession,
    )
    from toetreding.store.tables.advice import AdviceRules, AdviceRulesBase, AdviceRulesPublic
    from toetreding.store.tables.audits import (
        Audit,
        AuditBase,
        AuditInterview,
        AuditInterviewBase,
        AuditInterviewPublic,
        AuditMember,
        AuditMemberBase,
        AuditMemberPublic,
        AuditPublic,
        Correction,
        CorrectionBase,
        CorrectionPublic,
        Finding,
        FindingBase,
        FindingCreate,
        FindingPublic,
        FrameAnswer,
        FrameAnswerBase,
        FrameAnswerCreate,
        FrameAnswerPublic,
        Report,
        ReportBase,
        ReportPublic,
    )
    from toetreding.store.tables.frameworks import (
        FrameChoice,
        FrameChoiceBase,
        FrameChoiceCreate,
        FrameChoicePublic,
        Framework,
        FrameworkBase,
        FrameworkPublic,
    )
    from toetreding.store.tables.meetings import Meeting, MeetingItem, MeetingPackSending
    from toetreding.store.tables.requests import IdempotentRequest

_LATER = {  # name -> module of the tables defined when first named
    "Account": "accounts",
    "AccountPublic": "accounts",
    "ApiToken": "accounts",
    "ApiTokenPublic": "accounts",
    "SignInAttempt": "accounts",
    "WebSession": "accounts",
    "IdempotentRequest": "requests",
    "AdviceRules": "advice",
    "AdviceRulesBase": "advice",
    "AdviceRulesPublic": "advice",
    "Audit": "audits",
    "AuditBase": "audits",
    "AuditInterview": "audits",
    "AuditInterviewBase": "audits",
    "AuditInterviewPublic": "audits",
    "AuditMember": "audits",
    "AuditMemberBase": "audits",
    "AuditMemberPublic": "audits",
    "AuditPublic": "audits",
    "Correction": "audits",
    "CorrectionBase": "audits",
    "CorrectionPublic": "audits",
    "Finding": "audits",
    "FindingBase": "audits",
    "FindingCreate": "audits",
    "FindingPublic": "audits",
    "FrameAnswer": "audits",
    "FrameAnswerBase": "audits",
    "FrameAnswerCreate": "audits",
    "FrameAnswerPublic": "audits",
    "Report": "audits",
    "ReportBase": "audits",
    "ReportPublic": "audits",
    "FrameChoice": "frameworks",
    "FrameChoiceBase": "frameworks",
    "FrameChoiceCreate": "frameworks",
    "FrameChoicePublic": "frameworks",
    "Framework": "frameworks",
    "FrameworkBase": "frameworks",
    "FrameworkPublic": "frameworks",
    "Meeting": "meetings",
    "MeetingItem": "meetings",
    "MeetingPackSending": "meetings",
}


__getattr__ = lazy_names(
    __name__, {name: f"{__name__}.{module}" for name, module in _LATER.items()}
)


def register_all_tables() -> None:
    """Define every table in full, so that ``SQLModel.metadata`` holds them all, each index
    with its condition (see ``partial_index``)."""
    for module in sorted(set(_LATER.values())):
        importlib.import_module(f"{__name__}.{module}")
    complete_partial_indexes()


__all__ = [
    "Account",
    "AccountPublic",
    "AdviceRules",
    "AdviceRulesBase",
    "AdviceRulesPublic",
    "ApiToken",
    "ApiTokenPublic",
    "Audit",
    "AuditBase",
    "AuditInterview",
    "AuditInterviewBase",
    "AuditInterviewPublic",
    "AuditMember",
    "AuditMemberBase",
    "AuditMemberPublic",
    "AuditPublic",
    "CalendarChange",
    "Case",
    "CaseFile",
    "CaseFileBase",
    "CaseFilePublic",
    "Correction",
    "CorrectionBase",
    "CorrectionPublic",
    "DayOff",
    "Deadline",
    "DeadlineStatus",
    "Event",
    "FileChunk",
    "Finding",
    "FindingBase",
    "FindingCreate",
    "FindingPublic",
    "FrameAnswer",
    "FrameAnswerBase",
    "FrameAnswerCreate",
    "FrameAnswerPublic",
    "FrameChoice",
    "FrameChoiceBase",
    "FrameChoiceCreate",
    "FrameChoicePublic",
    "Framework",
    "FrameworkBase",
    "FrameworkPublic",
    "HistoryChain",
    "IdempotentRequest",
    "Meeting",
    "MeetingItem",
    "MeetingPackSending",
    "Membership",
    "MembershipPublic",
    "Partnership",
    "PartnershipBase",
    "PartnershipCreate",
    "PartnershipPublic",
    "Person",
    "PersonBase",
    "PersonCreate",
    "PersonPublic",
    "ProtocolUse",
    "ProtocolVersion",
    "PublishedProtocol",
    "Reminder",
    "ReminderStatus",
    "Report",
    "ReportBase",
    "ReportPublic",
    "School",
    "SchoolBase",
    "SchoolCreate",
    "SchoolPublic",
    "SchoolUpdate",
    "SchoolVacation",
    "SignInAttempt",
    "WebSession",
    "register_all_tables",
]
