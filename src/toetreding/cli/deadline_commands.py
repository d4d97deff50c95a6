"""``toetreding agenda`` and ``toetreding deadline``: what is due, and changing a due date."""

from __future__ import annotations

from datetime import date

import typer
from rich.table import Table

from toetreding._exceptions import InvalidInputError
from toetreding.cli._common import (
    AT_HELP,
    JSON_HELP,
    console,
    new_app,
    parse_at,
    parse_date,
    past_moment,
    print_json,
    service,
)
from toetreding.cli.sheet_commands import EXPORT_HELP, OUTPUT_HELP, write_export
from toetreding.clock import local
from toetreding.deadlines import DATE_FOLLOWS
from toetreding.service import AgendaItem
from toetreding.sheets import SheetFormat

app = new_app("Termijnen verlengen of laten vervallen.")


def agenda(
    ctx: typer.Context,
    partnership: str | None = typer.Option(None, "--partnership", "-p"),
    within: str | None = typer.Option(
        None, "--within", help="Alleen binnen deze periode, bijv. 30d of 6w"
    ),
    overdue: bool = typer.Option(False, "--overdue", help="Alleen termijnen die verstreken zijn"),
    at: str | None = typer.Option(None, "--at", help="Peildatum (JJJJ-MM-DD); standaard vandaag"),
    limit: int = typer.Option(
        50, "--limit", min=0, help="Toon de eerste N termijnen; 0 toont ze allemaal"
    ),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
    export: SheetFormat | None = typer.Option(None, "--export", help=EXPORT_HELP),
    output: str | None = typer.Option(None, "--output", "-o", help=OUTPUT_HELP),
) -> None:
    """Lopende termijnen over alle dossiers, de eerstvolgende eerst."""
    app_ = service(ctx)
    moment = parse_at(at) or app_.clock.now()
    today = local(moment).date()
    within_days = _days(within)
    if export is not None:  # every deadline, whatever --limit says
        sheet = app_.agenda_sheet(
            today=today,
            partnership_ref=partnership,
            within_days=within_days,
            overdue_only=overdue,
        )
        write_export(sheet, export, output, "agenda")
        return
    items = app_.agenda(
        today=today,
        partnership_ref=partnership,
        within_days=within_days,
        overdue_only=overdue,
        limit=limit or None,
    )
    if as_json:
        print_json([_item_json(item) for item in items])
        return
    if not items:
        console.print(f"Geen lopende termijnen (peildatum {today:%d-%m-%Y}).")
        return
    _print_agenda(items, today)
    if limit and len(items) == limit:
        total = app_.agenda_size(
            today=today,
            partnership_ref=partnership,
            within_days=within_days,
            overdue_only=overdue,
        )
        if total > limit:
            console.print(
                f"De eerste {limit} van {total} termijnen; --limit 0 toont ze allemaal.",
                highlight=False,
            )


def _print_agenda(items: list[AgendaItem], today: date) -> None:
    table = Table(
        "datum",
        "status",
        "school",
        "dossier",
        "stap",
        "wat",
        "wie",
        title=f"Agenda per {today:%d-%m-%Y}",
    )
    for item in items:
        table.add_row(
            item.due,
            _status(item),
            item.deadline.school_name,
            str(item.deadline.case_id),
            item.state_label,
            item.label,
            ", ".join(item.who),
        )
    console.print(table)


@app.command("extend")
def extend(
    ctx: typer.Context,
    case_id: int = typer.Argument(..., metavar="DOSSIER", help="Dossiernummer"),
    name: str = typer.Argument(..., metavar="NAAM", help="Naam van de termijn, zie 'case show'"),
    until: str = typer.Option(..., "--until", help="Nieuwe uiterste datum (JJJJ-MM-DD)"),
    reason: str = typer.Option(..., "--reason", help="Waarom de termijn verlengd wordt"),
    actor: str = typer.Option(..., "--as", help="Wie verlengt (e-mail of id)"),
    at: str | None = typer.Option(None, "--at", help=AT_HELP),
) -> None:
    """Verleng een lopende termijn."""
    new_due = parse_date(until)
    record = service(ctx).extend_deadline(
        case_id, name, new_due=new_due, reason=reason, actor_ref=actor, at=past_moment(ctx, at)
    )
    console.print(
        f"Termijn '{name}' van dossier {case_id} verlengd tot {record.due_date:%d-%m-%Y}."
    )


@app.command("waive")
def waive(
    ctx: typer.Context,
    case_id: int = typer.Argument(..., metavar="DOSSIER", help="Dossiernummer"),
    name: str = typer.Argument(..., metavar="NAAM", help="Naam van de termijn, zie 'case show'"),
    reason: str = typer.Option(..., "--reason", help="Waarom de termijn vervalt"),
    actor: str = typer.Option(..., "--as", help="Wie laat hem vervallen (e-mail of id)"),
    at: str | None = typer.Option(None, "--at", help=AT_HELP),
) -> None:
    """Laat een lopende termijn vervallen."""
    service(ctx).waive_deadline(
        case_id, name, reason=reason, actor_ref=actor, at=past_moment(ctx, at)
    )
    console.print(f"Termijn '{name}' van dossier {case_id} vervalt.")


@app.command("sweep")
def sweep(
    ctx: typer.Context,
    at: str | None = typer.Option(None, "--at", help="Peilmoment; standaard nu"),
) -> None:
    """Voer de gevolgen uit van termijnen die ongehaald verstreken zijn (elk één keer)."""
    done = service(ctx).sweep_deadlines(past_moment(ctx, at))
    if not done:
        console.print("Geen verstreken termijnen met een gevolg.")
    for item in done:
        what = "uitgevoerd:" if item.action == "fire" else "geëscaleerd naar"
        console.print(
            f"Dossier {item.deadline.case_id} ({item.deadline.school_name}): termijn "
            f"'{item.label}' verstreken; {what} '{item.target_label}'.",
            highlight=False,
        )


def _days(text: str | None) -> int | None:
    if text is None:
        return None
    units = {"d": 1, "w": 7}
    value, unit = (text[:-1], text[-1]) if text[-1:] in units else (text, "d")
    if not value.isdigit():
        raise InvalidInputError(f"'{text}' is geen periode; schrijf bijv. 30d of 6w")
    return int(value) * units[unit]


def _status(item: AgendaItem) -> str:
    if item.days_left is None:
        return f"[yellow]{DATE_FOLLOWS}[/]"
    if item.days_left < 0:
        return f"[bold red]{-item.days_left} dag(en) te laat[/]"
    if item.days_left == 0:
        return "[yellow]vandaag[/]"
    return f"nog {item.days_left} dag(en)"


def _item_json(item: AgendaItem) -> dict[str, object]:
    d = item.deadline
    return {
        "case_id": d.case_id,
        "school_name": d.school_name,
        "deadline": d.name,
        "label": item.label,
        "state": d.state,
        "state_label": item.state_label,
        "due_date": d.due_date,
        "due": item.due,
        "original_due_date": d.original_due_date,
        "waiting_for": d.waiting_for,
        "days_left": item.days_left,
        "overdue": item.overdue,
        "who": list(item.who),
    }
