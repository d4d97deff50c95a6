"""Persistence: tables, migrations and the store over SQLite or PostgreSQL."""

from toetreding.calendar import Region
from toetreding.store.database import make_engine, migrate, normalise_url, schema_is_current
from toetreding.store.records import CaseFilter, CaseForActor, CaseRecord, HistoryEntry
from toetreding.store.repository import Store, definition_digest

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
