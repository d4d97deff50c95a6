"""Spreadsheets through the command line on the demo database (a real SQLite file): the
case list, the agenda and an audit's scores exported as XLSX/CSV and opened as a user would,
and ``toetreding import`` with its dry run."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook

from .helpers import run, run_json

COORDINATOR = "coordinator@part2.example"


def open_xlsx(path: Path) -> list[list[object]]:
    ws = load_workbook(io.BytesIO(path.read_bytes())).active
    assert ws is not None
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_the_case_list_agenda_and_audit_scores_as_spreadsheets(db: Path, tmp_path: Path) -> None:
    run("demo")
    cases = tmp_path / "dossiers.xlsx"
    assert "7 regel(s) geschreven" in run("case", "list", "--export", "xlsx", "-o", str(cases))
    nowhere = str(tmp_path / "ontbreekt" / "dossiers.csv")
    refused = run("case", "list", "--export", "csv", "-o", nowhere, code=1)
    assert refused.startswith("Fout: bestand of map") and "bestaat niet" in refused
    rows = open_xlsx(cases)
    assert rows[0][:3] == ["Dossier", "School", "Protocol"]
    by_school = {row[1]: row for row in rows[1:]}
    assert len(by_school) == 7
    hengelo = by_school["Vakcollege Hengelo (demo)"]
    assert hengelo[2] == "Partnerschap 2 — protocol voor uitbreiding"
    assert hengelo[5:7] == ["Volgschool", "nee"]  # a volgschool is audited again
    assert by_school["ROC Twente Techniek (demo)"][6] == "ja"
    assert by_school["Lyceum Wierden (demo)"][5:7] == ["Oriënterend gesprek", "nee"]

    agenda = tmp_path / "agenda.csv"
    run("agenda", "--export", "csv", "-o", str(agenda))
    lines = agenda.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "Uiterlijk;Dagen over;Status;School;Dossier;Stap;Wat;Wie"
    assert any(";Twents Carmel Lyceum (demo);6;" in line for line in lines[1:])

    scores = tmp_path / "audit.xlsx"
    run("audit", "show", "5", "--export", "xlsx", "-o", str(scores))
    rows = open_xlsx(scores)
    assert rows[0][:5] == ["Domein", "Nummer", "Criterium", "Score", "Onderbouwing"]
    assert len(rows) == 13  # the header and the twelve criteria of the NVAO framework
    assert all(row[3] for row in rows[1:])  # case 5's audit is complete: every one scored

    # Seed 001, Case D: the aspirant school is an éénpitter, not one of the Carmel schools.
    boards = {s["name"]: s["board"] for s in run_json("school", "list")}
    assert boards["Het Noordik (demo)"] == "Stichting Het Noordik (éénpitter)"
    assert boards["Twents Carmel Lyceum (demo)"] == "Stichting Carmelcollege"


def test_import_dry_run_then_import(db: Path, tmp_path: Path) -> None:
    run("demo")
    path = tmp_path / "scholen.csv"
    path.write_text(
        "naam;brin;sector;regio;bestuur\n"
        "Nieuwe School;30XY;vo;midden;Stichting Nieuw\n"
        "Kapot;31AA;hbo;midden;\n",
        encoding="utf-8",
    )
    args = ("import", "schools", str(path), "-p", "part2", "--by", COORDINATOR)
    dry = run(*args, "--dry-run", code=1)
    assert "school Nieuwe School (30XY)" in dry
    assert "sector 'hbo' bestaat niet" in dry and "er is niets ingelezen" in dry
    run(*args, code=1)
    assert "30XY" not in run("school", "list")
    path.write_text(
        path.read_text(encoding="utf-8").splitlines()[0] + "\n"
        "Nieuwe School;30XY;vo;midden;Stichting Nieuw\n",
        encoding="utf-8",
    )
    assert "Proefrun: 1 toe te voegen" in run(*args, "--dry-run")
    assert "Ingelezen: 1 toegevoegd, 0 gewijzigd" in run(*args)
    assert "30XY" in run("school", "list")
    missing = run(
        "import", "people", str(tmp_path / "weg.csv"), "-p", "part2", "--by", COORDINATOR, code=1
    )
    assert "bestaat niet" in missing and "Traceback" not in missing
