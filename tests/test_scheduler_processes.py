"""Exactly once with several ``toetreding scheduler`` processes, counted per ledger key.

Real processes on one database (SQLite and PostgreSQL), 2 and 3 of them, against a real
SMTP server on localhost that is

* **slow**: 0.15 s per message and, every tenth message, 2 s, longer than the lease (1.5 s):
  a sender that did not renew its lease while it waits for the server, or did not check its
  claim right before sending, would let another process send the same reminder;
* **deadly**: it accepts a message (its ``250`` is on the wire) and then the sender is killed
  with SIGKILL before it can record the delivery, once or twice per run.

Every reminder must arrive exactly once, except a killed process's message in flight: the
server had accepted it, the ledger could not know, so it goes out again after the takeover,
with the same Message-ID (the one window SMTP cannot close; docs/reminders.md). Nothing may
be lost, and the killed process's reminders are taken over within seconds.

The reminders are due on the real clock: a small protocol (written per test) gives each
school a deadline a week after its case opened, with a reminder on the day it opened.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from toetreding.clock import SystemClock
from toetreding.definition import ProtocolRegistry
from toetreding.service import Toetreding
from toetreding.store import Ledger, Store, make_engine, migrate
from toetreding.store.tables import SchoolCreate

from .conftest import SmtpServer

TOETREDING = Path(sys.executable).with_name("toetreding")
COORDINATOR = "coordinator@proef.example"
LEASE = 1.5  # seconds a claim holds without renewal
INTERVAL = 0.5  # seconds between heartbeats
BATCH = 5
PROTOCOL = """\
    format: 1
    id: herinneren
    version: 1
    title: "Proef: één herinnering per school"
    sectors: [po]
    roles:
      coordinator: Coördinator
      school: Aanvragende school
    opened_by: [coordinator]
    steps:
      - {number: 1, label: "Antwoord van de school"}
    initial: wachten
    states:
      wachten:
        label: "Wachten op het antwoord van de school"
        step: 1
        deadlines:
          - name: antwoord
            label: "Antwoord geven"
            met_by: [beantwoorden]
            due: {after: "7 days"}
            remind:
              - {before: "7 days", to: [school]}
      beantwoord:
        label: "Beantwoord"
        step: 1
        final: true
    transitions:
      - trigger: beantwoorden
        label: "Antwoord gegeven"
        from: wachten
        to: beantwoord
        roles: [school]
"""


@pytest.fixture
def protocols(tmp_path: Path) -> Path:
    folder = tmp_path / "protocols"
    folder.mkdir()
    (folder / "herinneren.yaml").write_text(textwrap.dedent(PROTOCOL), encoding="utf-8")
    return folder


PER_SCHOOL = 2  # e-mails to each school: the hand-over of its opened case, one reminder


def reminders_due_now(url: str, protocols: Path, schools: int) -> None:
    """``schools`` cases opened now, each with one reminder to its school due today, and
    the opening handed over to the school: :data:`PER_SCHOOL` e-mails per school."""
    engine = make_engine(url)
    migrate(engine)
    app = Toetreding(Store(engine), ProtocolRegistry.from_directory(protocols), SystemClock())
    partnership = app.store.add_partnership("proef", "Proefpartnerschap", app.clock.now())
    app.add_person("Coördinator", COORDINATOR, partnership_ref="proef", roles=("coordinator",))
    for n in range(schools):
        brin = f"P{n:04d}"
        app.store.add_school(
            SchoolCreate(
                partnership_id=partnership.id or 0,
                name=f"School {n}",
                sector="po",
                region="noord",
                brin=brin,
            ),
            app.clock.now(),
        )
        app.add_person(
            f"Directie {n}",
            f"directie{n}@school.example",
            partnership_ref="proef",
            roles=("school",),
            school_ref=brin,
        )
        app.open_case(school_ref=brin, protocol_id="herinneren", actor_ref=COORDINATOR)
    engine.dispose()


def start_scheduler(
    url: str, smtp: SmtpServer, protocols: Path, cwd: Path
) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "TOETREDING_DATABASE_URL": url,
        "TOETREDING_SMTP_HOST": smtp.host,
        "TOETREDING_SMTP_PORT": str(smtp.port),
        "TOETREDING_SMTP_SECURITY": "none",
        "TOETREDING_PROTOCOLS_DIR": str(protocols),
    }
    options = ["--interval", str(INTERVAL), "--lease", str(LEASE), "--batch", str(BATCH)]
    return subprocess.Popen(
        [str(TOETREDING), "scheduler", *options],
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


class Scheduler:
    """A ``toetreding scheduler`` process; its output is read on a thread as it comes."""

    def __init__(self, url: str, smtp: SmtpServer, protocols: Path, cwd: Path) -> None:
        self.process = start_scheduler(url, smtp, protocols, cwd)
        self.pid = self.process.pid
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def stop(self) -> int:
        """SIGTERM (a beat in progress ends first) and wait; the exit code."""
        if self.alive:
            self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=60)
        self._reader.join(timeout=10)
        return code


@pytest.fixture
def schedulers(
    database_url: str, smtp_server: SmtpServer, protocols: Path, tmp_path: Path
) -> Iterator[Callable[[int], list[Scheduler]]]:
    """Start n schedulers on ``database_url``; each is stopped (SIGTERM) at the end."""
    started: list[Scheduler] = []

    def start(n: int) -> list[Scheduler]:
        started.extend(Scheduler(database_url, smtp_server, protocols, tmp_path) for _ in range(n))
        return started

    yield start
    for scheduler in started:
        scheduler.stop()


def ledger_keys(url: str) -> Counter[str]:
    """Each ledger row's key, with its status: ``{key: status}`` as a Counter of statuses."""
    engine = make_engine(url)
    rows = Ledger(engine).rows(limit=10_000)
    engine.dispose()
    return Counter({_key(row): 1 for row in rows if row["status"] == "sent"})


