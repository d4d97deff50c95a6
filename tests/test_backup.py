"""``toetreding backup`` and ``restore``: every table round-trips (SQLite and PostgreSQL),
the history chains verify on the copy, and a restore goes only into an empty database."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, text
from sqlmodel import SQLModel

from toetreding.clock import FixedClock
from toetreding.definition import ProtocolRegistry
from toetreding.demo import demo_start, seed_demo
from toetreding.service import Toetreding
from toetreding.store import CaseFilter, Store, make_engine, migrate

from .conftest import PROTOCOLS, postgres_schema
from .helpers import part2_with_noordik, run

TODAY = date(2027, 3, 1)


def filled(url: str, registry: ProtocolRegistry, clock: FixedClock) -> Toetreding:
    """The demo's partnership with its cases, audits and files, and an account that has a
    session, an API token, a failed sign-in and a kept API answer."""
    app = Toetreding.open(url, registry, clock)
    seed_demo(app, demo_start(TODAY), PROTOCOLS)
    person = app.person("coordinator@part2.example")
    app.accounts.set_password(person.id, "een-lang-wachtwoord")
    app.accounts.start_session(person.id)
    app.accounts.issue_api_token(person.id, "scripts")
    assert app.accounts.sign_in("coordinator@part2.example", "fout-wachtwoord", "10.0.0.1") is None
    app.idempotency.begin(person.id, "sleutel-1", "digest")
    app.idempotency.finish(person.id, "sleutel-1", 201, '{"id": 1}')
    return app


def small(url: str, registry: ProtocolRegistry, clock: FixedClock) -> Toetreding:
    """One school with a case."""
    app = Toetreding.open(url, registry, clock)
    part2_with_noordik(app, "sam@noordik.nl")
    app.add_person("Carla", "carla@p2.nl", partnership_ref="part2", roles=("coordinator",))
    app.open_case(school_ref="NOORD1", protocol_id="partnerschap2", actor_ref="carla@p2.nl")
    return app


def every_row(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, in key order."""
    rows: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            query = select(table).order_by(*table.primary_key.columns)
            rows[table.name] = [tuple(row) for row in connection.execute(query)]
    return rows


@pytest.fixture
def other_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A second, empty database of the same kind."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'terug.db'}"
        return
    with postgres_schema() as url:
        yield url


def test_backup_and_restore_round_trip_every_table(
    database_url: str,
    other_url: str,
    registry: ProtocolRegistry,
    clock: FixedClock,
    tmp_path: Path,
) -> None:
    app = filled(database_url, registry, clock)
    kept = tmp_path / "reservekopie.db"
    app.backup(kept)
    original = every_row(app.store.engine)
    assert sum(1 for rows in original.values() if rows) >= 20  # nearly every table has rows

    target = Toetreding.open(other_url, registry, clock)  # created, migrated, empty
    counts, report = target.restore(kept)
    assert every_row(target.store.engine) == original
    assert counts["events"] == len(original["events"]) == report.rows
    assert report.broken is None
    # The copy goes on: new ids follow the restored ones, the chains hold.
    target.add_person("Nieuw", "nieuw@part2.nl", partnership_ref="part2", roles=("kerngroep",))
    highest = max(person.id or 0 for person, _ in app.people())
    assert target.person("nieuw@part2.nl").id == highest + 1
    assert target.verify_history().broken is None
    app.close()
    target.close()


def test_restore_refuses_a_database_that_is_not_empty(
    sqlite_url: str, registry: ProtocolRegistry, clock: FixedClock, tmp_path: Path
) -> None:
    app = small(sqlite_url, registry, clock)
    kept = tmp_path / "reservekopie.db"
    app.backup(kept)
    before = every_row(app.store.engine)
    shown = run("--db", sqlite_url, "restore", str(kept), code=1)
    assert "de database is niet leeg" in shown and "dossiers" in shown
    assert every_row(app.store.engine) == before
    assert "bestaat al" in run("--db", sqlite_url, "backup", str(kept), code=1)
    missing = tmp_path / "geen-map" / "kopie.db"
    assert "bestaat niet" in run("--db", sqlite_url, "backup", str(missing), code=1)
    app.close()


def test_the_command_line_backs_up_while_a_write_is_open_and_restores_with_verify(
    sqlite_url: str, registry: ProtocolRegistry, clock: FixedClock, tmp_path: Path
) -> None:
    app = small(sqlite_url, registry, clock)
    cases = app.count_cases(CaseFilter())
    writer = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"))
    writer.execute("BEGIN IMMEDIATE")  # another process busy writing, not committed yet
    writer.execute("UPDATE schools SET name = 'Half geschreven'")
    kept = tmp_path / "reservekopie.db"
    assert "Reservekopie geschreven" in run("--db", sqlite_url, "backup", str(kept))
    writer.rollback()
    writer.close()

    fresh = f"sqlite:///{tmp_path / 'terug.db'}"
    shown = run("--db", fresh, "restore", str(kept))
    assert f"{cases} dossiers" in shown
    assert "Geschiedenis in orde" in shown
    restored = make_engine(fresh)
    with restored.connect() as connection:
        names = connection.execute(text("SELECT name FROM schools")).scalars().all()
    assert "Half geschreven" not in names and len(names) == cases
    restored.dispose()
    app.close()


def test_restore_refuses_what_is_not_a_backup(sqlite_url: str, tmp_path: Path) -> None:
    engine = make_engine(sqlite_url)
    migrate(engine)
    other = tmp_path / "iets.db"
    other.write_bytes(b"geen database")
    assert "geen reservekopie" in run("--db", sqlite_url, "restore", str(other), code=1)
    folder = run("--db", sqlite_url, "restore", str(tmp_path), code=1)
    assert "is een map, geen reservekopie" in folder
    assert Store(engine).partnerships() == []
    engine.dispose()
