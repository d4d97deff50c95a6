"""``toetreding simulate``: a cohort of po schools through a whole school year."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from .helpers import run, run_json

REPO = Path(__file__).resolve().parent.parent
COHORT = REPO / "examples" / "cohort-po-groningen.yaml"


def simulate(*extra: str, script: Path = COHORT, code: int = 0) -> str:
    args = ["simulate", "po-groningen", "--start", "2027-09-01", "--script", str(script), *extra]
    return run(*args, code=code)


@pytest.fixture(scope="module")
def cohort() -> Any:
    return json.loads(simulate("--json"))


def events(cohort: Any, school: str) -> list[tuple[str, str, str]]:
    return [(e["day"], e["kind"], e["text"]) for e in cohort["timeline"] if e["school"] == school]


def test_a_school_deciding_on_31_march_is_partner_school_from_1_august(cohort: Any) -> None:
    wilg = events(cohort, "OBS De Wilg")
    assert wilg[0] == ("2027-09-01", "geopend", "Gesprek met de bestuurder")
    assert (
        "2028-03-31",
        "handeling",
        "School meldt dat zij aansluit als partnerschool → Voorbereiding in de stuurgroep",
    ) in wilg
    assert wilg[-1] == (
        "2028-08-01",
        "automatisch",
        "Start als partnerschool → Jaarontwikkel- en activiteitenplan opstellen",
    )
    final = {s["school"]: s for s in cohort["schools"]}
    assert final["OBS De Wilg"]["outcome"] == "partnerschool"


def test_a_school_deciding_on_1_april_is_overdue_and_must_pick_a_later_year(cohort: Any) -> None:
    akker = events(cohort, "CBS De Akker")
    april = [e for e in akker if e[0] in ("2028-03-31", "2028-04-01", "2028-04-02", "2028-04-03")]
    assert april == [
        (
            "2028-04-01",
            "verlopen",
            "Besluit over aansluiten doorgeven (uiterlijk 31-03-2028)",
        ),
        (
            "2028-04-01",
            "geweigerd",
            "School meldt dat zij aansluit als partnerschool: aansluiten in schooljaar "
            "2028-2029 kon tot en met 31-03-2028; kies 2029-2030 of later",
        ),
        (
            "2028-04-03",
            "handeling",
            "School meldt dat zij aansluit als partnerschool → Voorbereiding in de stuurgroep",
        ),
    ]


def test_the_deadline_table_says_what_was_on_time_and_what_late(cohort: Any) -> None:
    table = {
        (d["school"], d["label"]): (d["due"], d["status"], d["resolved"])
        for d in cohort["deadlines"]
    }
    decision = "Besluit over aansluiten doorgeven"
    appointed = "Schoolopleider aangesteld"
    assert table[("OBS De Wilg", decision)] == ("2028-03-31", "op tijd", "2028-03-31")
    assert table[("CBS De Akker", decision)] == ("2028-03-31", "te laat", "2028-04-03")
    # Region noord: the summer vacation 2028 starts on Saturday 15 July.
    assert table[("OBS 't Startblok", appointed)] == ("2028-07-14", "te laat", "2028-07-20")
    assert table[("OBS De Wilg", appointed)] == ("2028-07-14", "op tijd", "2028-06-28")
    assert not any(school == "Kindcentrum Het Baken" for school, _ in table)


def test_the_printout_tells_the_year_in_three_tables(db: Path) -> None:
    out = simulate()
    assert "Simulatie Groningen – kop van Drenthe (po)" in out
    assert "01-09-2027 t/m 31-08-2028, 4 scholen" in out
    assert "schoolbesturen en scholen (versie 3)," in " ".join(out.split())  # not "(v3)"
    assert "(v3)" not in out
    for title in ("Tijdlijn", "Termijnen", "Stand op 31-08-2028"):
        assert title in out
    assert not db.exists()  # the user's own database is left alone


def test_keep_db_leaves_a_database_the_other_commands_read(tmp_path: Path) -> None:
    kept = tmp_path / "sim.db"
    simulate("--keep-db", str(kept))
    cases = run_json("--db", f"sqlite:///{kept}", "case", "list")
    states = {c["school_name"]: c["state"] for c in cases}
    assert states["OBS De Wilg"] == "jaarplan"
    assert states["Kindcentrum Het Baken"] == "afgezien"
    simulate("--keep-db", str(kept), code=1)  # never overwrites an existing file


def test_a_script_with_an_unknown_role_names_file_line_and_key(tmp_path: Path) -> None:
    script = tmp_path / "cohort.yaml"
    script.write_text(
        "schools:\n"
        "  - name: OBS De Wilg\n"
        "    region: noord\n"
        "    actions:\n"
        "      - {date: 2027-09-14, fire: bestuursgesprek_gevoerd, as: directeur}\n",
        encoding="utf-8",
    )
    out = simulate(script=script, code=1)
    assert f"{script}:5" in out
    assert "schools[0] (OBS De Wilg).actions[0].as" in out
    assert "rol 'directeur' bestaat niet; kies uit: coordinator, stuurgroep" in out


def test_a_script_with_a_misspelt_key_lists_the_allowed_keys(tmp_path: Path) -> None:
    script = tmp_path / "cohort.yaml"
    script.write_text(
        "schools:\n  - {name: OBS De Wilg, regio: noord}\n",
        encoding="utf-8",
    )
    out = simulate(script=script, code=1)
    assert "onbekende sleutel 'regio'" in out
    assert "region" in out and f"{script}:2" in out


def test_a_deadline_whose_date_follows_is_not_judged_on_time(tmp_path: Path) -> None:
    # The example cohort two years earlier: the summer vacation 2026 is not in the calendar
    # (only 2027-2028 is shipped), so 't Startblok's "vóór de zomervakantie" deadline has no
    # date. It appoints its school trainer on 20-07-2026, after that vacation began in every
    # region: "op tijd" would be a lie, and "te laat" a guess.
    earlier = tmp_path / "cohort-2025.yaml"
    earlier.write_text(
        re.sub(r"\b20(2[7-9]|30)\b", lambda m: str(int(m.group()) - 2), COHORT.read_text()),
        encoding="utf-8",
    )
    args = ["simulate", "po-groningen", "--start", "2025-09-01", "--script", str(earlier)]
    result = json.loads(run(*args, "--json"))
    [appointed] = [
        d
        for d in result["deadlines"]
        if (d["school"], d["label"]) == ("OBS 't Startblok", "Schoolopleider aangesteld")
    ]
    assert (appointed["due"], appointed["resolved"]) == (None, "2026-07-20")
    assert appointed["status"] == "nog niet te beoordelen (datum volgt)"
    printed = run(*args)
    assert "nog niet te" in printed and "beoordelen" in printed


def test_the_final_table_names_each_outcome_in_words_not_by_its_code(cohort: Any) -> None:
    final = simulate().split("Stand op 31-08-2028")[1]
    assert "Partnerschool" in final
    assert "partnerschool" not in final and "niet_toegelaten" not in final
