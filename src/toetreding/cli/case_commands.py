"""``toetreding case``: open, list, show and move admission cases."""

from __future__ import annotations

from datetime import date
from typing import Any

import typer
from rich.table import Table

from toetreding._exceptions import TransitionRefused
from toetreding.cli._common import (
    AT_HELP,
    JSON_HELP,
    console,
    key_values,
    new_app,
    past_moment,
    print_json,
    service,
    show_time,
)
from toetreding.cli.file_commands import describe_value, step_documents
from toetreding.cli.sheet_commands import EXPORT_HELP, OUTPUT_HELP, write_export
from toetreding.clock import local
from toetreding.definition import ProtocolSpec
from toetreding.formats import version_words
from toetreding.service import (
    CaseView,
    corrected_rows,
    deadline_payload,
    deadline_status,
    history_actor,
    history_heading,
    history_note,
    is_withdrawn,
    state_label,
    state_words,
    stays_in_step,
)
from toetreding.sheets import SheetFormat
from toetreding.store import (
    CORRECTED,
    CORRECTION,
    FROM_VERSION,
    MOVED,
    TO_VERSION,
    CaseFilter,
    HistoryEntry,
)

app = new_app("Toelatingsdossiers openen, bekijken en verder zetten.")


@app.command("open")
def case_open(
    ctx: typer.Context,
    school: str = typer.Option(..., "--school", help="Id of BRIN van de school"),
    protocol: str = typer.Option(..., "--protocol", help="Protocol-id, bijv. partnerschap2"),
    actor: str = typer.Option(..., "--as", help="Wie opent het dossier (e-mail of id)"),
    version: int | None = typer.Option(
        None, "--version", help="Protocolversie; standaard de nieuwste"
    ),
    partnership: str | None = typer.Option(
        None, "--partnership", "-p", help="Nodig bij BRIN in meerdere partnerschappen"
    ),
    note: str | None = typer.Option(None, "--note"),
    at: str | None = typer.Option(None, "--at", help=AT_HELP),
) -> None:
    """Open een toelatingsdossier voor een school."""
    app_ = service(ctx)
    case_id = app_.open_case(
        school_ref=school,
        protocol_id=protocol,
        actor_ref=actor,
        version=version,
        partnership_ref=partnership,
        note=note,
        at=past_moment(ctx, at),
    )
    view = app_.view(case_id)
    console.print(
        f"Dossier {case_id} geopend voor {view.school.name} "
        f"op {version_words(view.spec.title, view.spec.version)}; eerste stap: {view.state.label}.",
        highlight=False,
    )


@app.command("list")
def case_list(
    ctx: typer.Context,
    partnership: str | None = typer.Option(None, "--partnership", "-p"),
    state: str | None = typer.Option(None, "--state", help="Alleen dossiers in deze stap"),
    protocol: str | None = typer.Option(None, "--protocol"),
    open_only: bool = typer.Option(False, "--open", help="Alleen lopende dossiers"),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
    export: SheetFormat | None = typer.Option(None, "--export", help=EXPORT_HELP),
    output: str | None = typer.Option(None, "--output", "-o", help=OUTPUT_HELP),
) -> None:
    """Dossiers, meest recent gewijzigd eerst."""
    app_ = service(ctx)
    pid = app_.partnership_id(partnership)
    wanted = CaseFilter(
        partnership_id=pid, state=state, protocol_id=protocol, running=True if open_only else None
    )
    if export is not None:
        write_export(app_.cases_sheet(wanted), export, output, "dossiers")
        return
    rows = app_.find_cases(wanted)
    specs = [app_.spec_of(case) for case, _ in rows]
    summaries = [
        _summary(spec, case, school) for spec, (case, school) in zip(specs, rows, strict=True)
    ]
    if as_json:
        print_json(summaries)
        return
    table = Table(
        "dossier", "school", "protocol", "stap", "toestand", "laatst gewijzigd", title="Dossiers"
    )
    for spec, s in zip(specs, summaries, strict=True):
        table.add_row(
            str(s["id"]),
            s["school_name"],
            f"{spec.title} (versie {spec.version})",
            str(s["step"] or ""),
            s["state_label"],
            show_time(s["updated_at"]),
        )
    console.print(table)


