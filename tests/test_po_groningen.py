"""The po Groningen protocol on a virtual clock: 1 April, clusters, the summer, 1 August."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from toetreding import GuardFailed, InvalidInputError, MissingInput, Toetreding
from toetreding.clock import FixedClock, local
from toetreding.store.tables import SchoolCreate, SchoolUpdate

from .helpers import with_pdfs

BOARD = "Stichting Openbaar Onderwijs Groningen"

DECIDE = {
    "aanmelding": "besluit.pdf",
    "directeur_akkoord": "ja",
    "team_akkoord": "ja",
}


@pytest.fixture
def po(app: Toetreding) -> Toetreding:
    """The po partnership with one person in every role of the protocol."""
    app.store.add_partnership("groningen", "Po-partnerschap Groningen", app.clock.now())
    for role in ("coordinator", "stuurgroep", "bestuurdersnetwerk"):
        app.add_person(role, f"{role}@po.nl", partnership_ref="groningen", roles=(role,))
    return app


def add_school(app: Toetreding, name: str, region: str = "noord", board: str | None = BOARD) -> str:
    brin = name.upper().replace(" ", "")[:20]
    partnership = app.store.partnership("groningen")
    app.store.add_school(
        SchoolCreate(
            partnership_id=partnership.id or 0,
            name=name,
            sector="po",
            region=region,
            brin=brin,
            board=board,
        ),
        app.clock.now(),
    )
    app.add_person(
        f"Directeur {name}",
        f"{brin.lower()}@school.nl",
        partnership_ref="groningen",
        roles=("school",),
        school_ref=brin,
    )
    return brin


def at(app: Toetreding, day: str, hour: int = 10) -> None:
    assert isinstance(app.clock, FixedClock)
    app.clock.set(datetime.fromisoformat(f"{day}T{hour:02d}:00"))


def to_decision(app: Toetreding, brin: str, day: str) -> int:
    """Open a case and walk it through the talks to the school's own decision."""
    at(app, day)
    case_id = app.open_case(school_ref=brin, protocol_id="po-groningen", actor_ref=COORDINATOR)
    app.fire(case_id, "bestuur_al_betrokken", actor_ref=COORDINATOR, note="Bestuur is partner")
    app.fire(
        case_id,
        "directeursgesprek_gevoerd",
        actor_ref=COORDINATOR,
        inputs=with_pdfs(
            app, case_id, "directeursgesprek_gevoerd", {"verslag_directeursgesprek": "verslag.pdf"}
        ),
    )
    return case_id


def decide(app: Toetreding, case_id: int, brin: str, year: str) -> None:
    app.fire(
        case_id,
        "aansluiten_melden",
        actor_ref=f"{brin.lower()}@school.nl",
        inputs=with_pdfs(
            app, case_id, "aansluiten_melden", {**DECIDE, "schooljaar_aansluiting": year}
        ),
    )


def admit(app: Toetreding, case_id: int) -> None:
    """From the school's decision through the steering group and the board network."""
    app.fire(
        case_id,
        "agenderen",
        actor_ref="stuurgroep@po.nl",
        inputs=with_pdfs(
            app,
            case_id,
            "agenderen",
            {"voorstel_bestuurdersnetwerk": "voorstel.pdf", "basiskwaliteit": "ja"},
        ),
    )
    app.fire(
        case_id,
        "toelaten",
        actor_ref="bestuurdersnetwerk@po.nl",
        inputs=with_pdfs(app, case_id, "toelaten", {"convenant": "convenant.pdf"}),
        note="Directeur en team staan erachter",
    )


def form_cluster(app: Toetreding, case_id: int, cluster: str) -> None:
    app.fire(
        case_id,
        "cluster_vastleggen",
        actor_ref=COORDINATOR,
        inputs={"cluster": cluster, "school_schoolopleider": "OBS De Wilg"},
    )


COORDINATOR = "coordinator@po.nl"


def deadline(app: Toetreding, case_id: int, name: str):  # type: ignore[no-untyped-def]
    return next(d for d in app.store.deadlines(case_id=case_id) if d.name == name)


