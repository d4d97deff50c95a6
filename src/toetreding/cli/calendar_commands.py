"""``toetreding calendar`` (the school calendar kept in the database) and ``toetreding
doctor`` (what an administrator must do; exit status 1 when something needs doing)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

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
    show_time,
)
from toetreding.clock import local
from toetreding.service import Saved, moved_heading

app = new_app(
    "De schoolkalender: zomervakanties per regio en vrije dagen van een partnerschap, met bron."
)

_PERIOD_HELP = "Zomervakantie van regio {}: BEGIN:EIND (JJJJ-MM-DD:JJJJ-MM-DD), beide inclusief"
_BY_HELP = "Wie dit invoert (e-mail of id); komt in het logboek"


@app.command("show")
def show(
    ctx: typer.Context,
    at: str | None = typer.Option(None, "--at", help="Peildatum (JJJJ-MM-DD); standaard vandaag"),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Toon de zomervakanties per schooljaar en regio, met hun bron."""
    app_ = service(ctx)
    today = local(parse_at(at) or app_.clock.now()).date()
    rows = app_.calendar_years(today)
    if as_json:
        print_json(
            [
                {
                    "school_year": row.school_year,
                    "regions": {
                        region: None
                        if found is None
                        else {"start": found.start, "end": found.end, "source": found.source}
                        for region, found in row.regions.items()
                    },
                }
                for row in rows
            ]
        )
        return
    console.print("[bold]Zomervakanties[/] (eerste t/m laatste vakantiedag)")
    for row in rows:
        cells = [
            f"{region} " + ("[bold red]ontbreekt[/]" if v is None else _span(v.start, v.end))
            for region, v in row.regions.items()
        ]
        sources = sorted({v.source for v in row.regions.values() if v is not None})
        console.print(f"{row.school_year}: {'; '.join(cells)}", highlight=False)
        for source in sources:
            console.print(f"  bron: {source}", highlight=False, soft_wrap=True)
    names = {p.id: p.name for p in app_.partnerships()}
    by_partnership: dict[int, list[str]] = {}
    for d in app_.days_off():
        by_partnership.setdefault(d.partnership_id, []).append(f"{d.day:%d-%m-%Y} {d.label}")
    for partnership_id, days in by_partnership.items():  # whose: each has its own
        name = names.get(partnership_id, str(partnership_id))
        console.print(f"Vrije dagen van {name}: " + "; ".join(days), highlight=False)


@app.command("set")
def set_year(
    ctx: typer.Context,
    school_year: str = typer.Argument(
        ..., metavar="SCHOOLJAAR", help="Schooljaar, bijv. 2026-2027"
    ),
    noord: str | None = typer.Option(None, "--noord", help=_PERIOD_HELP.format("noord")),
    midden: str | None = typer.Option(None, "--midden", help=_PERIOD_HELP.format("midden")),
    zuid: str | None = typer.Option(None, "--zuid", help=_PERIOD_HELP.format("zuid")),
    source: str = typer.Option(
        ..., "--source", help="Officiële bron als webadres, bijv. https://www.rijksoverheid.nl/…"
    ),
    by: str | None = typer.Option(None, "--as", "--by", help=_BY_HELP),
    at: str | None = typer.Option(None, "--at", help=AT_HELP),
) -> None:
    """Voer de zomervakantie van een schooljaar in of corrigeer die; wachtende termijnen
    krijgen meteen hun datum."""
    given = {"noord": noord, "midden": midden, "zuid": zuid}
    periods = {region: _period(text) for region, text in given.items() if text}
    saved = service(ctx).set_summer_vacations(
        school_year, periods, source=source, by=by, at=past_moment(ctx, at)
    )
    _print_saved(saved, f"Zomervakantie {school_year}")


@app.command("import")
def import_file(
    ctx: typer.Context,
    path: Path = typer.Argument(
        ..., metavar="PAD", help="Kalenderbestand (vorm van zomervakanties.yaml)"
    ),
    by: str | None = typer.Option(None, "--as", "--by", help=_BY_HELP),
    at: str | None = typer.Option(None, "--at", help=AT_HELP),
) -> None:
    """Neem alle schooljaren uit een kalenderbestand over (met hun bron)."""
    saved = service(ctx).import_calendar(path, by=by, at=past_moment(ctx, at))
    _print_saved(saved, f"Kalender uit {path}")


