"""Persistence: tables, migrations and the store over SQLite or PostgreSQL.

Only this package speaks SQL. What it hands out are plain records (``records``) and the
``*Public`` schemas of its tables; the tables themselves, sessions and connections stay
inside. Its public API is what this module exports.
"""

from toetreding.store._common import MAX_ID, definition_digest, is_id
from toetreding.store.accounts import AccountStore, ApiTokenRecord, TokenKind
from toetreding.store.advice_rules import AdviceRulesStore
from toetreding.store.audits import AuditStore
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
from toetreding.store.deadline_dates import DATED_TRIGGER, MOVED_BY_DAY_OFF, OpenDeadline
from toetreding.store.files import Uploader
from toetreding.store.filestores import (
    DiskFileStore,
    FileStore,
    PostgresFileStore,
    default_file_store,
    file_store_for,
)
from toetreding.store.frame_choices import FrameChoiceStore
from toetreding.store.frameworks import FrameworkStore
from toetreding.store.handover_plan import HandoverBatch, NewHandover, SteppedCase
from toetreding.store.history_chain import ChainBreak, ChainReport
from toetreding.store.idempotency import IdempotencyStore, StoredRequest
from toetreding.store.ledger import Claimed, Fence, Ledger
from toetreding.store.meetings import (
    MEETING_KEY,
    MeetingDecision,
    MeetingItemRecord,
    MeetingRecord,
    MeetingStore,
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
from toetreding.store.sessions import SessionRecord, SessionStore
from toetreding.store.tables import (
    AccountPublic,
    AdviceRulesPublic,
    ApiTokenPublic,
    CaseFilePublic,
    DeadlineStatus,
    FrameworkPublic,
    MembershipPublic,
    PartnershipCreate,
    PartnershipPublic,
    PersonCreate,
    PersonPublic,
    ReminderStatus,
    SchoolCreate,
    SchoolPublic,
    SchoolUpdate,
)

# audits
from toetreding.store.tables.audits import (
    AuditInterviewPublic,
    AuditMemberPublic,
    AuditPublic,
    CorrectionPublic,
    FindingCreate,
    FindingPublic,
    FrameAnswerCreate,
    FrameAnswerPublic,
    ReportPublic,
)
from toetreding.store.tables.frameworks import FrameChoiceCreate, FrameChoicePublic
from toetreding.store.unavailable import DATABASE_DOWN, database_problem
from toetreding.store.version_moves import FROM_VERSION, MOVED, TO_VERSION, VersionMove

__all__ = [
    "CORRECTED",
    "CORRECTION",
    "DATABASE_DOWN",
    "DATED_TRIGGER",
    "FROM_VERSION",
    "MAX_ID",
    "MOVED",
    "MOVED_BY_DAY_OFF",
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
