"""Database tables (SQLModel ``table=True``) and the schemas shown to users, one module per
concern; importing this package registers every table on ``SQLModel.metadata``.

Following the SQLModel docs: ``*Base`` holds the shared fields, the table model adds keys
and bookkeeping, ``*Create`` is what a user supplies and ``*Public`` what is shown.
Times are timezone-aware and stored in UTC. Only ``toetreding.store`` imports this package.
"""

from toetreding.store.tables.accounts import Account, AccountPublic
from toetreding.store.tables.audits import (
    Audit,
    AuditMember,
    AuditSession,
    Correction,
    Finding,
    FrameAnswer,
    Report,
)
from toetreding.store.tables.cases import (
    Case,
    Deadline,
    DeadlineStatus,
    Event,
    ProtocolVersion,
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
from toetreding.store.tables.frameworks import Framework, FrameworkBase, FrameworkPublic
from toetreding.store.tables.reminders import Reminder, ReminderStatus

__all__ = [
    "Account",
    "AccountPublic",
    "Audit",
    "AuditMember",
    "AuditSession",
    "Case",
    "Correction",
    "Deadline",
    "DeadlineStatus",
    "Event",
    "Finding",
    "FrameAnswer",
    "Framework",
    "FrameworkBase",
    "FrameworkPublic",
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
    "ProtocolVersion",
    "Reminder",
    "ReminderStatus",
    "Report",
    "School",
    "SchoolBase",
    "SchoolCreate",
    "SchoolPublic",
    "SchoolUpdate",
]
