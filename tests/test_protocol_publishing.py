"""Publishing a protocol version in the app: checked, kept unchanged, used by new cases,
and seen only by the database it was published in."""

from __future__ import annotations

from pathlib import Path

import pytest

from toetreding import Toetreding
from toetreding._exceptions import DefinitionError, InvalidInputError
from toetreding.clock import FixedClock
from toetreding.definition import ProtocolRegistry, load_protocol_text
from toetreding.store import Store, make_engine, migrate
from toetreding.store.tables import SchoolCreate

from .conftest import PROTOCOLS
from .helpers import edit, line_of, run, run_json

SHIPPED = (PROTOCOLS / "partnerschap2.yaml").read_text(encoding="utf-8")
CURRENT = load_protocol_text(SHIPPED).version  # the shipped file's version
NEXT = CURRENT + 1
# The next version renames the orientation talk's step: what a user would see change.
NEXT_TEXT = edit(
    edit(SHIPPED, f"version: {CURRENT}\n", f"version: {NEXT}\n"),
    "migration:\n  from: 2\n",
    f"migration:\n  from: {CURRENT}\n",  # its cases on the newest version can move on
).replace(
    'label: "Oriënterend gesprek"\n    step: 1', 'label: "Kennismakingsgesprek"\n    step: 1', 1
)
BROKEN = edit(NEXT_TEXT, "  orientatie:\n", "  orientatie:\n    stap: 1\n")


def with_school(app: Toetreding, *brins: str) -> None:
    partnership = app.store.add_partnership("p2", "P2", app.clock.now())
    for brin in brins:
        app.store.add_school(
            SchoolCreate(
                partnership_id=partnership.id or 0,
                name=f"School {brin}",
                sector="vo",
                region="noord",
                brin=brin,
            ),
            app.clock.now(),
        )
    app.add_person("Coco", "c@p2.nl", partnership_ref="p2", roles=("coordinator",))


def test_a_text_with_an_error_is_refused_on_its_line_and_nothing_is_published(
    app: Toetreding,
) -> None:
    with pytest.raises(DefinitionError) as refused:
        app.publish_protocol(BROKEN, filename="bewerkt")
    [problem] = refused.value.problems
    assert problem.line == line_of(BROKEN, "    stap: 1") and "onbekende sleutel 'stap'" in str(
        problem
    )
    assert app.protocols().get("partnerschap2").version == CURRENT


def test_the_version_must_be_the_next_one(app: Toetreding) -> None:
    # the newest version again (as shipped), and one skipping a number
    for text in (SHIPPED, edit(NEXT_TEXT, f"version: {NEXT}\n", f"version: {NEXT + 1}\n")):
        with pytest.raises(DefinitionError) as refused:
            app.publish_protocol(text)
        [problem] = refused.value.problems
        assert problem.line == line_of(text, "version:")
        assert f"moet {NEXT} zijn" in problem.message
    assert app.protocols().get("partnerschap2").version == CURRENT


def test_a_new_version_moves_cases_from_the_newest_version_only(app: Toetreding) -> None:
    """From an older version, the running cases on the newest one could never move."""
    text = edit(NEXT_TEXT, f"migration:\n  from: {CURRENT}\n", "migration:\n  from: 2\n")
    with pytest.raises(DefinitionError) as refused:
        app.publish_protocol(text)
    [problem] = refused.value.problems
    assert problem.line == line_of(text, "  from: 2")
    assert f"moet {CURRENT} zijn, de nieuwste versie" in problem.message
    assert app.protocols().get("partnerschap2").version == CURRENT


