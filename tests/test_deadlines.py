"""Deadlines follow a case: opened on entering a state, met, missed, cancelled, extended."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from toetreding import InvalidInputError, Toetreding
from toetreding.clock import LOCAL_TZ, FixedClock
from toetreding.definition import ProtocolRegistry
from toetreding.store import Store
from toetreding.store.tables import SchoolCreate

PROTOCOL = """\
id: termijnen
version: 1
title: Termijnen
sectors: [po]
roles: {coordinator: Coördinator, school: School}
initial: reactie
states:
  reactie:
    label: Reactie van de school
    deadlines:
      - name: reageren
        label: Reageren binnen 10 werkdagen
        met_by: [reageren]
        due: {after: 10 werkdagen}
  besluit:
    label: Besluit van de school
    deadlines:
      - {name: besluit, label: Besluit doorgeven, met_by: [aansluiten], due: {before: 1 april}}
  zomer:
    label: Schoolopleider benoemen
    deadlines:
      - name: benoemen
        label: Schoolopleider benoemd
        met_by: [benoemd]
        due: {before: zomervakantie}
  klaar: {label: Klaar, final: true, outcome: partner}
  gestopt: {label: Gestopt, final: true}
transitions:
  - {trigger: reageren, label: Reageren, from: reactie, to: besluit, roles: [school]}
  - {trigger: aansluiten, label: Aansluiten, from: besluit, to: zomer, roles: [school]}
  - {trigger: benoemd, label: Benoemd, from: zomer, to: klaar, roles: [school]}
  - {trigger: stoppen, label: Stoppen, from: "*", to: gestopt, roles: [coordinator]}
