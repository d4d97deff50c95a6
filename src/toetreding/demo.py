"""Demo data: one partnership with candidate schools at different steps of Partnerschap 2.

The schools are invented; the paths follow the protocol. Each case gets a believable
history on a moving clock, so ``case show`` has something to tell, and every document a step
asks for is a small real PDF (generated), so a dossier looks like a full one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from toetreding.audits import AuditDesk, NewFinding
from toetreding.calendar import Region
from toetreding.clock import LOCAL_TZ, FixedClock
from toetreding.definition import InputKind, Sector
from toetreding.files import sample_pdf
from toetreding.service import Toetreding, artefact_labels
from toetreding.store import SchoolCreate

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
    ("concept_rapport_opstellen", "auditcommissie", {}, None),
    ("correcties_indienen", "school", {}, None),
    ("rapport_vaststellen", "auditcommissie", {}, None),
]

# The committee's findings per NVAO criterion: (evidence, strengths, points for development).
FINDINGS: dict[str, tuple[str, str | None, str | None]] = {
    "gerealiseerd_niveau": (
        "Lesbezoeken en portfolio's van vier studenten; gesprek met studenten.",
        "Studenten laten in de klas het beoogde niveau zien.",
        None,
    ),
    "1.1": ("Opleidingsplan 2025-2026 gelezen.", "Visie schriftelijk vastgelegd.", None),
    "1.2": (
        "Gesprek met schoolopleider en instituutsopleider.",
        "Eén geheel met het instituut.",
        None,
    ),
    "1.3": ("Instroomgegevens en intakeformulieren.", None, "Intake per opleiding uniformeren."),
    "1.4": ("Werkplanning en didactisch concept.", None, None),
    "1.5": ("Beoordelingsformulieren en gesprek met werkplekbegeleiders.", None, None),
    "2.1": ("Formatieoverzicht begeleiding.", None, "Meer getrainde werkplekbegeleiders nodig."),
    "2.2": ("Scholingsplan schoolopleiders.", None, "Scholing van nieuwe begeleiders borgen."),
    "3.1": ("Rondgang werkplekken en roosters.", "Vaste werkplekken voor studenten.", None),
    "4.1": ("Evaluaties van studenten 2024-2025.", None, None),
    "4.2": ("Kwaliteitsplan en verbetercyclus.", None, "Cyclus sluiten met het instituut."),
    "4.3": ("Verslagen van het opleidingsoverleg.", None, "Verbeteracties vastleggen."),
}
# Levels per advice the demo school is heading for; unlisted criteria are 'voldoende'.
LEVELS: dict[str, dict[str, str]] = {
    "partner": {"1.1": "goed", "1.2": "goed", "3.1": "goed"},
    "volgschool": {"2.1": "onvoldoende_reparabel", "4.3": "onvoldoende_reparabel"},
}
COMMITTEE = [
    ("audit@part2.example", "Hogeschool Saxion", "voorzitter"),
    ("kerngroep@part2.example", "Het Erasmus Almelo", "lid"),
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
        {"ondersteuning": "Een instituutsopleider van de lerarenopleiding, vier uur per week."},
        "Gerealiseerd niveau op orde; 2.1 en 4.3 nog onvoldoende.",
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
    # Seed 001, Case D: the aspirant school is "een vo-school (éénpitter) met vier locaties",
    # a board of its own, not one of the Carmel schools already in the partnership.
    DemoSchool("Het Noordik (demo)", "vo", "DEMO01", "Stichting Het Noordik (éénpitter)", 5),
    DemoSchool("ROC Twente Techniek (demo)", "mbo", "DEMO02", "ROC van Twente", 10, "partner"),
    DemoSchool("Scholengemeenschap De Esch (demo)", "vo", "DEMO03", "Stichting Esch", 1),
    DemoSchool("Lyceum Wierden (demo)", "vo", "DEMO04", "Stichting Wierden", 0),
    DemoSchool(
        "Vakcollege Hengelo (demo)", "vo", "DEMO05", "Stichting Vakcollege", 10, "volgschool"
    ),
    DemoSchool("Twents Carmel Lyceum (demo)", "vo", "DEMO06", "Stichting Carmelcollege", 8),
    DemoSchool("Bornerbroek College (demo)", "vo", "DEMO07", "Stichting Borne", 2),
]


STEP_DAYS = 18  # days between two steps of a demo school
REVISION_DAYS = 9  # Het Noordik's second plan, after its last step


def demo_start(today: date) -> Callable[[int, DemoSchool], datetime]:
    """Starts that date the demo relative to ``today``: each school's last step falls a
    few days ago (the first school two days ago, the next a day earlier, …), so its open
    deadlines lie ahead and the scheduler has nothing to send or carry out the moment the
    app starts."""

    def start(index: int, school: DemoSchool) -> datetime:
        taken = school.steps + (1 if school.outcome else 0)
        days = STEP_DAYS * taken + (REVISION_DAYS if school.brin == "DEMO01" else 0)
        last = today - timedelta(days=2 + index)
        return datetime.combine(last - timedelta(days=days), time(9, 0), LOCAL_TZ)

    return start


def seed_demo(
    app: Toetreding,
    start: datetime | Callable[[int, DemoSchool], datetime],
    protocols_dir: str | Path,
) -> bool:
    """Fill an empty database with the demo partnership; returns False if data exists.
    ``start``: one moment the schools start a week apart from (fixed data for tests), or
    per school its start (:func:`demo_start`)."""
    if app.partnerships():
        return False
    first = start if isinstance(start, datetime) else start(0, SCHOOLS[0])
    clock = FixedClock(first)
    demo = app.with_clock(clock)
    desk = AuditDesk(demo, protocols_dir)
    code, name = PARTNERSHIP
    demo.add_partnership(code, name)
    for person, email, role in STAFF:
        demo.add_person(person, email, partnership_ref=code, roles=(role,))
    for index, school in enumerate(SCHOOLS):
        if isinstance(start, datetime):
            clock.set(start + timedelta(days=7 * index))
        else:
            clock.set(start(index, school))
        _walk(desk, clock, school)
    return True


def _walk(desk: AuditDesk, clock: FixedClock, school: DemoSchool) -> None:
    app = desk.app
    code = PARTNERSHIP[0]
    partnership = app.partnership(code)
    app.add_school(
        SchoolCreate(
            partnership_id=partnership.id,
            name=school.name,
            sector=Sector(school.sector),
            region=Region.MIDDEN,
            brin=school.brin,
            board=school.board,
        )
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
        clock.advance(timedelta(days=STEP_DAYS))
        actor = contact if who == "school" else next(e for _, e, r in STAFF if r == who)
        if "auditdatum" in inputs:  # the audit takes place twelve days after it is planned
            inputs = {**inputs, "auditdatum": (clock.now() + timedelta(days=12)).date()}
        inputs = _with_files(app, case_id, trigger, inputs, school)
        _audit_work(desk, case_id, trigger, school.outcome or "partner", contact)
        app.fire(case_id, trigger, actor_ref=actor, inputs=inputs, note=note)
    if school.brin == "DEMO01":  # a second version of its plan, after the steering group read it
        clock.advance(timedelta(days=REVISION_DAYS))
        revised = {"plan_van_aanpak": "plan-van-aanpak-v2.pdf"}
        staged = _with_files(app, case_id, "plan_van_aanpak_indienen", revised, school)
        app.add_version(case_id, "plan_van_aanpak", [staged["plan_van_aanpak"]], actor_ref=contact)


def _with_files(
    app: Toetreding, case_id: int, trigger: str, inputs: dict[str, Any], school: DemoSchool
) -> dict[str, Any]:
    """The step's document inputs as small generated PDFs named as in FULL_PATH."""
    spec = app.spec_of(app.case(case_id))
    labels = artefact_labels(spec)
    documents = {
        i.name
        for t in spec.transitions
        if t.trigger == trigger
        for i in t.inputs
        if i.kind is InputKind.DOCUMENT
    }
    result = dict(inputs)
    for name in documents & set(inputs):
        title = f"{labels[name]} — {school.name}"
        lines = [
            f"{school.name}, schoolbestuur {school.board}.",
            f"Datum: {app.clock.now():%d-%m-%Y}.",
            "Demobestand, gemaakt door 'toetreding demo'; de inhoud is verzonnen.",
            *DEMO_TEXT.get(name, ()),
        ]
        result[name] = app.stage_bytes(str(inputs[name]), sample_pdf(title, lines))
    return result


