"""A deadline or reminder counted in working days skips the summer vacation of the school's
region: Partnerschap 2's "10 werkdagen" for the school's corrections to the concept report
must not run out while the school is on vacation (its on_missed would fire geen_correcties
and the school would lose its say). A count that runs into a summer whose vacation is not
stored waits ("datum volgt") until an administrator enters it."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import pytest

from toetreding import MissingCalendarData, Toetreding
from toetreding.calendar import SchoolCalendar, SummerVacations
from toetreding.clock import LOCAL_TZ, FixedClock
from toetreding.deadlines import rung_days
from toetreding.deadlines.plan import declared_deadline
from toetreding.definition import ProtocolRegistry
from toetreding.store import Store

from .conftest import SmtpServer
from .test_days_off import OPENED, partnerships
from .test_partnerschap2 import open_noordik_case, to_audit_request, to_concept_report
from .test_reminder_rungs import Heartbeats

SOURCE = "https://www.rijksoverheid.nl/onderwerpen/schoolvakanties"
MIDDEN_2027 = (date(2027, 7, 10), date(2027, 8, 22))  # test data for 2026-2027 (not shipped)


def sent(day: date) -> datetime:
    return datetime.combine(day, time(11, 0), tzinfo=LOCAL_TZ)


def correction_window(app: Toetreding, case: int) -> tuple[date | None, str | None]:
    [found] = [d for d in app.store.deadlines(case_id=case) if d.name == "correctievenster"]
    return found.due_date, found.waiting_for


def concept_report_sent_on(app: Toetreding, day: date) -> int:
    case = open_noordik_case(app)  # Het Noordik lies in region midden
    to_audit_request(app, case)
    to_concept_report(app, case, sent_at=sent(day))
    return case


def test_the_correction_window_skips_the_summer_vacation_of_the_region(app: Toetreding) -> None:
    # Shipped: midden's summer vacation 2027-2028 is Sat 8 July - Sun 20 August 2028.
    # Sent Thursday 29 June 2028; 10 working days: Fri 30 June (1), Mon 3 - Fri 7 July
    # (2-6), the vacation skipped, Mon 21 - Thu 24 August (7-10). Without skipping it the
    # window would close on Thursday 13 July 2028, in the school's vacation.
    case = concept_report_sent_on(app, date(2028, 6, 29))
    assert correction_window(app, case) == (date(2028, 8, 24), None)
    # its reminder "3 werkdagen" before counts back on the same days: Wed 23 (1),
    # Tue 22 (2), Mon 21 August (3)
    spec = declared_deadline(
        app.spec_of(app.store.case(case)), "concept_rapport", "correctievenster"
    )
    assert spec is not None
    counted = SchoolCalendar(app.deadlines.calendar.vacations).counting_for("midden", frozenset())
    assert rung_days(date(2028, 8, 24), spec, counted) == [date(2028, 8, 21), date(2028, 8, 24)]
    # the school sees the date, nothing fires in the vacation
    assert app.sweep_deadlines(sent(date(2028, 8, 1))) == []
    assert app.store.case(case).state == "concept_rapport"


def test_a_window_into_a_summer_not_entered_waits_and_gets_its_date_when_entered(
    app: Toetreding,
) -> None:
    # 2026-2027 is not stored. Sent Wednesday 30 June 2027: the count reaches Thursday
    # 1 July, where that summer's vacation may already have begun.
    case = concept_report_sent_on(app, date(2027, 6, 30))
    assert correction_window(app, case) == (None, "zomervakantie 2026-2027 van regio midden")
    assert app.view(case).deadlines  # the step was taken: the case is in concept_rapport
    assert app.store.case(case).state == "concept_rapport"
    assert app.sweep_deadlines(sent(date(2027, 7, 20))) == []  # nothing due yet
    # the administrator is told what to enter (doctor, the overview)
    problems = [f.problem for f in app.doctor(date(2027, 7, 1))]
    assert "1 termijn wacht op de zomervakantie 2026-2027 van regio midden (datum volgt)" in (
        problems
    )

    saved = app.set_summer_vacations(
        "2026-2027", {"midden": MIDDEN_2027}, source=SOURCE, by=None, at=sent(date(2027, 7, 2))
    )

    # Thu 1 (1), Fri 2 (2), Mon 5 - Fri 9 July (3-7), vacation 10 July - 22 August skipped,
    # Mon 23 (8), Tue 24 (9), Wed 25 August (10).
    assert saved.dated == 1
    assert correction_window(app, case) == (date(2027, 8, 25), None)
    [row] = [h for h in app.store.history(case) if h.trigger == "termijn_gedateerd"]
    assert row.payload["nieuwe_datum"] == "2027-08-25"
    # its reminders are planned from the day it was dated
    [deadline] = [d for d in app.store.deadlines(case_id=case) if d.name == "correctievenster"]
    assert deadline.next_reminder_on == date(2027, 7, 2)


def test_a_count_far_from_summer_is_unchanged(app: Toetreding) -> None:
    # Sent Wednesday 1 March 2028: 10 working days are Thu 2 March - Wed 15 March 2028,
    # no holiday in between; no summer vacation is read (none is stored for 2028-2029 either).
    case = concept_report_sent_on(app, date(2028, 3, 1))
    assert correction_window(app, case) == (date(2028, 3, 15), None)


def test_the_count_reads_a_summer_only_in_its_window() -> None:
    # 1 July - 15 September: where a vacation can fall; outside it a missing one never waits.
    empty = SchoolCalendar(SummerVacations.of({}, {}, "de schoolkalender"))
    counted = empty.counting_for("noord", frozenset({date(2027, 6, 28)}))
    # Wed 23 June 2027 + 5 working days: 24, 25, (28 a day off), 29, 30 June, and 1 July
    # is in the window of a summer not stored
    assert counted.add_working_days(date(2027, 6, 23), 4) == date(2027, 6, 30)
    with pytest.raises(MissingCalendarData) as missing:
        counted.add_working_days(date(2027, 6, 23), 5)
    assert missing.value.missing == "zomervakantie 2026-2027 van regio noord"
    # after 15 September no vacation falls (the last region ends in the first days of
    # September): a missing one no longer matters
    assert counted.add_working_days(date(2027, 9, 15), 1) == date(2027, 9, 16)
    with pytest.raises(MissingCalendarData):
        counted.add_working_days(date(2027, 9, 14), 1)  # Wednesday 15 September
    # a reminder is never held up: lenient counts the unknown summer as school days
    lenient = empty.counting_for("noord", frozenset(), lenient=True)
    assert lenient.add_working_days(date(2027, 6, 30), 1) == date(2027, 7, 1)


LADDER = """\
id: zomertreden
version: 1
title: Trede voor de zomer
sectors: [po]
roles: {coordinator: Coördinator, school: School}
initial: besluit
states:
  besluit:
    label: Besluit van de school
    deadlines:
      - name: besluit
        label: Besluit doorgeven
        met_by: [besluiten]
        due: {by: 26 augustus, school_year: next}
        remind:
          - {before: "5 werkdagen", to: [school]}
  klaar: {label: Klaar, final: true, outcome: partner}