def statuses(url: str) -> dict[str, int]:
    engine = make_engine(url)
    counts = Ledger(engine).counts()
    engine.dispose()
    return counts


def _key(row: dict[str, Any]) -> str:
    if row["event_id"] is not None:  # a hand-over (the cases' last steps)
        return f"handover-{row['event_id']}/person-{row['person_id']}"
    due: date = row["due_date"]
    return (
        f"deadline-{row['deadline_id']}/rung-{row['rung']}/person-{row['person_id']}"
        f"/due-{due:%Y%m%d}"
    )


def per_key(smtp: SmtpServer) -> Counter[str]:
    return Counter(str(m["X-Toetreding-Key"]) for m in smtp.messages)


def wait_until(done: Callable[[], bool], processes: list[Scheduler], what: str) -> None:
    deadline = time.monotonic() + 90
    while not done():
        assert any(p.alive for p in processes), f"every scheduler stopped before {what}"
        assert time.monotonic() < deadline, f"not {what} in 90 s: " + "".join(
            p.output for p in processes
        )
        time.sleep(0.2)


def wait_until_all_sent(url: str, count: int, processes: list[Scheduler]) -> None:
    wait_until(lambda: statuses(url).get("sent", 0) >= count, processes, "all sent")


def pid_of_peer(peer: tuple[str, int], server_port: int, pids: Iterable[int]) -> int | None:
    """Which of ``pids`` holds the client end of the TCP connection ``peer`` → the server
    (read from Linux's /proc: the socket's inode, then the process holding it)."""
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote = fields[1].split(":"), fields[2].split(":")
        if int(local[1], 16) == peer[1] and int(remote[1], 16) == server_port:
            inode = fields[9]
    for pid in pids:
        try:
            links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
        except OSError:
            continue
        if f"socket:[{inode}]" in links:
            return pid
    return None


@pytest.mark.parametrize("count", [2, 3])
def test_several_schedulers_and_a_slow_server_send_each_reminder_once(
    count: int,
    database_url: str,
    smtp_server: SmtpServer,
    protocols: Path,
    schedulers: Callable[[int], list[Scheduler]],
) -> None:
    reminders_due_now(database_url, protocols, schools=30)
    smtp_server.delay = lambda number: 2.0 if number % 10 == 3 else 0.15
    processes = schedulers(count)
    wait_until_all_sent(database_url, 30 * PER_SCHOOL, processes)
    codes = [p.stop() for p in processes]  # a send still in flight ends before the count
    outputs = [p.output for p in processes]

    sent = per_key(smtp_server)
    print(f"{count} schedulers: {len(smtp_server.messages)} e-mails for {len(sent)} keys")
    assert sent == ledger_keys(database_url), outputs  # every reminder exactly once
    assert len(sent) == 30 * PER_SCHOOL and set(sent.values()) == {1}
    assert statuses(database_url) == {"sent": 30 * PER_SCHOOL}
    assert codes == [0] * count, outputs
    assert all("Planner gestopt." in out for out in outputs)
    # On SQLite one sends and the others wait as standbys; on PostgreSQL all share the work.
    standbys = sum("deze wacht als reserve" in out for out in outputs)
    assert standbys == (count - 1 if database_url.startswith("sqlite") else 0), outputs


