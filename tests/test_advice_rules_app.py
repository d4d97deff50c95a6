"""Advice rules managed in the app: a partnership publishes its own version, its audits give
the advice by it (and say which rules), other partnerships keep the shipped rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from toetreding import ConflictError, DefinitionError, InvalidInputError, Toetreding
from toetreding.audits import AuditDesk
from toetreding.calendar import Region
from toetreding.definition import Sector
from toetreding.store.tables import SchoolCreate

from .conftest import PROTOCOLS
from .helpers import (
    Writer,
    edit,
    nvao_scores,
    part2_with_noordik,
    record_audit,
    run,
    walk_to_audit,
)

SHIPPED = (PROTOCOLS / "advice" / "nvao-toetredingsadvies.yaml").read_text(encoding="utf-8")
# Version 2 for one partnership: a partner needs 'goed' on every criterion.
STRICT = edit(
    edit(SHIPPED, "version: 1", "version: 2"),
    "all_at_least: voldoende",
    "all_at_least: goed",
).replace('title: "Toetredingsadvies Partnerschap 2 (NVAO-kader)"', 'title: "Strenger advies"')
ADMIN = "beheer@p2.example"
COMMITTEE = [("voorzitter@p2.example", "Hogeschool Saxion")]


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """SQLite only: the store's SQL runs on PostgreSQL in test_frameworks."""
    return sqlite_url


@pytest.fixture
def desk(app: Toetreding) -> AuditDesk:
    part2_with_noordik(app, "contact@noordik.example")
    other = app.store.add_partnership("part3", "Partnerschap 3", app.clock.now())
    app.store.add_school(
        SchoolCreate(
            partnership_id=other.id or 0,
            name="De Zuidas",
            sector=Sector.VO,
            region=Region.MIDDEN,
            brin="ZUID1",
        ),
        app.clock.now(),
    )
    app.add_person(
        "Zo",
        "contact@zuidas.example",
        partnership_ref="part3",
        roles=("school",),
        school_ref="ZUID1",
    )
    for code in ("part2", "part3"):
        for role in ("stuurgroep", "coordinator", "auditcommissie"):
            email = f"{role}@{code}.example"
            app.add_person(role, email, partnership_ref=code, roles=(role,))
    app.add_person("Beheer", ADMIN, partnership_ref="part2", roles=("admin",))
    return AuditDesk(app, PROTOCOLS)


def audited(app: Toetreding, desk: AuditDesk, code: str, school: str, contact: str) -> int:
    """A case of the partnership, audited with scores that make a partner by the shipped
    rules (every criterion at least voldoende; 1.2 and 4.1 goed)."""
    case = app.open_case(
        school_ref=school, protocol_id="partnerschap2", actor_ref=f"coordinator@{code}.example"
    )
    walk_to_audit(app, case, f"stuurgroep@{code}.example", contact)
    record_audit(
        desk,
        case,
        organiser=f"stuurgroep@{code}.example",
        members=[(f"auditcommissie@{code}.example", "Hogeschool")],
        scores=nvao_scores("partner"),
    )
    return case


def test_own_rules_change_the_advice_of_the_partnerships_audit_and_not_anothers(
    app: Toetreding, desk: AuditDesk
) -> None:
    published = desk.publish_advice(STRICT, partnership_ref="part2", by=ADMIN)
    assert (published.spec.version, published.new) == (2, True)

    own = audited(app, desk, "part2", "NOORD1", "contact@noordik.example")
    other = audited(app, desk, "part3", "ZUID1", "contact@zuidas.example")

    advice = desk.advise(own)
    assert advice.label == "Toelaatbaar als volgschool"
    assert advice.rules == "adviesregels Strenger advies versie 2"
    assert desk.advise(other).label == "Toelaatbaar als partner"
    assert desk.advise(other).rules == (
        "adviesregels Toetredingsadvies Partnerschap 2 (NVAO-kader) versie 1"
    )
    # The report keeps the rules' name with the advice.
    desk.draft_report(own, actor_ref="auditcommissie@part2.example")
    assert desk.report(own).content["advice"]["rules"] == advice.rules


def test_an_audit_keeps_the_rules_it_opened_with(app: Toetreding, desk: AuditDesk) -> None:
    case = audited(app, desk, "part2", "NOORD1", "contact@noordik.example")
    desk.publish_advice(STRICT, partnership_ref="part2", by=ADMIN)

    assert desk.advise(case).label == "Toelaatbaar als partner"
    assert desk.advise(case).rules.endswith("versie 1")