"""


@pytest.fixture
def app(store: Store, tmp_path: Path) -> Toetreding:
    (tmp_path / "termijnen.yaml").write_text(PROTOCOL, encoding="utf-8")
    clock = FixedClock(datetime(2027, 4, 22, 10, 0))  # a Thursday, before Koningsdag
    app = Toetreding(store, ProtocolRegistry.from_directory(tmp_path), clock)
    partnership = app.store.add_partnership("po", "Po-partnerschap", clock.now())
    assert partnership.id is not None
    app.store.add_school(
        SchoolCreate(
            partnership_id=partnership.id, name="De Wilg", sector="po", region="midden", brin="WILG"
        ),
        clock.now(),
    )
    app.add_person("Coco", "c@po.nl", partnership_ref="po", roles=("coordinator",))
    app.add_person("Sam", "s@wilg.nl", partnership_ref="po", roles=("school",), school_ref="WILG")
    return app


def open_case(app: Toetreding) -> int:
    return app.open_case(school_ref="WILG", protocol_id="termijnen", actor_ref="c@po.nl")


def only(app: Toetreding, case_id: int, name: str):  # type: ignore[no-untyped-def]
    return next(d for d in app.store.deadlines(case_id=case_id) if d.name == name)


def test_ten_working_days_skip_weekends_koningsdag_and_hemelvaart(app: Toetreding) -> None:
    case_id = open_case(app)
    deadline = only(app, case_id, "reageren")
    # From Thu 22 April 2027: Fri 23, Mon 26, (Tue 27 Koningsdag), Wed 28, Thu 29, Fri 30,
    # Mon 3, Tue 4, Wed 5, (Thu 6 Hemelvaart), Fri 7, Mon 10 May.
    assert deadline.due_date == date(2027, 5, 10)
    assert deadline.status == "open"
    assert not deadline.overdue_on(date(2027, 5, 10))
    assert deadline.overdue_on(date(2027, 5, 11))


def test_meeting_a_deadline_closes_it_and_opens_the_next(app: Toetreding) -> None:
    case_id = open_case(app)
    assert isinstance(app.clock, FixedClock)
    app.clock.advance(timedelta(days=5))
    app.fire(case_id, "reageren", actor_ref="s@wilg.nl")
    met = only(app, case_id, "reageren")
    assert met.status == "met" and met.resolved_by is not None
    nxt = only(app, case_id, "besluit")
    # Before 1 April of 2026-2027: 31 March is the last day.
    assert nxt.status == "open" and nxt.due_date == date(2027, 3, 31)
    assert nxt.overdue_on(date(2027, 4, 28))  # entered after 1 April: already late


def test_leaving_by_another_route_cancels_or_misses(app: Toetreding) -> None:
    early = open_case(app)
    app.fire(early, "stoppen", actor_ref="c@po.nl")
    assert only(app, early, "reageren").status == "cancelled"


def test_leaving_after_the_due_date_records_a_miss(app: Toetreding) -> None:
    case_id = open_case(app)
    assert isinstance(app.clock, FixedClock)
    app.clock.set(datetime(2027, 5, 20, 9, 0))
    app.fire(case_id, "stoppen", actor_ref="c@po.nl")
    assert only(app, case_id, "reageren").status == "missed"


def test_extend_and_waive_need_a_reason_and_the_right_role(app: Toetreding) -> None:
    case_id = open_case(app)
    with pytest.raises(InvalidInputError, match="reden"):
        app.extend_deadline(
            case_id, "reageren", new_due=date(2027, 6, 1), reason=" ", actor_ref="c@po.nl"
        )
    with pytest.raises(InvalidInputError, match="mag termijnen aanpassen"):
        app.extend_deadline(
            case_id, "reageren", new_due=date(2027, 6, 1), reason="ziekte", actor_ref="s@wilg.nl"
        )
    with pytest.raises(InvalidInputError, match="na 10-05-2027"):
        app.extend_deadline(
            case_id, "reageren", new_due=date(2027, 5, 1), reason="ziekte", actor_ref="c@po.nl"
        )

    extended = app.extend_deadline(
        case_id, "reageren", new_due=date(2027, 6, 1), reason="Directeur ziek", actor_ref="c@po.nl"
    )
    assert extended.due_date == date(2027, 6, 1) and extended.original_due_date == date(2027, 5, 10)
    last = app.store.history(case_id)[-1]
    assert (last.trigger, last.note, last.role) == (
        "termijn_verlengen",
        "Directeur ziek",
        "coordinator",
    )
    assert last.payload == {
        "termijn": "reageren",
        "oude_datum": "2027-05-10",
        "nieuwe_datum": "2027-06-01",
    }

    app.waive_deadline(case_id, "reageren", reason="Niet meer nodig", actor_ref="c@po.nl")
    assert only(app, case_id, "reageren").status == "waived"
    assert app.store.history(case_id)[-1].trigger == "termijn_laten_vervallen"


def test_a_missing_vacation_year_does_not_stop_the_step_its_deadline_waits(
    app: Toetreding,
) -> None:
    case_id = open_case(app)
    app.fire(case_id, "reageren", actor_ref="s@wilg.nl")
    app.fire(case_id, "aansluiten", actor_ref="s@wilg.nl")  # 2026-2027 is not in the calendar
    assert app.store.case(case_id).state == "zomer"
    [waiting] = [d for d in app.store.deadlines(case_id=case_id) if d.status == "open"]
    assert (waiting.due_date, waiting.waiting_for) == (
        None,
        "zomervakantie 2026-2027 van regio midden",
    )
    assert waiting.next_reminder_on is None  # no reminders before it has a date


def test_before_the_summer_vacation_is_the_regions_last_school_day(app: Toetreding) -> None:
    assert isinstance(app.clock, FixedClock)
    app.clock.set(datetime(2027, 9, 1, 9, 0))  # school year 2027-2028 is in the shipped file
    case_id = open_case(app)
    app.fire(case_id, "reageren", actor_ref="s@wilg.nl")
    app.fire(case_id, "aansluiten", actor_ref="s@wilg.nl")
    # Regio midden's vacation starts Saturday 8 July 2028: the last school day is Friday 7 July.
    assert only(app, case_id, "benoemen").due_date == date(2028, 7, 7)


def test_agenda_lists_open_deadlines_soonest_first(app: Toetreding) -> None:
    first = open_case(app)
    app.fire(first, "reageren", actor_ref="s@wilg.nl")  # opens 'besluit', due 31 March 2027
    agenda = app.store.deadlines(open_only=True)
    assert [(d.name, d.school_name) for d in agenda] == [("besluit", "De Wilg")]
    assert app.store.deadlines(open_only=True, due_before=date(2027, 3, 31)) == []
    assert len(app.store.deadlines(open_only=True, due_until=date(2027, 3, 31))) == 1


def test_the_agenda_gives_each_deadline_its_own_date(app: Toetreding) -> None:
    """Two cases at the same deadline share its words, never its date or days left."""
    first = open_case(app)  # from Thursday 22 April 2027: due Monday 10 May
    partnership_id = app.store.partnership("po").id or 0
    school = SchoolCreate(
        partnership_id=partnership_id, name="De Es", sector="po", region="midden", brin="ES"
    )
    app.store.add_school(school, app.clock.now())
    assert isinstance(app.clock, FixedClock)
    app.clock.set(datetime(2027, 5, 3, 10, 0))
    second = app.open_case(school_ref="ES", protocol_id="termijnen", actor_ref="c@po.nl")  # 19 May

    agenda = app.agenda(today=date(2027, 5, 12))
    assert [(i.deadline.case_id, i.label, i.due, i.days_left, i.overdue) for i in agenda] == [
        (first, "Reageren binnen 10 werkdagen", "uiterlijk 10-05-2027", -2, True),
        (second, "Reageren binnen 10 werkdagen", "uiterlijk 19-05-2027", 7, False),
    ]


ESCALATING = """\
id: escalatie
version: 1
title: Escalatie
sectors: [po]
roles: {coordinator: Coördinator, school: School, stuurgroep: Stuurgroep}
initial: reactie
states:
  reactie:
    label: Reactie van de school
    deadlines:
      - name: reageren
        label: Reageren binnen 10 werkdagen
        met_by: [reageren]
        due: {after: 10 werkdagen}
        on_missed: {escalate: stuurgroep}
  klaar: {label: Klaar, final: true, outcome: partner}
