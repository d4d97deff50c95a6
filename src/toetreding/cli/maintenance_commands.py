"""``toetreding verify``, ``backup`` and ``restore``: the upkeep of the database itself."""

from __future__ import annotations

from pathlib import Path

import typer

from toetreding.cli._common import JSON_HELP, console, errors, print_json, service
from toetreding.store import ChainReport


def verify(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Controleer of de geschiedenis van elk dossier nog is zoals ze is vastgelegd.

    Exitcode 0: alles klopt; 1: de eerste breuk (dossier en rij) staat in de melding.
    """
    _report(service(ctx).verify_history(), as_json=as_json)


def _report(report: ChainReport, *, as_json: bool) -> None:
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


def backup(
    ctx: typer.Context,
    file: Path = typer.Argument(..., metavar="BESTAND", help="Nieuw bestand voor de reservekopie"),
) -> None:
    """Maak een reservekopie van de hele database in een nieuw bestand (ook terwijl de app
    draait). Bestanden in een map (TOETREDING_FILES_DIR) zitten er niet in."""
    service(ctx).backup(file)
    console.print(f"Reservekopie geschreven naar {file}.")


def restore(
    ctx: typer.Context,
    file: Path = typer.Argument(
        ..., metavar="BESTAND", help="Een reservekopie van 'toetreding backup'"
    ),
) -> None:
    """Zet een reservekopie terug in een lege database en controleer daarna de geschiedenis."""
    counts, report = service(ctx).restore(file)
    console.print(
        f"Reservekopie {file} teruggezet: {counts.get('cases', 0)} dossiers, "
        f"{counts.get('events', 0)} geschiedenisrijen, {sum(counts.values())} rijen in "
        f"{len(counts)} tabellen."
    )
    _report(report, as_json=False)
