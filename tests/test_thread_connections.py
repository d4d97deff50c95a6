"""SQLite: the request hot path keeps one connection per thread (``_thread_connections``).
Steps from several threads all land and chain; what a block leaves open holds no lock on
the database; closing the store (or a thread ending) leaves no handle on the file."""

from __future__ import annotations

import gc
import os
import sqlite3
import threading
from datetime import timedelta
from pathlib import Path

from toetreding.clock import FixedClock
from toetreding.definition import ProtocolRegistry
from toetreding.service import Toetreding
from toetreding.store import Store, make_engine, migrate
from toetreding.store.tables import SchoolCreate

from .helpers import part2_with_noordik, with_pdfs

CARLA = "carla@p2.nl"


def _app(tmp_path: Path, registry: ProtocolRegistry, clock: FixedClock) -> Toetreding:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    migrate(engine)
    app = Toetreding(Store(engine), registry, clock)
    part2_with_noordik(app, "sam@noordik.nl")
    app.add_person("Carla", CARLA, partnership_ref="part2", roles=("coordinator",))
    return app


def _handles(db: Path) -> int:
    """The open file descriptors of this process on the database file."""
    found = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            found += os.readlink(f"/proc/self/fd/{fd}") == str(db)
        except OSError:
            continue
    return found


def test_steps_from_several_threads_land_and_their_connections_close(
    tmp_path: Path, registry: ProtocolRegistry, clock: FixedClock
) -> None:
    app = _app(tmp_path, registry, clock)
    partnership = app.partnership_id("part2")
    cases = [
        app.open_case(
            school_ref=app.add_school(
                SchoolCreate(
                    partnership_id=partnership, name=f"School {i}", sector="vo", region="midden"
                )
            ).id
            or 0,
            protocol_id="partnerschap2",
            actor_ref=CARLA,
        )
        for i in range(4)
    ]
    clock.advance(timedelta(days=1))
    inputs = {
        case: with_pdfs(app, case, "orientatie_afronden", {"verslag_orientatie": "v.pdf"})
        for case in cases
    }
    failures: list[BaseException] = []

    def step(case: int) -> None:
        try:
            app.fire(case, "orientatie_afronden", actor_ref=CARLA, inputs=inputs[case])
        except BaseException as error:  # reported below
            failures.append(error)

    threads = [threading.Thread(target=step, args=(case,)) for case in cases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert {app.case(case).state for case in cases} == {"zelfevaluatie"}
    assert app.store.verify_history().broken is None
    gc.collect()  # the threads ended: their kept connections are closed
    kept = app.store._hot._kept
    assert kept is not None and len(kept._held) <= 1  # at most the main thread's
    db = tmp_path / "db.sqlite"
    app.store.close()
    assert _handles(db) == 0
    # the store still works after closing, and closes again
    assert app.case(cases[0]).revision == 2
    app.store.close()
    assert _handles(db) == 0


def test_what_a_block_leaves_open_is_rolled_back_and_locks_nothing(
    tmp_path: Path, registry: ProtocolRegistry, clock: FixedClock
) -> None:
    app = _app(tmp_path, registry, clock)
    with app.store._hot.cursor() as (_, cursor):  # a block that writes but does not commit
        cursor.execute("UPDATE people SET name = 'Gewijzigd' WHERE email = ?", (CARLA,))
    other = sqlite3.connect(tmp_path / "db.sqlite", timeout=0.2)
    other.execute("UPDATE people SET name = 'Carla B' WHERE email = ?", (CARLA,))
    other.commit()
    other.close()
    assert app.person(CARLA).name == "Carla B"
