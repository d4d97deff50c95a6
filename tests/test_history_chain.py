"""Tamper-evident history: a changed or deleted history row is found by ``toetreding verify``
(SQLite and PostgreSQL), and a database migrated from before the chain gets its chains."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

from toetreding.clock import FixedClock
from toetreding.definition import ProtocolRegistry
from toetreding.service import Toetreding
from toetreding.store import Store, make_engine, migrate
from toetreding.store.database import MIGRATIONS
from toetreding.store.tables import SchoolCreate

from .helpers import part2_with_noordik, run, with_pdfs

CARLA = "carla@p2.nl"


def two_cases(app: Toetreding, clock: FixedClock) -> tuple[int, int]:
    """Two cases: one opened and moved two steps on (three history rows), one opened."""
    part2_with_noordik(app, "sam@noordik.nl")
    app.add_person("Carla", CARLA, partnership_ref="part2", roles=("coordinator",))
    first = app.open_case(school_ref="NOORD1", protocol_id="partnerschap2", actor_ref=CARLA)
    clock.advance(timedelta(days=1))
    inputs = with_pdfs(app, first, "orientatie_afronden", {"verslag_orientatie": "v.pdf"})
    app.fire(first, "orientatie_afronden", actor_ref=CARLA, inputs=inputs, note="Goed gesprek")
    clock.advance(timedelta(days=20))
    indienen = {"zelfevaluatie": "ze.pdf", "paginas": "8"}
    inputs = with_pdfs(app, first, "zelfevaluatie_indienen", indienen)
    app.fire(first, "zelfevaluatie_indienen", actor_ref="sam@noordik.nl", inputs=inputs)
    partnership_id = app.partnership_id("part2")
    school = app.add_school(
        SchoolCreate(partnership_id=partnership_id, name="De Breul", sector="vo", region="midden")
    )
    second = app.open_case(school_ref=school.id, protocol_id="partnerschap2", actor_ref=CARLA)
    return first, second


# the state the case's second row brought it to (a cover-up puts the case back there)
ROW_2_STATE = "(SELECT to_state FROM events WHERE case_id = {first} AND seq = 2)"


def raw(engine: Engine, sql: str) -> None:
    with engine.begin() as connection:
        connection.execute(text(sql))


def test_an_untouched_history_verifies(app: Toetreding, clock: FixedClock) -> None:
    first, _ = two_cases(app, clock)
    report = app.verify_history()
    assert (report.rows, report.cases, report.broken) == (4, 2, None)
    assert [h.seq for h in app.history(first)] == [1, 2, 3]


def test_one_changed_byte_names_the_case_and_row(app: Toetreding, clock: FixedClock) -> None:
    first, _ = two_cases(app, clock)
    raw(
        app.store.engine,
        f"UPDATE events SET note = 'Goed gesprak' WHERE case_id = {first} AND seq = 2",
    )
    broken = app.verify_history().broken
    assert broken is not None
    assert (broken.case_id, broken.seq) == (first, 2)
    assert f"dossier {first}, rij 2" in broken.message


def test_a_changed_moment_or_payload_is_noticed(app: Toetreding, clock: FixedClock) -> None:
    _, second = two_cases(app, clock)
    raw(app.store.engine, f"UPDATE events SET role = 'stuurgroep' WHERE case_id = {second}")
    broken = app.verify_history().broken
    assert broken is not None and (broken.case_id, broken.seq) == (second, 1)


def test_a_case_moved_outside_its_history_is_noticed(app: Toetreding, clock: FixedClock) -> None:
    _, second = two_cases(app, clock)
    assert app.verify_history().broken is None
    raw(app.store.engine, f"UPDATE cases SET state = 'gestopt' WHERE id = {second}")
    broken = app.verify_history().broken
    assert broken is not None and broken.case_id == second
    assert "de stap van het dossier is gewijzigd buiten de geschiedenis om" in broken.message


def test_a_deleted_row_is_noticed(app: Toetreding, clock: FixedClock) -> None:
    first, _ = two_cases(app, clock)
    raw(app.store.engine, f"DELETE FROM case_files WHERE case_id = {first}")
    raw(app.store.engine, f"DELETE FROM events WHERE case_id = {first} AND seq = 2")
    broken = app.verify_history().broken
    assert broken is not None and (broken.case_id, broken.seq) == (first, 2)
    assert "ontbreekt" in broken.message


def test_a_deleted_last_row_is_noticed_even_with_the_case_put_back(
    app: Toetreding, clock: FixedClock
) -> None:
    first, _ = two_cases(app, clock)
    raw(app.store.engine, f"DELETE FROM events WHERE case_id = {first} AND seq = 3")
    broken = app.verify_history().broken
    assert broken is not None and (broken.case_id, broken.seq) == (first, 3)
    assert f"dossier {first}: rij 3 en later ontbreken (het dossier telt 3 gebeurtenissen)" in (
        broken.message
    )
    # Covering it up on the case's count leaves it in the step the deleted row brought it to
    raw(app.store.engine, f"UPDATE cases SET revision = 2 WHERE id = {first}")
    broken = app.verify_history().broken
    assert broken is not None and (broken.case_id, broken.seq) == (first, 2)
    assert "gewijzigd buiten de geschiedenis om" in broken.message
    # and covering that up too leaves the database's chain one row short.
    back = ROW_2_STATE.format(first=first)
    raw(app.store.engine, f"UPDATE cases SET state = {back} WHERE id = {first}")
    broken = app.verify_history().broken
    assert broken is not None and broken.case_id is None
    assert "positie 3 ontbreekt" in broken.message


def test_a_deleted_case_is_noticed(app: Toetreding, clock: FixedClock) -> None:
    _, second = two_cases(app, clock)
    for table, column in (("events", "case_id"), ("deadlines", "case_id"), ("cases", "id")):
        raw(app.store.engine, f"DELETE FROM {table} WHERE {column} = {second}")
    broken = app.verify_history().broken
    assert broken is not None and broken.case_id is None
    assert "positie 1 ontbreekt" in broken.message


def test_rows_from_before_the_chains_were_split_verify_and_the_chains_go_on(
    database_url: str, registry: ProtocolRegistry, clock: FixedClock
) -> None:
    """Migration 0018 keeps the rows already there in the first chain; new rows go to the
    chain of their case; back to 0017 they are one chain again."""
    engine = make_engine(database_url)
    migrate(engine)
    app = Toetreding(Store(engine), registry, clock)
    first, second = two_cases(app, clock)
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    config.attributes["engine"] = engine
    command.downgrade(config, "0017")
    migrate(engine)
    assert app.verify_history().broken is None
    clock.advance(timedelta(days=1))
    inputs = with_pdfs(app, second, "orientatie_afronden", {"verslag_orientatie": "v.pdf"})
    app.fire(second, "orientatie_afronden", actor_ref=CARLA, inputs=inputs)
    assert (app.verify_history().rows, app.verify_history().broken) == (5, None)
    raw(engine, f"DELETE FROM events WHERE case_id = {first} AND seq = 3")  # the first chain
    raw(engine, f"UPDATE cases SET revision = 2 WHERE id = {first}")
    raw(engine, f"UPDATE cases SET state = {ROW_2_STATE.format(first=first)} WHERE id = {first}")
    broken = app.verify_history().broken
    assert broken is not None and "databaseketen 1" in broken.message
    engine.dispose()


def test_verify_on_the_command_line(
    tmp_path: Path, registry: ProtocolRegistry, clock: FixedClock
) -> None:
    url = f"sqlite:///{tmp_path / 'toetreding.db'}"
    app = Toetreding.open(url, registry, clock)
    first, _ = two_cases(app, clock)
    assert "Geschiedenis in orde: 4 rijen in 2 dossiers" in run("--db", url, "verify")
    raw(app.store.engine, f"UPDATE events SET payload = '{{}}' WHERE case_id = {first} AND seq = 2")
    shown = run("--db", url, "verify", code=1)
    assert f"dossier {first}, rij 2" in shown
    assert "Traceback" not in shown
    app.close()


def test_the_migration_chains_the_rows_already_there(
    database_url: str, registry: ProtocolRegistry, clock: FixedClock
) -> None:
    engine = make_engine(database_url)
    migrate(engine)
    app = Toetreding(Store(engine), registry, clock)
    _, second = two_cases(app, clock)
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    config.attributes["engine"] = engine
    command.downgrade(config, "0011")  # the rows as a database from before the chain has them
    migrate(engine)
    assert app.verify_history().broken is None
    clock.advance(timedelta(days=1))
    inputs = with_pdfs(app, second, "orientatie_afronden", {"verslag_orientatie": "v.pdf"})
    app.fire(second, "orientatie_afronden", actor_ref=CARLA, inputs=inputs)  # chains on
    assert app.verify_history().rows == 5
    assert app.verify_history().broken is None
    raw(engine, f"UPDATE events SET trigger = 'openen' WHERE case_id = {second} AND seq = 2")
    broken = app.verify_history().broken
    assert broken is not None and (broken.case_id, broken.seq) == (second, 2)
    engine.dispose()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_nothing_happens_to_an_empty_database(app: Toetreding) -> None:
    report = app.verify_history()
    assert (report.rows, report.cases, report.broken) == (0, 0, None)