DEMO_TEXT: dict[str, tuple[str, ...]] = {
    "zelfevaluatie": (
        "1. Visie op opleiden in de school en de relatie met het partnerschap.",
        "2. Personele inzet: schoolopleider, werkplekbegeleiders, scholing.",
        "3. Per NVAO-criterium: stand van zaken en ontwikkelpunten.",
    ),
    "vervolgzelfevaluatie": (
        "Per NVAO-criterium: wat er sinds de start als samenwerkingsschool is veranderd.",
        "Bijlage: evaluaties van studenten 2025-2026.",
    ),
    "plan_van_aanpak": (
        "Doelen per voorwaarde tot toetreding, acties, verantwoordelijken en planning.",
    ),
}


def _audit_work(desk: AuditDesk, case_id: int, trigger: str, advice: str, contact: str) -> None:
    """What the committee and the school record before the protocol's report steps."""
    chair = COMMITTEE[0][0]
    if trigger == "concept_rapport_opstellen":
        desk.open(case_id, actor_ref=STAFF[1][1])
        for email, partner, role in COMMITTEE:
            desk.add_member(
                case_id, person_ref=email, partner=partner, role=role, actor_ref=STAFF[1][1]
            )
        _interviews(desk, case_id, chair)
        for criterion, (evidence, strengths, development) in FINDINGS.items():
            level = LEVELS[advice].get(criterion, "voldoende")
            finding = NewFinding(criterion, level, evidence, strengths, development, "management")
            desk.score(case_id, finding, actor_ref=chair)
        desk.draft_report(case_id, actor_ref=chair)
    elif trigger == "correcties_indienen":
        desk.submit_correction(
            case_id,
            "Het aantal getrainde werkplekbegeleiders is zes, niet vier.",
            criterion_id="2.1",
            actor_ref=contact,
        )
    elif trigger == "rapport_vaststellen":
        for item in desk.corrections(case_id):
            desk.decide_correction(
                case_id,
                item.correction.id or 0,
                accept=True,
                reason="Klopt; aangepast in de tekst, de score blijft.",
                actor_ref=chair,
            )
        desk.finalize(case_id, actor_ref=chair)


def _interviews(desk: AuditDesk, case_id: int, chair: str) -> None:
    day = desk.app.clock.now().date()
    groups = {
        "management": ["Directeur onderwijs", "Schoolbrede schoolopleider"],
        "begeleiders": ["Twee schoolopleiders", "Drie werkplekbegeleiders"],
        "docenten": ["Vier studenten", "Twee startende docenten"],
    }
    for group, attendees in groups.items():
        desk.add_interview(case_id, group=group, held_on=day, attendees=attendees, actor_ref=chair)
