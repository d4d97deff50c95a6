"""File stores: where the bytes of uploaded files live. One interface
(:class:`~.base.FileStore`), one module per backend, chosen by ``TOETREDING_FILE_STORE``:

* ``disk`` (default, :class:`~.disk.DiskFileStore`): a folder, ``TOETREDING_FILES_DIR`` or
  ``bestanden/`` next to the SQLite database;
* ``database`` (:class:`~.postgres.PostgresFileStore`): PostgreSQL itself, for several app
  servers without a shared disk.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from toetreding.settings import FILES_FOLDER_NAME, FileStoreKind, sqlite_database
from toetreding.store.filestores.base import FileStore, Unreferenced, check_digest
from toetreding.store.filestores.disk import DiskFileStore
from toetreding.store.filestores.postgres import PostgresFileStore


def file_store_for(engine: Engine, kind: FileStoreKind, folder: Path | None) -> FileStore:
    """The file store ``kind`` names (``database``: PostgreSQL only), over ``engine``."""
    if kind == "database":
        return PostgresFileStore(engine)
    return DiskFileStore(folder or _next_to(engine))


def default_file_store(engine: Engine) -> FileStore:
    """Without settings (tests, tools): bytes on disk next to a SQLite database file, in
    PostgreSQL with PostgreSQL."""
    if engine.dialect.name == "postgresql":
        return PostgresFileStore(engine)
    return DiskFileStore(_next_to(engine))


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