def test_a_school_that_decides_on_31_march_joins_on_1_august(po: Toetreding) -> None:
    brin = add_school(po, "OBS De Wilg")
    case_id = to_decision(po, brin, "2027-11-16")
    # "vóór 1 april": 31 March is the last day.
    assert deadline(po, case_id, "besluit_voor_1_april").due_date == date(2028, 3, 31)

    at(po, "2028-03-31")
    decide(po, case_id, brin, "2028-2029")
    assert deadline(po, case_id, "besluit_voor_1_april").status == "met"
    at(po, "2028-05-17")
    admit(po, case_id)
    form_cluster(po, case_id, "Cluster Stad-Noord")
    at(po, "2028-06-28")
    po.fire(
        case_id,
        "schoolopleider_aangesteld",
        actor_ref=f"{brin.lower()}@school.nl",
        inputs={"schoolopleider": "M. de Vries"},
    )
    assert po.store.case(case_id).state == "wacht_op_start"
    assert deadline(po, case_id, "start_als_partnerschool").due_date == date(2028, 8, 1)
    # Shown with their labels: the last day, and the day the protocol acts itself.
    assert [(line.label, line.due) for line in po.view(case_id).deadline_lines] == [
        ("Besluit over aansluiten doorgeven", "uiterlijk 31-03-2028"),
        ("Schoolopleider aangesteld", "uiterlijk 14-07-2028"),
        ("Start als partnerschool", "op 01-08-2028"),
    ]

    # The coordinator cannot start it early; on 1 August the protocol does it, once.
    with pytest.raises(GuardFailed, match="schooljaar 2028-2029 begint pas op 01-08-2028"):
        po.fire(case_id, "partnerschool_worden", actor_ref=COORDINATOR)
    assert po.sweep_deadlines(datetime(2028, 7, 31, 6, 0)) == []
    done = po.sweep_deadlines(datetime(2028, 8, 1, 6, 0))
    assert [(c.deadline.case_id, c.action, c.target) for c in done] == [
        (case_id, "fire", "partnerschool_worden")
    ]
    assert po.sweep_deadlines(datetime(2028, 8, 1, 7, 0)) == []
    view = po.view(case_id)
    assert (view.case.state, view.state.outcome) == ("jaarplan", "partnerschool")
    last = view.history[-1]
    assert (last.role, last.at.date(), last.note) == (
        "systeem",
        date(2028, 8, 1),
        "Automatisch op 01-08-2028: Start als partnerschool",
    )
    assert deadline(po, case_id, "start_als_partnerschool").status == "met"


def test_a_school_that_has_not_decided_by_31_march_is_overdue_and_joins_a_year_later(
    po: Toetreding,
) -> None:
    brin = add_school(po, "CBS De Akker")
    case_id = to_decision(po, brin, "2028-01-18")

    on_31_march = po.agenda(today=date(2028, 3, 31), overdue_only=True)
    on_1_april = po.agenda(today=date(2028, 4, 1), overdue_only=True)
    assert on_31_march == []
    assert [(i.deadline.case_id, i.label, i.due, i.days_left) for i in on_1_april] == [
        (case_id, "Besluit over aansluiten doorgeven", "uiterlijk 31-03-2028", -1)
    ]

    at(po, "2028-04-01")
    with pytest.raises(GuardFailed) as refused:
        decide(po, case_id, brin, "2028-2029")
    assert "aansluiten in schooljaar 2028-2029 kon tot en met 31-03-2028" in str(refused.value)
    assert "kies 2029-2030 of later" in str(refused.value)
    assert po.store.case(case_id).state == "besluit_school"  # nothing changed

    decide(po, case_id, brin, "2029-2030")
    late = deadline(po, case_id, "besluit_voor_1_april")
    assert late.status == "met" and late.resolved_at is not None
    assert late.resolved_at.date() > late.due_date  # met, but late


def test_a_decision_made_after_1_april_counts_towards_the_next_1_april(po: Toetreding) -> None:
    brin = add_school(po, "OBS De Meent")
    case_id = to_decision(po, brin, "2028-05-10")
    assert deadline(po, case_id, "besluit_voor_1_april").due_date == date(2029, 3, 31)


def test_reaching_the_decision_on_1_april_counts_towards_the_next_year(po: Toetreding) -> None:
    brin = add_school(po, "OBS De Meent")
    case_id = to_decision(po, brin, "2028-04-01")  # the coming year's last day has passed
    assert deadline(po, case_id, "besluit_voor_1_april").due_date == date(2029, 3, 31)
    on_31_march = add_school(po, "OBS Het Lint")
    case_id = to_decision(po, on_31_march, "2028-03-31")  # still today
    assert deadline(po, case_id, "besluit_voor_1_april").due_date == date(2028, 3, 31)


# --- "vóór 1 april" (issue 16): 31 March is the last day ---------------------------------


def test_a_school_reporting_on_31_march_2027_joins_in_2027_2028(po: Toetreding) -> None:
    brin = add_school(po, "OBS De Wilg")
    case_id = to_decision(po, brin, "2026-11-23")
    agenda = po.agenda(today=date(2027, 3, 1))
    assert [(i.label, i.due) for i in agenda] == [
        ("Besluit over aansluiten doorgeven", "uiterlijk 31-03-2027")
    ]
    at(po, "2027-03-31", hour=23)  # late in the evening, Dutch time: still 31 March
    decide(po, case_id, brin, "2027-2028")
    met = deadline(po, case_id, "besluit_voor_1_april")
    assert (met.status, met.due_date) == ("met", date(2027, 3, 31))
    assert po.store.case(case_id).state == "voorbereiding_stuurgroep"
    assert po.history(case_id)[-1].payload["schooljaar_aansluiting"] == "2027-2028"


