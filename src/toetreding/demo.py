"""Demo data: one partnership with candidate schools at different steps of Partnerschap 2.

The schools are invented; the paths follow the protocol. Each case gets a believable
history on a moving clock, so ``case show`` has something to tell.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from toetreding.clock import FixedClock
from toetreding.definition import Sector
from toetreding.service import Toetreding
from toetreding.store.tables import Region, SchoolCreate

PARTNERSHIP = ("part2", "Opleidingsschool Partnerschap 2 (Almelo e.o.)")
STAFF = [
    ("Carla de Vries", "coordinator@part2.example", "coordinator"),
    ("Hans Wolters", "stuurgroep@part2.example", "stuurgroep"),
    ("Ineke Bosman", "kerngroep@part2.example", "kerngroep"),
    ("Ruud Kamphuis", "audit@part2.example", "auditcommissie"),
]

# Each step: trigger, who fires it ("school" = the school's contact), inputs, note.
Step = tuple[str, str, dict[str, Any], str | None]
FULL_PATH: list[Step] = [
    (
        "orientatie_afronden",
        "kerngroep",
        {"verslag_orientatie": "verslag-orientatie.pdf"},
        "Visie sluit goed aan.",
    ),
    (
        "zelfevaluatie_indienen",
        "school",
        {"zelfevaluatie": "zelfevaluatie.pdf", "paginas": 9},
        None,
    ),
    (
        "traject_inzetten",
        "stuurgroep",
        {
            "besluit_stuurgroep": "besluit-stuurgroep.pdf",
            "voorwaarden": "Twee getrainde werkplekbegeleiders per sectie; schoolopleider 0,2 fte.",
        },
        "Zelfevaluatie laat voldoende basis zien.",
    ),
    (
        "voorwaarden_accepteren",
        "school",
        {"akkoord": True, "akkoordverklaring": "akkoord-voorwaarden.pdf"},
        None,
    ),
    ("plan_van_aanpak_indienen", "school", {"plan_van_aanpak": "plan-van-aanpak.pdf"}, None),
    ("audit_aanvragen", "school", {"vervolgzelfevaluatie": "vervolgzelfevaluatie.pdf"}, None),
    ("audit_inplannen", "stuurgroep", {"auditdatum": None}, None),
    (
        "concept_rapport_opstellen",
        "auditcommissie",
        {"concept_rapport": "concept-toetsingsrapport.pdf"},
        None,
    ),
    ("correcties_indienen", "school", {"correcties": "feitelijke-onjuistheden.pdf"}, None),
    ("rapport_vaststellen", "auditcommissie", {"definitief_rapport": "toetsingsrapport.pdf"}, None),
]
OUTCOME: dict[str, Step] = {
    "partner": (
        "besluit_partner",
        "stuurgroep",
        {"besluitbrief": "besluit.pdf"},
        "Voldoet op alle criteria.",
    ),
    "volgschool": (
        "besluit_volgschool",
        "stuurgroep",
        {},
        "Gerealiseerd niveau op orde; 2.2 en 4.3 nog onvoldoende.",
    ),
}


@dataclass(frozen=True)
class DemoSchool:
    name: str
    sector: str
    brin: str
    board: str
    steps: int  # how many steps of FULL_PATH it has taken
    outcome: str | None = None


SCHOOLS = [
    DemoSchool("Het Noordik (demo)", "vo", "DEMO01", "Stichting Carmelcollege", 5),
    DemoSchool("ROC Twente Techniek (demo)", "mbo", "DEMO02", "ROC van Twente", 10, "partner"),
    DemoSchool("Scholengemeenschap De Esch (demo)", "vo", "DEMO03", "Stichting Esch", 1),
    DemoSchool("Lyceum Wierden (demo)", "vo", "DEMO04", "Stichting Wierden", 0),
    DemoSchool(
        "Vakcollege Hengelo (demo)", "vo", "DEMO05", "Stichting Vakcollege", 10, "volgschool"
    ),
    DemoSchool("Twents Carmel Lyceum (demo)", "vo", "DEMO06", "Stichting Carmelcollege", 8),
    DemoSchool("Bornerbroek College (demo)", "vo", "DEMO07", "Stichting Borne", 2),
]


def seed_demo(app: Toetreding, start: datetime) -> bool:
    """Fill an empty database with the demo partnership; returns False if data exists."""
    if app.store.partnerships():
        return False
    clock = FixedClock(start)
    demo = Toetreding(app.store, app.registry, clock)
    code, name = PARTNERSHIP
    demo.store.add_partnership(code, name, clock.now())
    for person, email, role in STAFF:
        demo.add_person(person, email, partnership_ref=code, roles=(role,))
    for index, school in enumerate(SCHOOLS):
        clock.set(start + timedelta(days=7 * index))
        _walk(demo, clock, school)
    return True


def _walk(app: Toetreding, clock: FixedClock, school: DemoSchool) -> None:
    code = PARTNERSHIP[0]
    partnership = app.store.partnership(code)
    assert partnership.id is not None
    app.store.add_school(
        SchoolCreate(
            partnership_id=partnership.id,
            name=school.name,
            sector=Sector(school.sector),
            region=Region.MIDDEN,
            brin=school.brin,
            board=school.board,
        ),
        clock.now(),
    )
    contact = f"contact@{school.brin.lower()}.example"
    app.add_person(
        f"Contactpersoon {school.name.split(' (')[0]}",
        contact,
        partnership_ref=code,
        roles=("school",),
        school_ref=school.brin,
    )
    case_id = app.open_case(
        school_ref=school.brin,
        protocol_id="partnerschap2",
        actor_ref=STAFF[0][1],
        partnership_ref=code,
    )
    steps = FULL_PATH[: school.steps] + ([OUTCOME[school.outcome]] if school.outcome else [])
    for trigger, who, given, note in steps:
        inputs = given
        clock.advance(timedelta(days=18))
        actor = contact if who == "school" else next(e for _, e, r in STAFF if r == who)
        if "auditdatum" in inputs:  # the audit takes place twelve days after it is planned
            inputs = {**inputs, "auditdatum": (clock.now() + timedelta(days=12)).date()}
        app.fire(case_id, trigger, actor_ref=actor, inputs=inputs, note=note)
