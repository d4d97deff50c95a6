"""Database engines, connection settings and schema migrations."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError

from toetreding._exceptions import ConfigurationError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = "toetreding.store:migrations"
_VERSIONS = Path(__file__).parent / "migrations" / "versions"


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str, *, durable: bool = True) -> Engine:
    """An engine for ``url``. SQLite gets WAL, foreign keys and a busy timeout.

    ``durable`` keeps SQLite's ``synchronous=FULL``: a committed state change survives a
    power cut. Benchmarks may turn it off to measure the CPU cost alone.
    """
    url = normalise_url(url)
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
        return create_engine(url, pool_pre_ping=True)
    raise ConfigurationError(
        f"database-URL '{url}' wordt niet ondersteund; gebruik sqlite:///bestand.db "
        "of postgresql://gebruiker@host/database"
    )


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
