"""Persistence: tables, migrations and the store over SQLite or PostgreSQL."""

from toetreding.store.database import make_engine, migrate, normalise_url, schema_is_current
from toetreding.store.records import CaseFilter, CaseForActor, CaseRecord, HistoryEntry
from toetreding.store.repository import Store, definition_digest
from toetreding.store.tables import Region

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

__all__ = [
    "CaseFilter",
    "CaseForActor",
    "CaseRecord",
    "HistoryEntry",
    "Region",
    "Store",
    "definition_digest",
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
    "ReportPublic",
]
