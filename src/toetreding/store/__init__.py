"""Persistence: tables, migrations and the store over SQLite or PostgreSQL.

Only this package speaks SQL. What it hands out are plain records (``records``) and the
``*Public`` schemas of its tables; the tables themselves, sessions and connections stay
inside. Its public API is what this module exports.

The stores of audits, quality frameworks, advice rules, accounts, sign-in sessions and kept
API answers, and the schemas of their tables, are loaded when first named (``from
toetreding.store import AuditStore``): their tables are defined then (see
``tables/__init__.py``), not by every command that reads a case.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from toetreding._lazy import lazy_names
from toetreding.store._common import MAX_ID, definition_digest, is_id
from toetreding.store.calendar import (
    CalendarChangeRecord,
    DayOffRecord,
    VacationEntry,
    VacationRecord,
)
from toetreding.store.corrections import CORRECTED, CORRECTION, corrected_rows, standing
from toetreding.store.database import (
    make_engine,
    migrate,
    normalise_url,
    schema_is_current,
)
from toetreding.store.deadline_dates import (
    DATED_TRIGGER,
    MOVED_BY_DAY_OFF,
    MOVED_BY_VACATION,
    Ladder,
    OpenDeadline,
)
from toetreding.store.files import Uploader
from toetreding.store.filestores import (
    DiskFileStore,
    FileStore,
    default_file_store,
    file_store_for,
)
from toetreding.store.handover_plan import HandoverBatch, NewHandover, SteppedCase
from toetreding.store.history_chain import ChainBreak, ChainReport
from toetreding.store.ledger import Claimed, Fence, Ledger
from toetreding.store.meeting_records import (
    MEETING_KEY,
    MeetingDecision,
    MeetingItemRecord,
    MeetingRecord,
    PackSendingRecord,
)
from toetreding.store.protocols import PublishedProtocols, PublishedRecord
from toetreding.store.records import (
    AgendaDeadline,
    BoardRow,
    CaseFilter,
    CaseForActor,
    CasePulse,
    CaseRecord,
    DeadlineRecord,
    DirectoryBatch,
    HistoryEntry,
    NewMembership,
    Visibility,
)
from toetreding.store.reminder_plan import LadderDeadline, NewReminder, PlanningBatch
from toetreding.store.repository import Store
from toetreding.store.tables import (
    CaseFilePublic,
    DeadlineStatus,
    MembershipPublic,
    PartnershipCreate,
    PartnershipPublic,
    PersonCreate,
    PersonPublic,
    ReminderStatus,
    SchoolCreate,
    SchoolPublic,
    SchoolUpdate,
    register_all_tables,
)
from toetreding.store.unavailable import DATABASE_DOWN, database_problem
from toetreding.store.version_moves import FROM_VERSION, MOVED, TO_VERSION, VersionMove

if TYPE_CHECKING:
    from toetreding.store.accounts import AccountStore, ApiTokenRecord, TokenKind
    from toetreding.store.advice_rules import AdviceRulesStore
    from toetreding.store.audits import AuditStore
    from toetreding.store.filestores import PostgresFileStore
    from toetreding.store.frame_choices import FrameChoiceStore
    from toetreding.store.frameworks import FrameworkStore
    from toetreding.store.idempotency import IdempotencyStore, StoredRequest
    from toetreding.store.meetings import MeetingStore
    from toetreding.store.sessions import SessionRecord, SessionStore
    from toetreding.store.tables import (
        AccountPublic,
        AdviceRulesPublic,
        ApiTokenPublic,
        AuditInterviewPublic,
        AuditMemberPublic,
        AuditPublic,
        CorrectionPublic,
        FindingCreate,
        FindingPublic,
        FrameAnswerCreate,
        FrameAnswerPublic,
        FrameChoiceCreate,
        FrameChoicePublic,
        FrameworkPublic,
        ReportPublic,
    )

_LATER = {  # name -> module that has it, loaded when the name is first asked for
    **dict.fromkeys(["AccountStore", "ApiTokenRecord", "TokenKind"], "accounts"),
    **dict.fromkeys(["IdempotencyStore", "StoredRequest"], "idempotency"),
    **dict.fromkeys(["SessionRecord", "SessionStore"], "sessions"),
    "AdviceRulesStore": "advice_rules",
    "AuditStore": "audits",
    "FrameChoiceStore": "frame_choices",
    "FrameworkStore": "frameworks",
    "MeetingStore": "meetings",
    "PostgresFileStore": "filestores",  # loads PostgreSQL's dialect: not on SQLite
    **dict.fromkeys(
        [
            *("AccountPublic", "ApiTokenPublic"),
            *("AdviceRulesPublic", "AuditInterviewPublic", "AuditMemberPublic", "AuditPublic"),
            *("CorrectionPublic", "FindingCreate", "FindingPublic", "FrameAnswerCreate"),
            *("FrameAnswerPublic", "FrameChoiceCreate", "FrameChoicePublic", "FrameworkPublic"),
            "ReportPublic",
        ],
        "tables",
    ),
}


__getattr__ = lazy_names(
    __name__, {name: f"{__name__}.{module}" for name, module in _LATER.items()}
)


__all__ = [
    "CORRECTED",
    "CORRECTION",
    "DATABASE_DOWN",
    "DATED_TRIGGER",
    "FROM_VERSION",
    "MAX_ID",
    "MOVED",
    "MOVED_BY_DAY_OFF",
    "MOVED_BY_VACATION",
    "TO_VERSION",
    "AccountPublic",
    "AccountStore",
    "AdviceRulesPublic",
    "AdviceRulesStore",
    "AgendaDeadline",
    "ApiTokenPublic",
    "ApiTokenRecord",
    "AuditStore",
    "BoardRow",
    "CalendarChangeRecord",
    "CaseFilePublic",
    "CaseFilter",
    "CaseForActor",
    "CasePulse",
    "CaseRecord",
    "ChainBreak",
    "ChainReport",
    "Claimed",
    "DayOffRecord",
    "DeadlineRecord",
    "DeadlineStatus",
    "DirectoryBatch",
    "DiskFileStore",
    "Fence",
    "FileStore",
    "FrameChoiceStore",
    "FrameworkPublic",
    "FrameworkStore",
    "HandoverBatch",
    "HistoryEntry",
    "IdempotencyStore",
    "Ladder",
    "LadderDeadline",
    "Ledger",
    "MembershipPublic",
    "NewHandover",
    "NewMembership",
    "NewReminder",
    "OpenDeadline",
    "PartnershipCreate",
    "PartnershipPublic",
    "PersonCreate",
    "PersonPublic",
    "PlanningBatch",
    "PostgresFileStore",
    "PublishedProtocols",
    "PublishedRecord",
    "ReminderStatus",
    "SchoolCreate",
    "SchoolPublic",
    "SchoolUpdate",
    "SessionRecord",
    "SessionStore",
    "SteppedCase",
    "Store",
    "StoredRequest",
    "TokenKind",
    "Uploader",
    "VacationEntry",
    "VacationRecord",
    "VersionMove",
    "Visibility",
    "database_problem",
    "default_file_store",
    "definition_digest",
    "file_store_for",
    "is_id",
    "make_engine",
    "migrate",
    "normalise_url",
    "register_all_tables",
    "schema_is_current",
]

# audits
__all__ += [
    "AuditInterviewPublic",
    "AuditMemberPublic",
    "AuditPublic",
    "CorrectionPublic",
    "FindingCreate",
    "FindingPublic",
    "FrameAnswerCreate",
    "FrameAnswerPublic",
    "FrameChoiceCreate",
    "FrameChoicePublic",
    "ReportPublic",
]

# meetings
__all__ += [
    "MEETING_KEY",
    "MeetingDecision",
    "MeetingItemRecord",
    "MeetingRecord",
    "MeetingStore",
    "PackSendingRecord",
]

# corrections: which history rows still stand
__all__ += ["corrected_rows", "standing"]