@app.command("changes")
def changes(
    ctx: typer.Context,
    limit: int = typer.Option(50, "--limit", min=1),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Het logboek: wie wat wanneer veranderde, van wat naar wat, op welke bron."""
    found = service(ctx).calendar_changes(limit)
    if as_json:
        print_json([change.__dict__ for change in found])
        return
    table = Table("wanneer", "wie", "wat", "was", "wordt", "bron", title="Wijzigingen")
    for change in found:
        table.add_row(
            show_time(change.at),
            change.person or "—",
            change.subject,
            change.old_value or "—",
            change.new_value or "(verwijderd)",
            change.source,
        )
    console.print(table)


@app.command("day-off")
def day_off(
    ctx: typer.Context,
    partnership: str = typer.Argument(..., metavar="PARTNERSCHAP", help="Partnerschap (code)"),
    day: str = typer.Argument(..., metavar="DAG", help="Datum (JJJJ-MM-DD)"),
    label: str | None = typer.Option(None, "--label", help="Naam van de vrije dag"),
    remove: bool = typer.Option(False, "--remove", help="Verwijder deze vrije dag"),
    source: str = typer.Option(..., "--source", help="Bron, bijv. besluit van de stuurgroep"),
    by: str | None = typer.Option(None, "--as", "--by", help=_BY_HELP),
) -> None:
    """Voeg een vrije dag van een partnerschap toe (--label) of verwijder die (--remove)."""
    if remove == (label is not None):
        raise InvalidInputError("geef --label NAAM om toe te voegen, of --remove")
    when = parse_date(day)
    app = service(ctx)
    moved = app.set_day_off(partnership, when, label=label, source=source, by=by)
    done = "verwijderd" if remove else "opgeslagen"
    name = app.partnership(partnership).name  # its name, not the code typed
    console.print(f"Vrije dag {when:%d-%m-%Y} van {name} {done}; {moved_heading(len(moved))}.")
    for deadline in moved:
        console.print(f"- {deadline.words}", highlight=False)


def doctor(
    ctx: typer.Context,
    at: str | None = typer.Option(None, "--at", help="Peildatum (JJJJ-MM-DD); standaard vandaag"),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Gezondheidscontrole: wat een beheerder moet doen. Exitstatus 1 als er iets te doen is."""
    app_ = service(ctx)
    findings = app_.doctor(local(parse_at(at) or app_.clock.now()).date())
    findings += app_.version_tasks()  # running cases a newer protocol version is ready for
    if as_json:
        print_json([{"problem": f.problem, "action": f.action} for f in findings])
    elif not findings:
        console.print("Alles in orde: er is niets te doen.")
    else:
        console.print(f"[bold]Te doen voor een beheerder ({len(findings)}):[/]")
        for finding in findings:
            console.print(f"- {finding.problem}.\n  Doe: {finding.action}", highlight=False)
    if findings:
        raise typer.Exit(1)


def _span(start: date, end: date) -> str:
    return f"{start:%d-%m-%Y} t/m {end:%d-%m-%Y}"


def _period(text: str) -> tuple[date, date]:
    start, sep, end = text.partition(":")
    if not sep:
        raise InvalidInputError(
            f"'{text}' is geen periode; schrijf BEGIN:EIND, bijv. 2026-07-04:2026-08-16"
        )
    return parse_date(start), parse_date(end)


def _print_saved(saved: Saved, what: str) -> None:
    if not saved.changed:
        console.print(f"{what}: niets gewijzigd (stond er al zo).")
    else:
        console.print(f"{what} opgeslagen ({saved.changed} regio('s) gewijzigd).")
    if saved.dated:
        console.print(f"{saved.dated} wachtende termijn(en) kregen hun datum.")
    if saved.redated:
        console.print(f"{saved.redated_words}.")
