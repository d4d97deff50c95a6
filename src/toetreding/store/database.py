"""Database engines, connection settings and schema migrations."""

from __future__ import annotations

from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event

from toetreding._exceptions import ConfigurationError

MIGRATIONS = "toetreding.store:migrations"


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
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (creates it on an empty database)."""
    command.upgrade(_alembic_config(engine), "head")


def schema_is_current(engine: Engine) -> bool:
    script = ScriptDirectory.from_config(_alembic_config(engine))
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    return set(current) == set(script.get_heads())
