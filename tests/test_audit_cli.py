"""The audit, report and letter commands on the demo database (a real SQLite file)."""

from __future__ import annotations

import os
from pathlib import Path

import pypdfium2

from toetreding.files import sample_pdf

from .helpers import run, run_json

CHAIR = "audit@part2.example"
STUURGROEP = "stuurgroep@part2.example"


def test_audit_commands_show_what_the_committee_recorded(db: Path, tmp_path: Path) -> None:
    run("demo")
    cases = {c["school_name"]: c["id"] for c in run_json("case", "list")}
    volgschool = cases["Vakcollege Hengelo (demo)"]

    audit = run_json("audit", "show", str(volgschool))
    assert audit["advice"]["outcome"] == "volgschool"
    assert [m["partner"] for m in audit["members"]] == ["Hogeschool Saxion", "Het Erasmus Almelo"]
    assert [r["final"] for r in audit["reports"]] == [False, True]
    assert run_json("audit", "advise", str(volgschool))["label"] == "Toelaatbaar als volgschool"
    history = run_json("audit", "show", str(volgschool), "--history", "2.1")
    assert [f["level"] for f in history] == ["onvoldoende_reparabel"]

    html = tmp_path / "rapport.html"
    run("report", "render", str(volgschool), "--format", "html", "--output", str(html))
    text = html.read_text(encoding="utf-8")
    assert "Vakcollege Hengelo (demo)" in text and "Toelaatbaar als volgschool" in text
    first = run_json("report", "show", str(volgschool), "--audit", "1", "--version", "1")
    assert first["final"] is False and first["advice_outcome"] == "volgschool"
    out = run("report", "show", str(volgschool), "--audit", "2", code=1)
    assert f"dossier {volgschool} heeft geen audit 2" in out

    pdf = tmp_path / "brief.pdf"
    run("letter", "render", str(volgschool), "--output", str(pdf))
    letter = "".join(p.get_textpage().get_text_range() for p in pypdfium2.PdfDocument(pdf))
    assert "toelaatbaar als volgschool" in letter and "2.1" in letter


def test_audit_commands_refuse_with_the_reason(db: Path) -> None:
    run("demo")
    cases = {c["school_name"]: c["id"] for c in run_json("case", "list")}
    early = cases["Lyceum Wierden (demo)"]  # still at the orientation talk
    out = run("audit", "open", str(early), "--as", "stuurgroep@part2.example", code=1)
    assert "een audit openen kan in stap 'Interne audit gepland'" in out
    out = run("report", "draft", str(early), "--as", CHAIR, code=1)
    assert "een concept-rapport opstellen kan in stap" in out
    out = run("letter", "render", str(early), code=1)
    assert "heeft nog geen toelatingsbesluit" in out


def planned_audit() -> str:
    """The demo's Het Noordik taken to the planned audit, opened, with CHAIR on the committee."""
    run("demo")
    case = str({c["school_name"]: c["id"] for c in run_json("case", "list")}["Het Noordik (demo)"])
    follow_up = (
        Path(os.environ["TOETREDING_DATABASE_URL"].removeprefix("sqlite:///")).parent / "v.pdf"
    )
    follow_up.write_bytes(sample_pdf("Vervolgzelfevaluatie"))
    school = "contact@demo01.example"
    run("case", "fire", case, "audit_aanvragen", "--as", school, "--doc", str(follow_up))
    planned = ("--input", "auditdatum=2026-12-07")
    run("case", "fire", case, "audit_inplannen", "--as", STUURGROEP, *planned)
    opened = run("audit", "open", case, "--as", STUURGROEP)
    # the framework by its title and "versie", never "nvao-opleidingsschool-2009 v2"
    assert "op kader 'NVAO-toetsingskader opleidingsschool (2009)' versie 2." in opened
    assert "nvao-" not in opened
    member = ("--person", CHAIR, "--partner", "Saxion")
    run("audit", "member", "add", case, *member, "--as", STUURGROEP)
    return case


def test_interviews_are_recorded_and_findings_name_them_by_group(db: Path) -> None:
    case = planned_audit()
    interview = ("--group", "management", "--date", "2026-12-07", "--attendee", "Directie")
    out = run("audit", "interview", "add", case, *interview, "--as", CHAIR)
    said = "Gesprek met 'Management en schoolbrede schoolopleider' op 07-12-2026 vastgelegd"
    assert f"{said} (1 deelnemers)." in " ".join(out.split())  # the group's label, not its name
    finding = ("2.1", "voldoende", "--evidence", "Gehoord", "--interview", "management")
    run("audit", "score", case, *finding, "--as", CHAIR)

    audit = run_json("audit", "show", case)
    groups = {i["id"]: i["group_name"] for i in audit["interviews"]}
    assert list(groups.values()) == ["management"]
    assert groups[audit["findings"]["2.1"]["interview_id"]] == "management"


def test_the_old_session_names_still_work_but_are_not_offered(db: Path) -> None:
    case = planned_audit()
    interview = ("--group", "docenten", "--date", "2026-12-07", "--attendee", "Lotte")
    out = run("audit", "session", "add", case, *interview, "--as", CHAIR)
    assert "Let op: het commando 'session' is verouderd. Gebruik 'audit interview'." in out
    assert "Deprecat" not in out and "deprecated" not in out
    finding = ("1.1", "goed", "--evidence", "Gezien", "--session", "docenten")
    assert "--session heet nu --interview" in run("audit", "score", case, *finding, "--as", CHAIR)
    both = ("1.2", "goed", "--evidence", "Gezien", "--session", "docenten", "--interview", "x")
    out = run("audit", "score", case, *both, "--as", CHAIR, code=1)
    assert "geef het gesprek één keer" in out

    audit = run_json("audit", "show", case)
    assert [i["group_name"] for i in audit["interviews"]] == ["docenten"]
    assert audit["findings"]["1.1"]["interview_id"] == audit["interviews"][0]["id"]
    help_text = run("audit", "--help") + run("audit", "score", "--help")
    assert "interview" in help_text and "session" not in help_text


def test_the_committee_and_the_unscored_criteria_are_named_in_words(db: Path) -> None:
    case = planned_audit()
    people = {p["email"]: p for p in run_json("person", "list")}
    ineke = str(people["kerngroep@part2.example"]["id"])
    member = ("--person", ineke, "--partner", "Het Erasmus", "--as", STUURGROEP)
    added = run("audit", "member", "add", case, *member)
    assert f"Ineke Bosman zit in de auditcommissie van dossier {case}." in added
    assert f"{ineke} zit in" not in added

    shown = run("audit", "show", case)
    unscored = " ".join(shown.split("Nog niet gescoord:")[1].split())
    assert unscored.startswith("Gerealiseerd niveau, 1.1 ")
    assert "gerealiseerd_niveau" not in shown  # neither in the table nor in the list
