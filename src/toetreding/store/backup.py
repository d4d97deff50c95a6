"""Backups: a copy of every table in one SQLite file, and putting one back in an empty
database.

A backup is always a SQLite database file with toetreding's schema, whatever the source:
from SQLite it is made with SQLite's online backup API (a consistent copy while the app
keeps running); from PostgreSQL every table is copied, row by row in batches, inside one
``REPEATABLE READ`` transaction (one snapshot, while the app keeps running). Restoring
copies every table of such a file, in foreign-key order, into an empty database of either
kind, in one transaction. Files in a disk file store are not in it (only their rows are).
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, delete, func, inspect, select, text
from sqlalchemy.exc import DatabaseError
from sqlmodel import SQLModel

from toetreding._exceptions import ConflictError, InvalidInputError
from toetreding.store._common import CALENDAR_CHANGES, HISTORY_CHAIN, SCHOOL_VACATIONS
from toetreding.store.database import make_engine, migrate
from toetreding.store.tables import register_all_tables

BATCH = 1000
# Rows a freshly migrated database holds already: the empty chain's head, and the school
# calendar seeded by migration 0014 (with its log); a restore replaces them with the backup's.
_PRESET = {HISTORY_CHAIN.name, SCHOOL_VACATIONS.name, CALENDAR_CHANGES.name}


def _tables() -> list[Table]:
    """Every table, parents before children."""
    register_all_tables()
    return list(SQLModel.metadata.sorted_tables)


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def backup(engine: Engine, target: Path) -> None:
    """Write a backup of the database of ``engine`` to the new file ``target``."""
    if target.exists():
        raise ConflictError(f"'{target}' bestaat al; kies een nieuwe bestandsnaam")
    if not target.parent.is_dir():
        raise InvalidInputError(f"de map '{target.parent}' bestaat niet")
    partial = target.with_name(f".{target.name}.deel")
    partial.unlink(missing_ok=True)
    try:
        if engine.dialect.name == "sqlite":
            _sqlite_backup(engine, partial)
        else:
            _copy_out(engine, partial)
        partial.replace(target)  # a file named ``target`` is a whole backup
    finally:
        partial.unlink(missing_ok=True)


def _sqlite_backup(engine: Engine, target: Path) -> None:
    source = engine.raw_connection()
    try:
        copy = sqlite3.connect(target)
        try:
            source.driver_connection.backup(copy)  # type: ignore[union-attr]
        finally:
            copy.close()
    finally:
        source.close()


def _copy_out(engine: Engine, target: Path) -> None:
    copy = make_engine(_sqlite_url(target))
    try:
        migrate(copy)
        snapshot = engine.connect().execution_options(isolation_level="REPEATABLE READ")
        with snapshot, snapshot.begin(), copy.begin() as out:
            _copy_tables(snapshot, out)
    finally:
        copy.dispose()


def _copy_tables(source: Connection, target: Connection) -> None:
    for table in _tables():
        if table.name in _PRESET:
            target.execute(delete(table))
        rows = source.execution_options(yield_per=BATCH).execute(select(table))
        for batch in rows.partitions():
            target.execute(table.insert(), [dict(row._mapping) for row in batch])


def is_empty(engine: Engine) -> dict[str, int]:
    """The tables that hold rows (besides what a new database holds), with their counts."""
    found: dict[str, int] = {}
    with engine.connect() as connection:
        for table in _tables():
            if table.name in _PRESET:
                continue
            count = connection.execute(select(func.count()).select_from(table)).scalar_one()
            if count:
                found[table.name] = int(count)
    return found


def restore(engine: Engine, source: Path) -> dict[str, int]:
    """Copy the backup ``source`` into the empty database of ``engine``; rows per table."""
    if source.is_dir():
        raise InvalidInputError(f"'{source}' is een map, geen reservekopie")
    if not source.is_file():
        raise InvalidInputError(f"reservekopie '{source}' bestaat niet")
    filled = is_empty(engine)
    if filled:
        raise ConflictError(
            "de database is niet leeg; een reservekopie wordt alleen in een lege database "
            f"teruggezet (er staan al {sum(filled.values())} rijen in, waaronder "
            f"{filled.get('cases', 0)} dossiers en {filled.get('people', 0)} personen)"
        )
    with tempfile.TemporaryDirectory(prefix="toetreding-restore-") as folder:
        # A copy: an older backup is brought to the current schema without touching it.
        copy = Path(folder) / "reservekopie.db"
        shutil.copyfile(source, copy)
        backup_engine = make_engine(_sqlite_url(copy))
        try:
            _check_backup(backup_engine, source)
            migrate(backup_engine)
            with backup_engine.connect() as reader, engine.begin() as writer:
                _copy_tables(reader, writer)
                if engine.dialect.name == "postgresql":
                    _reset_sequences(writer)
            with backup_engine.connect() as reader:
                return {
                    table.name: int(
                        reader.execute(select(func.count()).select_from(table)).scalar_one()
                    )
                    for table in _tables()
                }
        finally:
            backup_engine.dispose()


def _check_backup(engine: Engine, source: Path) -> None:
    try:
        names = set(inspect(engine).get_table_names())
    except DatabaseError:
        names = set()
    if "alembic_version" not in names or "cases" not in names:
        raise InvalidInputError(f"'{source}' is geen reservekopie van toetreding")


def _reset_sequences(connection: Connection) -> None:
    """Let PostgreSQL hand out new ids after the restored ones."""
    for table in _tables():
        column: Any = table.c.get("id")
        if column is None or not column.autoincrement or len(table.primary_key) != 1:
            continue
        sequence = connection.execute(
            text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table.name}
        ).scalar()
        if sequence is not None:
            highest = f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1"
            connection.execute(
                text(f"SELECT setval(:sequence, {highest}, false)"), {"sequence": sequence}
            )