@app.command("show")
def case_show(
    ctx: typer.Context,
    case_id: int = typer.Argument(..., metavar="DOSSIER", help="Dossiernummer"),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Huidige stap, wat nu kan en door wie, en de volledige geschiedenis."""
    app_ = service(ctx)
    view = app_.view(case_id)
    if as_json:
        print_json(_view_json(view))
        return
    _print_view(view, local(app_.clock.now()).date())


@app.command("fire")
def case_fire(
    ctx: typer.Context,
    case_id: int = typer.Argument(..., metavar="DOSSIER", help="Dossiernummer"),
    trigger: str = typer.Argument(..., metavar="HANDELING", help="Handeling, zie 'case show'"),
    actor: str = typer.Option(..., "--as", help="Wie handelt (e-mail of id)"),
    role: str | None = typer.Option(None, "--role", help="In welke rol, als iemand er meer heeft"),
    note: str | None = typer.Option(None, "--note", help="Toelichting of motivering"),
    docs: list[str] = typer.Option(
        [],
        "--doc",
        help=(
            "Bestand dat de stap vraagt: PAD, of NAAM=PAD (herhaal bij meer bestanden), of "
            "NAAM=bestand:ID voor een bestand dat al in het dossier zit"
        ),
    ),
    values: list[str] = typer.Option([], "--input", help="Overige invoer: NAAM=WAARDE"),
    confirms: list[str] = typer.Option(
        [], "--confirm", help="Bevestiging, bijv. --confirm akkoord"
    ),
    at: str | None = typer.Option(None, "--at", help=AT_HELP),
) -> None:
    """Voer een handeling uit op een dossier."""
    app_ = service(ctx)
    inputs: dict[str, Any] = key_values(values, "--input")
    inputs.update(dict.fromkeys(confirms, True))
    inputs.update(step_documents(app_, case_id, trigger, docs))  # uploads: last, kept or dropped
    try:
        decision = app_.fire(
            case_id,
            trigger,
            actor_ref=actor,
            inputs=inputs,
            note=note,
            role=role,
            at=past_moment(ctx, at),
        )
    except TransitionRefused as exc:
        if exc.open_frame:  # the command that answers them, and the one that lists them
            exc.with_hint(
                f"beantwoord de vragen met 'toetreding frame answer {case_id} VRAAG --answer "
                f"TEKST --as {actor}' (de vragen: 'toetreding frame show {case_id}')"
            )
        raise
    spec = app_.spec_of(app_.case(case_id))
    console.print(
        f"Dossier {case_id}: {spec.states[decision.from_state].label} → "
        f"[bold]{spec.states[decision.to_state].label}[/] "
        f"({spec.trigger_label(decision.trigger, decision.from_state)}, als "
        f"{spec.roles.get(decision.role, decision.role)}).",
        highlight=False,
    )


@app.command("correct")
def case_correct(
    ctx: typer.Context,
    case_id: int = typer.Argument(..., metavar="DOSSIER", help="Dossiernummer"),
    reason: str = typer.Option(..., "--reden", help="Waarom de stap niet klopte"),
    actor: str = typer.Option(..., "--as", help="Wie corrigeert (een coördinator)"),
    row: int | None = typer.Option(
        None,
        "--rij",
        help="De rij die u bedoelt; geweigerd als die niet de nieuwste stap is die nog staat",
    ),
    at: str | None = typer.Option(None, "--at", help=AT_HELP),
) -> None:
    """Neem de nieuwste stap van een dossier terug (met een reden): het dossier gaat terug
    naar de stap ervoor, termijnen gaan mee; de geschiedenis houdt beide rijen. Nog eens:
    dan de stap daarvoor."""
    app_ = service(ctx)
    seq = app_.correct_step(
        case_id, actor_ref=actor, reason=reason, seq=row, at=past_moment(ctx, at)
    )
    view = app_.view(case_id)
    corrected = next(row for row, by in corrected_rows(view.history).items() if by == seq)
    if view.withdrawn:
        console.print(
            f"Dossier {case_id} ingetrokken (rij {seq}): ten onrechte geopend; de open "
            "termijnen zijn ingetrokken en de school kan een nieuw dossier krijgen.",
            highlight=False,
        )
        return
    console.print(
        f"Dossier {case_id}: rij {corrected} gecorrigeerd (rij {seq}); weer in "
        f"[bold]{view.state.label}[/].",
        highlight=False,
    )


def _summary(spec: Any, case: Any, school_name: str) -> dict[str, Any]:
    state = spec.states.get(case.state)
    return {
        "id": case.id,
        "school_id": case.school_id,
        "school_name": school_name,
        "partnership_id": case.partnership_id,
        "protocol_id": case.protocol_id,
        "protocol_version": case.protocol_version,
        "state": case.state,
        "state_label": state_words(spec, case),
        "withdrawn": is_withdrawn(spec, case),
        "step": state.step if state else None,
        "outcome": state.outcome if state else None,
        "final": bool(state and state.final),
        "opened_at": case.opened_at,
        "updated_at": case.updated_at,
    }


def _view_json(view: CaseView) -> dict[str, Any]:
    undone = corrected_rows(view.history)
    return {
        **_summary(view.spec, view.case, view.school.name),
        "partnership": view.partnership.code,
        "school": {
            "name": view.school.name,
            "brin": view.school.brin,
            "sector": view.school.sector,
            "region": view.school.region,
            "board": view.school.board,
        },
        "expected": [a.model_dump(mode="json") for a in view.state.artefacts],
        "allowed": [
            {"trigger": a.trigger, "label": a.label, "roles": list(a.roles)} for a in view.allowed
        ],
        "deadlines": [
            {
                "name": line.deadline.name,
                "label": line.label,
                "state": line.deadline.state,
                "due_date": line.deadline.due_date,
                "due": line.due,
                "original_due_date": line.deadline.original_due_date,
                "status": line.deadline.status,
                "resolved_at": line.deadline.resolved_at,
                "reason": line.deadline.reason,
            }
            for line in view.deadline_lines
        ],
        "history": [
            {
                "seq": h.seq,
                "trigger": h.trigger,
                "from": h.from_state,
                "to": h.to_state,
                "actor": h.actor_name,
                "actor_id": h.actor_id,
                "role": h.role,
                "at": h.at,
                "note": h.note,
                "payload": h.payload,
                "corrected_by": undone.get(h.seq),
            }
            for h in view.history
        ],
    }


def _print_view(view: CaseView, today: date) -> None:
    spec, st = view.spec, view.state
    step = f"stap {st.step}: {spec.step_label(st.step)} — " if st.step else ""
    console.print(
        f"[bold]Dossier {view.case.id}[/] · {view.school.name} ({view.school.sector}, regio "
        f"{view.school.region}) · {spec.title}, versie {spec.version}",
        highlight=False,
    )
    status = " (afgesloten)" if st.final else ""
    console.print(f"Nu: {step}[bold]{st.label}[/]{status}", highlight=False)
    if st.description:
        console.print(st.description.strip(), style="dim", highlight=False)
    for artefact in st.artefacts:
        pages = f", max. {artefact.max_pages} pagina's" if artefact.max_pages else ""
        owner = (
            f" (door {spec.roles.get(artefact.owner, artefact.owner)})" if artefact.owner else ""
        )
        console.print(f"  Verwacht: {artefact.label}{pages}{owner}", highlight=False)
    if view.allowed:
        table = Table("handeling", "in 'case fire'", "wie", title="Wat kan nu")
        for a in view.allowed:
            table.add_row(a.label, a.trigger, ", ".join(spec.roles.get(r, r) for r in a.roles))
        console.print(table)
    if view.deadline_lines:
        table = Table("termijn", "datum", "status", title="Termijnen")
        for line in view.deadline_lines:
            d = line.deadline
            status = deadline_status(d, today)
            if d.overdue_on(today):
                status = f"[bold red]{status}[/]"
            moved = f" (verlengd; was {line.original})" if line.original else ""
            table.add_row(line.label, f"{line.due}{moved}", status)
        console.print(table)
    console.print("\n[bold]Geschiedenis[/]")
    undone = corrected_rows(view.history)
    for h in view.history:
        console.print(_history_lines(view.specs_of(h), h, undone.get(h.seq)), highlight=False)


def _history_lines(
    specs: tuple[ProtocolSpec, ProtocolSpec], entry: HistoryEntry, corrected_by: int | None
) -> str:
    """A history row in the words of the versions it was written under (``specs``: the
    one of the state it left, the one of the state it entered)."""
    spec, after = specs
    target = state_label(after, entry.to_state)
    if entry.from_state is None:
        head = f"dossier geopend in '{target}'"
    elif stays_in_step(entry):  # a deadline set or moved: an event, not a move
        head = history_heading(spec, entry)
    else:
        source = state_label(spec, entry.from_state)
        head = f"{history_heading(spec, entry)}: {source} → {target}"
    if entry.trigger == CORRECTION and entry.payload.get(CORRECTED) == 1:
        head = "dossier ingetrokken (ten onrechte geopend)"
    elif entry.trigger == CORRECTION and CORRECTED in entry.payload:
        head = f"stap in rij {entry.payload[CORRECTED]} gecorrigeerd: terug naar '{target}'"
    if corrected_by is not None:
        head += f" — gecorrigeerd (zie rij {corrected_by})"
    lines = [
        f"{entry.seq:>3}. {show_time(entry.at)}  [bold]{head}[/]",
        f"     door {history_actor(spec, entry)}",
    ]
    if note := history_note(entry):
        lines.append(f"     toelichting: {note}")
    deadline_lines = deadline_payload(spec, entry)
    if deadline_lines is not None:
        lines.extend(f"     {words}: {value}" for words, value in deadline_lines)
        return "\n".join(lines)
    labels = {
        i.name: i.label for t in spec.transitions if t.trigger == entry.trigger for i in t.inputs
    }
    for name, value in entry.payload.items():
        if (entry.trigger, name) in _SAID_IN_HEAD:
            continue
        shown = describe_value(spec, entry.trigger, name, value)
        lines.append(f"     {labels.get(name, name)}: {shown}")
    return "\n".join(lines)


# Payload keys the row's heading already says (the corrected row, the versions of a move).
_SAID_IN_HEAD = {(CORRECTION, CORRECTED), (MOVED, FROM_VERSION), (MOVED, TO_VERSION)}
