"""Helpers several test modules share: editing YAML text, finding lines, running the CLI."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from toetreding.audits import AuditDesk, NewFinding
from toetreding.calendar import Region
from toetreding.cli import app
from toetreding.definition import Sector
from toetreding.files import StagedFile, sample_pdf
from toetreding.service import Toetreding
from toetreding.store.tables import SchoolCreate

Writer = Callable[..., Path]  # write(text, name="file.yaml") -> the written file

_runner = CliRunner()


def edit(text: str, old: str, new: str) -> str:
    """Replace the one occurrence of ``old``; fails loudly if the helper text drifted."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def line_of(text: str, needle: str, occurrence: int = 0) -> int:
    """1-based number of the line containing ``needle`` (the n-th such line)."""
    found = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(found) > occurrence, f"{needle!r} not found {occurrence + 1} times"
    return found[occurrence]


def run(*args: str, code: int = 0) -> str:
    """Run ``toetreding ARGS``; assert the exit code and return stdout plus stderr."""
    result = _runner.invoke(app, list(args))
    output = result.stdout + (result.stderr or "")
    assert result.exit_code == code, output
    return output


def run_json(*args: str) -> Any:
    """Run ``toetreding ARGS --json`` and return the parsed output."""
    return json.loads(run(*args, "--json"))


# --- audits on the NVAO framework -------------------------------------------------------------

NVAO_CRITERIA = (
    "gerealiseerd_niveau",
    *("1.1", "1.2", "1.3", "1.4", "1.5"),
    *("2.1", "2.2"),
    "3.1",
    *("4.1", "4.2", "4.3"),
)
AUDIT_GROUPS = ("management", "begeleiders", "docenten")


def nvao_scores(advice: str) -> dict[str, str]:
    """Scores on every NVAO criterion that lead to ``advice`` under the shipped rules."""
    scores = dict.fromkeys(NVAO_CRITERIA, "voldoende")
    scores["1.2"] = scores["4.1"] = "goed"
    if advice == "volgschool":
        scores["2.1"] = "onvoldoende_reparabel"
    elif advice == "niet_toelaatbaar":
        scores["gerealiseerd_niveau"] = "onvoldoende_reparabel"
        scores["3.1"] = "voldoet_niet"
    return scores


def record_audit(
    desk: AuditDesk,
    case_id: int,
    *,
    organiser: str,
    members: Sequence[tuple[str, str]],
    scores: Mapping[str, str],
) -> None:
    """Open the case's audit with a committee, hold the three interviews, score everything."""
    desk.open(case_id, actor_ref=organiser)
    for email, partner in members:
        desk.add_member(case_id, person_ref=email, partner=partner, actor_ref=organiser)
    chair = members[0][0]
    day = desk.app.clock.now().date()
    for group in AUDIT_GROUPS:
        desk.add_interview(
            case_id, group=group, held_on=day, attendees=[f"Deelnemer {group}"], actor_ref=chair
        )
    for criterion, level in scores.items():
        finding = NewFinding(
            criterion,
            level,
            f"Vervolgzelfevaluatie en gesprekken over {criterion}",
            development="Borgen in het jaarplan" if level != "goed" else None,
            interview_group="management",
        )
        desk.score(case_id, finding, actor_ref=chair)


def part2_with_noordik(app: Toetreding, school_contact: str) -> None:
    """Partnership part2 with one school, Het Noordik (NOORD1), and its contact (role school)."""
    partnership = app.store.add_partnership("part2", "Partnerschap 2", app.clock.now())
    app.store.add_school(
        SchoolCreate(
            partnership_id=partnership.id or 0,
            name="Het Noordik",
            sector=Sector.VO,
            region=Region.MIDDEN,
            brin="NOORD1",
        ),
        app.clock.now(),
    )
    app.add_person(
        "Sam", school_contact, partnership_ref="part2", roles=("school",), school_ref="NOORD1"
    )


def walk_to_audit(app: Toetreding, case: int, stuurgroep: str, school: str) -> None:
    """Walk a Partnerschap 2 case to the planned audit, today being the audit day."""
    walk = [
        ("orientatie_afronden", stuurgroep, {"verslag_orientatie": "v.pdf"}),
        ("zelfevaluatie_indienen", school, {"zelfevaluatie": "z.pdf", "paginas": 8}),
        ("traject_inzetten", stuurgroep, {"besluit_stuurgroep": "b.pdf", "voorwaarden": "v"}),
        ("voorwaarden_accepteren", school, {"akkoord": "ja", "akkoordverklaring": "a.pdf"}),
        ("plan_van_aanpak_indienen", school, {"plan_van_aanpak": "p.pdf"}),
        ("audit_aanvragen", school, {"vervolgzelfevaluatie": "vz.pdf"}),
    ]
    for trigger, actor, inputs in walk:
        app.fire(
            case, trigger, actor_ref=actor, inputs=with_pdfs(app, case, trigger, inputs), note="n"
        )
    today = app.clock.now().date()
    app.fire(case, "audit_inplannen", actor_ref=stuurgroep, inputs={"auditdatum": today})


# --- uploaded files ---------------------------------------------------------------------------


def pdf(app: Toetreding, name: str = "stuk.pdf", text: str | None = None) -> StagedFile:
    """A small real PDF staged for ``app``: what a document input takes."""
    return app.stage_bytes(name, sample_pdf(text or name))


def with_pdfs(
    app: Toetreding, case_id: int, trigger: str, inputs: Mapping[str, Any]
) -> dict[str, Any]:
    """``inputs`` with every document input of ``trigger`` given by name (``"v.pdf"``) made a
    small real PDF of that name, as a person would upload it."""
    spec = app.spec_of(app.case(case_id))
    documents = {
        i.name for t in spec.transitions if t.trigger == trigger for i in t.inputs
        if i.kind == "document"
    }  # fmt: skip
    return {
        name: pdf(app, value) if name in documents and isinstance(value, str) else value
        for name, value in inputs.items()
    }


#: The summer vacations of 2025-2026 (test data, not shipped). The tests' clock starts on
#: 1 September 2026: a count in working days from then reaches that summer's window, so it
#: waits ("datum volgt") unless the vacation is entered; all of them ended by 30 August.
SUMMER_2026 = {
    "noord": (date(2026, 7, 4), date(2026, 8, 16)),
    "midden": (date(2026, 7, 18), date(2026, 8, 30)),
    "zuid": (date(2026, 7, 11), date(2026, 8, 23)),
}


def summer_2026_entered(app: Toetreding) -> Toetreding:
    """``app`` with the summer vacations of 2025-2026 entered (:data:`SUMMER_2026`)."""
    app.set_summer_vacations(
        "2025-2026", SUMMER_2026, source="https://www.rijksoverheid.nl/schoolvakanties", by=None
    )
    return app
