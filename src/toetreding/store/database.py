"""Database engines, connection settings and schema migrations."""

from __future__ import annotations

import select
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError, DisconnectionError

from toetreding._exceptions import ConfigurationError, InvalidInputError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = "toetreding.store:migrations"
_VERSIONS = Path(__file__).parent / "migrations" / "versions"


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


NUL_REFUSED = "tekst met een NUL-teken (\\u0000) kan niet worden opgeslagen"


def refuse_nul(values: Iterable[Any]) -> None:
    """InvalidInputError when a text value holds NUL: PostgreSQL can neither store nor look
    up such text, so no database takes it (the same answer on SQLite), before it is sent."""
    for value in values:
        if isinstance(value, str):
            if "\x00" in value:
                raise InvalidInputError(NUL_REFUSED)
        elif isinstance(value, Mapping):  # a JSON value, before it is encoded
            refuse_nul(value.keys())
            refuse_nul(value.values())
        elif isinstance(value, list | tuple):
            refuse_nul(value)


def _refuse_nul_parameters(
    _conn: Any, _cursor: Any, _sql: str, parameters: Any, _context: Any, executemany: bool
) -> None:
    for row in parameters if executemany else (parameters,):
        refuse_nul(row.values() if isinstance(row, Mapping) else row or ())


def make_engine(url: str, *, durable: bool = True) -> Engine:
    """An engine for ``url``. SQLite gets WAL, foreign keys and a busy timeout.

    ``durable`` keeps SQLite's ``synchronous=FULL``: a committed state change survives a
    power cut. Benchmarks may turn it off to measure the CPU cost alone. Text with a NUL
    character is refused on every backend (:func:`refuse_nul`).
    """
    engine = _engine(normalise_url(url), durable)
    event.listen(engine, "before_cursor_execute", _refuse_nul_parameters)
    return engine


def _engine(url: str, durable: bool) -> Engine:
    if url.startswith("sqlite"):
        # LIFO keeps reusing the warmest connection: SQLite caches pages per connection.
        engine = create_engine(url, connect_args={"check_same_thread": False}, pool_use_lifo=True)
        synchronous = "FULL" if durable else "NORMAL"

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA synchronous={synchronous}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.close()

        return engine
    if url.startswith("postgresql"):
        engine = create_engine(url)
        event.listen(engine, "checkout", _looks_alive)
        return engine
    raise ConfigurationError(
        f"database-URL '{url}' wordt niet ondersteund; gebruik sqlite:///bestand.db "
        "of postgresql://gebruiker@host/database"
    )


def _looks_alive(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Before a pooled PostgreSQL connection is handed out: is it still open? Asked of the
    socket, not the server (a ping is a round trip on every request): nothing arrives on an
    idle connection unless the server closed it (a restart, an administrator ending it) or
    has a notice. Then the pool replaces it by a new connection, unnoticed by the request.
    """
    if dbapi_connection.closed or dbapi_connection.pgconn.status != _CONNECTION_OK:
        raise DisconnectionError("de verbinding met de database is gesloten")
    readable, _, _ = select.select([dbapi_connection.fileno()], [], [], 0)
    if readable:
        raise DisconnectionError("de database heeft de verbinding gesloten")


_CONNECTION_OK = 0  # psycopg.pq.ConnStatus.OK


def _alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (creates it on an empty database).

    Alembic (a third of a second to import) is only loaded when there is something to do,
    so a command on an up-to-date database starts quickly.
    """
    if schema_is_current(engine):
        return
    from alembic import command

    command.upgrade(_alembic_config(engine), "head")


def schema_is_current(engine: Engine) -> bool:
    """Whether the database is at the newest migration (the highest numbered file)."""
    try:
        with engine.connect() as connection:
            current = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except DBAPIError:
        return False  # no schema yet
    return [row[0] for row in current] == [schema_head()]


def schema_head() -> str:
    """The newest revision: migrations are numbered ``NNNN_name.py`` with revision ``NNNN``."""
    numbers = (f.name.split("_", 1)[0] for f in _VERSIONS.glob("[0-9][0-9][0-9][0-9]_*.py"))
    return max(numbers)