def test_a_school_reporting_on_1_april_2027_must_join_in_2028_2029(po: Toetreding) -> None:
    brin = add_school(po, "CBS De Akker")
    case_id = to_decision(po, brin, "2026-11-23")
    at(po, "2027-04-01", hour=0)  # just after midnight: 31 March has passed
    with pytest.raises(GuardFailed) as refused:
        decide(po, case_id, brin, "2027-2028")
    assert (
        "aansluiten in schooljaar 2027-2028 kon tot en met 31-03-2027; kies 2028-2029 of later"
    ) in str(refused.value)
    assert po.store.case(case_id).state == "besluit_school"  # nothing changed

    decide(po, case_id, brin, "2028-2029")
    late = deadline(po, case_id, "besluit_voor_1_april")
    assert (late.status, late.due_date) == ("met", date(2027, 3, 31))
    assert late.resolved_at is not None and local(late.resolved_at).date() > late.due_date
    assert po.history(case_id)[-1].payload["schooljaar_aansluiting"] == "2028-2029"


def test_the_school_year_must_be_written_as_two_consecutive_years(po: Toetreding) -> None:
    brin = add_school(po, "OBS De Meent")
    case_id = to_decision(po, brin, "2028-01-10")
    with pytest.raises(MissingInput, match="de jaren moeten opeenvolgend zijn"):
        decide(po, case_id, brin, "2028-2030")


def admitted(po: Toetreding, name: str, board: str | None = BOARD) -> int:
    brin = add_school(po, name, board=board)
    case_id = to_decision(po, brin, "2028-01-10")
    decide(po, case_id, brin, "2028-2029")
    admit(po, case_id)
    return case_id


def test_a_cluster_takes_four_schools_of_one_board_and_refuses_a_fifth(po: Toetreding) -> None:
    first_four = [admitted(po, f"School {n}") for n in "ABCD"]
    fifth = admitted(po, "School E")
    for case_id in first_four:
        form_cluster(po, case_id, "Cluster Stad-Noord")

    with pytest.raises(GuardFailed) as refused:
        form_cluster(po, fifth, " cluster stad-noord ")  # the same cluster, typed differently
    assert (
        "cluster 'cluster stad-noord' heeft al 4 scholen van dit bestuur "
        "(School A, School B, School C, School D); het maximum is 4"
    ) in str(refused.value)
    assert po.store.case(fifth).state == "clustervorming"

    form_cluster(po, fifth, "Cluster Ommeland")
    assert po.store.case(fifth).state == "schoolopleider_aanstellen"


def test_a_cluster_counts_only_running_cases_of_the_same_board(po: Toetreding) -> None:
    members = [admitted(po, f"School {n}") for n in "ABCD"]
    for case_id in members:
        form_cluster(po, case_id, "Cluster Stad-Noord")
    po.fire(members[0], "niet_aansluiten", actor_ref=COORDINATOR, note="Bestuur trekt zich terug")

    other_board = admitted(po, "Kindcentrum Het Baken", board="Stichting Westerkwartier")
    form_cluster(po, other_board, "Cluster Stad-Noord")  # another board's cluster of that name
    again = admitted(po, "School E")
    form_cluster(po, again, "Cluster Stad-Noord")  # A's place became free
    assert po.store.case(again).state == "schoolopleider_aanstellen"


def test_a_cluster_needs_the_schools_board(po: Toetreding) -> None:
    case_id = admitted(po, "School zonder bestuur", board=None)
    with pytest.raises(InvalidInputError, match="geen schoolbestuur vastgelegd") as refused:
        form_cluster(po, case_id, "Cluster Stad-Noord")
    assert refused.value.hint.startswith("toetreding school edit")  # the CLI prints it
    school_id = po.store.case(case_id).school_id
    po.store.update_school(school_id, SchoolUpdate(board=BOARD))
    form_cluster(po, case_id, "Cluster Stad-Noord")
    assert po.store.case(case_id).state == "schoolopleider_aanstellen"


@pytest.mark.parametrize(
    ("region", "last_school_day"),
    # Summer vacation 2028 (protocols/calendar/zomervakanties.yaml): noord from Sat 15 July,
    # midden from Sat 8 July, zuid from Sat 22 July.
    [("noord", date(2028, 7, 14)), ("midden", date(2028, 7, 7)), ("zuid", date(2028, 7, 21))],
)
def test_the_schoolopleider_is_due_on_the_last_school_day_of_the_schools_own_region(
    po: Toetreding, region: str, last_school_day: date
) -> None:
    brin = add_school(po, f"School {region}", region=region)
    case_id = to_decision(po, brin, "2028-01-10")
    decide(po, case_id, brin, "2028-2029")
    admit(po, case_id)
    form_cluster(po, case_id, f"Cluster {region}")
    assert deadline(po, case_id, "schoolopleider_voor_zomervakantie").due_date == last_school_day
