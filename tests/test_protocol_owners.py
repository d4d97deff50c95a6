"""A protocol published in the app belongs to one partnership: its people see it and open
cases on it; another partnership's do not. Shared versions (of a shipped protocol, and
every version published before protocols had owners) stay visible to all."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from toetreding import Toetreding
from toetreding._exceptions import InvalidInputError, NotFoundError
from toetreding.store.tables import SchoolCreate

from .conftest import PROTOCOLS
from .helpers import edit, run, run_json

SHIPPED = (PROTOCOLS / "partnerschap2.yaml").read_text(encoding="utf-8")
# A partnership's own variant under its own id: version 1, so no migration from an earlier one.
OWN = edit(
    edit(edit(SHIPPED, "id: partnerschap2\n", "id: p2-eigen\n"), "version: 3\n", "version: 1\n"),
    "migration:\n  from: 2\n",
    "",
)
OWN_V2 = edit(OWN, "version: 1\n", "version: 2\n")


def two_partnerships(app: Toetreding) -> dict[str, int]:
    """Partnerships p2 and ander, each with a vo school and a coordinator."""
    ids = {}
    for code, brin in (("p2", "AA01"), ("ander", "BB02")):
        partnership = app.store.add_partnership(code, code.upper(), app.clock.now())
        ids[code] = partnership.id or 0
        app.store.add_school(
            SchoolCreate(
                partnership_id=ids[code], name=f"School {brin}", sector="vo",
                region="noord", brin=brin,
            ),
            app.clock.now(),
        )  # fmt: skip
        app.add_person(code, f"c@{code}.nl", partnership_ref=code, roles=("coordinator",))
    return ids


def test_an_own_protocol_is_seen_and_used_by_its_partnership_only(app: Toetreding) -> None:
    ids = two_partnerships(app)
    with pytest.raises(InvalidInputError, match="nieuw protocol: kies het partnerschap"):
        app.publish_protocol(OWN)
    assert app.protocols().find("p2-eigen", 1) is None  # nothing published
    app.publish_protocol(OWN, partnership="p2")

    def seen(partnerships: set[int] | None) -> set[str]:
        return {spec.id for spec in app.visible_protocols(partnerships)}

    assert "p2-eigen" in seen({ids["p2"]}) and "p2-eigen" in seen(None)
    assert "p2-eigen" not in seen({ids["ander"]})
    assert "partnerschap2" in seen({ids["ander"]})  # the shipped ones stay for everyone
    with pytest.raises(NotFoundError):
        app.require_visible_protocol("p2-eigen", {ids["ander"]})

    case = app.open_case(school_ref="AA01", protocol_id="p2-eigen", actor_ref="c@p2.nl")
    assert app.case(case).protocol_id == "p2-eigen"
    with pytest.raises(NotFoundError) as refused:
        app.open_case(school_ref="BB02", protocol_id="p2-eigen", actor_ref="c@ander.nl")
    with pytest.raises(NotFoundError) as unknown:
        app.open_case(school_ref="BB02", protocol_id="bestaat-niet", actor_ref="c@ander.nl")
    # refused as if unknown: neither its title, its owner nor its id among the known ones
    said = str(refused.value)
    assert said == str(unknown.value).replace("bestaat-niet", "p2-eigen")
    assert said.startswith("protocol 'p2-eigen' is onbekend; bekend zijn: ")
    assert "partnerschap2 (versie 2, 3)" in said and said.count("p2-eigen") == 1
    assert "Partnerschap 2" not in said and "P2" not in said
    assert app.store.open_case_of_school(app.store.school("BB02").id) is None  # nothing opened


def test_another_partnerships_protocol_cannot_be_planned_for_a_move(app: Toetreding) -> None:
    two_partnerships(app)
    app.publish_protocol(OWN, partnership="p2")
    app.publish_protocol(OWN_V2)
    with pytest.raises(NotFoundError, match="protocol 'p2-eigen' is onbekend"):
        app.plan_move("p2-eigen", 1, 2, by="c@ander.nl")  # not even that it exists
    with pytest.raises(NotFoundError):
        app.apply_move("p2-eigen", 1, 2, by="c@ander.nl")
    assert app.plan_move("p2-eigen", 1, 2, by="c@p2.nl").moves == []  # its own: a plan


def test_only_the_owner_publishes_the_next_version(app: Toetreding) -> None:
    two_partnerships(app)
    app.publish_protocol(OWN, partnership="p2")
    with pytest.raises(InvalidInputError, match="is van P2; alleen dat partnerschap"):
        app.publish_protocol(OWN_V2, partnership="ander")
    assert app.protocols().get("p2-eigen").version == 1
    app.publish_protocol(OWN_V2)  # the owner's, as the editor of that protocol publishes it
    assert {s.id for s in app.visible_protocols(set())} == {
        s.id for s in app.visible_protocols(None)
    } - {"p2-eigen"}
    # A shipped protocol's new version is shared: it cannot be made one partnership's.
    shared = edit(
        edit(SHIPPED, "version: 3\n", "version: 4\n"),
        "migration:\n  from: 2\n",
        "migration:\n  from: 3\n",
    )
    with pytest.raises(InvalidInputError, match="gedeeld door alle partnerschappen"):
        app.publish_protocol(shared, partnership="p2")


def test_publish_a_new_protocol_for_a_partnership_on_the_command_line(
    db: Path, tmp_path: Path
) -> None:
    run("partnership", "add", "part2", "Partnerschap 2")
    run("person", "add", "--name", "Ad", "--email", "ad@p2.nl", "-p", "part2")
    run("user", "add", "ad@p2.nl", "--admin")
    own = tmp_path / "eigen.yaml"
    own.write_text(OWN, encoding="utf-8")
    out = run("protocol", "publish", str(own), "--by", "ad@p2.nl", code=1)
    assert "kies het partnerschap" in out and "Traceback" not in out
    out = run("protocol", "publish", str(own), "--by", "ad@p2.nl", "-p", "part2")
    assert "Gepubliceerd" in out and "versie 1" in out
    # another partnership's school: refused as for an unknown protocol, naming nothing of it
    run("partnership", "add", "ander", "Ander")
    run(
        "person",
        "add",
        "--name",
        "Co",
        "--email",
        "c@ander.nl",
        "-p",
        "ander",
        "--role",
        "coordinator",
    )
    run(
        "school",
        "add",
        "-p",
        "ander",
        "--name",
        "Es",
        "--sector",
        "vo",
        "--region",
        "noord",
        "--brin",
        "ES01",
    )
    opening = ("case", "open", "--school", "ES01", "--as", "c@ander.nl", "--protocol")
    refused = run(*opening, "p2-eigen", code=1)
    unknown = run(*opening, "bestaat-niet", code=1)
    assert "protocol 'p2-eigen' is onbekend; bekend zijn:" in refused and "Traceback" not in refused
    assert refused == unknown.replace("bestaat-niet", "p2-eigen")
    assert "Partnerschap 2" not in refused


def test_protocol_list_shows_whose_each_protocol_is_and_what_a_partnership_can_use(
    db: Path, tmp_path: Path
) -> None:
    for code, name in (("part2", "Partnerschap 2"), ("ander", "Ander")):
        run("partnership", "add", code, name)
    run("person", "add", "--name", "Ad", "--email", "ad@p2.nl", "-p", "part2")
    run("user", "add", "ad@p2.nl", "--admin")
    own = tmp_path / "eigen.yaml"
    own.write_text(OWN, encoding="utf-8")
    run("protocol", "publish", str(own), "--by", "ad@p2.nl", "-p", "part2")
    run("protocol", "leave-out", "po-groningen", "-p", "ander", "--by", "ad@p2.nl")

    # all of them, with whose each is and who leaves a shared one out
    listed = {(p["id"], p["version"]): p for p in run_json("protocol", "list")}
    assert listed["p2-eigen", 1]["owner"] == "Partnerschap 2"
    assert listed["partnerschap2", 3]["owner"] is None
    assert listed["po-groningen", 3]["left_out_by"] == ["Ander"]
    table = run("protocol", "list")
    words = " ".join(re.findall(r"[\w-]+", table))  # the table wraps cells over lines
    assert "niet door" in words and "Ander" in words and "gedeeld" in words and "eigen" in words
    # one partnership: what it can use, as its people see them in the web app
    ander = {(p["id"], p["version"]) for p in run_json("protocol", "list", "-p", "ander")}
    assert ("partnerschap2", 3) in ander
    assert ("p2-eigen", 1) not in ander and ("po-groningen", 3) not in ander
    part2 = run("protocol", "list", "--partnership", "part2")
    assert "p2-eigen" in part2 and "po-groningen" in part2 and "Ander" not in part2
    refused = run("protocol", "list", "-p", "onbekend", code=1)
    assert "partnerschap 'onbekend' bestaat niet" in refused and "Traceback" not in refused
