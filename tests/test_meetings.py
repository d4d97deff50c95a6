"""Meetings of a body: the proposed agenda, changing it, deciding cases in one sitting (each
decision on its own, with every check of a step), the decision list — service and CLI."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from toetreding._exceptions import InvalidInputError, TransitionRefused
from toetreding.clock import LOCAL_TZ, FixedClock
from toetreding.definition import ProtocolRegistry
from toetreding.demo import demo_start, seed_demo
from toetreding.files import sample_pdf
from toetreding.service import Toetreding

from .conftest import PROTOCOLS
from .helpers import pdf, run, run_json, summer_2026_entered
from .web_helpers import token

COORDINATOR = "coordinator@part2.example"
STUURGROEP = "stuurgroep@part2.example"
BORNERBROEK = 7  # demo case waiting in 'bespreking_stuurgroep'
TWENTS_CARMEL = 6  # demo case at the school (concept report), with a deadline passed


@pytest.fixture
def demo(sqlite_url: str, clock: FixedClock) -> Iterator[Toetreding]:
    """The demo on SQLite (seeding it takes seconds: PostgreSQL only where it matters)."""
    app = Toetreding.open(sqlite_url, ProtocolRegistry.from_directory(PROTOCOLS), clock)
    summer_2026_entered(app)  # Twents Carmel's ten working days count from September 2026
    seed_demo(app, demo_start(app.today()), PROTOCOLS)
    yield app
    app.close()


@pytest.fixture
def demo_on_both(app: Toetreding) -> Toetreding:
    """The demo on SQLite and on PostgreSQL."""
    summer_2026_entered(app)
    seed_demo(app, demo_start(app.today()), PROTOCOLS)
    return app


def _meeting(app: Toetreding, body: str = "stuurgroep", day: date | None = None) -> int:
    return app.create_meeting(
        partnership_ref="part2",
        body=body,
        day=day or app.today(),
        starts_at=time(14, 0),
        place="Almelo",
        actor_ref=COORDINATOR,
        present=[STUURGROEP] if body == "stuurgroep" else [],
    )


def test_the_proposed_agenda_holds_the_cases_waiting_for_the_body_with_reasons(
    demo: Toetreding,
) -> None:
    view = demo.meeting_view(_meeting(demo))
    reasons = {item.case.id: item.item.reason for item in view.items}
    assert reasons[BORNERBROEK].startswith("Wacht op een besluit van de stuurgroep (stap 3")
    assert [t.trigger for t in view.items[0].decisions]  # the waiting cases come first
    assert "traject_inzetten" in {
        t.trigger for item in view.items if item.case.id == BORNERBROEK for t in item.decisions
    }
    # Cases at other steps are not waiting for the stuurgroep; a late one is listed as late.
    assert not any(item.case.state == "zelfevaluatie" for item in view.items)
    # Its deadline is before the next meeting, or passed (the demo's days follow today).
    [due] = [d.due_date for d in demo.case_deadlines(TWENTS_CARMEL) if d.status == "open"]
    assert due is not None
    late = due < demo.today()
    assert reasons[TWENTS_CARMEL].startswith("Te laat: termijn" if late else "Termijn '")
    assert [p.name for p in view.present] == ["Hans Wolters"]
    # No protocol of this partnership gives the bestuurdersnetwerk a part: nothing to do.
    assert demo.meeting_view(_meeting(demo, "bestuurdersnetwerk")).items == []


def test_a_refused_decision_changes_nothing_and_the_next_one_is_taken(
    demo_on_both: Toetreding,
) -> None:
    demo = demo_on_both
    meeting = _meeting(demo)
    before = demo.history(BORNERBROEK)
    with pytest.raises(TransitionRefused, match="ontbreekt"):
        demo.decide_in_meeting(meeting, BORNERBROEK, "traject_inzetten", actor_ref=STUURGROEP)
    assert demo.history(BORNERBROEK) == before
    with pytest.raises(TransitionRefused, match="rol 'Stuurgroep' niet"):
        demo.decide_in_meeting(
            meeting,
            BORNERBROEK,
            "traject_afwijzen",
            actor_ref=COORDINATOR,
            inputs={"besluit_stuurgroep": pdf(demo, "besluit.pdf")},
            note="Te vroeg.",
        )
    later = demo.with_clock(FixedClock(demo.clock.now() + timedelta(hours=2)))
    later.decide_in_meeting(
        meeting,
        BORNERBROEK,
        "traject_afwijzen",
        actor_ref=STUURGROEP,
        inputs={"besluit_stuurgroep": pdf(demo, "besluit.pdf")},
        note="Te vroeg.",
    )
    row = demo.history(BORNERBROEK)[-1]
    assert row.at == demo.clock.now() + timedelta(hours=2)  # the service's clock
    assert (row.trigger, row.role, row.payload["vergadering"]) == (
        "traject_afwijzen",
        "stuurgroep",
        meeting,
    )
    decisions = demo.meeting_decisions(meeting)
    assert [(d.case_id, d.label, d.outcome) for d in decisions] == [
        (BORNERBROEK, "Stuurgroep zet het traject niet in", "Geen traject ingezet")
    ]
    # A decision in another meeting, or a step outside any meeting, is not on this list.
    assert demo.meeting_decisions(_meeting(demo)) == []


def test_only_the_bodys_decisions_on_the_agenda_on_or_after_the_day(demo: Toetreding) -> None:
    meeting = _meeting(demo)
    with pytest.raises(TransitionRefused, match="geen besluit van de stuurgroep"):
        demo.decide_in_meeting(meeting, TWENTS_CARMEL, "correcties_indienen", actor_ref=STUURGROEP)
    with pytest.raises(InvalidInputError, match="niet op de agenda"):
        demo.decide_in_meeting(meeting, 4, "orientatie_afronden", actor_ref=STUURGROEP)
    later = _meeting(demo, day=demo.today() + timedelta(days=7))
    with pytest.raises(TransitionRefused, match="de vergadering is pas op"):
        demo.decide_in_meeting(later, BORNERBROEK, "traject_afwijzen", actor_ref=STUURGROEP)


def test_the_agenda_is_reordered_added_to_and_shortened(demo: Toetreding) -> None:
    meeting = _meeting(demo)
    first = [i.case.id for i in demo.meeting_view(meeting).items]
    demo.add_to_agenda(meeting, 4, actor_ref=COORDINATOR)
    demo.move_on_agenda(meeting, 4, -1, actor_ref=STUURGROEP)
    demo.remove_from_agenda(meeting, first[0], actor_ref=COORDINATOR)
    items = demo.meeting_view(meeting).items
    assert [i.case.id for i in items] == [*first[1:-1], 4, first[-1]]
    assert items[-2].item.reason == "Toegevoegd door Carla de Vries"
    with pytest.raises(InvalidInputError, match="staat al op de agenda"):
        demo.add_to_agenda(meeting, 4, actor_ref=COORDINATOR)
    with pytest.raises(InvalidInputError, match="alleen de coördinator of een lid"):
        demo.add_to_agenda(meeting, 3, actor_ref="audit@part2.example")


def test_planning_refuses_unknown_bodies_outsiders_and_non_members(demo: Toetreding) -> None:
    with pytest.raises(InvalidInputError, match="geen orgaan dat vergadert"):
        _meeting(demo, "bestuur")
    with pytest.raises(InvalidInputError, match="alleen de coördinator of een lid"):
        demo.create_meeting(
            partnership_ref="part2",
            body="stuurgroep",
            day=demo.today(),
            starts_at=time(9, 0),
            place="Almelo",
            actor_ref="kerngroep@part2.example",
        )
    with pytest.raises(InvalidInputError, match="geen lid van de stuurgroep"):
        demo.create_meeting(
            partnership_ref="part2",
            body="stuurgroep",
            day=demo.today(),
            starts_at=time(9, 0),
            place="Almelo",
            actor_ref=COORDINATOR,
            present=["kerngroep@part2.example"],
        )


def test_meeting_commands(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run("demo")
    # The CLI runs on the system clock; its days are Dutch days.
    today = datetime.now(LOCAL_TZ).strftime("%d-%m-%Y")
    out = run(
        "meeting", "create", "stuurgroep", "--date", today, "--time", "14:00",
        "--place", "Almelo", "--as", COORDINATOR, "--present", STUURGROEP,
    )  # fmt: skip
    assert "Vergadering 1 gepland: Stuurgroep" in out
    table = run("meeting", "show", "1")  # labels, and apart what 'meeting decide' takes
    assert "traject_afwijzen" in table and "(traject_afwijzen)" not in table
    shown = run_json("meeting", "show", "1")
    waiting = [a for a in shown["agenda"] if a["state"] == "bespreking_stuurgroep"]
    assert waiting and waiting[0]["reason"].startswith("Wacht op een besluit van de stuurgroep")
    case = str(waiting[0]["case_id"])
    refused = run("meeting", "decide", "1", case, "traject_inzetten", "--as", STUURGROEP, code=1)
    assert "Geweigerd" in refused and "ontbreekt" in refused and "Traceback" not in refused
    letter = tmp_path / "besluit.pdf"
    letter.write_bytes(sample_pdf("besluit"))
    out = run(
        "meeting", "decide", "1", case, "traject_afwijzen", "--as", STUURGROEP,
        "--note", "Te vroeg.", "--doc", f"besluit_stuurgroep={letter}",
    )  # fmt: skip
    assert "Geen traject ingezet" in out
    assert [d["case_id"] for d in run_json("meeting", "decisions", "1")] == [int(case)]
    assert [m["body_label"] for m in run_json("meeting", "list")] == ["Stuurgroep"]
    pack = tmp_path / "stukken.pdf"
    assert "Vergaderstukken geschreven" in run("meeting", "pack", "1", "-o", str(pack))
    assert pack.read_bytes().startswith(b"%PDF")
    letters = tmp_path / "brieven.zip"
    assert "1 brief/brieven" in run("meeting", "letters", "1", "-o", str(letters))
    assert letters.read_bytes().startswith(b"PK")
    assert "geen datum" in run(
        "meeting", "create", "stuurgroep", "--date", "31-02-2027", "--time", "14:00",
        "--place", "Almelo", "--as", COORDINATOR, code=1,
    )  # fmt: skip
    assert "bestaat niet" in run("meeting", "show", "9", code=1)


def test_the_api_shows_meetings_to_the_partnerships_staff_only(client: TestClient) -> None:
    service = client.app.state.ctx.service  # type: ignore[attr-defined]
    meeting = _meeting(service)
    staff = token(client, COORDINATOR)
    listed = client.get("/api/vergaderingen", headers=staff).json()
    assert [(m["id"], m["body_label"], m["time"]) for m in listed] == [
        (meeting, "Stuurgroep", "14:00")
    ]
    detail = client.get(f"/api/vergaderingen/{meeting}", headers=staff).json()
    assert BORNERBROEK in [item["case_id"] for item in detail["agenda"]]
    assert detail["present"] == [{"id": service.person(STUURGROEP).id, "name": "Hans Wolters"}]
    school = token(client, "contact@demo07.example")
    assert client.get("/api/vergaderingen", headers=school).json() == []
    answer = client.get(f"/api/vergaderingen/{meeting}", headers=school)
    assert answer.status_code == 404 and "bestaat niet" in answer.text
    assert client.get("/api/vergaderingen/99", headers=staff).status_code == 404