def test_rules_with_an_error_are_refused_on_their_line_and_nothing_is_stored(
    desk: AuditDesk,
) -> None:
    wrong = edit(STRICT, "all_at_least: goed", "all_at_least: geweldig")
    with pytest.raises(DefinitionError) as refused:
        desk.publish_advice(wrong, partnership_ref="part2", by=ADMIN, filename="regels.yaml")
    line = wrong.splitlines().index("      all_at_least: geweldig") + 1
    assert f"regels.yaml:{line}: outcomes[0].when.all_at_least: niveau 'geweldig'" in str(
        refused.value
    )
    skipped = edit(STRICT, "version: 2", "version: 3")
    with pytest.raises(DefinitionError, match=r"regels.yaml:\d+: version: moet 2 zijn"):
        desk.publish_advice(skipped, partnership_ref="part2", by=ADMIN, filename="regels.yaml")
    changed_shipped = edit(SHIPPED, "all_at_least: voldoende", "all_at_least: goed")
    with pytest.raises(ConflictError, match="wordt al meegeleverd met een andere inhoud"):
        desk.publish_advice(changed_shipped, partnership_ref="part2", by=ADMIN)
    assert [(r.rules_id, r.version) for r in desk.advice_list("part2")] == [
        ("nvao-toetredingsadvies", 1)
    ]


def test_publishing_twice_changes_nothing_and_a_changed_version_is_refused(
    desk: AuditDesk,
) -> None:
    desk.publish_advice(STRICT, partnership_ref="part2", by=ADMIN)
    assert desk.publish_advice(STRICT, partnership_ref="part2", by=ADMIN).new is False
    with pytest.raises(ConflictError, match="verhoog het versienummer"):
        desk.publish_advice(
            edit(STRICT, "all_at_least: goed", "all_at_least: excellent"),
            partnership_ref="part2",
            by=ADMIN,
        )
    assert desk.advice_text("part2", "nvao-toetredingsadvies") == STRICT
    assert [r.version for r in desk.advice_list("part3")] == [1]


@pytest.mark.parametrize(
    "who", ["coordinator@part2.example", "stuurgroep@part2.example", ADMIN.replace("p2", "x")]
)
def test_only_an_administrator_of_the_partnership_may_publish(
    app: Toetreding, desk: AuditDesk, who: str
) -> None:
    if "@x." in who:  # an administrator of another partnership
        app.add_person("Ander", who, partnership_ref="part3", roles=("admin",))
    with pytest.raises(InvalidInputError, match="mag de adviesregels van Partnerschap 2 niet"):
        desk.publish_advice(STRICT, partnership_ref="part2", by=who)
    assert [r.version for r in desk.advice_list("part2")] == [1]


# --- the command line -------------------------------------------------------------------------


def test_cli_publishes_a_partnerships_rules_refusing_errors_and_other_roles(
    db: Path, write: Writer
) -> None:
    run("partnership", "add", "part2", "Partnerschap 2")
    run("partnership", "add", "part3", "Partnerschap 3")
    run("person", "add", "--name", "Beheer", "--email", ADMIN, "-p", "part2", "--role", "admin")
    run(
        "person",
        "add",
        "--name",
        "Co",
        "--email",
        "co@p2.example",
        "-p",
        "part2",
        "--role",
        "coordinator",
    )
    wrong_text = edit(STRICT, "all_at_least: goed", "all_at_least: geweldig")
    wrong = write(wrong_text, "fout.yaml")
    out = run("advice", "publish", str(wrong), "-p", "part2", "--by", ADMIN, code=1)
    line = next(
        n for n, row in enumerate(wrong_text.splitlines(), 1) if "all_at_least: geweldig" in row
    )
    assert f"fout.yaml:{line}: outcomes[0].when.all_at_least: niveau 'geweldig'" in out
    path = write(STRICT, "streng.yaml")
    out = run("advice", "publish", str(path), "-p", "part2", "--by", "co@p2.example", code=1)
    assert "Co mag de adviesregels van Partnerschap 2 niet publiceren" in out
    out = run("advice", "publish", str(path), "-p", "part2", "--by", ADMIN)
    said = "Gepubliceerd voor part2: 'Strenger advies' versie 2 (code: nvao-toetredingsadvies)"
    assert said in out  # as protocols and frameworks are named

    def versions(*args: str) -> list[int]:
        return [r["version"] for r in json.loads(run("advice", "list", *args, "--json"))]

    assert (versions("-p", "part2"), versions("-p", "part3"), versions()) == ([1, 2], [1], [1])
    shown = run("advice", "show", "nvao-toetredingsadvies", "-p", "part2")
    assert "1. Toelaatbaar als partner: elk criterium ten minste Goed" in shown
