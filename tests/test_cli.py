"""The ``toetreding`` command line as a coordinator uses it, on a real SQLite file."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from toetreding.files import sample_pdf

from .conftest import PROTOCOLS
from .helpers import run, run_json


def pdf_file(folder: Path, name: str) -> str:
    """A real PDF at ``folder/name``; its path, as ``--doc`` takes it."""
    path = folder / name
    path.write_bytes(sample_pdf(name))
    return str(path)


def register(db: Path) -> None:
    run("partnership", "add", "part2", "Partnerschap 2")
    run(
        "school",
        "add",
        "-p",
        "part2",
        "--name",
        "Het Noordik",
        "--sector",
        "vo",
        "--region",
        "midden",
        "--brin",
        "20AB",
        "--board",
        "Carmelcollege",
    )
    run(
        "person",
        "add",
        "--name",
        "Carla",
        "--email",
        "carla@p2.nl",
        "-p",
        "part2",
        "--role",
        "coordinator",
    )
    run(
        "person",
        "add",
        "--name",
        "Hans",
        "--email",
        "hans@p2.nl",
        "-p",
        "part2",
        "--role",
        "stuurgroep",
    )
    run(
        "person",
        "add",
        "--name",
        "Sam",
        "--email",
        "sam@noordik.nl",
        "-p",
        "part2",
        "--role",
        "school",
        "--school",
        "20AB",
    )


def test_a_coordinator_registers_and_moves_a_case(db: Path) -> None:
    register(db)
    out = run(
        "case",
        "open",
        "--school",
        "20AB",
        "--protocol",
        "partnerschap2",
        "--as",
        "carla@p2.nl",
        "--at",
        "2026-09-01T10:00",
    )
    assert "Dossier 1 geopend voor Het Noordik" in out
    folder = db.parent
    run(
        "case",
        "fire",
        "1",
        "orientatie_afronden",
        "--as",
        "carla@p2.nl",
        "--doc",
        pdf_file(folder, "verslag-gesprek.pdf"),
        "--note",
        "Goed gesprek",
        "--at",
        "2026-09-08",
    )
    run(
        "case",
        "fire",
        "1",
        "zelfevaluatie_indienen",
        "--as",
        "sam@noordik.nl",
        "--doc",
        f"zelfevaluatie={pdf_file(folder, 'ze.pdf')}",
        "--input",
        "paginas=9",
        "--at",
        "2026-10-01",
    )
    run(
        "case",
        "fire",
        "1",
        "traject_inzetten",
        "--as",
        "hans@p2.nl",
        "--doc",
        f"besluit_stuurgroep={pdf_file(folder, 'b.pdf')}",
        "--input",
        "voorwaarden=Schoolopleider aanstellen",
        "--note",
        "Basis is er",
        "--at",
        "2026-10-15",
    )
    out = run(
        "case",
        "fire",
        "1",
        "voorwaarden_accepteren",
        "--as",
        "sam@noordik.nl",
        "--confirm",
        "akkoord",
        "--doc",
        f"akkoordverklaring={pdf_file(folder, 'a.pdf')}",
        "--at",
        "2026-10-20",
    )
    assert "(Ontwikkel)plan van aanpak schrijven" in out

    shown = run_json("case", "show", "1")
    assert shown["state"] == "plan_van_aanpak" and shown["step"] == 4
    assert [h["trigger"] for h in shown["history"]] == [
        "openen",
        "orientatie_afronden",
        "zelfevaluatie_indienen",
        "traject_inzetten",
        "voorwaarden_accepteren",
    ]
    second = shown["history"][1]
    assert second["actor"] == "Carla" and second["role"] == "coordinator"
    assert second["note"] == "Goed gesprek"
    [report] = second["payload"]["verslag_orientatie"]
    assert report["name"] == "verslag-gesprek.pdf" and report["file_id"] == 1
    assert second["at"].startswith("2026-09-08T00:00")
    assert shown["allowed"][0]["trigger"] in {"plan_van_aanpak_indienen", "stoppen"}

    text = run("case", "show", "1")
    assert "protocol voor uitbreiding, versie 3" in text and " v3" not in text.split("\n")[0]
    assert (
        "Geschiedenis" in text and "Voorwaarden tot toetreding: Schoolopleider aanstellen" in text
    )
    # the history names the steps by their labels, never by their identifiers
    assert "dossier geopend in 'Oriënterend gesprek'" in text
    assert "Oriënterend gesprek → Zelfevaluatie schrijven" in text

    listed = run_json("case", "list", "--state", "plan_van_aanpak")
    assert [c["school_name"] for c in listed] == ["Het Noordik"]
    counts = {c["state"]: c["count"] for c in run_json("overview")}
    assert counts["plan_van_aanpak"] == 1 and counts["orientatie"] == 0


def test_refused_trigger_exits_1_with_reason_and_allowed_triggers(db: Path) -> None:
    register(db)
    run("case", "open", "--school", "20AB", "--protocol", "partnerschap2", "--as", "carla@p2.nl")
    out = run("case", "fire", "1", "besluit_partner", "--as", "hans@p2.nl", "--note", "x", code=1)
    assert "Geweigerd" in out and "kan niet vanuit" in out
    # the protocol's words first (no identifiers), then the trigger to type after 'case fire'
    assert "'Besluit: toelaatbaar als partner' geweigerd voor dossier 1" in out
    assert "Nu toegestaan: Genoeg aanknopingspunten: door naar de zelfevaluatie" in out
    assert "[orientatie_afronden]" in out
    out = run("case", "fire", "1", "orientatie_afronden", "--as", "carla@p2.nl", code=1)
    assert "'Verslag van het oriënterend gesprek' ontbreekt" in out
    assert "Tip: --doc verslag_orientatie=PAD" in out  # how to give it here
    assert run_json("case", "show", "1")["state"] == "orientatie"


def test_firing_in_a_role_the_person_does_not_hold_is_refused(db: Path) -> None:
    register(db)
    run("case", "open", "--school", "20AB", "--protocol", "partnerschap2", "--as", "carla@p2.nl")
    out = run(
        "case",
        "fire",
        "1",
        "orientatie_afronden",
        "--as",
        "sam@noordik.nl",
        "--role",
        "coordinator",
        "--doc",
        f"verslag_orientatie={pdf_file(db.parent, 'v.pdf')}",
        code=1,
    )
    assert "Geweigerd: " in out
    assert "Sam heeft de rol 'Coördinator' niet voor dit dossier (wel: Aanvragende school)" in out
    shown = run_json("case", "show", "1")
    assert shown["state"] == "orientatie"
    assert [h["trigger"] for h in shown["history"]] == ["openen"]


def test_usage_errors_exit_2(db: Path) -> None:
    run("case", "fire", "1", "orientatie_afronden", code=2)  # --as missing
    run("school", "add", "-p", "x", "--name", "n", "--sector", "hbo", "--region", "midden", code=2)


def test_unknown_things_exit_1_with_a_dutch_message(db: Path) -> None:
    assert "bestaat niet" in run("case", "show", "99", code=1)
    run("partnership", "add", "part2", "P2")
    assert "bestaat al" in run("partnership", "add", "part2", "Nog een", code=1)
    out = run(
        "person", "add", "--name", "X", "--email", "x@x.nl", "-p", "part2", "--role", "baas", code=1
    )
    assert "onbekende rol 'baas'" in out
    assert run_json("person", "list") == []  # nothing half-registered
    added = run(
        "person", "add", "--name", "Y", "--email", "y@y.nl", "-p", "part2", "--role", "coordinator"
    )
    # the role's and the partnership's names, not the codes typed
    assert "met rol Coördinator / programmaleiding in P2." in added
    granted = run("person", "role", "y@y.nl", "-p", "part2", "--role", "stuurgroep")
    assert granted.strip() == "Rol Stuurgroep toegekend aan y@y.nl in P2."
    twice = run("person", "role", "y@y.nl", "-p", "part2", "--role", "coordinator", code=1)
    assert twice.strip() == "Fout: deze persoon heeft de rol 'Coördinator / programmaleiding' al"
    listed = run("person", "list")
    assert "Coördinator / programmaleiding" in listed and "coordinator" not in listed


def test_protocol_commands(db: Path, tmp_path: Path) -> None:
    listed = run_json("protocol", "list")
    assert any(p["id"] == "partnerschap2" and p["version"] == 2 for p in listed)
    shown = run_json("protocol", "show", "partnerschap2")
    assert shown["initial"] == "orientatie" and "besluitvorming" in shown["states"]
    assert "Oriënterend gesprek" in run("protocol", "show", "partnerschap2")
    # Where cases of version 2 land when moved to version 3; version 1 of po-groningen has none.
    mapping = run("protocol", "show", "partnerschap2").split("Overgang van versie 2")[1]
    assert "Besluitvorming in de stuurgroep" in mapping and "stap in versie 3" in mapping
    assert "Overgang van versie" not in run("protocol", "show", "po-groningen")

    good = Path(__file__).resolve().parent.parent / "protocols" / "partnerschap2.yaml"
    assert "✓" in run("protocol", "validate", str(good))
    bad = tmp_path / "kapot.yaml"
    bad.write_text(
        good.read_text(encoding="utf-8").replace(
            "  orientatie:\n", "  orientatie:\n    stap: 1\n", 1
        ),
        encoding="utf-8",
    )
    out = run("protocol", "validate", str(bad), code=1)
    assert f"{bad}:" in out and "onbekende sleutel 'stap'" in out and "toegestaan zijn" in out


def test_protocols_and_cases_are_named_by_title_and_versie_not_by_id_v(db: Path) -> None:
    """`protocol show/validate`, `init`, `case open` and `case list` name a protocol by its
    title and "versie 3"; its code only where one types it, as "(code: ...)"."""
    title = "Partnerschap 2 — protocol voor uitbreiding"
    said = {
        "show": run("protocol", "show", "partnerschap2"),
        "validate": run("protocol", "validate", str(PROTOCOLS / "partnerschap2.yaml")),
        "init": run("init"),
    }
    register(db)
    said["open"] = run(
        "case", "open", "--school", "20AB", "--protocol", "partnerschap2", "--as", "carla@p2.nl"
    )
    said["list"] = " ".join(run("case", "list").split())
    assert f"{title} versie 3 (code: partnerschap2;" in said["show"]
    assert f"'{title}' versie 3 (code: partnerschap2) —" in said["validate"]
    assert f"'{title}' versie 3 (code: partnerschap2)" in said["init"]
    assert f"geopend voor Het Noordik op '{title}' versie 3;" in said["open"]
    assert "(versie 3)" in said["list"] and "partnerschap2" not in said["list"]
    for words in said.values():
        assert re.search(r" v\d", words) is None, words


def test_demo_seeds_once_and_shows_the_overview(db: Path) -> None:
    first = run("demo")
    assert "Demogegevens aangemaakt" in first and "Partnerschap 2" in first
    second = run("demo")
    assert "Demogegevens aangemaakt" not in second
    cases = run_json("case", "list")
    assert len(cases) == 7
    assert {c["state"] for c in cases} >= {
        "orientatie",
        "partner",
        "volgschool",
        "samenwerkingsschool",
    }


def test_console_script_exit_codes(tmp_path: Path) -> None:
    env = {**os.environ, "TOETREDING_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    script = Path(sys.executable).parent / "toetreding"
    ok = subprocess.run([str(script), "init"], env=env, capture_output=True, text=True, check=False)
    assert ok.returncode == 0 and "Database klaar" in ok.stdout
    refused = subprocess.run(
        [str(script), "case", "show", "5"], env=env, capture_output=True, text=True, check=False
    )
    assert refused.returncode == 1 and "dossier 5 bestaat niet" in refused.stderr
    usage = subprocess.run(
        [str(script), "case", "fire"], env=env, capture_output=True, text=True, check=False
    )
    assert usage.returncode == 2


def test_agenda_and_deadline_commands(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    protocols = tmp_path / "protocols"
    protocols.mkdir()
    (protocols / "termijn.yaml").write_text(
        "id: termijn\nversion: 1\ntitle: T\nsectors: [vo]\nroles: {coordinator: C, school: S}\n"
        "initial: wacht\nstates:\n  wacht:\n    label: Wacht op reactie\n    deadlines:\n"
        "      - {name: reactie, label: Reactie geven, met_by: [reageren],\n"
        "         due: {after: 10 werkdagen}}\n"
        "  klaar: {label: Klaar, final: true}\n"
        "transitions:\n  - {trigger: reageren, label: Reageren, from: wacht, to: klaar,\n"
        "     roles: [school]}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("TOETREDING_PROTOCOLS_DIR", str(protocols))
    monkeypatch.setenv("TOETREDING_NOW", "2027-05-01T12:00")  # every --at below is past
    register(db)
    run(
        "case",
        "open",
        "--school",
        "20AB",
        "--protocol",
        "termijn",
        "--as",
        "carla@p2.nl",
        "--at",
        "2027-04-22",
    )

    items = run_json("agenda", "--at", "2027-04-23")
    assert [(i["school_name"], i["deadline"], i["due_date"], i["days_left"]) for i in items] == [
        ("Het Noordik", "reactie", "2027-05-10", 17)
    ]
    assert items[0]["who"] == ["S"]
    assert (items[0]["label"], items[0]["due"]) == ("Reactie geven", "uiterlijk 10-05-2027")
    assert run_json("agenda", "--at", "2027-04-23", "--overdue") == []
    assert run_json("agenda", "--at", "2027-04-23", "--within", "7d") == []
    assert "te laat" in run("agenda", "--at", "2027-05-12")
    for number, day in ((2, "2027-04-26"), (3, "2027-04-27")):
        run(
            "school",
            "add",
            *("-p", "part2", "--name", f"School {number}", "--sector", "vo"),
            *("--region", "noord", "--brin", f"S{number}"),
        )
        run(
            "case",
            "open",
            "--school",
            f"S{number}",
            "--protocol",
            "termijn",
            "--as",
            "carla@p2.nl",
            "--at",
            day,
        )
    first_two = run_json("agenda", "--at", "2027-04-28", "--limit", "2")
    assert [i["school_name"] for i in first_two] == ["Het Noordik", "School 2"]
    shown = run("agenda", "--at", "2027-04-28", "--limit", "2")
    assert "De eerste 2 van 3 termijnen; --limit 0 toont ze allemaal." in shown
    assert len(run_json("agenda", "--at", "2027-04-28", "--limit", "0")) == 3
    assert "De eerste" not in run("agenda", "--at", "2027-04-28", "--limit", "3")

    out = run(
        "deadline",
        "extend",
        "1",
        "reactie",
        "--until",
        "2027-06-01",
        "--reason",
        "Ziekte",
        "--as",
        "carla@p2.nl",
        "--at",
        "2027-04-24",
    )
    assert "verlengd tot 01-06-2027" in out
    run("deadline", "waive", "1", "reactie", "--as", "sam@noordik.nl", "--reason", "x", code=1)
    shown = run_json("case", "show", "1")
    assert shown["deadlines"][0]["due_date"] == "2027-06-01"
    assert (shown["deadlines"][0]["label"], shown["deadlines"][0]["due"]) == (
        "Reactie geven",
        "uiterlijk 01-06-2027",
    )
    table = run("case", "show", "1").split("Termijnen")[1].split("Geschiedenis")[0]
    assert "Reactie geven" in table and "uiterlijk" in table and "01-06-2027" in table
    assert shown["history"][-1]["trigger"] == "termijn_verlengen"


def test_overview_of_one_partnership_names_only_its_own_schools(db: Path) -> None:
    register(db)
    run("partnership", "add", "ander", "Ander partnerschap")
    run(
        "school",
        "add",
        "-p",
        "ander",
        "--name",
        "Geheime School",
        "--sector",
        "vo",
        "--region",
        "zuid",
        "--brin",
        "99ZZ",
    )
    run(
        "person",
        "add",
        "--name",
        "Anna",
        "--email",
        "anna@ander.nl",
        "-p",
        "ander",
        "--role",
        "coordinator",
    )
    run("case", "open", "--school", "20AB", "--protocol", "partnerschap2", "--as", "carla@p2.nl")
    run("case", "open", "--school", "99ZZ", "--protocol", "partnerschap2", "--as", "anna@ander.nl")
    mine = run("overview", "-p", "part2")
    assert "Het Noordik" in mine and "Geheime School" not in mine
    # the board's protocol by title and version in words, never "(v3)"
    assert "protocol voor uitbreiding (versie 3)" in " ".join(mine.split())
    assert "(v3)" not in mine


def test_names_and_e_mail_addresses_are_checked_before_anything_is_stored(db: Path) -> None:
    assert "mag niet leeg zijn" in run("partnership", "add", "part2", "  ", code=1)
    run("partnership", "add", "part2", "P2")
    school = ("school", "add", "-p", "part2", "--sector", "vo", "--region", "midden")
    assert "De naam van de school mag niet leeg zijn" in run(*school, "--name", " ", code=1)
    assert "ongeldige invoer: name is te lang" in run(*school, "--name", "x" * 201, code=1)
    assert run_json("school", "list") == []
    assert "'notanemail' is geen geldig e-mailadres" in run(
        "person", "add", "--name", "Ans", "--email", "notanemail", code=1
    )
    assert "De naam mag niet leeg zijn" in run(
        "person", "add", "--name", "", "--email", "ans@school.nl", code=1
    )
    assert run_json("person", "list") == []
    run(*school, "--name", "  Het Lyceum  ")
    assert [s["name"] for s in run_json("school", "list")] == ["Het Lyceum"]
    assert "mag niet leeg zijn" in run("school", "edit", "1", "--name", " ", code=1)