transitions:
  - {trigger: reageren, label: Reageren, from: reactie, to: klaar, roles: [school]}
"""


def test_a_missed_deadline_escalates_to_its_role_exactly_once(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "escalatie"
    folder.mkdir()
    (folder / "escalatie.yaml").write_text(ESCALATING, encoding="utf-8")
    clock = FixedClock(datetime(2027, 4, 22, 10, 0))
    app = Toetreding(store, ProtocolRegistry.from_directory(folder), clock)
    partnership = app.store.add_partnership("po", "Po-partnerschap", clock.now())
    app.store.add_school(
        SchoolCreate(
            partnership_id=partnership.id or 0,
            name="De Wilg",
            sector="po",
            region="midden",
            brin="WILG",
        ),
        clock.now(),
    )
    app.add_person("Coco", "c@po.nl", partnership_ref="po", roles=("coordinator",))
    case_id = app.open_case(school_ref="WILG", protocol_id="escalatie", actor_ref="c@po.nl")

    assert app.sweep_deadlines(at=datetime(2027, 5, 10, 23, 0)) == []  # the due day itself
    missed = datetime(2027, 5, 11, 6, 0, tzinfo=LOCAL_TZ)
    [escalation] = app.sweep_deadlines(at=missed)
    assert (escalation.action, escalation.target) == ("escalate", "stuurgroep")
    deadline = escalation.deadline
    assert (deadline.case_id, deadline.name, deadline.due_date) == (
        case_id,
        "reageren",
        date(2027, 5, 10),
    )
    for later in (missed, missed + timedelta(hours=1), missed + timedelta(days=1, hours=3)):
        assert app.sweep_deadlines(at=later) == []  # escalated once, not on every sweep
    assert only(app, case_id, "reageren").consequence_at == missed
    assert app.sweep_deadlines(at=missed + timedelta(days=30)) == []
