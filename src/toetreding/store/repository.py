"""The store: every read and write of toetreding's data, over SQLite or PostgreSQL.

One :class:`Store` per database ties the parts together, each in its own module: who is who
(:mod:`.directory`; a spreadsheet import's batch, :mod:`.directory_batch`), cases and
their history (:mod:`.cases`, :mod:`.case_lists`), deadlines (:mod:`.deadlines`), the
school calendar (:mod:`.calendar`), uploaded files (:mod:`.files`, bytes in
:mod:`.filestores`), accounts and API tokens (:mod:`.accounts`), protocol versions
published in the app (:mod:`.protocols`), sign-in sessions and failed sign-ins
(:mod:`.sessions`), answers kept for ``Idempotency-Key`` (:mod:`.idempotency`), the reminder
ledger (:mod:`.ledger`), audits (:mod:`.audits`) and meetings of the bodies
(:mod:`.meetings`). State changes go through
:meth:`Store.apply`, which updates the case only if nobody moved it meanwhile (``revision``
check) and appends the history row in the same transaction.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from toetreding.store._hotpath import HotPath
from toetreding.store.backup import backup, restore
from toetreding.store.calendar import CalendarStore
from toetreding.store.case_lists import CaseListStore
from toetreding.store.cases import CaseStore
from toetreding.store.corrections import CorrectionStore
from toetreding.store.deadlines import DeadlineStore
from toetreding.store.directory import DirectoryStore
from toetreding.store.directory_batch import DirectoryBatchStore
from toetreding.store.filestores import FileStore, default_file_store
from toetreding.store.history_chain import ChainReport, verify
from toetreding.store.ledger import Ledger
from toetreding.store.protocols import ProtocolUses, PublishedProtocols
from toetreding.store.version_moves import VersionMoveStore

if TYPE_CHECKING:
    from toetreding.store.accounts import AccountStore
    from toetreding.store.audits import AuditStore
    from toetreding.store.idempotency import IdempotencyStore
    from toetreding.store.meetings import MeetingStore
    from toetreding.store.sessions import SessionStore


class Store(
    DirectoryStore,
    DirectoryBatchStore,
    CaseStore,
    CaseListStore,
    DeadlineStore,
    CorrectionStore,
    VersionMoveStore,
    CalendarStore,
):
    """Reads and writes over one SQLAlchemy engine."""

    def __init__(self, engine: Engine, file_store: FileStore | None = None) -> None:
        self.engine = engine
        # Where uploaded files' bytes live (default: next to a SQLite file, else PostgreSQL).
        self.file_store = file_store or default_file_store(engine)
        self._hot = HotPath(engine)
        self.ledger = Ledger(engine)
        self.published = PublishedProtocols(engine)
        self.protocol_uses = ProtocolUses(engine)

    @cached_property
    def accounts(self) -> AccountStore:
        """Accounts and API tokens: loaded when first used, and their tables defined then."""
        from toetreding.store.accounts import AccountStore

        return AccountStore(self.engine)

    @cached_property
    def sessions(self) -> SessionStore:
        """Sign-in sessions and failed sign-ins (loaded when first used)."""
        from toetreding.store.sessions import SessionStore

        return SessionStore(self.engine)

    @cached_property
    def idempotency(self) -> IdempotencyStore:
        """Answers kept for ``Idempotency-Key`` (loaded when first used)."""
        from toetreding.store.idempotency import IdempotencyStore

        return IdempotencyStore(self.engine)

    @cached_property
    def meetings(self) -> MeetingStore:
        """Meetings of the bodies: loaded when first used, and their tables defined then."""
        from toetreding.store.meetings import MeetingStore

        return MeetingStore(self.engine)

    @cached_property
    def audits(self) -> AuditStore:
        """Audits: loaded when first used, and their tables defined then."""
        from toetreding.store.audits import AuditStore

        return AuditStore(self.engine)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def verify_history(self) -> ChainReport:
        """Check every history row against its chain (see :mod:`.history_chain`)."""
        return verify(self.engine)

    def backup(self, target: Path) -> None:
        """Write a backup of every table to the new file ``target`` (see :mod:`.backup`)."""
        backup(self.engine, target)

    def restore(self, source: Path) -> dict[str, int]:
        """Put the backup ``source`` into this database, which must be empty."""
        return restore(self.engine, source)

    def close(self) -> None:
        """Close every pooled connection (the store can still be used afterwards)."""
        self.engine.dispose()
