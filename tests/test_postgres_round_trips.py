"""PostgreSQL: what a step costs in round trips to the server, writers of different
chains, and connections the server closed. Each statement, ``BEGIN`` and ``COMMIT`` waits
for the server's answer, so a step that changes no deadline is its reads and one statement;
no ping before a request."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from psycopg.connection import BaseConnection
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from toetreding.calendar import Region
from toetreding.clock import FixedClock
from toetreding.definition import ProtocolRegistry, Sector
from toetreding.files import sample_pdf
from toetreding.service import Toetreding
from toetreding.store import SchoolCreate, Store, make_engine, migrate
from toetreding.store.history_chain import CHAINS, chain_of

from .conftest import POSTGRES_URL

pytestmark = pytest.mark.postgres


@pytest.fixture
def app(postgres_url: str, registry: ProtocolRegistry, clock: FixedClock) -> Iterator[Toetreding]:
    engine = make_engine(postgres_url)
    migrate(engine)
    service = Toetreding(Store(engine), registry, clock)
    partnership = service.add_partnership("part2", "Partnerschap 2").id or 0
    service.add_school(
        SchoolCreate(
            name="Erasmus College", sector=Sector.VO, region=Region.NOORD, brin="12AB",
            partnership_id=partnership,
        )
    )  # fmt: skip
    service.add_person("Carla", "carla@part2.nl", partnership_ref="part2", roles=("coordinator",))
    yield service
    engine.dispose()


def opened(app: Toetreding) -> tuple[int, int, int]:
    """A case, its coordinator, and the number of a report of the talk in its dossier."""
    case_id = app.open_case(
        school_ref="12AB", protocol_id="partnerschap2", actor_ref="carla@part2.nl"
    )
    carla = app.store.person("carla@part2.nl").id or 0
    staged = app.stage_bytes("verslag.pdf", sample_pdf("Verslag", ["Het gesprek."]))
    [kept] = app.add_version(case_id, "verslag_orientatie", [staged], actor_ref=carla)
    return case_id, carla, kept.id


def sent(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """What psycopg sends and waits for from now on: statements, and its own commands."""
    calls: Counter[str] = Counter()
    execute, command = psycopg.Cursor.execute, BaseConnection._exec_command

    def counted_execute(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        calls["statement"] += 1
        return execute(self, query, *args, **kwargs)

    def counted_command(self: Any, sent: Any, *args: Any, **kwargs: Any) -> Any:
        calls[bytes(sent).split()[0].decode().upper() if isinstance(sent, bytes) else "?"] += 1
        return command(self, sent, *args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "execute", counted_execute)
    monkeypatch.setattr(BaseConnection, "_exec_command", counted_command)
    return calls


def test_a_step_is_its_reads_and_one_statement(
    app: Toetreding, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id, carla, kept = opened(app)
    # the first request on a version reads it once
    app.protocol("partnerschap2", app.case(case_id).protocol_version)
    calls = sent(monkeypatch)
    app.fire(case_id, "orientatie_afronden", actor_ref=carla, inputs={"verslag_orientatie": kept})
    # the case with the actor's roles, the dossier's file given by number, then the move,
    # its history row and the chain's head as one statement: no BEGIN, no COMMIT, no ping
    assert calls == Counter(statement=3)
    monkeypatch.undo()
    assert app.case(case_id).state == "zelfevaluatie"
    assert [h.trigger for h in app.history(case_id)] == ["openen", "orientatie_afronden"]
    assert app.verify_history().broken is None


def test_opening_and_a_step_with_an_upload_chain_their_row_in_one_statement(
    app: Toetreding, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a transaction (opening a case, a step that keeps a file or changes deadlines) the
    history row and its chain's head are one statement, not the head's read, the insert and
    the head's update."""
    opened(app)  # the first opening on a version pins it, once per service
    partnership = app.store.school("12AB").partnership_id
    school = (
        app.add_school(
            SchoolCreate(
                name="De Breul", sector=Sector.VO, region=Region.NOORD, partnership_id=partnership
            )
        ).id
        or 0
    )
    carla = app.store.person("carla@part2.nl").id or 0
    calls = sent(monkeypatch)
    case_id = app.open_case(school_ref=school, protocol_id="partnerschap2", actor_ref=carla)
    opening = Counter(calls)
    # school, person, roles, open case and published versions in one read; then BEGIN, the
    # case, its deadlines, the chained row, COMMIT
    deadlines = len(app.case_deadlines(case_id))
    assert opening == Counter(statement=1 + 1 + deadlines + 1, BEGIN=1, COMMIT=1)
    staged = app.stage_bytes("verslag.pdf", sample_pdf("Verslag", ["Het gesprek."]))
    calls.clear()
    app.fire(case_id, "orientatie_afronden", actor_ref=carla, inputs={"verslag_orientatie": staged})
    # the case; BEGIN, the move, the file's bytes (the database file store), its version
    # and its row, then the history row with its chain's head (was: the head's read, the
    # row, the head's update), COMMIT
    assert calls == Counter(statement=6, BEGIN=1, COMMIT=1)
    monkeypatch.undo()
    assert [h.trigger for h in app.history(case_id)] == ["openen", "orientatie_afronden"]
    assert app.verify_history().broken is None


def test_a_connection_the_server_closed_is_replaced_unnoticed(app: Toetreding) -> None:
    case_id, carla, kept = opened(app)
    pool = [app.store.engine.raw_connection() for _ in range(2)]
    pids = [connection.driver_connection.info.backend_pid for connection in pool]  # type: ignore[union-attr]
    for connection in pool:
        connection.close()  # back to the pool, idle
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as session:  # as a restart of the server would
        for pid in pids:
            assert session.execute(
                text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid}
            ).scalar()
    admin.dispose()
    app.fire(case_id, "orientatie_afronden", actor_ref=carla, inputs={"verslag_orientatie": kept})
    assert app.case(case_id).state == "zelfevaluatie"


def test_writers_of_different_chains_do_not_wait_for_each_other(
    app: Toetreding, postgres_url: str, registry: ProtocolRegistry, clock: FixedClock
) -> None:
    """A step holds the head of its case's chain until it commits; a step on a case of
    another chain goes ahead meanwhile, one of the same chain waits (here: gives up after a
    second, as the service on this engine waits no longer for a lock)."""
    case_id, carla, kept = opened(app)
    impatient = make_engine(f"{postgres_url}%20-clock_timeout%3D1000")
    service = Toetreding(Store(impatient), registry, clock)
    other = make_engine(postgres_url)
    step = {"actor_ref": carla, "inputs": {"verslag_orientatie": kept}}
    lock = text("SELECT row_count FROM history_chain WHERE id = :id FOR UPDATE")
    with other.begin() as writer:  # another step, between moving its head and its commit
        writer.execute(lock, {"id": chain_of(case_id)})
        with pytest.raises(OperationalError, match="lock timeout"):
            service.fire(case_id, "orientatie_afronden", **step)
    with other.begin() as writer:
        writer.execute(lock, {"id": chain_of(case_id) % CHAINS + 1})
        service.fire(case_id, "orientatie_afronden", **step)
    assert app.case(case_id).state == "zelfevaluatie"
    assert app.verify_history().broken is None
    impatient.dispose()
    other.dispose()
