"""Commands on the demo database name things in the protocol's Dutch words, never by the
identifiers in the protocol file (deadline names, triggers, criteria, person ids)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import run


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
