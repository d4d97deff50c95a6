"""``toetreding verify``: the upkeep of the database itself."""

from __future__ import annotations

import typer

from toetreding.cli._common import JSON_HELP, console, errors, print_json, service


def verify(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Controleer of de geschiedenis van elk dossier nog is zoals ze is vastgelegd.

    Exitcode 0: alles klopt; 1: de eerste breuk (dossier en rij) staat in de melding.
    """
    report = service(ctx).verify_history()
    broken = report.broken
    if as_json:
        print_json(
            {
                "ok": broken is None,
                "rows": report.rows,
                "cases": report.cases,
                "case_id": broken.case_id if broken else None,
                "seq": broken.seq if broken else None,
                "message": broken.message if broken else None,
            }
        )
    elif broken is None:
        console.print(
            f"Geschiedenis in orde: {report.rows} rijen in {report.cases} dossiers, "
            "elke keten en de kop van de database kloppen."
        )
    else:
        errors.print(f"[bold red]Geschiedenis aangetast:[/] {broken.message}", highlight=False)
    if broken is not None:
        raise typer.Exit(1)
