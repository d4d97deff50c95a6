"""``Toetreding``: the one object views talk to; its parts live in this package's modules."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from toetreding.clock import Clock
from toetreding.definition import ProtocolRegistry, SpecCache
from toetreding.service.accounts import Accounts
from toetreding.service.calendar import CalendarService
from toetreding.service.corrections import CorrectionService
from toetreding.service.directory import DirectoryService
from toetreding.service.exports import ExportService
from toetreding.service.handovers import HandoverService
from toetreding.service.idempotency import Idempotency
from toetreding.service.imports import ImportService
from toetreding.service.meeting_packs import MeetingPackService
from toetreding.service.overview import OverviewService
from toetreding.service.protocols import ProtocolService
from toetreding.service.version_moves import VersionMoveService
from toetreding.service.version_tasks import VersionTaskService
from toetreding.settings import Settings
from toetreding.store import (
    ChainReport,
    Ledger,
    file_store_for,
    make_engine,
    migrate,
)
from toetreding.store.repository import Store

if TYPE_CHECKING:  # loaded when used: reading a case needs none of them
    from toetreding.advice import AdviceRegistry
    from toetreding.frameworks import FrameworkRegistry
    from toetreding.store import AdviceRulesStore, AuditStore, FrameworkStore


class Toetreding(
    ImportService,
    DirectoryService,
    ExportService,
    CalendarService,
    MeetingPackService,
    OverviewService,
    ProtocolService,
    CorrectionService,
    VersionMoveService,
    VersionTaskService,
    HandoverService,
):
    """What a coordinator, committee, school or administrator can do, over one store, the
    loaded protocols and an injected clock. Nothing here prints or reads the wall clock."""

    @classmethod
    def from_settings(cls, settings: Settings, clock: Clock) -> Toetreding:
        """The service over the configured database (migrated to the newest schema)."""
        cache = SpecCache(settings.cache_dir) if settings.cache_dir else None
        registry = ProtocolRegistry.from_directory(settings.protocols_dir, cache)
        engine = make_engine(settings.database_url)
        migrate(engine)
        files = file_store_for(engine, settings.file_store, settings.files_folder())
        return cls(
            Store(engine, files), registry, clock, max_upload_bytes=settings.max_upload_bytes
        )

    @classmethod
    def open(cls, database_url: str, registry: ProtocolRegistry, clock: Clock) -> Toetreding:
        """The service over the database at ``database_url`` (created or migrated), files
        next to a SQLite database file or in PostgreSQL (``default_file_store``)."""
        engine = make_engine(database_url)
        migrate(engine)
        return cls(Store(engine), registry, clock)

    def with_clock(self, clock: Clock) -> Toetreding:
        """The same service on another clock (a demo or an import that replays the past)."""
        return type(self)(self.store, self.registry, clock, max_upload_bytes=self.max_upload_bytes)

    def verify_history(self) -> ChainReport:
        """Whether every case's history is as it was written: the first break, if any."""
        return self.store.verify_history()

    def backup(self, target: Path) -> None:
        """A copy of the whole database in the new file ``target`` (while others keep
        working); files in a disk file store are not in it."""
        self.store.backup(target)

    def restore(self, source: Path) -> tuple[dict[str, int], ChainReport]:
        """Put the backup ``source`` into this (empty) database; the rows per table and the
        check of every history chain afterwards."""
        counts = self.store.restore(source)
        return counts, self.verify_history()

    def close(self) -> None:
        """Let go of the database connections."""
        self.store.close()

    @cached_property
    def accounts(self) -> Accounts:
        """Passwords and tokens of the people who sign in."""
        return Accounts(self.store.accounts, self.store.sessions, self.clock)

    @cached_property
    def idempotency(self) -> Idempotency:
        """The answers kept for repeated API requests (``Idempotency-Key``)."""
        return Idempotency(self.store.idempotency, self.clock)

    @property
    def reminder_ledger(self) -> Ledger:
        """The ledger that makes each reminder go out once (for ``toetreding.reminders``)."""
        return self.store.ledger

    @property
    def audit_records(self) -> AuditStore:
        """The audits' records (for ``toetreding.audits``, which decides what may happen)."""
        return self.store.audits

    def framework_store(self, shipped: FrameworkRegistry) -> FrameworkStore:
        """The partnerships' own frameworks next to ``shipped`` (for ``toetreding.audits``)."""
        from toetreding.store import FrameworkStore

        return FrameworkStore(self.store.engine, shipped)

    def advice_store(self, shipped: AdviceRegistry) -> AdviceRulesStore:
        """The partnerships' own advice rules next to ``shipped`` (for ``toetreding.audits``)."""
        from toetreding.store import AdviceRulesStore

        return AdviceRulesStore(self.store.engine, shipped.all())
