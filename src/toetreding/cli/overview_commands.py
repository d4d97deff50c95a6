"""``toetreding overview``: how many cases are at each step (the web board, as tables)."""

from __future__ import annotations

import typer
from rich.table import Table

from toetreding.cli._common import JSON_HELP, console, print_json, service, state
from toetreding.demo import demo_start, seed_demo
from toetreding.service import Board

SCHOOLS_SHOWN = 3  # a table row names this many schools and counts the rest


def overview(
    ctx: typer.Context,
    partnership: str | None = typer.Option(None, "--partnership", "-p"),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Aantal dossiers per stap, per partnerschap en protocol."""
    app = service(ctx)
    boards = app.board(today=app.today(), partnership_id=app.partnership_id(partnership))
    if as_json:
        print_json(
            [
                {
                    "partnership": board.partnership.code,
                    "protocol_id": board.protocol.id,
                    "protocol_version": board.protocol.version,
                    "state": column.state,
                    "state_label": column.label,
                    "step": column.step,
                    "count": column.count,
                    "overdue": column.overdue,
                }
                for board in boards
                for column in board.columns
            ]
        )
        return
    print_overview(boards)


def print_overview(boards: list[Board]) -> None:
    if not boards:
        console.print("Nog geen dossiers. Open er een met 'toetreding case open'.")
        return
    for board in boards:
        spec = board.protocol
        table = Table(
            "stap",
            "toestand",
            "#",
            "scholen",
            "aan zet",
            title=f"{board.partnership.name}: {spec.title} (versie {spec.version})",
        )
        for column in board.columns:
            schools = [case.school for case in column.cases[:SCHOOLS_SHOWN]]
            rest = column.count - len(schools)
            table.add_row(
                str(column.step or ""),
                column.label + (" (uitkomst)" if column.outcome else ""),
                str(column.count) if column.count else "[dim]0[/]",
                ", ".join(schools) + (f" +{rest}" if rest > 0 else ""),
                ", ".join(column.who),
            )
        console.print(table)


def demo(ctx: typer.Context) -> None:
    """Zet demogegevens klaar (als de database leeg is) en toon het overzicht."""
    app = service(ctx)
    protocols = state(ctx).settings.protocols_dir
    if seed_demo(app, demo_start(app.clock.now().date()), protocols):
        console.print(
            "Demogegevens aangemaakt: partnerschap 'part2' met zeven kandidaat-scholen.\n"
        )
    print_overview(app.board(today=app.today()))
    console.print(
        "\nVerder: [bold].venv/bin/toetreding case list[/], "
        "[bold].venv/bin/toetreding case show 1[/], "
        "[bold].venv/bin/toetreding --help[/]"
    )
