"""Moments on the command line: ``--at`` later than now is refused (a typo such as 2099 would
lock the case), and refusals name moments in Dutch time. "Now" is fixed with TOETREDING_NOW."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import run, run_json

NOW = "2027-01-10T12:00"  # Dutch time: 11:00 UTC


@pytest.fixture
def case(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Case 1 of Het Noordik, opened at 12:04 (within the clocks' skew of now)."""
    monkeypatch.setenv("TOETREDING_NOW", NOW)
    run("partnership", "add", "part2", "Partnerschap 2")
    run(
        *("school", "add", "-p", "part2", "--name", "Het Noordik", "--sector", "vo"),
        *("--region", "midden", "--brin", "20AB"),
    )
    run(
        *("person", "add", "--name", "Carla", "--email", "carla@p2.nl", "-p", "part2"),
        *("--role", "coordinator"),
    )
    run(
        *("person", "add", "--name", "Sam", "--email", "sam@noordik.nl", "-p", "part2"),
        *("--role", "school", "--school", "20AB"),
    )
    run(
        *("case", "open", "--school", "20AB", "--protocol", "partnerschap2"),
        *("--as", "carla@p2.nl", "--at", "2027-01-10T12:04"),
    )


def fire_stop(at: str, code: int) -> str:
    return run(
        *("case", "fire", "1", "stoppen", "--as", "sam@noordik.nl", "--note", "Toch niet"),
        *("--at", at),
        code=code,
    )


def test_a_moment_in_the_future_is_refused_and_changes_nothing(case: None) -> None:
    shown = fire_stop("2099-01-01T10:00", code=1)
    assert "tijdstip 01-01-2099 10:00 ligt in de toekomst (het is nu 10-01-2027 12:00)" in shown
    assert "Traceback" not in shown
    assert [h["trigger"] for h in run_json("case", "show", "1")["history"]] == ["openen"]
    fire_stop("2027-01-10T12:05", code=0)  # the case walks on (5 minutes of clock skew)
    assert run_json("case", "show", "1")["state"] == "gestopt"


def test_opening_in_the_future_is_refused_too(case: None) -> None:
    run(
        *("school", "add", "-p", "part2", "--name", "De Breul", "--sector", "vo"),
        *("--region", "noord", "--brin", "30CD"),
    )
    shown = run(
        *("case", "open", "--school", "30CD", "--protocol", "partnerschap2"),
        *("--as", "carla@p2.nl", "--at", "2027-01-11"),
        code=1,
    )
    assert "ligt in de toekomst" in shown


def test_a_moment_before_the_last_event_is_named_in_dutch_time(case: None) -> None:
    shown = fire_stop("2027-01-09T09:00", code=1)
    assert "tijdstip 09-01-2027 09:00 ligt vóór de laatste gebeurtenis van dossier 1" in shown
    assert "(10-01-2027 12:04, Nederlandse tijd)" in shown  # not 11:04, the UTC it is kept in


def test_a_fixed_now_that_is_no_moment_is_a_clear_error(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOETREDING_NOW", "gisteren")
    shown = run("partnership", "list", code=1)
    assert "TOETREDING_NOW='gisteren' is geen tijdstip" in shown