transitions:
  - {trigger: besluiten, label: Besluiten, from: besluit, to: klaar, roles: [school]}
"""


def test_entering_a_summer_replans_a_waiting_rung_it_moves(
    store: Store, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    (tmp_path / "zomertreden.yaml").write_text(LADDER, encoding="utf-8")
    app = partnerships(
        Toetreding(store, ProtocolRegistry.from_directory(tmp_path), FixedClock(OPENED))
    )
    # Due Thursday 26 August 2027 (a date in the year: it never waits). Its rung "5 werkdagen"
    # before is not held up by the missing summer 2026-2027: counted as school days it is
    # Thursday 19 August (25, 24, 23, 20, 19).
    case = app.open_case(
        school_ref="WILG",
        protocol_id="zomertreden",
        actor_ref="c@po.nl",
        at=sent(date(2027, 6, 14)),
    )
    heartbeats = Heartbeats(app, smtp_server)
    assert heartbeats.on(date(2027, 6, 15)) == []
    [deadline] = app.store.deadlines(case_id=case)
    assert (deadline.due_date, deadline.next_reminder_on) == (date(2027, 8, 26), date(2027, 8, 19))

    app.set_summer_vacations(
        "2026-2027", {"midden": MIDDEN_2027}, source=SOURCE, by=None, at=sent(date(2027, 6, 16))
    )

    # With midden's vacation (10 July - 22 August) skipped: 25, 24, 23 August, Friday 9 and
    # Thursday 8 July. The rung goes out then, once, and not again in August.
    [deadline] = app.store.deadlines(case_id=case)
    assert deadline.next_reminder_on == date(2027, 7, 8)
    assert heartbeats.days(date(2027, 6, 16), date(2027, 8, 26)) == {date(2027, 7, 8): 1}
