"""Schools, boards and people from a spreadsheet, on SQLite and PostgreSQL: the dry run says
what would be added or changed and every refused row with its number and why; the import
takes every row or none."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from toetreding._exceptions import ConflictError, InvalidInputError
from toetreding.calendar import Region
from toetreding.definition import Sector
from toetreding.service import ImportKind, Toetreding
from toetreding.store import SchoolCreate

from .helpers import part2_with_noordik

COORDINATOR = "carla@part2.nl"
CONTACT = "sam@noordik.nl"


@pytest.fixture
def part2(app: Toetreding) -> Toetreding:
    part2_with_noordik(app, CONTACT)
    app.add_person("Carla", COORDINATOR, partnership_ref="part2", roles=("coordinator",))
    return app


def csv(text: str) -> bytes:
    return text.encode("utf-8")


def schools(app: Toetreding) -> dict[str, tuple[str, str, str | None]]:
    return {s.brin or "": (s.name, s.region, s.board) for s in app.schools()}


MIXED = csv(
    "naam;brin;sector;regio;bestuur\n"
    "De Esch;20AB;vo;midden;Stichting Esch\n"
    "Het Noordik;NOORD1;vo;noord;Stichting Het Noordik\n"
    "Zonder BRIN;;vo;midden;\n"
    "Hogeschool;31AA;hbo;midden;\n"
    "Nog eens De Esch;20ab;vo;midden;\n"
    "Wierden;21CD;vo;oost;\n"
)


def test_the_dry_run_lists_additions_changes_and_every_refused_row_and_changes_nothing(
    part2: Toetreding,
) -> None:
    before = schools(part2)
    plan = part2.plan_import(ImportKind.SCHOOLS, MIXED, "part2", COORDINATOR)
    assert [(line.number, line.action, line.text) for line in plan.lines] == [
        (2, "toevoegen", "school De Esch (20AB)"),
        (
            3,
            "wijzigen",
            "school Het Noordik (NOORD1): regio 'midden' wordt 'noord'; "
            "bestuur '-' wordt 'Stichting Het Noordik'",
        ),
    ]
    assert [(r.number, r.reason) for r in plan.refused] == [
        (4, "brin ontbreekt"),
        (5, "sector 'hbo' bestaat niet; kies uit po, vo, mbo"),
        (6, "BRIN 20AB staat ook in rij 2"),
        (7, "regio 'oost' bestaat niet; kies uit noord, midden, zuid"),
    ]
    assert schools(part2) == before
    with pytest.raises(InvalidInputError, match="4 rij\\(en\\) geweigerd; er is niets ingelezen"):
        part2.run_import(ImportKind.SCHOOLS, MIXED, "part2", COORDINATOR)
    assert schools(part2) == before


def test_a_clean_file_is_imported_whole_and_a_second_run_changes_nothing(
    part2: Toetreding,
) -> None:
    good = b"\n".join(MIXED.splitlines()[:3]) + b"\n"
    done = part2.run_import(ImportKind.SCHOOLS, good, "part2", COORDINATOR)
    assert (done.added, done.changed, done.refused) == (1, 1, [])
    assert schools(part2) == {
        "20AB": ("De Esch", "midden", "Stichting Esch"),
        "NOORD1": ("Het Noordik", "noord", "Stichting Het Noordik"),
    }
    again = part2.plan_import(ImportKind.SCHOOLS, good, "part2", COORDINATOR)
    assert (again.lines, again.unchanged) == ([], 2)


def test_one_row_that_fails_in_the_database_takes_every_other_row_back_with_it(
    part2: Toetreding,
) -> None:
    """Someone adds one of the file's schools between the dry run and the import: the
    transaction breaks on that row, and the row before it is not kept either."""
    data = csv("naam;brin;sector;regio\nDe Esch;20AB;vo;midden\nWierden;21CD;vo;midden\n")
    plan = part2.plan_import(ImportKind.SCHOOLS, data, "part2", COORDINATOR)
    partnership = part2.partnership("part2")
    part2.add_school(
        SchoolCreate(
            partnership_id=partnership.id,
            name="Wierden (al)",
            sector=Sector.VO,
            region=Region.MIDDEN,
            brin="21CD",
        )
    )
    with pytest.raises(ConflictError, match="er is niets ingelezen"):
        part2.store.apply_directory_batch(plan.batch, part2.clock.now())
    assert "20AB" not in schools(part2)


def test_people_get_their_roles_and_a_school_contact_needs_a_known_school(
    part2: Toetreding,
) -> None:
    data = csv(
        "naam,e-mail,rol,school\n"
        "Piet Post,Piet@Example.nl,Stuurgroep,\n"
        "Piet Post,piet@example.nl,school,noord1\n"
        "Carla de Vries,carla@part2.nl,coordinator,\n"
        "Geen Adres,geen-adres,,\n"
        "Ria,ria@example.nl,school,\n"
        "Ria,ria@example.nl,stuurgroep,NOORD1\n"
        "Kees,kees@example.nl,school,99ZZ\n"
        "Koning,koning@example.nl,koning,\n"
    )
    plan = part2.plan_import(ImportKind.PEOPLE, data, "part2", COORDINATOR)
    assert [(r.number, r.reason) for r in plan.refused] == [
        (5, "'geen-adres' is geen e-mailadres"),
        (
            6,
            "de rol 'Contactpersoon van de aanvragende school' hoort bij een school: vul de "
            "kolom school (BRIN) in",
        ),
        (
            7,
            "alleen de rol 'Contactpersoon van de aanvragende school' hoort bij een school; "
            "laat de kolom school leeg",
        ),
        (8, "geen school met BRIN 99ZZ in dit partnerschap"),
        (
            9,
            "onbekende rol 'koning'; schrijf een van: 'Coördinator / programmaleiding', "
            "'Stuurgroep', 'Kerngroep', 'Auditcommissie', 'Bestuurdersnetwerk', "
            "'Contactpersoon van de aanvragende school'",  # no Beheerder: not a coordinator's
        ),
    ]
    good = b"\n".join(data.splitlines()[:4]) + b"\n"
    done = part2.run_import(ImportKind.PEOPLE, good, "part2", COORDINATOR)
    assert [(line.number, line.action) for line in done.lines] == [
        (2, "toevoegen"),
        (2, "toevoegen"),
        (3, "toevoegen"),
        (4, "wijzigen"),
    ]
    piet = part2.person("piet@example.nl")
    assert piet.name == "Piet Post"
    noordik = part2.school("NOORD1")
    assert sorted((m.role, m.school_id) for m in part2.memberships_of(piet.id)) == [
        ("school", noordik.id),
        ("stuurgroep", None),
    ]
    assert part2.person(COORDINATOR).name == "Carla de Vries"
    assert part2.plan_import(ImportKind.PEOPLE, good, "part2", COORDINATOR).lines == []


def test_boards_change_the_board_of_known_schools_only(part2: Toetreding) -> None:
    data = csv(
        "brin;bestuur;naam\n"
        "NOORD1;Stichting Het Noordik;Het Noordik\n"
        "99ZZ;Stichting Elders;\n"
        "NOORD1;Stichting Twee;\n"
    )
    plan = part2.plan_import(ImportKind.BOARDS, data, "part2", COORDINATOR)
    assert [(r.number, r.reason) for r in plan.refused] == [
        (3, "geen school met BRIN 99ZZ in dit partnerschap"),
        (4, "BRIN NOORD1 staat ook in rij 2"),
    ]
    wrong_name = csv("brin;bestuur;naam\nNOORD1;Stichting X;De Esch\n")
    refused = part2.plan_import(ImportKind.BOARDS, wrong_name, "part2", COORDINATOR).refused
    assert [r.reason for r in refused] == ["BRIN NOORD1 is Het Noordik, niet De Esch"]
    part2.run_import(
        ImportKind.BOARDS,
        data.splitlines(keepends=True)[0] + data.splitlines(keepends=True)[1],
        "part2",
        COORDINATOR,
    )
    assert part2.school("NOORD1").board == "Stichting Het Noordik"


def test_an_xlsx_file_imports_like_a_csv(part2: Toetreding) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Schoolnaam", "BRIN", "Sector", "Vakantieregio"])
    sheet.append(["Lyceum Wierden", "21CD", "VO", "Midden"])
    out = io.BytesIO()
    book.save(out)
    part2.run_import(ImportKind.SCHOOLS, out.getvalue(), "part2", COORDINATOR)
    assert schools(part2)["21CD"] == ("Lyceum Wierden", "midden", None)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (csv("naam;brin;sector\nx;y;vo\n"), "kolom 'regio' ontbreekt"),
        (csv("naam;brin;sector;regio;kleur\nx;y;vo;noord;rood\n"), "onbekende kolom 'kleur'"),
        (csv("naam;school;brin;sector;regio\n"), "zeggen hetzelfde"),
    ],
)
def test_a_file_with_the_wrong_columns_is_refused_as_a_whole(
    part2: Toetreding, data: bytes, message: str
) -> None:
    with pytest.raises(InvalidInputError, match=message):
        part2.plan_import(ImportKind.SCHOOLS, data, "part2", COORDINATOR)


def test_only_a_coordinator_or_an_administrator_may_import(part2: Toetreding) -> None:
    data = csv("naam;brin;sector;regio\nDe Esch;20AB;vo;midden\n")
    with pytest.raises(InvalidInputError, match="Sam mag niet inlezen"):
        part2.plan_import(ImportKind.SCHOOLS, data, "part2", CONTACT)
    sam = part2.person(CONTACT)
    part2.accounts.set_password(sam.id, "correct-horse-battery", part2.clock.now(), admin=True)
    assert part2.plan_import(ImportKind.SCHOOLS, data, "part2", CONTACT).added == 1


def test_only_an_administrator_gives_the_administrators_role(part2: Toetreding) -> None:
    """A coordinator's file that makes someone Beheerder is refused on that row (by the
    role's id or its Dutch name), and nothing is imported; an administrator may."""
    data = csv(
        "naam;e-mail;rol;school\n"
        "Goed;goed@x.nl;stuurgroep;\n"
        "Evil;evil@x.nl;admin;\n"
        "Evil;evil@x.nl;Beheerder;\n"
    )
    plan = part2.plan_import(ImportKind.PEOPLE, data, "part2", COORDINATOR)
    refused = "de rol 'Beheerder' mag alleen een beheerder geven"
    assert [(r.number, r.reason) for r in plan.refused] == [(3, refused), (4, refused)]
    with pytest.raises(InvalidInputError, match="2 rij\\(en\\) geweigerd"):
        part2.run_import(ImportKind.PEOPLE, data, "part2", COORDINATOR)
    assert "evil@x.nl" not in {p.email for p, _ in part2.people()}
    # a partnership's own administrator (the role) and an administrator account may
    once = data[: data.index(b"Evil;evil@x.nl;B")]  # the same role twice is refused anyway
    part2.add_person("Ada", "ada@part2.nl", partnership_ref="part2", roles=("admin",))
    assert part2.plan_import(ImportKind.PEOPLE, once, "part2", "ada@part2.nl").refused == []
    sam = part2.person(CONTACT)
    part2.accounts.set_password(sam.id, "correct-horse-battery", part2.clock.now(), admin=True)
    part2.run_import(ImportKind.PEOPLE, once, "part2", CONTACT)
    evil = part2.person("evil@x.nl")
    assert [m.role for m in part2.memberships_of(evil.id)] == ["admin"]
