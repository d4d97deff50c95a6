"""Schema migrations on SQLite and PostgreSQL: create, re-run, and match the table models."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text
from sqlmodel import SQLModel

import toetreding.store.tables  # noqa: F401  (registers the tables on SQLModel.metadata)
from toetreding.store import Store, make_engine, migrate, schema_is_current
from toetreding.store.database import MIGRATIONS, schema_head

TABLES = {
    "partnerships",
    "schools",
    "people",
    "memberships",
    "protocol_versions",
    "cases",
    "events",
    "deadlines",
    "frameworks",
    "audits",
    "audit_members",
    "audit_interviews",
    "findings",
    "reports",
    "corrections",
    "frame_answers",
    "reminders",
    "accounts",
}


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on an empty database (a fresh SQLite file or PostgreSQL schema)."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def differences(engine: Engine) -> list[Any]:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        return list(compare_metadata(context, SQLModel.metadata))


def test_migrate_creates_the_schema_on_an_empty_database(engine: Engine) -> None:
    assert not inspect(engine).get_table_names()
    assert not schema_is_current(engine)
    migrate(engine)
    assert schema_is_current(engine)
    assert set(inspect(engine).get_table_names()) == TABLES | {"alembic_version"}


def test_migrate_twice_is_harmless(engine: Engine) -> None:
    migrate(engine)
    store = Store(engine)
    store.add_partnership("part2", "Partnerschap 2", datetime(2026, 9, 1, tzinfo=UTC))
    migrate(engine)
    assert schema_is_current(engine)
    assert [p.code for p in store.partnerships()] == ["part2"]
    with engine.connect() as connection:
        versions = connection.execute(text("select version_num from alembic_version")).all()
    assert len(versions) == 1


def test_migrated_schema_matches_the_table_models(engine: Engine) -> None:
    migrate(engine)
    assert differences(engine) == []


def test_schema_comparison_notices_a_missing_index(engine: Engine) -> None:
    # Guards the test above: the comparison really looks at this database.
    migrate(engine)
    with engine.begin() as connection:
        connection.execute(text("DROP INDEX ix_cases_school"))
    found = differences(engine)
    assert [(diff[0], diff[1].name) for diff in found] == [("add_index", "ix_cases_school")]


def test_the_quick_schema_check_knows_the_same_head_as_alembic(engine: Engine) -> None:
    # migrate() skips alembic when the database is at schema_head(); both must agree.
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    assert ScriptDirectory.from_config(config).get_heads() == [schema_head()]
    migrate(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    assert not schema_is_current(engine)  # an older database is upgraded, not skipped
