"""Cases on an older protocol version keep its rules (versions are immutable); the
administrator sees which of them a newer version is ready to take: `toetreding doctor`
(whose exit status says action is needed) and the overview. Here: mbo-aansluiting v3, which
lacks the guard on the waarborgen that v4 has (v4 declares the move from v3)."""

from __future__ import annotations

from datetime import date, datetime
from html import unescape
from pathlib import Path

from fastapi.testclient import TestClient

from toetreding import Toetreding
from toetreding.calendar import Region
from toetreding.clock import FixedClock
from toetreding.definition import ProtocolRegistry, Sector
from toetreding.store.tables import SchoolCreate

from .helpers import run
from .web_helpers import COORDINATOR, client, sign_in
from .web_helpers import main_of as _main

__all__ = ["client"]  # the demo client fixture

SOURCE = "https://testdata.invalid/zomervakanties-niet-officieel"
MBO = "Aansluiting van een mbo-instelling bij Samen Opleiden"
TASK = (
    f"1 open dossier op versie 3 van {MBO}; versie 4 staat klaar om over te zetten "
    "(Protocolbeheer > Overzetten)"
)


def _school(app: Toetreding, partnership: str, name: str) -> int:
    school = SchoolCreate(
        partnership_id=app.store.partnership(partnership).id or 0,
        name=name,
        sector=Sector.MBO,
        region=Region.MIDDEN,
    )
    return app.store.add_school(school, app.clock.now()).id or 0


def test_doctor_names_the_cases_a_newer_version_is_ready_for(
    db: Path, registry: ProtocolRegistry
) -> None:
    app = Toetreding.open(f"sqlite:///{db}", registry, FixedClock(datetime(2026, 9, 1)))
    app.store.add_partnership("mbo", "Partnerschap mbo", app.clock.now())
    app.add_person("Co", COORDINATOR, partnership_ref="mbo", roles=("coordinator", "stuurgroep"))
    periods = {
        "noord": (date(2027, 7, 10), date(2027, 8, 22)),
        "midden": (date(2027, 7, 17), date(2027, 8, 29)),
        "zuid": (date(2027, 7, 3), date(2027, 8, 15)),
    }
    app.set_summer_vacations("2026-2027", periods, source=SOURCE, by=None)
    new = app.open_case(
        school_ref=_school(app, "mbo", "ROC Nieuw"), protocol_id="mbo-aansluiting",
        actor_ref=COORDINATOR,
    )  # fmt: skip
    assert app.case(new).protocol_version == 4
    assert "Alles in orde" in run("doctor", "--at", "2026-10-02")  # a case on v4: nothing

    old = app.open_case(
        school_ref=_school(app, "mbo", "ROC Oud"), protocol_id="mbo-aansluiting",
        actor_ref=COORDINATOR, version=3,
    )  # fmt: skip
    out = " ".join(run("doctor", "--at", "2026-10-02", code=1).split())
    assert "Te doen voor een beheerder (1):" in out and TASK in out
    assert "toetreding protocol migrate mbo-aansluiting --from 3 --to 4" in out
    assert [(t.count, t.page) for t in app.version_tasks()] == [
        (1, "/protocolbeheer/mbo-aansluiting/overzetten?van=3&naar=4")
    ]

    # a closed case stays on its version and asks for nothing
    app.fire(old, "stoppen", actor_ref=COORDINATOR, role="stuurgroep", note="Gestopt")
    assert app.case(old).closed_at is not None
    assert "Alles in orde" in run("doctor", "--at", "2026-10-02")
    app.close()


def test_the_overview_shows_it_to_the_partnership_and_not_to_the_school(
    client: TestClient,
) -> None:
    app: Toetreding = client.app.state.ctx.service  # type: ignore[attr-defined]
    school = _school(app, "part2", "ROC Oud")
    app.open_case(school_ref=school, protocol_id="mbo-aansluiting", actor_ref=COORDINATOR,
                  version=3)  # fmt: skip
    sign_in(client, COORDINATOR)
    page = _main(client.get("/overzicht").text)
    assert "Protocolversies: dossiers om over te zetten" in page
    assert TASK in unescape(page)
    assert 'href="/protocolbeheer/mbo-aansluiting/overzetten?van=3&amp;naar=4"' in page
    plan = client.get("/protocolbeheer/mbo-aansluiting/overzetten?van=3&naar=4")
    assert plan.status_code == 200 and "ROC Oud" in plan.text  # the link leads to its plan

    sign_in(client, "contact@demo01.example")  # a school's contact: not its task
    assert "over te zetten" not in _main(client.get("/overzicht").text)
