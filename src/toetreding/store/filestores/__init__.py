"""File stores: where the bytes of uploaded files live. One interface
(:class:`~.base.FileStore`), one module per backend, chosen by ``TOETREDING_FILE_STORE``:

* ``disk`` (default, :class:`~.disk.DiskFileStore`): a folder, ``TOETREDING_FILES_DIR`` or
  ``bestanden/`` next to the SQLite database;
* ``database`` (:class:`~.postgres.PostgresFileStore`): PostgreSQL itself, for several app
  servers without a shared disk.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from toetreding._lazy import lazy_names
from toetreding.settings import FILES_FOLDER_NAME, FileStoreKind, sqlite_database
from toetreding.store.filestores.base import FileStore, Unreferenced, check_digest
from toetreding.store.filestores.disk import DiskFileStore

if TYPE_CHECKING:
    from toetreding.store.filestores.postgres import PostgresFileStore

# Loaded when first named: it loads SQLAlchemy's PostgreSQL dialect (for its INSERT … ON
# CONFLICT), which a command on a SQLite database never needs.
__getattr__ = lazy_names(__name__, {"PostgresFileStore": f"{__name__}.postgres"})


def file_store_for(engine: Engine, kind: FileStoreKind, folder: Path | None) -> FileStore:
    """The file store ``kind`` names (``database``: PostgreSQL only), over ``engine``."""
    if kind == "database":
        return _in_postgres(engine)
    return DiskFileStore(folder or _next_to(engine))


def default_file_store(engine: Engine) -> FileStore:
    """Without settings (tests, tools): bytes on disk next to a SQLite database file, in
    PostgreSQL with PostgreSQL."""
    if engine.dialect.name == "postgresql":
        return _in_postgres(engine)
    return DiskFileStore(_next_to(engine))


def _in_postgres(engine: Engine) -> FileStore:
    from toetreding.store.filestores.postgres import PostgresFileStore

    return PostgresFileStore(engine)


def _next_to(engine: Engine) -> Path:
    database = sqlite_database(engine.url.render_as_string(hide_password=False))
    return Path(FILES_FOLDER_NAME) if database is None else database.parent / FILES_FOLDER_NAME


__all__ = [
    "DiskFileStore",
    "FileStore",
    "PostgresFileStore",
    "Unreferenced",
    "check_digest",
    "default_file_store",
    "file_store_for",
]