@pytest.mark.parametrize("count", [2, 3])
def test_a_scheduler_killed_right_after_the_server_accepted_is_taken_over_within_seconds(
    count: int,
    database_url: str,
    smtp_server: SmtpServer,
    protocols: Path,
    schedulers: Callable[[int], list[Scheduler]],
) -> None:
    """SIGKILL the sender of message 5 (and, with three schedulers, of message 12) the moment
    the server's 250 for it is on the wire."""
    reminders_due_now(database_url, protocols, schools=20)
    kill_at = [5, 12][: count - 1]
    killed: dict[int, tuple[str, int, float]] = {}  # number -> (key, pid, when)
    accepted: list[tuple[str, str, float]] = []  # (key, Message-ID, when)
    processes: list[Scheduler] = []
    lock = threading.Lock()

    def after_accept(number: int, message: EmailMessage, peer: tuple[str, int]) -> None:
        with lock:
            accepted.append(
                (str(message["X-Toetreding-Key"]), str(message["Message-ID"]), time.monotonic())
            )
            if number in kill_at:
                pids = [p.pid for p in processes if p.alive]
                pid = pid_of_peer(peer, smtp_server.port, pids)
                if pid is not None:  # else: none killed, and the test fails below
                    os.kill(pid, signal.SIGKILL)
                    killed[number] = (str(message["X-Toetreding-Key"]), pid, time.monotonic())

    smtp_server.delay = lambda _number: 0.1
    smtp_server.after_accept = after_accept
    processes.extend(schedulers(count))
    wait_until_all_sent(database_url, 20 * PER_SCHOOL, processes)
    codes = [p.stop() for p in processes]
    outputs = [p.output for p in processes]

    assert sorted(killed) == kill_at, outputs
    assert sorted(codes) == [-signal.SIGKILL] * len(kill_at) + [0] * (count - len(kill_at))
    sent = per_key(smtp_server)
    print(f"{count} schedulers: {len(smtp_server.messages)} e-mails for {len(sent)} keys")
    in_flight = {key for key, _pid, _when in killed.values()}
    # Each reminder exactly once, but the killed senders' messages in flight: twice.
    assert sent == ledger_keys(database_url) + Counter(in_flight), outputs
    assert len(sent) == 20 * PER_SCHOOL and statuses(database_url) == {"sent": 20 * PER_SCHOOL}
    for key, _pid, when in killed.values():
        copies = [(message_id, at) for k, message_id, at in accepted if k == key]
        assert len(copies) == 2 and copies[0][0] == copies[1][0]  # the same Message-ID
        takeover = copies[1][1] - when
        assert takeover < 60, f"{key} taken over after {takeover:.1f} s"
        print(f"{key}: taken over {takeover:.1f} s after kill -9")


@pytest.mark.parametrize(
    "database_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_a_stalled_scheduler_sends_nothing_another_took_over(
    database_url: str,
    smtp_server: SmtpServer,
    protocols: Path,
    schedulers: Callable[[int], list[Scheduler]],
) -> None:
    """SIGSTOP the sender of message 5 the moment the server accepted it, and let it go on
    (SIGCONT) only after the other scheduler sent everything, its claim included. Going on,
    it finds its claim taken over: it records nothing and sends none of the reminders it
    still held. Only the message the server had accepted before the stall went out twice.

    (On SQLite the stalled scheduler holds the lock, so the standby waits: nothing is sent
    twice, and nothing at all until it goes on.)"""
    reminders_due_now(database_url, protocols, schools=20)
    processes: list[Scheduler] = []
    stalled: dict[str, int] = {}  # key -> pid

    def after_accept(number: int, message: EmailMessage, peer: tuple[str, int]) -> None:
        if number == 5:
            pid = pid_of_peer(peer, smtp_server.port, [p.pid for p in processes])
            if pid is not None:
                os.kill(pid, signal.SIGSTOP)
                stalled[str(message["X-Toetreding-Key"])] = pid

    smtp_server.delay = lambda _number: 0.1
    smtp_server.after_accept = after_accept
    processes.extend(schedulers(2))
    wait_until_all_sent(database_url, 20 * PER_SCHOOL, processes)
    [(key, pid)] = stalled.items()
    [sleeper] = [p for p in processes if p.pid == pid]
    os.kill(pid, signal.SIGCONT)
    wait_until(lambda: "let op:" in sleeper.output, processes, "the stalled one noticed")
    codes = [p.stop() for p in processes]

    assert codes == [0, 0]
    assert f"let op:[/] {key}" in sleeper.output or f"let op: {key}" in sleeper.output
    sent = per_key(smtp_server)
    assert sent == ledger_keys(database_url) + Counter({key: 1}), sleeper.output
    assert statuses(database_url) == {"sent": 20 * PER_SCHOOL}
