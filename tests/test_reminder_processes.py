"""Reminders across real processes: killed mid-sweep, and two schedulers on one database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from toetreding.clock import FixedClock
from toetreding.definition import ProtocolRegistry
from toetreding.service import Toetreding
from toetreding.store import Store, make_engine, migrate
from toetreding.store.tables import Reminder, SchoolCreate

from .conftest import PROTOCOLS, SmtpServer
from .helpers import with_pdfs

COORDINATOR = "coordinator@po.example"
SWEEP_AT = "2028-03-01T07:00"  # 30 days before 31 March: school and coordinator are reminded
TOETREDING = Path(sys.executable).with_name("toetreding")


def cases_at_decision(url: str, schools: int) -> None:
    """``schools`` po cases at the school's decision, due before 1 April 2028 (31 March)."""
    engine = make_engine(url)
    migrate(engine)
    clock = FixedClock(datetime(2027, 11, 16, 10, 0))
    app = Toetreding(Store(engine), ProtocolRegistry.from_directory(PROTOCOLS), clock)
    partnership = app.store.add_partnership("groningen", "Po Groningen", clock.now())
    app.add_person("Coördinator", COORDINATOR, partnership_ref="groningen", roles=("coordinator",))
    for n in range(schools):
        brin = f"S{n:04d}"
        app.store.add_school(
            SchoolCreate(
                partnership_id=partnership.id or 0,
                name=f"School {n}",
                sector="po",
                region="noord",
                brin=brin,
            ),
            clock.now(),
        )
        email = f"directie{n}@school.example"
        app.add_person(
            f"Directie {n}", email, partnership_ref="groningen", roles=("school",), school_ref=brin
        )
        case = app.open_case(school_ref=brin, protocol_id="po-groningen", actor_ref=COORDINATOR)
        app.fire(case, "bestuur_al_betrokken", actor_ref=COORDINATOR, note="al partner")
        app.fire(
            case,
            "directeursgesprek_gevoerd",
            actor_ref=COORDINATOR,
            inputs=with_pdfs(
                app, case, "directeursgesprek_gevoerd", {"verslag_directeursgesprek": "v.pdf"}
            ),
        )
    engine.dispose()


def run_once(url: str, smtp: SmtpServer, tmp_path: Path) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "TOETREDING_DATABASE_URL": url,
        "TOETREDING_SMTP_HOST": smtp.host,
        "TOETREDING_SMTP_PORT": str(smtp.port),
        "TOETREDING_SMTP_SECURITY": "none",
        "TOETREDING_PROTOCOLS_DIR": str(PROTOCOLS),
    }
    return subprocess.Popen(
        [str(TOETREDING), "reminders", "run-once", "--at", SWEEP_AT],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def keys(smtp: SmtpServer) -> Counter[str]:
    return Counter(str(m["X-Toetreding-Key"]) for m in smtp.messages)


def test_a_sweep_killed_midway_and_restarted_sends_each_reminder_once(
    smtp_server: SmtpServer, tmp_path: Path, sqlite_url: str
) -> None:
    cases_at_decision(sqlite_url, schools=15)  # 30 reminders due: each school and the coordinator
    first = run_once(sqlite_url, smtp_server, tmp_path)

    def kill_at_the_eleventh(number: int) -> str | None:
        """SIGKILL the sender while the 11th message is in flight: it is not delivered, and
        the process never learns how it went."""
        if number == 11:
            os.kill(first.pid, signal.SIGKILL)
            return "451 aborted"
        return None

    smtp_server.before_accept = kill_at_the_eleventh
    first.wait(timeout=120)
    smtp_server.before_accept = None
    assert first.returncode == -signal.SIGKILL
    assert len(smtp_server.messages) == 10

    second = run_once(sqlite_url, smtp_server, tmp_path)
    output, _ = second.communicate(timeout=120)
    assert second.returncode == 0, output
    delivered = keys(smtp_server)
    assert len(delivered) == 30 and set(delivered.values()) == {1}
    engine = make_engine(sqlite_url)
    with engine.connect() as connection:
        statuses = dict(
            connection.execute(
                select(Reminder.status, func.count()).group_by(Reminder.status)
            ).all()  # type: ignore[call-overload]
        )
    engine.dispose()
    assert statuses == {"sent": 30}


@pytest.mark.postgres
def test_two_schedulers_on_postgresql_send_each_reminder_once(
    smtp_server: SmtpServer, tmp_path: Path, postgres_url: str
) -> None:
    cases_at_decision(postgres_url, schools=500)  # 1,000 reminders due
    processes = [run_once(postgres_url, smtp_server, tmp_path) for _ in range(2)]
    outputs = [p.communicate(timeout=300)[0] for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    delivered = keys(smtp_server)
    assert len(smtp_server.messages) == 1000
    assert len(delivered) == 1000 and set(delivered.values()) == {1}
    assert all("verstuurd:" in out for out in outputs)


def test_the_scheduler_refuses_a_second_one_and_stops_cleanly_on_sigterm(
    tmp_path: Path, sqlite_url: str
) -> None:
    env = {
        **os.environ,
        "TOETREDING_DATABASE_URL": sqlite_url,
        "TOETREDING_OUTBOX_DIR": str(tmp_path / "outbox"),
    }
    scheduler = subprocess.Popen(
        [str(TOETREDING), "scheduler", "--interval", "1"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert scheduler.stdout is not None
        assert "Planner gestart" in scheduler.stdout.readline()  # the lock is held from here
        second = subprocess.run(
            [str(TOETREDING), "reminders", "run-once"],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )
        assert second.returncode == 1
        assert "er draait al een planner voor deze database (pid" in second.stderr
    finally:
        scheduler.send_signal(signal.SIGTERM)
        rest, _ = scheduler.communicate(timeout=60)
    assert scheduler.returncode == 0 and "Planner gestopt." in rest
