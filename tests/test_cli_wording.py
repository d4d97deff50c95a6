"""Commands on the demo database name things in the protocol's Dutch words, never by the
identifiers in the protocol file (deadline names, triggers, criteria, person ids)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import run, run_json


def test_a_sweep_names_the_deadline_and_what_it_did_in_words(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("demo")
    monkeypatch.setenv("TOETREDING_NOW", "2028-06-01T12:00")
    out = " ".join(run("deadline", "sweep").split())
    assert (
        "termijn 'Feitelijke onjuistheden terugmelden (10 werkdagen)' verstreken; "
        "uitgevoerd: 'School heeft geen feitelijke onjuistheden'." in out
    )
    assert "correctievenster" not in out and "geen_correcties" not in out


def test_listing_cases_in_an_unknown_step_is_refused_naming_the_known_steps(db: Path) -> None:
    run("demo")
    out = " ".join(run("case", "list", "--state", "bogus", code=1).split())
    assert "stap 'bogus' bestaat niet; bekende stappen: " in out
    assert "Concept-rapport bij de school" in out and "concept_rapport" not in out
    assert "Traceback" not in out
    named = run_json("case", "list", "--state", "Concept-rapport bij de school")
    assert [c["school_name"] for c in named] == ["Twents Carmel Lyceum (demo)"]


def test_calendar_set_takes_the_acting_person_with_as_like_the_other_commands(
    db: Path,
) -> None:
    run("demo")
    run("user", "add", "coordinator@part2.example", "--admin")
    vacation = ("2033-2034", "--noord", "2034-07-10:2034-08-22")
    source = ("--source", "https://www.rijksoverheid.nl/onderwerpen/schoolvakanties")
    run("calendar", "set", *vacation, *source, "--as", "coordinator@part2.example")
    [latest] = run_json("calendar", "changes")[:1]
    assert (latest["person"], latest["subject"]) == (
        "Carla de Vries",
        "zomervakantie 2033-2034 noord",
    )
