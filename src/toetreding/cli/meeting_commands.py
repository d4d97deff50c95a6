"""``toetreding meeting …``: meetings of the stuurgroep and other bodies — plan one with its
proposed agenda, change the agenda, decide cases in it, its decision list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from toetreding._exceptions import InvalidInputError, NotFoundError
from toetreding.cli._common import (
    JSON_HELP,
    console,
    key_values,
    new_app,
    print_json,
    service,
    state,
)
from toetreding.cli.audit_commands import desk
from toetreding.cli.file_commands import step_documents
from toetreding.cli.report_commands import Format
from toetreding.documents.meetings import (
    letters_zip,
    meeting_letters,
    meeting_pack,
    pack_html,
    pack_pdf,
)
from toetreding.reminders import channel_from_settings
from toetreding.reminders.meeting_pack import send_meeting_pack
from toetreding.service import MeetingView, meeting_data, names_in_words, parse_day, parse_time

app = new_app("Vergaderingen van stuurgroep, bestuurdersnetwerk, auditcommissie en kerngroep.")


@app.command("create")
def meeting_create(
    ctx: typer.Context,
    body: str = typer.Argument(
        ..., metavar="ORGAAN", help="Orgaan: stuurgroep, bestuurdersnetwerk, …"
    ),
    day: str = typer.Option(..., "--date", help="Datum, bijv. 12-03-2027"),
    starts_at: str = typer.Option(..., "--time", help="Aanvang, bijv. 14:00"),
    place: str = typer.Option(..., "--place", help="Plaats"),
    actor: str = typer.Option(..., "--as", help="Wie de vergadering regelt (e-mail of id)"),
    partnership: str = typer.Option("part2", "--partnership", help="Partnerschap (code of id)"),
    present: list[str] = typer.Option([], "--present", help="Aanwezig lid (e-mail of id)"),
) -> None:
    """Plan een vergadering; de agenda wordt voorgesteld (met de reden per punt)."""
    app_ = service(ctx)
    meeting_id = app_.create_meeting(
        partnership_ref=partnership,
        body=body,
        day=parse_day(day),
        starts_at=parse_time(starts_at),
        place=place,
        actor_ref=actor,
        present=present,
    )
    view = app_.meeting_view(meeting_id)
    console.print(f"Vergadering {meeting_id} gepland: {view.title}, {view.meeting.place}.")
    _print_agenda(view)


@app.command("list")
def meeting_list(
    ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help=JSON_HELP)
) -> None:
    """Alle vergaderingen, de nieuwste eerst."""
    app_ = service(ctx)
    meetings = app_.meetings()
    if as_json:
        print_json(
            [
                {
                    "id": m.id,
                    "body": m.body,
                    "body_label": app_.body_label(m.body),
                    "date": m.day,
                    "time": f"{m.starts_at:%H:%M}",
                    "place": m.place,
                }
                for m in meetings
            ]
        )
        return
    if not meetings:
        console.print("Nog geen vergaderingen.")
        return
    table = Table("Nr.", "Orgaan", "Datum", "Tijd", "Plaats")
    for m in meetings:
        table.add_row(
            str(m.id), app_.body_label(m.body), f"{m.day:%d-%m-%Y}", f"{m.starts_at:%H:%M}", m.place
        )
    console.print(table)


@app.command("show")
def meeting_show(
    ctx: typer.Context,
    meeting_id: int = typer.Argument(..., metavar="VERGADERING", help="Nummer van de vergadering"),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """De vergadering: wie er waren, de agenda met wat het orgaan nu kan besluiten."""
    view = service(ctx).meeting_view(meeting_id)
    if as_json:
        print_json(meeting_data(view))
        return
    console.print(f"[bold]{view.title}[/], {view.meeting.place}", highlight=False)
    names = ", ".join(p.name for p in view.present) or "nog niet vastgelegd"
    console.print(f"Aanwezig: {names}", highlight=False)
    _print_agenda(view)
    if view.decisions:
        console.print("\nBesluiten:")
        for d in view.decisions:
            console.print(f"  dossier {d.case_id} {d.school}: {d.label} → {d.outcome}")


@app.command("agenda")
def meeting_agenda(
    ctx: typer.Context,
    meeting_id: int = typer.Argument(..., metavar="VERGADERING", help="Nummer van de vergadering"),
    actor: str = typer.Option(..., "--as", help="Wie de agenda wijzigt (e-mail of id)"),
    add: list[int] = typer.Option([], "--add", help="Dossier toevoegen"),
    remove: list[int] = typer.Option([], "--remove", help="Dossier van de agenda halen"),
    up: list[int] = typer.Option([], "--up", help="Dossier een plaats omhoog"),
    down: list[int] = typer.Option([], "--down", help="Dossier een plaats omlaag"),
) -> None:
    """Wijzig de agenda: punten toevoegen, weghalen, verschuiven."""
    app_ = service(ctx)
    for case_id in add:
        app_.add_to_agenda(meeting_id, case_id, actor_ref=actor)
    for case_id in remove:
        app_.remove_from_agenda(meeting_id, case_id, actor_ref=actor)
    for case_id in up:
        app_.move_on_agenda(meeting_id, case_id, -1, actor_ref=actor)
    for case_id in down:
        app_.move_on_agenda(meeting_id, case_id, 1, actor_ref=actor)
    _print_agenda(app_.meeting_view(meeting_id))


@app.command("decide")
def meeting_decide(
    ctx: typer.Context,
    meeting_id: int = typer.Argument(..., metavar="VERGADERING", help="Nummer van de vergadering"),
    case_id: int = typer.Argument(..., metavar="DOSSIER", help="Dossiernummer (een agendapunt)"),
    trigger: str = typer.Argument(
        ..., metavar="HANDELING", help="Besluit, zie 'meeting show' (kolom in 'meeting decide')"
    ),
    actor: str = typer.Option(..., "--as", help="Wie het besluit vastlegt (lid van het orgaan)"),
    note: str | None = typer.Option(None, "--note", help="Motivering"),
    docs: list[str] = typer.Option([], "--doc", help="Bestand dat het besluit vraagt (NAAM=PAD)"),
    values: list[str] = typer.Option([], "--input", help="Overige invoer: NAAM=WAARDE"),
    confirms: list[str] = typer.Option([], "--confirm", help="Bevestiging"),
) -> None:
    """Leg een besluit van het orgaan vast op een agendapunt (met alle controles)."""
    app_ = service(ctx)
    inputs: dict[str, Any] = key_values(values, "--input")
    inputs.update(dict.fromkeys(confirms, True))
    inputs.update(step_documents(app_, case_id, trigger, docs))
    decision = app_.decide_in_meeting(
        meeting_id, case_id, trigger, actor_ref=actor, inputs=inputs, note=note
    )
    spec = app_.spec_of(app_.case(case_id))
    label = next(t.label for t in spec.transitions if t.trigger == decision.trigger)
    console.print(
        f"Dossier {case_id}: {label} → [bold]{spec.states[decision.to_state].label}[/]",
        highlight=False,
    )


@app.command("decisions")
def meeting_decisions(
    ctx: typer.Context,
    meeting_id: int = typer.Argument(..., metavar="VERGADERING", help="Nummer van de vergadering"),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """De besluitenlijst: wat in de vergadering is besloten."""
    view = service(ctx).meeting_view(meeting_id)
    if as_json:
        print_json(meeting_data(view)["decisions"])
        return
    console.print(f"[bold]Besluitenlijst {view.title}[/]", highlight=False)
    if not view.decisions:
        console.print("Er is (nog) niets besloten.")
    for d in view.decisions:
        console.print(
            f"- Dossier {d.case_id}, {d.school}: {d.label} → {d.outcome}", highlight=False
        )


def _print_agenda(view: MeetingView) -> None:
    if not view.items:
        console.print("De agenda is leeg.")
        return
    table = Table("Nr.", "Dossier", "School", "Stap", "Reden", "Mogelijke besluiten")
    longest = max((len(t.trigger) for i in view.items for t in i.decisions), default=0)
    table.add_column("in 'meeting decide'", no_wrap=True, min_width=longest)
    for item in view.items:
        # One line per decision, so each label stands next to what 'meeting decide' takes.
        first = [
            str(item.item.position),
            str(item.case.id),
            item.item.school_name,
            item.state_label,
            item.item.reason,
        ]
        for index, decision in enumerate(item.decisions or [None]):
            case_columns = first if index == 0 else [""] * len(first)
            if decision is None:
                table.add_row(*case_columns, "—", "")
            else:
                table.add_row(*case_columns, decision.label, decision.trigger)
    console.print(table)


@app.command("pack")
def meeting_pack_command(
    ctx: typer.Context,
    meeting_id: int = typer.Argument(..., metavar="VERGADERING", help="Nummer van de vergadering"),
    form: Format = typer.Option(Format.PDF, "--format", help="html of pdf"),
    output: Path | None = typer.Option(None, "--output", "-o", help="Bestand"),
    send: bool = typer.Option(
        False, "--send", help="Stuur de stukken (PDF) per e-mail aan de leden van het orgaan"
    ),
    actor: str | None = typer.Option(None, "--as", help="Wie ze verstuurt (e-mail of id)"),
    again: bool = typer.Option(
        False, "--opnieuw", help="Met --send: ook als ze al eerder zijn verzonden"
    ),
) -> None:
    """Maak de vergaderstukken: de agenda en per dossier een samenvatting; met --send per
    e-mail aan de leden."""
    if send:
        _send_pack(ctx, meeting_id, actor, again=again)
        if output is None:
            return
    elif actor is not None or again:
        raise InvalidInputError("--as en --opnieuw horen bij --send").with_hint(
            f"toetreding meeting pack {meeting_id} --send --as E-MAIL"
        )
    pack = meeting_pack(desk(ctx), meeting_id)
    templates = state(ctx).settings.templates_dir
    path = output or Path(f"vergaderstukken-{meeting_id}.{form.value}")
    if form is Format.PDF:
        path.write_bytes(pack_pdf(pack, templates))
    else:
        path.write_text(pack_html(pack, templates), encoding="utf-8")
    console.print(f"Vergaderstukken geschreven naar {path}.", highlight=False)


def _send_pack(ctx: typer.Context, meeting_id: int, actor: str | None, *, again: bool) -> None:
    """The pack by e-mail to the body's members, through the reminders' channel."""
    if actor is None:
        raise InvalidInputError("zeg met --as wie de vergaderstukken verstuurt").with_hint(
            f"toetreding meeting pack {meeting_id} --send --as E-MAIL"
        )
    settings = state(ctx).settings
    result = send_meeting_pack(
        desk(ctx),
        meeting_id,
        actor_ref=actor,
        channel=channel_from_settings(settings),
        sender=settings.mail_from,
        base_url=settings.base_url,
        again=again,
        templates_dir=settings.templates_dir,
    )
    if result.sent:
        names = names_in_words(list(result.sent))
        console.print(f"Vergaderstukken verzonden aan {names}.", highlight=False)
    for name in result.without_address:
        console.print(f"Niet verzonden aan {name}: geen bruikbaar e-mailadres.", highlight=False)
    for name, reason in result.failed:
        console.print(f"Niet verzonden aan {name}: {reason}", highlight=False)
    if result.failed:
        raise typer.Exit(1)


@app.command("letters")
def meeting_letters_command(
    ctx: typer.Context,
    meeting_id: int = typer.Argument(..., metavar="VERGADERING", help="Nummer van de vergadering"),
    output: Path | None = typer.Option(None, "--output", "-o", help="ZIP-bestand"),
) -> None:
    """Maak de besluitbrieven van de besluiten in deze vergadering, in één ZIP-bestand."""
    letters = meeting_letters(desk(ctx), meeting_id)
    if not letters:
        raise NotFoundError("in deze vergadering is geen besluit genomen dat een brief heeft")
    path = output or Path(f"besluitbrieven-vergadering-{meeting_id}.zip")
    path.write_bytes(letters_zip(letters, state(ctx).settings.templates_dir))
    names = ", ".join(f"{name}.pdf" for name, _ in letters)
    console.print(f"{len(letters)} brief/brieven geschreven naar {path}: {names}", highlight=False)
