"""The audit, report and letter commands on the demo database (a real SQLite file)."""

from __future__ import annotations

from pathlib import Path

import pypdfium2

from .helpers import run, run_json

CHAIR = "audit@part2.example"


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
