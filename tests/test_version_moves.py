# ruff: noqa: E501
"""Moving running cases to a newer protocol version with a plan: the declaration in the file
(checked alone and against the earlier version), the dry run, applying it (each case in its
own transaction, guarded on its revision), the history in the words of each version, and the
CLI. Service tests run on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from toetreding._exceptions import AdminOnly, DefinitionError, InvalidInputError, NotFoundError
from toetreding.audits import AuditDesk
from toetreding.clock import LOCAL_TZ, FixedClock
from toetreding.definition import ProtocolRegistry, load_protocol_text
from toetreding.documents import from_case
from toetreding.reminders import SmtpChannel
from toetreding.reminders.sweep import ReminderSweep
from toetreding.service import Toetreding
from toetreding.store import Store

from .conftest import PROTOCOLS, SmtpServer
from .helpers import edit, line_of, part2_with_noordik, run, run_json
from .version_move_helpers import (
    COORDINATOR,
    SCHOOL_CONTACT,
    V1,
    V2,
    cases_in_every_state,
    protocols_folder,
)

# --- the declaration --------------------------------------------------------------------------


def test_an_unknown_key_in_the_declaration_is_refused_with_the_allowed_ones_and_its_line() -> None:
    text = edit(V2, "  removed:\n", "  verwijderd:\n")
    with pytest.raises(DefinitionError) as caught:
        load_protocol_text(text, "v2.yaml")
    (problem,) = caught.value.problems
    assert problem.line == line_of(text, "verwijderd:")
    assert "onbekende sleutel 'verwijderd'" in problem.message
    assert "removed" in problem.message and "states" in problem.message


def test_new_states_must_be_running_states_of_this_file_and_from_an_older_version() -> None:
    text = edit(V2, "    aanmelding: intake\n", "    aanmelding: inteke\n")
    text = edit(text, "    gesprek_bestuur: gesprek\n", "    gesprek_bestuur: toegelaten\n")
    text = edit(text, "  from: 1\n", "  from: 2\n")
    with pytest.raises(DefinitionError) as caught:
        load_protocol_text(text, "v2.yaml")
    found = {(p.line, p.key): p.message for p in caught.value.problems}
    assert (
        "'inteke' is geen stap van deze versie"
        in found[(line_of(text, "aanmelding: inteke"), "migration.states.aanmelding")]
    )
    assert (
        "eindtoestand"
        in found[(line_of(text, "gesprek_bestuur: toegelaten"), "migration.states.gesprek_bestuur")]
    )
    assert "niet ouder dan deze versie" in found[(line_of(text, "from: 2"), "migration.from")]


def test_old_states_are_checked_against_the_earlier_version_when_it_is_known(
    tmp_path: Path,
) -> None:
    folder = protocols_folder(tmp_path)
    text = edit(V2, "    gesprek_school: gesprek\n", "    gesprek_scholen: gesprek\n")
    (folder / "overgang-v2.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(DefinitionError) as caught:
        ProtocolRegistry.from_directory(folder)
    messages = {(p.line, p.message) for p in caught.value.problems}
    assert any(
        line == line_of(text, "gesprek_scholen:") and "geen stap van versie 1" in message
        for line, message in messages
    ), messages
    # and the state it forgot must be named: moved or removed
    assert any("'gesprek_school' van versie 1 bestaat niet in versie 2" in m for _, m in messages)
    # unknown earlier version (v1 not there): only the file's own checks
    (folder / "overgang-v1.yaml").unlink()
    assert ProtocolRegistry.from_directory(folder).get("overgang").version == 2


def test_publishing_checks_the_declaration_against_the_version_it_names(
    store: Store, tmp_path: Path, clock: FixedClock
) -> None:
    app = Toetreding(store, ProtocolRegistry.from_directory(protocols_folder(tmp_path)), clock)
    v3 = edit(V2, "version: 2\n", "version: 3\n")
    v3 = edit(v3, "  from: 1\n", "  from: 2\n")  # v2 has 'intake', not 'aanmelding'
    with pytest.raises(DefinitionError) as caught:
        app.publish_protocol(v3, filename="overgang-v3")
    assert [(p.line, p.key) for p in caught.value.problems][:1] == [
        (line_of(v3, "    aanmelding: intake"), "migration.states.aanmelding")
    ]
    assert "'aanmelding' is geen stap van versie 2" in caught.value.problems[0].message
    assert app.protocols().get("overgang").version == 2  # nothing published


def test_a_version_without_a_declaration_keeps_its_digest() -> None:
    spec = load_protocol_text(V1)
    assert "migration" not in spec.model_dump(mode="json", by_alias=True)


# --- plan and apply (SQLite and PostgreSQL) -------------------------------------------------


@pytest.fixture
def moving(store: Store, tmp_path: Path, clock: FixedClock) -> tuple[Toetreding, dict[str, int]]:
    app = Toetreding(store, ProtocolRegistry.from_directory(protocols_folder(tmp_path)), clock)
    return app, cases_in_every_state(app, clock)


def test_the_dry_run_lists_every_running_case_with_where_it_lands_and_its_deadlines(
    moving: tuple[Toetreding, dict[str, int]],
) -> None:
    app, cases = moving
    before = {case_id: app.case(case_id).revision for case_id in cases.values()}
    plan = app.plan_move("overgang", 1, 2, by=COORDINATOR)
    landing = {m.case_id: (m.from_label, m.to_label, m.refusal) for m in plan.moves}
    assert landing == {
        cases["aanmelding"]: ("Aanmelding ontvangen", "Intake", None),
        cases["gesprek_school"]: (
            "Gesprek met de school",
            "Gesprekken met school en bestuur",
            None,
        ),
        cases["gesprek_bestuur"]: (
            "Gesprek met het bestuur",
            "Gesprekken met school en bestuur",
            None,
        ),
        cases["orientatie"]: (
            "Oriëntatie",
            None,
            "stap 'Oriëntatie' vervalt in versie 2: de oriëntatie is vervallen; rond haar af "
            "in versie 1",
        ),
        cases["besluit"]: ("Besluit van de stuurgroep", "Besluit van de stuurgroep", None),
    }  # closed cases (toegelaten, afgewezen) are not listed
    changes = {m.case_id: [(d.change, d.label, d.due) for d in m.deadlines] for m in plan.moves}
    reactie_due = app.case_deadlines(cases["aanmelding"])[0].due_date
    assert reactie_due is not None
    assert changes[cases["aanmelding"]] == [
        ("blijft", "Reactie op de intake", f"uiterlijk {reactie_due:%d-%m-%Y}")
    ]
    today = app.today()
    assert changes[cases["gesprek_school"]] == [
        ("nieuw", "Gesprekken voeren", f"uiterlijk {today + timedelta(weeks=4):%d-%m-%Y}")
    ]
    assert changes[cases["besluit"]] == [
        ("ingetrokken", "Besluit nemen", changes[cases["besluit"]][0][2]),
        ("nieuw", "Advies uitbrengen", f"uiterlijk {today + timedelta(weeks=2):%d-%m-%Y}"),
        # the calendar lacks 2026-2027: not a reason to stay behind
        ("nieuw", "Besluit voor de zomer", "datum volgt (zomervakantie 2026-2027 van regio midden ontbreekt)"),
    ]  # fmt: skip
    # a dry run writes nothing
    assert {case_id: app.case(case_id).revision for case_id in cases.values()} == before


def test_applying_moves_exactly_the_movable_cases_each_with_a_history_row_naming_both_versions(
    moving: tuple[Toetreding, dict[str, int]], clock: FixedClock
) -> None:
    app, cases = moving
    plan = app.plan_move("overgang", 1, 2, by=COORDINATOR)
    clock.advance(timedelta(minutes=5))
    outcomes = app.apply_move(
        "overgang", 1, 2, by=COORDINATOR, expected={m.case_id: m.revision for m in plan.moves}
    )
    assert {o.case_id: o.moved for o in outcomes} == {m.case_id: m.movable for m in plan.moves}
    landed = {
        state: (app.case(cases[state]).protocol_version, app.case(cases[state]).state)
        for state in cases
    }
    assert landed == {
        "aanmelding": (2, "intake"),
        "gesprek_school": (2, "gesprek"),
        "gesprek_bestuur": (2, "gesprek"),
        "orientatie": (1, "orientatie"),  # removed state: stays, with its reason
        "besluit": (2, "besluit"),
        "toegelaten": (1, "toegelaten"),  # closed: untouched
        "afgewezen": (1, "afgewezen"),
    }
    refused = next(o for o in outcomes if not o.moved)
    assert "vervalt in versie 2" in refused.reason
    # the history in the words of each version
    view = app.view(cases["gesprek_bestuur"])
    lines = [
        (app_heading(view, h), view.specs_of(h)[1].states[h.to_state].label) for h in view.history
    ]
    assert lines == [
        ("Dossier geopend", "Aanmelding ontvangen"),
        ("Aanmelding bevestigen", "Gesprek met de school"),
        ("Schoolgesprek voeren", "Gesprek met het bestuur"),
        ("Overgezet van versie 1 naar versie 2", "Gesprekken met school en bestuur"),
    ]
    # deadlines as planned: withdrawn (no more reminders), kept under the new state, new
    besluit = {d.name: d for d in app.case_deadlines(cases["besluit"])}
    assert besluit["besluit_nemen"].status == "cancelled"
    assert besluit["besluit_nemen"].next_reminder_on is None
    assert besluit["advies"].status == "open" and besluit["advies"].state == "besluit"
    assert besluit["voor_de_zomer"].due_date is None
    (reactie,) = app.case_deadlines(cases["aanmelding"])
    assert (reactie.status, reactie.state) == ("open", "intake")
    # each deadline in the words of the version its state is in (v1's met one too)
    assert {line.label for line in app.view(cases["besluit"]).deadline_lines} == {
        "Reactie op de aanmelding",
        "Besluit nemen",
        "Advies uitbrengen",
        "Besluit voor de zomer",
    }
    assert app.verify_history().broken is None
    # a renamed step is no new step: its days count from when the case entered it
    moved_case = app.case(cases["aanmelding"])
    (timing,) = app.timings({moved_case.id: app.spec_of(moved_case)}, app.today()).values()
    assert timing.since == date(2026, 9, 1) < app.today()  # opened then, moved later
    # the moved case walks on in version 2
    clock.advance(timedelta(hours=1))
    app.fire(cases["gesprek_school"], "gesprekken_voeren", actor_ref=COORDINATOR)
    assert app.case(cases["gesprek_school"]).state == "besluit"
    # applying again finds nothing left to move but the removed state's case
    again = app.apply_move("overgang", 1, 2, by=COORDINATOR)
    assert [(o.case_id, o.moved) for o in again] == [(cases["orientatie"], False)]


def test_after_the_move_the_agenda_and_the_reminders_follow_the_new_version(
    moving: tuple[Toetreding, dict[str, int]], smtp_server: SmtpServer
) -> None:
    app, cases = moving
    channel = SmtpChannel(smtp_server.host, smtp_server.port, security="none")
    heartbeat = ReminderSweep(
        app, channel, sender="p2 <noreply@p2.nl>", base_url="https://t.example", exclusive=True
    )
    day = app.today()
    heartbeat.run(datetime.combine(day, time(7, 0), tzinfo=LOCAL_TZ))
    app.apply_move("overgang", 1, 2, by=COORDINATOR)
    # the withdrawn deadline left the agenda; the new ones are on it
    on_agenda = {
        item.label for item in app.agenda(today=day) if item.deadline.case_id == cases["besluit"]
    }
    assert on_agenda == {"Advies uitbrengen", "Besluit voor de zomer"}
    while day <= date(2026, 10, 20):  # past the day 'Besluit nemen' would have reminded
        heartbeat.run(datetime.combine(day, time(7, 0), tzinfo=LOCAL_TZ))
        day += timedelta(days=1)
    subjects = [str(m["Subject"]) for m in smtp_server.messages]
    # the kept deadline follows version 2's ladder (version 1 had none for it)
    assert any("Reactie op de intake" in s for s in subjects), subjects
    assert not any("Besluit nemen" in s for s in subjects), subjects  # withdrawn


def test_a_moved_case_has_no_decision_letter_yet_in_dutch_not_a_crash(
    moving: tuple[Toetreding, dict[str, int]],
) -> None:
    app, cases = moving
    app.apply_move("overgang", 1, 2, by=COORDINATOR)
    # its history holds states of version 1 that version 2 lacks ('aanmelding')
    with pytest.raises(NotFoundError, match="heeft nog geen toelatingsbesluit"):
        from_case.decision_letter(AuditDesk(app, PROTOCOLS), cases["gesprek_bestuur"])


def app_heading(view: object, entry: object) -> str:
    from toetreding.service import history_heading

    before, _ = view.specs_of(entry)  # type: ignore[attr-defined]
    return history_heading(before, entry)  # type: ignore[arg-type]


def test_a_case_that_changed_since_the_plan_is_refused_and_the_others_still_move(
    moving: tuple[Toetreding, dict[str, int]], clock: FixedClock
) -> None:
    app, cases = moving
    plan = app.plan_move("overgang", 1, 2, by=COORDINATOR)
    clock.advance(timedelta(minutes=5))
    app.fire(cases["aanmelding"], "aanmelden", actor_ref=COORDINATOR)  # after the plan
    outcomes = {
        o.case_id: o
        for o in app.apply_move(
            "overgang", 1, 2, by=COORDINATOR, expected={m.case_id: m.revision for m in plan.moves}
        )
    }
    changed = outcomes[cases["aanmelding"]]
    assert not changed.moved
    assert "gewijzigd sinds het plan" in changed.reason
    assert app.case(cases["aanmelding"]).protocol_version == 1
    assert outcomes[cases["gesprek_school"]].moved
    assert app.case(cases["gesprek_school"]).protocol_version == 2


def test_cases_move_from_a_version_whose_file_is_gone(
    moving: tuple[Toetreding, dict[str, int]], tmp_path: Path, clock: FixedClock
) -> None:
    """Version 2 replaced the file of version 1 in place: the cases still know version 1
    (stored when the first case started on it), and move from it."""
    app, cases = moving
    (tmp_path / "protocols" / "overgang-v1.yaml").unlink()
    later = Toetreding(app.store, ProtocolRegistry.from_directory(tmp_path / "protocols"), clock)
    assert later.move_versions("overgang", by=COORDINATOR) == ([1], [2])
    mapping = {m.old_label: m.new_label for m in later.state_mapping(later.protocol("overgang", 2))}
    assert mapping["Gesprek met het bestuur"] == "Gesprekken met school en bestuur"
    outcomes = later.apply_move("overgang", 1, 2, by=COORDINATOR)
    assert sum(o.moved for o in outcomes) == 4
    assert later.case(cases["gesprek_school"]).state == "gesprek"


def test_the_shipped_partnerschap2_moves_its_running_cases_from_version_2_to_3(
    app: Toetreding, clock: FixedClock
) -> None:
    part2_with_noordik(app, "sam@noordik.nl")
    app.add_person("Carla", "carla@p2.nl", partnership_ref="part2", roles=("coordinator",))
    case_id = app.open_case(
        school_ref="NOORD1", protocol_id="partnerschap2", version=2, actor_ref="carla@p2.nl"
    )
    before = [(d.name, d.due_date) for d in app.case_deadlines(case_id) if d.status == "open"]
    clock.advance(timedelta(days=1))
    plan = app.plan_move("partnerschap2", 2, 3, by="carla@p2.nl")
    (move,) = plan.moves
    assert move.movable and move.from_label == move.to_label  # every step kept its name
    assert {d.change for d in move.deadlines} <= {"blijft"}
    app.apply_move("partnerschap2", 2, 3, by="carla@p2.nl")
    case = app.case(case_id)
    assert (case.protocol_version, case.state) == (3, "orientatie")
    assert [(d.name, d.due_date) for d in app.case_deadlines(case_id) if d.status == "open"] == (
        before
    )
    assert app.verify_history().broken is None


def test_only_a_coordinator_or_an_administrator_may_move_cases(
    moving: tuple[Toetreding, dict[str, int]],
) -> None:
    app, _ = moving
    with pytest.raises(AdminOnly, match="mogen de coördinator en de beheerder"):
        app.apply_move("overgang", 1, 2, by=SCHOOL_CONTACT)
    with pytest.raises(InvalidInputError, match="niet nieuwer dan versie 2"):
        app.plan_move("overgang", 2, 1, by=COORDINATOR)


# --- CLI ------------------------------------------------------------------------------------


def test_cli_dry_run_shows_a_table_in_dutch_and_applying_moves_the_cases(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db: Path
) -> None:
    folder = protocols_folder(tmp_path)
    monkeypatch.setenv("TOETREDING_PROTOCOLS_DIR", str(folder))
    monkeypatch.setenv("TOETREDING_NOW", "2026-09-01T09:00:00+02:00")
    clock = FixedClock(datetime(2026, 9, 1, 9, 0))
    app = Toetreding.open(f"sqlite:///{db}", ProtocolRegistry.from_directory(folder), clock)
    cases = cases_in_every_state(app, clock)
    app.close()
    monkeypatch.setenv("TOETREDING_NOW", "2026-09-03T09:00:00+02:00")
    monkeypatch.setenv("COLUMNS", "250")  # the table's cells on one line each

    dry = run(
        "protocol",
        "migrate",
        "overgang",
        "--from",
        "1",
        "--to",
        "2",
        "--dry-run",
        "--as",
        COORDINATOR,
    )
    assert "Gesprek met het bestuur" in dry and "Gesprekken met school en bestuur" in dry
    assert "vervalt in versie 2" in dry
    assert "gesprek_bestuur" not in dry  # labels, not identifiers
    assert "4 van 5 dossiers kunnen over" in dry

    planned = run_json(
        "protocol", "migrate", "overgang", "--from", "1", "--to", "2", "--dry-run",
        "--as", COORDINATOR,
    )  # fmt: skip
    assert [m["to_label"] for m in planned["plan"]["moves"]][:2] == [
        "Intake",
        "Gesprekken met school en bestuur",
    ]
    done = run("protocol", "migrate", "overgang", "--from", "1", "--to", "2", "--as", COORDINATOR)
    assert "4 dossier(s) overgezet naar versie 2; 1 geweigerd" in done
    assert "vervalt in versie 2" in done
    shown = run("case", "show", str(cases["gesprek_bestuur"]))
    assert "Overgezet van versie 1 naar versie 2" in shown
    assert "Schoolgesprek voeren: Gesprek met de school → Gesprek met het bestuur" in shown
    run("verify")  # exit 0: every history chain holds
    refused = run(
        "protocol",
        "migrate",
        "overgang",
        "--from",
        "1",
        "--to",
        "2",
        "--as",
        SCHOOL_CONTACT,
        code=1,
    )
    assert "mogen de coördinator en de beheerder" in refused
