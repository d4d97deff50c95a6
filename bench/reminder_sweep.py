"""One scheduler heartbeat over 100,000 open deadlines: quiet, and with 1,000 reminders due.

Run as ``.venv/bin/python bench/reminder_sweep.py [--cases N] [--due N]`` (default 100,000
cases, 1,000 of them due; ``--due`` is at most ``--cases``).

A real SQLite file (WAL) holds N po cases, each with its open deadline "vóór 1 april" (the
rows are inserted in bulk; the workflow itself is benchmarked in engine_throughput.py). A
heartbeat is what ``toetreding scheduler`` runs every minute: carry out passed deadlines,
plan the reminders that came due, send them (here into an outbox folder of .eml files).

* quiet: nothing is due (the median of 20 heartbeats);
* due: ``--due`` deadlines reach the rung "7 days before" today, one reminder each to the
  school's contact; the heartbeat plans, renders and writes them all. The other deadlines
  fall later (1 June): their ladders are not looked at before 2 May.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, insert

from _setup import arguments, positive, protocols, sqlite_engine
from toetreding.clock import LOCAL_TZ, FixedClock
from toetreding.reminders import OutboxChannel, ReminderSweep
from toetreding.service import Toetreding
from toetreding.store import Store
from toetreding.store.tables import Case, Deadline, Membership, Partnership, Person, School

DUE = date(2028, 3, 31)  # the deadlines that come due: "vóór 1 april", so 31 March
LATER = date(2028, 6, 1)  # all the others: their ladders are looked at from 2 May
QUIET_DAY = datetime(2027, 12, 1, 7, 0, tzinfo=LOCAL_TZ)
BUSY_DAY = datetime(2028, 3, 24, 7, 0, tzinfo=LOCAL_TZ)  # 7 days before 31 March


def main() -> None:
    parser = arguments(__doc__, cases=100_000)
    parser.add_argument("--due", type=positive, default=1_000, help="how many come due (1,000)")
    args = parser.parse_args()
    cases, due = args.cases, min(args.due, args.cases)
    with tempfile.TemporaryDirectory(prefix="toetreding-bench-") as folder:
        engine = sqlite_engine(Path(folder) / "sweep.db", fresh=True)
        began = time.perf_counter()
        _populate(engine, cases, due)
        print(f"setup: {cases:,} open deadlines in {time.perf_counter() - began:.0f} s")
        app = Toetreding(Store(engine), protocols(), FixedClock(QUIET_DAY))
        outbox = OutboxChannel(Path(folder) / "outbox")
        sweep = ReminderSweep(
            app, outbox, sender="bench <bench@example.org>", base_url="http://x", exclusive=True
        )
        quiet = []
        for _ in range(20):
            began = time.perf_counter()
            report = sweep.run(QUIET_DAY)
            quiet.append(time.perf_counter() - began)
            assert report.sent == 0
        print(
            f"quiet heartbeat: median {statistics.median(quiet) * 1000:.1f} ms, "
            f"max {max(quiet) * 1000:.1f} ms"
        )
        began = time.perf_counter()
        report = sweep.run(BUSY_DAY)
        busy = time.perf_counter() - began
        files = len(list((Path(folder) / "outbox").glob("*.eml")))
        print(
            f"heartbeat with {due:,} due: {busy:.2f} s "
            f"({report.planned:,} planned, {report.sent:,} sent, {files:,} .eml files)"
        )
        began = time.perf_counter()
        sweep.run(BUSY_DAY + timedelta(minutes=1))
        print(
            f"the next heartbeat (all sent already): {(time.perf_counter() - began) * 1000:.1f} ms"
        )


def _populate(engine: Engine, count: int, due: int) -> None:
    """Partnership, schools, one case and one open deadline each; ``due`` of the schools
    get a contact and a deadline whose ladder is looked at on BUSY_DAY."""
    created = datetime(2027, 11, 16, 10, 0, tzinfo=LOCAL_TZ)
    recent = datetime(2028, 3, 20, 10, 0, tzinfo=LOCAL_TZ)  # only the 7-day rung counts
    version = protocols().get("po-groningen").version  # the newest, whose file is there
    with engine.begin() as connection:
        connection.execute(
            insert(Partnership).values(id=1, code="bench", name="Bench", created_at=created)
        )
        connection.execute(
            insert(School),
            [
                {
                    "id": n,
                    "partnership_id": 1,
                    "name": f"School {n}",
                    "sector": "po",
                    "region": "noord",
                    "brin": f"B{n:06d}",
                    "created_at": created,
                }
                for n in range(1, count + 1)
            ],
        )
        connection.execute(
            insert(Case),
            [
                {
                    "id": n,
                    "partnership_id": 1,
                    "school_id": n,
                    "protocol_id": "po-groningen",
                    "protocol_version": version,
                    "state": "besluit_school",
                    "revision": 3,
                    # their steps were looked at for hand-overs long ago (as migration 0019
                    # marks existing cases); these bulk rows have no history rows to look at
                    "handover_seq": 3,
                    "opened_at": created,
                    "updated_at": created,
                }
                for n in range(1, count + 1)
            ],
        )
        connection.execute(
            insert(Deadline),
            [
                {
                    "id": n,
                    "case_id": n,
                    "state": "besluit_school",
                    "name": "besluit_voor_1_april",
                    "due_date": DUE if n <= due else LATER,
                    "original_due_date": DUE if n <= due else LATER,
                    "status": "open",
                    "created_at": recent if n <= due else created,
                    "next_reminder_on": BUSY_DAY.date() if n <= due else date(2028, 5, 2),
                }
                for n in range(1, count + 1)
            ],
        )
        connection.execute(
            insert(Person),
            [
                {
                    "id": n,
                    "name": f"Directie {n}",
                    "email": f"d{n}@school.example",
                    "created_at": created,
                }
                for n in range(1, due + 1)
            ],
        )
        connection.execute(
            insert(Membership),
            [
                {"person_id": n, "partnership_id": 1, "role": "school", "school_id": n}
                for n in range(1, due + 1)
            ],
        )


if __name__ == "__main__":
    main()
