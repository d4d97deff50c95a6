"""Schema migrations on SQLite and PostgreSQL: create, re-run, and match the table models."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text
from sqlmodel import SQLModel

import toetreding.store.tables  # noqa: F401  (registers the tables on SQLModel.metadata)
from toetreding.clock import FixedClock, SystemClock
from toetreding.definition import ProtocolRegistry
from toetreding.service import Toetreding, token_hash
from toetreding.store import Store, make_engine, migrate, schema_is_current
from toetreding.store.audits import AuditStore
from toetreding.store.database import MIGRATIONS, schema_head

from .helpers import part2_with_noordik

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
    "web_sessions",
    "api_tokens",
    "sign_in_attempts",
    "idempotent_requests",
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


# --- 0008: an audit's interviews were called sessions -------------------------------------


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    config.attributes["engine"] = engine
    return config


CARLA = "carla@p2.nl"


def old_table(name: str, *columns: str) -> sa.TableClause:
    """A table as the 0007 schema has it, for writing rows the current models cannot."""
    typed = {"attendees": sa.JSON(), "content": sa.JSON()}
    return sa.table(name, *(sa.column(column, typed.get(column)) for column in columns))


def audit_at_0007(engine: Engine, app: Toetreding) -> int:
    """An audit written by the 0007 schema: an interview (then a 'session'), a finding that
    names it and a draft report whose frozen findings name its group; the audit's id."""
    part2_with_noordik(app, "sam@noordik.nl")
    app.add_person("Carla", CARLA, partnership_ref="part2", roles=("coordinator",))
    case_id = app.open_case(school_ref="NOORD1", protocol_id="partnerschap2", actor_ref=CARLA)
    by, at = app.person_id(CARLA), app.clock.now()
    audit = {"id": 7, "case_id": case_id, "framework_id": "nvao-opleidingsschool-2009"}
    audit |= {"framework_version": 1, "partnership_framework": False}
    session = {"id": 3, "audit_id": 7, "group_name": "management", "held_on": at.date()}
    finding = {"audit_id": 7, "criterion_id": "1.1", "revision": 1, "level": "goed"}
    finding |= {"evidence": "Gezien", "session_id": 3, "recorded_by": by, "recorded_at": at}
    frozen = {"level": "goed", "revision": 1, "evidence": "Gezien", "session": "management"}
    content = {"findings": {"1.1": frozen, "1.2": None}, "advice": {"label": "Partner"}}
    report = {"audit_id": 7, "version": 1, "final": False, "advice_outcome": "partner"}
    report |= {"content": content, "created_at": at, "created_by": by}
    with engine.begin() as connection:
        for name, row in (
            ("audits", audit | {"opened_at": at, "opened_by": by}),
            ("audit_sessions", session | {"attendees": ["Directie"], "notes": None}),
            ("findings", finding),
            ("reports", report),
        ):
            connection.execute(old_table(name, *row).insert().values(**row))
    return 7


def test_an_audit_written_before_0008_reads_the_same_afterwards(
    engine: Engine, registry: ProtocolRegistry, clock: FixedClock
) -> None:
    command.upgrade(alembic_config(engine), "0007")
    audit_id = audit_at_0007(engine, Toetreding(Store(engine), registry, clock))

    migrate(engine)
    audits = AuditStore(engine)
    [interview] = audits.interviews(audit_id)
    assert (interview.group_name, interview.attendees) == ("management", ["Directie"])
    assert audits.findings(audit_id)["1.1"].interview_id == interview.id == 3
    [report] = audits.reports(audit_id)
    frozen = report.content["findings"]
    assert frozen["1.1"] == {
        "level": "goed",
        "revision": 1,
        "evidence": "Gezien",
        "interview": "management",
    }
    assert frozen["1.2"] is None
    assert differences(engine) == []

    command.downgrade(alembic_config(engine), "0007")  # a rollback gets the old names back
    with engine.connect() as connection:
        finding = connection.execute(text("SELECT session_id FROM findings")).scalar_one()
        content = connection.execute(sa.select(old_table("reports", "content"))).scalar_one()
    assert finding == 3
    assert content["findings"]["1.1"]["session"] == "management"


# --- 0011: API tokens of their own, sessions on the server -----------------------------------


def test_an_api_token_made_before_0011_works_afterwards_for_90_days(
    engine: Engine, registry: ProtocolRegistry, clock: FixedClock
) -> None:
    command.upgrade(alembic_config(engine), "0008")
    app = Toetreding(Store(engine), registry, clock)
    part2_with_noordik(app, "sam@noordik.nl")
    person_id = app.person_id("sam@noordik.nl")
    old_hash = token_hash("een-oud-token")
    account = {"person_id": person_id, "password_hash": "x", "is_admin": False}
    account |= {"api_token_hash": old_hash, "created_at": clock.now()}
    account |= {"password_changed_at": clock.now()}
    with engine.begin() as connection:
        connection.execute(old_table("accounts", *account).insert().values(**account))

    migrate(engine)
    assert differences(engine) == []
    running = app.with_clock(SystemClock())  # the migration counts 90 days from its own day
    assert running.accounts.person_for_api_token("een-oud-token") == person_id
    [moved] = running.accounts.api_tokens(person_id)
    assert moved.name == "API-token"
    assert 89 <= (moved.expires_at - SystemClock().now()).days <= 90

    command.downgrade(alembic_config(engine), "0008")  # a rollback gives the account it back
    with engine.connect() as connection:
        kept = connection.execute(text("SELECT api_token_hash FROM accounts")).scalar_one()
    assert kept == old_hash
