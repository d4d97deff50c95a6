"""A Partnerschap 2 case walked end to end, audit included, as ``engine_throughput.py`` does it.

The path to 'partner' with the inputs ``protocols/partnerschap2.yaml`` asks for, who fires
each step, the audit desk's work before the report steps, and a database of N open cases
(the setup, which is not measured). A document input is a small PDF, different for every
case (so every step that asks for one really writes a file).
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from _setup import PROTOCOLS, checkpoint, protocols, sqlite_app
from toetreding.audits import AuditDesk, NewFinding
from toetreding.calendar import Region
from toetreding.clock import LOCAL_TZ, FixedClock
from toetreding.definition import InputKind, Sector
from toetreding.files import sample_pdf
from toetreding.service import Toetreding
from toetreding.store import SchoolCreate

PROTOCOL = "partnerschap2"
START = datetime(2026, 9, 1, 9, 0, tzinfo=LOCAL_TZ)  # a Tuesday; the cases open the day before
SEED = 20260901  # the shuffled order of the cases in each step


@dataclass(frozen=True)
class Step:
    trigger: str
    actor: str  # "school" (the case's own contact) or one of STAFF
    to_state: str
    day: int  # days after START
    inputs: dict[str, Any]
    note: str | None = None


AUDIT_DAY = 183  # Wednesday 3 March 2027, two weeks after it is planned
# The full path to 'partner'; inputs as protocols/partnerschap2.yaml asks for them.
PATH = (
    Step(
        "orientatie_afronden",
        "coordinator",
        "zelfevaluatie",
        1,
        {"verslag_orientatie": "verslag-orientatie.pdf"},
        "Genoeg aanknopingspunten",
    ),
    Step(
        "zelfevaluatie_indienen",
        "school",
        "bespreking_stuurgroep",
        29,
        {"zelfevaluatie": "zelfevaluatie.pdf", "paginas": 8},
    ),
    Step(
        "traject_inzetten",
        "stuurgroep",
        "voorwaarden_gesteld",
        57,
        {"besluit_stuurgroep": "besluit.pdf", "voorwaarden": "Twee schoolopleiders aanstellen"},
        "Zelfevaluatie is overtuigend",
    ),
    Step(
        "voorwaarden_accepteren",
        "school",
        "plan_van_aanpak",
        85,
        {"akkoord": "ja", "akkoordverklaring": "akkoord.pdf"},
    ),
    Step(
        "plan_van_aanpak_indienen",
        "school",
        "samenwerkingsschool",
        113,
        {"plan_van_aanpak": "pva.pdf"},
    ),
    Step(
        "audit_aanvragen",
        "school",
        "audit_aangevraagd",
        141,
        {"vervolgzelfevaluatie": "vervolg.pdf"},
    ),
    Step(
        "audit_inplannen",
        "coordinator",
        "audit_gepland",
        169,
        {"auditdatum": (START + timedelta(days=AUDIT_DAY)).date().isoformat()},
    ),
    # The audit desk's work comes before each of the next three steps (AuditWork).
    Step("concept_rapport_opstellen", "auditcommissie", "concept_rapport", 190, {}),
    Step("correcties_indienen", "school", "rapport_vaststellen", 196, {}),
    Step("rapport_vaststellen", "auditcommissie", "besluitvorming", 204, {}),
    Step(
        "besluit_partner",
        "stuurgroep",
        "partner",
        232,
        {"besluitbrief": "besluitbrief.pdf"},
        "Voldoet aan alle criteria",
    ),
)
INITIAL = "orientatie"
FINAL = PATH[-1].to_state
# Who acts for the partnership, with their role; the chair of the audit committee fires the
# committee's steps, the second member comes from another partner.
STAFF = {
    "coordinator": "coordinator",
    "stuurgroep": "stuurgroep",
    "auditcommissie": "auditcommissie",
    "auditlid": "auditcommissie",
}
COMMITTEE = (
    ("auditcommissie", "Hogeschool Saxion", "voorzitter"),
    ("auditlid", "Het Erasmus Almelo", "lid"),
)


# The days (after START) of the audit desk's work before these steps: the audit itself, the
# school's reaction to the draft, the committee's meeting on the final report.
DESK_DAYS = {
    "concept_rapport_opstellen": AUDIT_DAY,
    "correcties_indienen": 195,
    "rapport_vaststellen": 203,
}


def documents(index: int) -> list[str]:
    """The document inputs step ``index`` of the path gives (in the path's order)."""
    transition = next(
        t
        for t in protocols().get(PROTOCOL).transitions
        if t.trigger == PATH[index].trigger and source(index) in t.source
    )
    kinds = {i.name: i.kind for i in transition.inputs}
    return [name for name in PATH[index].inputs if kinds.get(name) is InputKind.DOCUMENT]


def document_bytes(index: int, name: str, case_id: int) -> bytes:
    """The PDF case ``case_id`` hands in for input ``name`` at step ``index``."""
    return sample_pdf(f"{PATH[index].inputs[name]} van dossier {case_id}", ["Benchmark."])


def files_folder(db: Path) -> Path:
    """Each database copy keeps its files apart (content-addressed: a shared folder would
    let the second driver find every file written already)."""
    return db.with_name(f"{db.stem}-bestanden")


def moment(index: int) -> datetime:
    """When step ``index`` of the path is fired."""
    return START + timedelta(days=PATH[index].day)


def source(index: int) -> str:
    """The state step ``index`` of the path leaves."""
    return PATH[index - 1].to_state if index else INITIAL


# --- setup (not measured) -----------------------------------------------------------------


@dataclass(frozen=True)
class Fixture:
    """A migrated database file with N open cases, and who acts on each."""

    db: Path
    people: dict[str, int]  # key of STAFF -> person id
    cases: list[tuple[int, int]]  # (case id, person id of the school's contact)


def build_fixture(db: Path, n: int) -> Fixture:
    """Partnership, staff, N vo-schools with one contact each, N open cases."""
    clock = FixedClock(START - timedelta(days=1))
    app = sqlite_app(db, clock, durable=False)
    people, cases = populate(app, n)
    app.store.engine.dispose()
    checkpoint(db)
    return Fixture(db, people, cases)


def populate(app: Toetreding, n: int) -> tuple[dict[str, int], list[tuple[int, int]]]:
    """Into the empty database of ``app``: the partnership, its staff, N vo-schools with one
    contact each and N open cases; (people, cases) as ``Fixture`` holds them."""
    store, now = app.store, app.clock.now()
    partnership = store.add_partnership("part2", "Partnerschap 2 (Almelo)", now)
    assert partnership.id is not None
    people = {}
    for key, role in STAFF.items():
        email = f"{key}@part2.nl"
        person = app.add_person(key.title(), email, partnership_ref="part2", roles=(role,))
        assert person.id is not None
        people[key] = person.id
    cases = []
    for i in range(n):
        school = store.add_school(
            SchoolCreate(
                name=f"School {i:05d}",
                sector=Sector.VO,
                brin=f"{i:05d}X",
                region=Region.MIDDEN,
                partnership_id=partnership.id,
            ),
            now,
        )
        contact = store.add_person(f"Contact {i:05d}", f"contact{i}@school{i}.nl", now)
        assert school.id is not None and contact.id is not None
        app.grant_role(contact.id, partnership.id, "school", str(school.brin))
        case_id = app.open_case(
            school_ref=school.id, protocol_id=PROTOCOL, actor_ref=people["coordinator"]
        )
        cases.append((case_id, contact.id))
    return people, cases


def copy_of(fixture: Fixture, db: Path) -> Fixture:
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(fixture.db, db)
    return Fixture(db, fixture.people, fixture.cases)


def schedule(fixture: Fixture) -> list[list[tuple[int, int]]]:
    """Per step, every case once, in a shuffled (but reproducible) order."""
    return shuffled(fixture.cases)


def shuffled(cases: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """``schedule`` for these cases."""
    rng = random.Random(SEED)
    rounds = []
    for _ in PATH:
        order = list(cases)
        rng.shuffle(order)
        rounds.append(order)
    return rounds


# --- the audit desk's work between the steps ------------------------------------------------


class AuditWork:
    """What committee and school record through the audit desk before three of the steps."""

    def __init__(self, app: Toetreding, clock: FixedClock, people: dict[str, int]) -> None:
        self.desk = AuditDesk(app, PROTOCOLS)
        self.clock = clock  # the app's
        self.people = people
        audit = protocols().get(PROTOCOL).audit
        assert audit is not None, f"{PROTOCOL} has no audit section"
        self.groups = [group.name for group in audit.groups]
        self.criteria: list[str] = []  # the framework's, read from the first audit opened
        self.calls = 0

    def before_step(self, trigger: str, order: list[tuple[int, int]]) -> None:
        """The desk's work, if any, before ``trigger`` is fired for the cases of ``order``."""
        day = DESK_DAYS.get(trigger)
        if day is None:
            return
        self.clock.set(START + timedelta(days=day))
        for case_id, contact in order:
            if trigger == "concept_rapport_opstellen":
                self.audit_and_draft(case_id)
            elif trigger == "correcties_indienen":
                self.correction(case_id, contact)
            else:
                self.final_report(case_id)

    def audit_and_draft(self, case_id: int) -> None:
        """Open the audit with its committee, three interviews, every criterion, the draft."""
        desk, people = self.desk, self.people
        organiser, chair = people["coordinator"], people["auditcommissie"]
        desk.open(case_id, actor_ref=organiser)
        for key, partner, role in COMMITTEE:
            member = people[key]
            desk.add_member(
                case_id, person_ref=member, partner=partner, role=role, actor_ref=organiser
            )
        day = self.clock.now().date()
        for group in self.groups:
            desk.add_interview(
                case_id, group=group, held_on=day, attendees=[f"Deelnemer {group}"], actor_ref=chair
            )
        self.calls += 1 + len(COMMITTEE) + len(self.groups)
        if not self.criteria:
            self.criteria = desk.view(case_id).unscored  # all of them, as none is scored yet
            self.calls += 1
        for criterion in self.criteria:  # every criterion 'voldoende': the advice is 'partner'
            evidence = f"Vervolgzelfevaluatie en gesprekken over {criterion}"
            finding = NewFinding(criterion, "voldoende", evidence, interview_group=self.groups[0])
            desk.score(case_id, finding, actor_ref=chair)
        desk.draft_report(case_id, actor_ref=chair)
        self.calls += len(self.criteria) + 1

    def correction(self, case_id: int, contact: int) -> None:
        text = "Er zijn zes getrainde werkplekbegeleiders, geen vier."
        self.desk.submit_correction(case_id, text, actor_ref=contact)
        self.calls += 1

    def final_report(self, case_id: int) -> None:
        """The committee reads the corrections, takes each over and fixes the final report."""
        desk, chair = self.desk, self.people["auditcommissie"]
        reason = "Klopt; aangepast in de tekst, de score blijft."
        corrections = desk.corrections(case_id)
        for item in corrections:
            number = item.correction.id or 0
            desk.decide_correction(case_id, number, accept=True, reason=reason, actor_ref=chair)
        desk.finalize(case_id, actor_ref=chair)
        self.calls += 2 + len(corrections)
