"""Claims, leases and fencing of the reminder ledger, in one process on a clock we move.

Two senders are two ``owner`` names (or two sweeps); "later" is the fixed clock moved on.
The processes themselves, a slow mail server and ``kill -9`` are in
test_scheduler_processes.py.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime, timedelta

import pytest

from toetreding import Toetreding
from toetreding.clock import LOCAL_TZ, FixedClock, SystemClock
from toetreding.reminders import SmtpChannel
from toetreding.reminders.sweep import ReminderSweep, SweepReport
from toetreding.store import Claimed, Fence, Ledger
from toetreding.store.tables import SchoolCreate

from .conftest import SmtpServer
from .helpers import with_pdfs

COORDINATOR = "coordinator@po.example"
SWEEP = datetime(2028, 3, 2, 7, 0, tzinfo=LOCAL_TZ)  # 30 days before 1 April 2028
LEASE = timedelta(seconds=30)


@pytest.fixture
def ledger(app: Toetreding) -> Ledger:
    """Six reminders due at SWEEP: three po schools at their decision, each school's contact
    and the coordinator (once per school's deadline)."""
    assert isinstance(app.clock, FixedClock)
    app.clock.set(datetime(2027, 11, 16, 10, 0))
    partnership = app.store.add_partnership("groningen", "Po Groningen", app.clock.now())
    app.add_person("Coördinator", COORDINATOR, partnership_ref="groningen", roles=("coordinator",))
    for n in range(3):
        brin = f"S{n:04d}"
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
            partnership_ref="groningen",
            roles=("school",),
            school_ref=brin,
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
    app.clock.set(SWEEP)
    report = SweepReport()
    sweep(app, None).plan(SWEEP, report)
    assert report.planned == 6
    return app.reminder_ledger


def sweep(app: Toetreding, smtp: SmtpServer | None, **options: object) -> ReminderSweep:
    channel = SmtpChannel(smtp.host, smtp.port, security="none") if smtp else None
    return ReminderSweep(
        app,
        channel,  # type: ignore[arg-type]  # planning only, when None
        sender="Po <noreply@po.example>",
        base_url="https://toetreding.example",
        **options,  # type: ignore[arg-type]
    )


def later(app: Toetreding, seconds: float) -> datetime:
    assert isinstance(app.clock, FixedClock)
    app.clock.advance(timedelta(seconds=seconds))
    return app.clock.now()


def test_a_claim_is_its_owners_until_its_lease_runs_out(app: Toetreding, ledger: Ledger) -> None:
    first = ledger.claim(app.clock.now(), "a", LEASE, 4, due=SWEEP)
    assert len(first) == 4 and len({c.token for c in first}) == 1
    # Another process meanwhile gets only what is left, however often it asks.
    rest = ledger.claim(later(app, 29), "b", LEASE, 10, due=SWEEP)
    assert {c.id for c in rest}.isdisjoint(c.id for c in first) and len(rest) == 2
    assert ledger.claim(app.clock.now(), "b", LEASE, 10, due=SWEEP) == []

    taken = ledger.claim(later(app, 2), "c", LEASE, 10, due=SWEEP)  # a's lease ran out
    assert sorted(c.id for c in taken) == sorted(c.id for c in first)
    # The fence right before sending: a's claim no longer holds, so a sends nothing; c's does.
    assert ledger.fence(first[0], app.clock.now(), LEASE) is Fence.TAKEN_OVER
    assert ledger.fence(taken[0], app.clock.now(), LEASE) is Fence.HELD
    assert not ledger.mark_sent(first[1], app.clock.now())  # nor can a record it as sent
    assert ledger.mark_sent(taken[1], app.clock.now())


def test_the_fence_extends_the_lease_of_the_reminder_about_to_go_out(
    app: Toetreding, ledger: Ledger
) -> None:
    first = ledger.claim(app.clock.now(), "a", LEASE, 6, due=SWEEP)
    assert ledger.fence(first[0], later(app, 25), LEASE) is Fence.HELD  # held until +55 s
    taken = ledger.claim(later(app, 15), "b", LEASE, 10, due=SWEEP)  # +40 s
    assert sorted(c.id for c in taken) == sorted(c.id for c in first[1:])
    assert ledger.fence(first[0], app.clock.now(), LEASE) is Fence.HELD


def test_a_reminder_whose_deadline_closed_after_its_claim_is_not_sent(
    app: Toetreding, ledger: Ledger, smtp_server: SmtpServer
) -> None:
    """A correction (or a waiver, or the step that meets it) closes a deadline while its
    reminders are already claimed: the fence finds it closed, records the reminder as
    skipped and sends nothing, also when the claim is taken over later."""
    claimed = ledger.claim(app.clock.now(), "a", LEASE, 6, due=SWEEP)
    case_id = claimed[0].case_id
    name = next(d.name for d in app.case_deadlines(case_id) if d.id == claimed[0].deadline_id)
    app.waive_deadline(case_id, name, reason="besluit al genomen", actor_ref=COORDINATOR)
    assert ledger.fence(claimed[0], app.clock.now(), LEASE) is Fence.DROPPED
    assert ledger.fence(claimed[0], app.clock.now(), LEASE) is Fence.TAKEN_OVER  # once
    report = SweepReport()
    sweep(app, smtp_server, lease=LEASE).send(later(app, 31), report)  # a's lease lapsed
    sent_for = Counter(str(m["To"]) for m in smtp_server.messages)
    assert sum(sent_for.values()) == 4 and report.sent == 4  # two schools' two reminders
    school = app.store.case(case_id).school_id
    assert all(f"directie{school - 1}@" not in to for to in sent_for)  # its school: nothing


def test_renewal_extends_every_row_of_the_claim_still_sending(
    app: Toetreding, ledger: Ledger
) -> None:
    first = ledger.claim(app.clock.now(), "a", LEASE, 6, due=SWEEP)
    assert ledger.mark_sent(first[0], app.clock.now())
    assert ledger.renew([first[0].token], later(app, 20), LEASE) == 5
    assert ledger.claim(later(app, 25), "b", LEASE, 10, due=SWEEP) == []  # held until +50 s
    assert len(ledger.claim(later(app, 6), "b", LEASE, 10, due=SWEEP)) == 5


def test_a_stopping_sender_gives_back_what_it_did_not_send(
    app: Toetreding, ledger: Ledger, smtp_server: SmtpServer
) -> None:
    stopping = sweep(app, smtp_server, batch=6)
    smtp_server.after_accept = lambda number, _m, _p: stopping.stop() if number == 2 else None
    report = SweepReport()
    stopping.send(SWEEP, report)
    assert report.sent == 2 and len(smtp_server.messages) == 2
    assert ledger.counts() == {"sent": 2, "pending": 4}
    assert len(ledger.claim(app.clock.now(), "b", LEASE, 10, due=SWEEP)) == 4  # at once


def test_a_sweep_says_when_the_first_lease_of_another_process_runs_out(
    app: Toetreding, ledger: Ledger, smtp_server: SmtpServer
) -> None:
    ledger.claim(app.clock.now(), "elders", LEASE, 2, due=SWEEP)
    report = SweepReport()
    sweep(app, smtp_server).send(SWEEP, report)
    assert report.sent == 4
    assert report.look_again_at == SWEEP + LEASE  # then it may take the other two over
    report = SweepReport()
    sweep(app, smtp_server).send(later(app, 31), report)
    assert report.sent == 2 and report.look_again_at is None
    assert (
        Counter(str(m["X-Toetreding-Key"]) for m in smtp_server.messages).most_common(1)[0][1] == 1
    )


def test_a_slow_server_never_lets_a_live_senders_lease_run_out(
    app: Toetreding, ledger: Ledger, smtp_server: SmtpServer
) -> None:
    """On the real clock: a lease of 1 s, a server taking 0.4 s per message and one message
    of 2.5 s, all six claimed at once (3.5 s in all). Another process trying to claim all
    the while gets nothing: the sender renews its lease while it sends."""
    running = app.with_clock(SystemClock())
    sending = threading.Event()

    def delay(number: int) -> float:
        sending.set()  # the sender has claimed all six and the first is on its way
        return 2.5 if number == 3 else 0.4

    smtp_server.delay = delay
    sender = sweep(running, smtp_server, lease=timedelta(seconds=1), batch=6)
    report = SweepReport()
    thread = threading.Thread(target=sender.send, args=(SWEEP, report))
    thread.start()
    assert sending.wait(10)
    taken: list[Claimed] = []
    while thread.is_alive():
        taken += ledger.claim(SystemClock().now(), "b", timedelta(seconds=1), 10, due=SWEEP)
        thread.join(0.1)
    assert taken == [] and report.taken_over == 0 and report.sent == 6
    assert (
        sorted(Counter(str(m["X-Toetreding-Key"]) for m in smtp_server.messages).values())
        == [1] * 6
    )
    assert ledger.counts() == {"sent": 6}
