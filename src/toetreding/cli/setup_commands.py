"""Registering partnerships, schools and people."""

from __future__ import annotations

import typer
from rich.table import Table

from toetreding._exceptions import InvalidInputError
from toetreding.calendar import Region
from toetreding.cli._common import JSON_HELP, console, new_app, print_json, service, state
from toetreding.definition import Sector
from toetreding.formats import version_words
from toetreding.roles import ROLE_LABELS
from toetreding.store import SchoolCreate, SchoolUpdate

partnership_app = new_app("Partnerschappen beheren.")
school_app = new_app("Kandidaat-scholen beheren.")
person_app = new_app("Personen en hun rollen beheren.")


def init(ctx: typer.Context) -> None:
    """Maak de database aan of werk hem bij, en controleer de protocollen."""
    app = service(ctx)
    settings = state(ctx).settings
    console.print(f"Database klaar: {settings.database_url}", highlight=False)
    console.print(
        f"Protocollen ({settings.protocols_dir}): "
        + ", ".join(version_words(s.title, s.version, s.id) for s in app.registry.all()),
        highlight=False,
    )


# --- partnerships ---------------------------------------------------------------------------


@partnership_app.command("add")
def partnership_add(
    ctx: typer.Context,
    code: str = typer.Argument(..., metavar="CODE", help="Korte code, bijv. part2"),
    name: str = typer.Argument(..., metavar="NAAM", help="Naam van het partnerschap"),
) -> None:
    """Registreer een partnerschap."""
    app = service(ctx)
    created = app.add_partnership(code, name)
    console.print(f"Partnerschap {created.code} ({created.name}) toegevoegd.", highlight=False)


@partnership_app.command("list")
def partnership_list(
    ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help=JSON_HELP)
) -> None:
    """Alle partnerschappen."""
    rows = service(ctx).partnerships()
    if as_json:
        print_json(rows)
        return
    table = Table("id", "code", "naam", title="Partnerschappen")
    for p in rows:
        table.add_row(str(p.id), p.code, p.name)
    console.print(table)


# --- schools --------------------------------------------------------------------------------


@school_app.command("add")
def school_add(
    ctx: typer.Context,
    partnership: str = typer.Option(..., "--partnership", "-p", help="Code van het partnerschap"),
    name: str = typer.Option(..., "--name", help="Naam van de school"),
    sector: Sector = typer.Option(..., "--sector", help="po, vo of mbo"),
    region: Region = typer.Option(..., "--region", help="Vakantieregio: noord, midden of zuid"),
    brin: str | None = typer.Option(None, "--brin", help="BRIN of ander kenmerk"),
    board: str | None = typer.Option(None, "--board", help="Schoolbestuur"),
) -> None:
    """Registreer een kandidaat-school bij een partnerschap."""
    app = service(ctx)
    found = app.partnership(partnership)
    school = app.add_school(
        SchoolCreate(
            partnership_id=found.id, name=name, sector=sector, region=region, brin=brin, board=board
        )
    )
    console.print(f"School {school.name} toegevoegd (id {school.id}).", highlight=False)


@school_app.command("edit")
def school_edit(
    ctx: typer.Context,
    school_id: int = typer.Argument(
        ..., metavar="SCHOOL", help="Id van de school (zie 'school list')"
    ),
    name: str | None = typer.Option(None, "--name", help="Nieuwe naam"),
    region: Region | None = typer.Option(None, "--region", help="noord, midden of zuid"),
    brin: str | None = typer.Option(None, "--brin", help="BRIN of ander kenmerk"),
    board: str | None = typer.Option(None, "--board", help="Schoolbestuur"),
) -> None:
    """Corrigeer naam, regio, BRIN of bestuur van een school."""
    given = {"name": name, "region": region, "brin": brin, "board": board}
    changes = SchoolUpdate.model_validate({k: v for k, v in given.items() if v is not None})
    if not changes.model_fields_set:
        raise InvalidInputError("geef minstens één van --name, --region, --brin, --board")
    school = service(ctx).update_school(school_id, changes)
    console.print(
        f"School {school.id} bijgewerkt: {school.name}, regio {school.region}, "
        f"bestuur {school.board or '-'}.",
        highlight=False,
    )


@school_app.command("list")
def school_list(
    ctx: typer.Context,
    partnership: str | None = typer.Option(None, "--partnership", "-p"),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Kandidaat-scholen, eventueel van één partnerschap."""
    app = service(ctx)
    pid = app.partnership_id(partnership)
    rows = app.schools(pid)
    if as_json:
        print_json(rows)
        return
    table = Table("id", "school", "BRIN", "sector", "regio", "bestuur", title="Scholen")
    for s in rows:
        table.add_row(str(s.id), s.name, s.brin or "", s.sector, s.region, s.board or "")
    console.print(table)


# --- people ---------------------------------------------------------------------------------


@person_app.command("add")
def person_add(
    ctx: typer.Context,
    name: str = typer.Option(..., "--name"),
    email: str = typer.Option(..., "--email"),
    partnership: str | None = typer.Option(
        None, "--partnership", "-p", help="Geef meteen een rol in dit partnerschap"
    ),
    role: list[str] = typer.Option(
        [], "--role", help="Rol(len), bijv. coordinator, stuurgroep, school"
    ),
    school: str | None = typer.Option(
        None, "--school", help="Bij rol 'school': id of BRIN van de school"
    ),
) -> None:
    """Registreer een persoon, met desgewenst rollen in een partnerschap."""
    app = service(ctx)
    person = app.add_person(
        name, email, partnership_ref=partnership, roles=tuple(role), school_ref=school
    )
    # what the person reads: the roles' names and the partnership's, not the codes typed
    labels = ", ".join(ROLE_LABELS.get(r, r) for r in role)
    where = f" in {app.partnership(partnership).name}" if partnership else ""
    roles = f" met rol {labels}{where}" if role else ""
    console.print(
        f"{person.name} <{person.email}> toegevoegd (id {person.id}){roles}.", highlight=False
    )


@person_app.command("role")
def person_role(
    ctx: typer.Context,
    person: str = typer.Argument(..., metavar="PERSOON", help="E-mailadres of id"),
    partnership: str = typer.Option(..., "--partnership", "-p"),
    role: str = typer.Option(..., "--role"),
    school: str | None = typer.Option(None, "--school", help="Bij rol 'school': id of BRIN"),
) -> None:
    """Geef een persoon een rol in een partnerschap."""
    app = service(ctx)
    app.grant_role(person, partnership, role, school)
    label = ROLE_LABELS.get(role, role)
    name = app.partnership(partnership).name
    console.print(f"Rol {label} toegekend aan {person} in {name}.", highlight=False)


@person_app.command("list")
def person_list(
    ctx: typer.Context,
    partnership: str | None = typer.Option(None, "--partnership", "-p"),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Personen met hun rollen."""
    app = service(ctx)
    pid = app.partnership_id(partnership)
    rows = app.people(pid)
    if as_json:
        print_json(
            [
                {
                    **p.model_dump(),
                    "roles": [
                        {
                            "partnership_id": m.partnership_id,
                            "role": m.role,
                            "school_id": m.school_id,
                        }
                        for m in ms
                    ],
                }
                for p, ms in rows
            ]
        )
        return
    table = Table("id", "naam", "e-mail", "rollen", title="Personen")
    for p, ms in rows:
        roles = ", ".join(
            ROLE_LABELS.get(m.role, m.role) + (f" (school {m.school_id})" if m.school_id else "")
            for m in ms
        )
        table.add_row(str(p.id), p.name, p.email, roles)
    console.print(table)