def test_a_published_version_is_used_by_new_cases_and_kept(app: Toetreding) -> None:
    with_school(app, "AA01", "BB02")
    old_case = app.open_case(school_ref="AA01", protocol_id="partnerschap2", actor_ref="c@p2.nl")
    with pytest.raises(InvalidInputError, match="Coco mag niet protocollen publiceren"):
        app.publish_protocol(NEXT_TEXT, by="c@p2.nl")  # a coordinator: no administrator
    app.accounts.set_password(app.store.person("c@p2.nl").id or 0, "beheer-2026-lang", admin=True)
    spec = app.publish_protocol(NEXT_TEXT, by="c@p2.nl")
    assert spec.version == NEXT
    new_case = app.open_case(school_ref="BB02", protocol_id="partnerschap2", actor_ref="c@p2.nl")
    assert app.case(old_case).protocol_version == CURRENT
    assert app.case(new_case).protocol_version == NEXT
    assert app.spec_of(app.case(new_case)).states["orientatie"].label == "Kennismakingsgesprek"
    assert app.protocol_text("partnerschap2") == NEXT_TEXT  # as written, comments and all
    assert app.protocol_text("partnerschap2", CURRENT) == SHIPPED
    # Publishing the same number again is refused: a published version never changes.
    with pytest.raises(DefinitionError):
        app.publish_protocol(NEXT_TEXT.replace("Kennismakingsgesprek", "Anders"))
    assert app.protocol_text("partnerschap2", NEXT) == NEXT_TEXT


def test_a_published_version_stays_in_its_own_database(
    app: Toetreding, registry: ProtocolRegistry, clock: FixedClock, tmp_path: Path
) -> None:
    before = [spec.key for spec in registry.all()]
    app.publish_protocol(NEXT_TEXT)
    assert app.protocols().get("partnerschap2").version == NEXT
    assert [spec.key for spec in registry.all()] == before  # the shared files untouched
    engine = make_engine(f"sqlite:///{tmp_path / 'ander.db'}")
    migrate(engine)
    other = Toetreding(Store(engine), registry, clock)
    assert other.protocols().get("partnerschap2").version == CURRENT
    engine.dispose()
    # A new service on the same database (a restart) still has it.
    assert Toetreding(app.store, registry, clock).protocols().get("partnerschap2").version == NEXT


def test_a_version_published_by_another_process_is_used_at_once(
    app: Toetreding, registry: ProtocolRegistry, clock: FixedClock
) -> None:
    """A running service keeps the protocols it knows, and sees at once a version another
    process (the CLI beside the web app) published: its next opening uses it."""
    with_school(app, "AA01", "BB02")
    school = app.store.school("BB02").id
    coco = app.store.person("c@p2.nl").id
    first = app.open_case(school_ref="AA01", protocol_id="partnerschap2", actor_ref="c@p2.nl")
    assert app.case(first).protocol_version == CURRENT
    Toetreding(app.store, registry, clock).publish_protocol(NEXT_TEXT)  # elsewhere
    assert app.protocols().get("partnerschap2").version == NEXT
    # By numbers, as the web app opens: the one query that also counts published versions.
    opened = app.open_case(school_ref=school or 0, protocol_id="partnerschap2", actor_ref=coco or 0)
    assert app.case(opened).protocol_version == NEXT


def test_publish_and_text_on_the_command_line(db: Path, tmp_path: Path) -> None:
    run("partnership", "add", "part2", "Partnerschap 2")
    run("person", "add", "--name", "Ad", "--email", "ad@p2.nl", "-p", "part2")
    run("user", "add", "ad@p2.nl", "--admin")
    bad = tmp_path / "kapot.yaml"
    bad.write_text(BROKEN, encoding="utf-8")
    out = run("protocol", "publish", str(bad), "--by", "ad@p2.nl", code=1)
    assert f"{bad}:{line_of(BROKEN, '    stap: 1')}:" in out and "onbekende sleutel" in out
    assert "Traceback" not in out
    good = tmp_path / "volgende.yaml"
    good.write_text(NEXT_TEXT, encoding="utf-8")
    out = run("protocol", "publish", str(good), "--by", "ad@p2.nl")
    assert "Gepubliceerd" in out and f"versie {NEXT}" in out
    assert run("protocol", "text", "partnerschap2") == NEXT_TEXT
    assert run("protocol", "text", "partnerschap2", "--version", str(CURRENT)) == SHIPPED
    assert any(
        p["id"] == "partnerschap2" and p["version"] == NEXT for p in run_json("protocol", "list")
    )
    out = run("protocol", "publish", str(tmp_path / "er-niet.yaml"), "--by", "ad@p2.nl", code=1)
    assert "kan" in out and "niet lezen" in out
