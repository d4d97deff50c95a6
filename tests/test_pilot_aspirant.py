"""The Rijnland pilot (seed 000: "In het afgelopen half jaar is, als pilot, de samenwerking
gestart ... Momenteel worden de ervaringen ... geëvalueerd"): version 2 gives the pilot a
length and a real end; cases on version 1 keep version 1."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import pytest

from toetreding import GuardFailed, MissingInput, Toetreding
from toetreding.clock import FixedClock
from toetreding.definition import ProtocolRegistry
from toetreding.store import Store
from toetreding.store.tables import SchoolCreate

from .conftest import PROTOCOLS
from .helpers import with_pdfs

V1 = Path(__file__).parent / "data" / "pilot-aspirant-v1.yaml"
STUURGROEP = "stuurgroep@rijnland.nl"


def rijnland(app: Toetreding) -> Toetreding:
    partnership = app.store.add_partnership(
        "rijnland", "Opleidingsschool Rijnland", app.clock.now()
    )
    for brin in ("VO01", "VO02"):
        app.store.add_school(
            SchoolCreate(
                partnership_id=partnership.id or 0,
                name=f"Kleine vo-school {brin}",
                sector="vo",
                region="midden",
                brin=brin,
            ),
            app.clock.now(),
        )
    app.add_person("Stuurgroep", STUURGROEP, partnership_ref="rijnland", roles=("stuurgroep",))
    return app


def signed(app: Toetreding, brin: str) -> int:
    case_id = app.open_case(school_ref=brin, protocol_id="pilot-aspirant", actor_ref=STUURGROEP)
    inputs = {"intentieverklaring": "intentie.pdf"}
    app.fire(
        case_id,
        "intentieverklaring_tekenen",
        actor_ref=STUURGROEP,
        inputs=with_pdfs(app, case_id, "intentieverklaring_tekenen", inputs),
    )
    return case_id


def start(app: Toetreding, case_id: int, begin: str, end: str | None) -> None:
    inputs = {"aantal_studenten": 5, "startdatum_pilot": begin}
    if end is not None:
        inputs["einddatum_pilot"] = end
    app.fire(case_id, "pilot_starten", actor_ref=STUURGROEP, inputs=inputs)


def due_dates(app: Toetreding, case_id: int) -> dict[str, date]:
    return {d.name: d.due_date for d in app.case_deadlines(case_id) if d.status == "open"}


def test_the_pilot_ends_on_its_end_date_and_the_evaluation_starts_by_itself(
    app: Toetreding,
) -> None:
    rijnland(app)
    case_id = signed(app, "VO01")
    assert app.view(case_id).spec.version == 3
    with pytest.raises(GuardFailed) as refused:
        start(app, case_id, "2026-09-01", "2026-08-01")
    assert (  # the inputs' labels, never their names
        "'Einddatum van de pilot' (01-08-2026) ligt niet na 'Startdatum van de pilot' "
        "(01-09-2026)" in refused.value.reason
    )
    start(app, case_id, "2026-09-01", "2027-03-01")  # half a year, as in the seed
    assert due_dates(app, case_id) == {"einde_pilot": date(2027, 3, 1)}
    assert isinstance(app.clock, FixedClock)
    app.clock.set(datetime(2027, 1, 15, 10, 0))
    with pytest.raises(GuardFailed, match="die datum is nog niet bereikt"):
        app.fire(case_id, "pilot_afronden", actor_ref=STUURGROEP)
    assert app.sweep_deadlines(datetime(2027, 2, 28, 6, 0)) == []
    assert app.store.case(case_id).state == "pilot"
    app.sweep_deadlines(datetime(2027, 3, 1, 6, 0))
    assert app.store.case(case_id).state == "evaluatie"

    app.clock.set(datetime(2027, 3, 10, 10, 0))
    inputs = {
        "pilotevaluatie": "evaluatie.pdf",
        "einddatum_pilot": "2027-07-01",
        "afspraken_verlenging": "Nog een periode met twee teams.",
    }
    app.fire(
        case_id,
        "pilot_verlengen",
        actor_ref=STUURGROEP,
        inputs=with_pdfs(app, case_id, "pilot_verlengen", inputs),
    )
    assert due_dates(app, case_id) == {"einde_pilot": date(2027, 7, 1)}


def test_a_case_on_version_1_keeps_version_1(
    store: Store, registry: ProtocolRegistry, clock: FixedClock, tmp_path: Path
) -> None:
    shutil.copy(V1, tmp_path / "pilot-aspirant.yaml")
    old = rijnland(Toetreding(store, ProtocolRegistry.from_directory(tmp_path), clock))
    old_case = signed(old, "VO01")

    app = Toetreding(store, registry, clock)  # the shipped files: versions 2 and 3
    assert registry.get("pilot-aspirant").version == 3
    start(app, old_case, "2026-09-01", None)  # version 1 asks no end date
    assert app.view(old_case).spec.version == 1
    assert due_dates(app, old_case) == {}
    new_case = signed(app, "VO02")
    assert app.view(new_case).spec.version == 3
    with pytest.raises(MissingInput, match="'Einddatum van de pilot' ontbreekt"):
        start(app, new_case, "2026-09-01", None)


def test_the_shipped_files_are_versions_2_and_3_with_version_1_kept_for_the_test() -> None:
    shipped = ProtocolRegistry.from_directory(PROTOCOLS)
    assert shipped.get("pilot-aspirant").version == 3
    assert shipped.get("pilot-aspirant", 2).version == 2
    assert "version: 1\n" in V1.read_text(encoding="utf-8")


def test_a_pilot_has_at_least_one_student(
    store: Store, registry: ProtocolRegistry, clock: FixedClock
) -> None:
    app = rijnland(Toetreding(store, registry, clock))
    case_id = signed(app, "VO01")
    for number in ("0", "-5"):
        inputs = {"aantal_studenten": number, "startdatum_pilot": "2026-09-01"}
        inputs["einddatum_pilot"] = "2027-03-01"
        with pytest.raises(MissingInput) as refused:
            app.fire(case_id, "pilot_starten", actor_ref=STUURGROEP, inputs=inputs)
        assert f"'Aantal studenten in de pilot': moet minstens 1 zijn, niet {number}" in str(
            refused.value
        )
    assert app.view(case_id).case.state == "pilot_voorbereiden"
    start(app, case_id, "2026-09-01", "2027-03-01")  # 5 students
    assert app.view(case_id).case.state == "pilot"
