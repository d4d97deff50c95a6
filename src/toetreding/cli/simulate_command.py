"""``toetreding simulate``: play a cohort script out on a virtual clock and print the story."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import typer
from rich.table import Table

from toetreding._exceptions import InvalidInputError
from toetreding.cli._common import JSON_HELP, console, parse_date, print_json, registry
from toetreding.deadlines import DATE_FOLLOWS
from toetreding.simulation import NOT_JUDGED, SimulationResult, run_simulation
from toetreding.simulation.script import load_cohort_script

_STATUS_STYLE = {
    "op tijd": "green",
    "te laat": "yellow",
    "gemist": "red",
    "open (verlopen)": "red",
    "kwijtgescholden": "dim",
    "vervallen": "dim",
    NOT_JUDGED: "dim",
}


def simulate(
    ctx: typer.Context,
    protocol_id: str = typer.Argument(..., metavar="PROTOCOL", help="Protocol, bijv. po-groningen"),
    start: str = typer.Option(..., "--start", help="Eerste dag van de simulatie (JJJJ-MM-DD)"),
    script: Path = typer.Option(
        ..., "--script", help="Cohortscript (YAML): scholen en wat er wanneer gebeurt"
    ),
    keep_db: Path | None = typer.Option(
        None,
        "--keep-db",
        help="Bewaar de simulatie in dit SQLite-bestand (bekijk het met --db sqlite:///PAD)",
    ),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Speel een cohort scholen door een protocol op een virtuele klok.

    Elke dag vanaf --start: om 06:00 lopen de termijnen (automatische handelingen en
    gevolgen van gemiste termijnen), daarna de handelingen uit het script. De echte
    database wordt niet aangeraakt.
    """
    registry_ = registry(ctx)
    spec = registry_.get(protocol_id)
    cohort = load_cohort_script(script, spec)
    if keep_db is not None and keep_db.exists():
        raise InvalidInputError(f"{keep_db} bestaat al; kies een nieuw bestand voor --keep-db")
    url = f"sqlite:///{keep_db}" if keep_db is not None else None
    result = run_simulation(registry_, protocol_id, cohort, parse_date(start), database_url=url)
    if as_json:
        print_json(
            {
                "protocol": {"id": result.protocol.id, "version": result.protocol.version},
                "start": result.start,
                "until": result.until,
                "timeline": [asdict(entry) for entry in result.timeline],
                "deadlines": [asdict(outcome) for outcome in result.deadlines],
                "schools": [asdict(outcome) for outcome in result.schools],
            }
        )
        return
    _print(result)


def _print(result: SimulationResult) -> None:
    spec = result.protocol
    console.print(
        f"[bold]Simulatie {spec.title}[/] (versie {spec.version}), "
        f"{result.start:%d-%m-%Y} t/m {result.until:%d-%m-%Y}, {len(result.schools)} scholen\n"
    )
    timeline = Table("datum", "school", "wat", title="Tijdlijn", title_justify="left")
    for entry in result.timeline:
        style = "red" if entry.kind in ("geweigerd", "verlopen", "escalatie") else None
        what = entry.text if entry.kind == "handeling" else f"{entry.kind}: {entry.text}"
        timeline.add_row(f"{entry.day:%d-%m-%Y}", entry.school, what, style=style)
    console.print(timeline)
    deadlines = Table(
        "school", "termijn", "uiterlijk", "afloop", "op", title="Termijnen", title_justify="left"
    )
    for outcome in result.deadlines:
        deadlines.add_row(
            outcome.school,
            outcome.label,
            f"{outcome.due:%d-%m-%Y}" if outcome.due else DATE_FOLLOWS,
            f"[{_STATUS_STYLE.get(outcome.status, 'default')}]{outcome.status}[/]",
            f"{outcome.resolved:%d-%m-%Y}" if outcome.resolved else "",
        )
    console.print(deadlines)
    title = f"Stand op {result.until:%d-%m-%Y}"
    final = Table("school", "stap", "uitkomst", title=title, title_justify="left")
    for school in result.schools:
        final.add_row(school.school, school.state, school.outcome_label or "")
    console.print(final)
