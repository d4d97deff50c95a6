"""``toetreding protocol``: list, show and validate protocol definitions."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Column, Table

from toetreding._exceptions import DefinitionError
from toetreding.cli._common import (
    AT_HELP,
    JSON_HELP,
    console,
    errors,
    new_app,
    past_moment,
    print_json,
    service,
    state,
)
from toetreding.definition import (
    ProtocolRegistry,
    ProtocolSpec,
    earlier_problems,
    guard_sentence,
    input_words,
    load_protocol_text,
)
from toetreding.definition.lints import lint_protocol_text
from toetreding.documents import letter_outcomes
from toetreding.formats import read_document_text, version_words
from toetreding.frameworks import FrameworkRegistry
from toetreding.service import ListedProtocol, use_words

if TYPE_CHECKING:
    from toetreding.service import MovePlan, StateMapping

app = new_app("Protocollen bekijken, controleren, publiceren en dossiers overzetten.")


@app.command("list")
def list_protocols(
    ctx: typer.Context,
    partnership: str | None = typer.Option(
        None,
        "--partnership",
        "-p",
        help="Alleen de protocollen die dit partnerschap kan gebruiken (code of id)",
    ),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """De protocollen met hun versies: van wie (een eigen protocol of gedeeld) en wie ze
    gebruikt; met -p die een partnerschap kan gebruiken, zoals de webapp ze zijn mensen toont."""
    listed = service(ctx).protocol_listing(partnership)
    if as_json:
        print_json([_listed_json(item, partnership is None) for item in listed])
        return
    columns = ["versie", "titel", "sectoren", "van"]
    table = Table(*columns, *([] if partnership else ["gebruik"]), title="Protocollen")
    table.columns.insert(0, Column("protocol", no_wrap=True))  # the id one types, whole
    for item in listed:
        s = item.spec
        row = [s.id, str(s.version), s.title, ", ".join(s.sectors)]
        if partnership:  # its own or shared; another partnership's choices are not its concern
            table.add_row(*row, "eigen" if item.owner else "gedeeld")
        else:
            table.add_row(*row, item.owner or "gedeeld", _use_words(item))
    console.print(table)


def _use_words(item: ListedProtocol) -> str:
    """Who opens new cases on it: its owner; a shared one all but those that left it out."""
    if item.owner:
        return "eigen"
    return f"niet door {', '.join(item.left_out_by)}" if item.left_out_by else "iedereen"


def _listed_json(item: ListedProtocol, all_partnerships: bool) -> dict[str, object]:
    s = item.spec
    shown: dict[str, object] = {
        "id": s.id,
        "version": s.version,
        "title": s.title,
        "sectors": list(s.sectors),
        "states": len(s.states),
        "transitions": len(s.transitions),
        "owner": item.owner,
    }
    if all_partnerships:
        shown["left_out_by"] = list(item.left_out_by)
    return shown


@app.command("show")
def show(
    ctx: typer.Context,
    protocol_id: str = typer.Argument(
        ..., metavar="PROTOCOL", help="Protocol-id, bijv. partnerschap2"
    ),
    version: int | None = typer.Option(None, "--version", help="Versie; standaard de nieuwste."),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """De stappen en handelingen van een protocol."""
    app_ = service(ctx)
    spec = app_.protocols().get(protocol_id, version)
    if as_json:
        print_json(spec.model_dump(mode="json", by_alias=True))
        return
    _print_protocol(spec)
    _print_mapping(spec, app_.state_mapping(spec))


@app.command("validate")
def validate(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(..., metavar="BESTANDEN", help="Protocolbestand(en)"),
    strict: bool = typer.Option(
        False, "--strict", help="Waarschuwingen tellen als fout (exitcode 1)."
    ),
) -> None:
    """Controleer protocolbestanden; meldt elk probleem en elke waarschuwing met bestand,
    regel en sleutel."""
    frameworks = _framework_ids(ctx)
    known = _known_versions(ctx, files)
    failed = False
    for file in files:
        try:
            text = read_document_text(file)  # bounded, and a Dutch reason when unreadable
            spec, warnings = lint_protocol_text(
                text, str(file), letters=letter_outcomes(), frameworks=frameworks
            )
            if spec.migration is not None:
                earlier = known.get((spec.id, spec.migration.from_version))
                if problems := earlier_problems(spec, earlier, text, str(file)):
                    raise DefinitionError(problems)
        except DefinitionError as exc:
            failed = True
            errors.print(f"[bold red]✗[/] {file}", highlight=False)
            for problem in exc.problems:
                errors.print(f"  {problem}", highlight=False, markup=False)
            continue
        failed = failed or (strict and bool(warnings))
        mark = "[yellow]![/]" if warnings else "[green]✓[/]"
        console.print(
            f"{mark} {file}: {version_words(spec.title, spec.version, spec.id)} — "
            f"{len(spec.states)} stappen, "
            f"{len(spec.transitions)} handelingen"
            + (f", {len(warnings)} waarschuwing(en)" if warnings else ""),
            highlight=False,
        )
        for warning in warnings:
            console.print(f"  waarschuwing: {warning}", highlight=False, markup=False)
    if failed:
        raise typer.Exit(1)


@app.command("publish")
def publish(
    ctx: typer.Context,
    file: Path = typer.Argument(
        ..., metavar="BESTAND", help="Protocolbestand met de nieuwe versie"
    ),
    by: str = typer.Option(..., "--by", help="Wie publiceert (e-mailadres of nummer)."),
    partnership: str | None = typer.Option(
        None,
        "--partnership",
        "-p",
        help="Partnerschap (code of id) waarvoor een nieuw protocol is; alleen dat "
        "partnerschap ziet en gebruikt het. Weglaten bij een gedeeld protocol.",
    ),
) -> None:
    """Publiceer een protocolbestand als nieuwe versie (de nieuwste + 1); de versie is daarna
    onveranderlijk en nieuwe dossiers gebruiken haar. Een nieuw protocol is van één
    partnerschap (--partnership); een nieuwe versie van een meegeleverd protocol geldt voor
    iedereen."""
    text = read_document_text(file)
    app_ = service(ctx)
    spec = app_.publish_protocol(text, by=by, filename=str(file), partnership=partnership)
    console.print(
        f"[green]✓[/] Gepubliceerd: {spec.title} ({spec.id}) versie {spec.version}",
        highlight=False,
    )
    _, warnings = lint_protocol_text(
        text, str(file), letters=letter_outcomes(), frameworks=_framework_ids(ctx)
    )
    for warning in warnings:
        console.print(f"  waarschuwing: {warning}", highlight=False, markup=False)


@app.command("text")
def text(
    ctx: typer.Context,
    protocol_id: str = typer.Argument(
        ..., metavar="PROTOCOL", help="Protocol-id, bijv. partnerschap2"
    ),
    version: int | None = typer.Option(None, "--version", help="Versie; standaard de nieuwste."),
) -> None:
    """De tekst (YAML) van een protocolversie, om te bewerken en opnieuw te publiceren."""
    typer.echo(service(ctx).protocol_text(protocol_id, version), nl=False)


_PARTNERSHIP = typer.Option(..., "--partnership", "-p", help="Partnerschap (code of id)")
_PROTOCOL = typer.Argument(..., metavar="PROTOCOL", help="Protocol-id, bijv. po-groningen")


@app.command("uses")
def uses(
    ctx: typer.Context,
    partnership: str = _PARTNERSHIP,
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Welke gedeelde protocollen het partnerschap gebruikt voor nieuwe dossiers."""
    found = service(ctx).protocol_uses(partnership)
    if as_json:
        print_json([{"protocol": s.id, "title": s.title, "used": used} for s, used in found])
        return
    for spec, used in found:
        word = "gebruikt" if used else "[yellow]niet gebruikt[/]"
        console.print(f"{spec.title} ({spec.id}): {word}", highlight=False)


def _set_use(ctx: typer.Context, protocol_id: str, partnership: str, by: str, used: bool) -> None:
    app_ = service(ctx)
    changed = app_.use_protocol(partnership, protocol_id, used=used, by=by)
    title = app_.protocols().get(protocol_id).title
    said = use_words(app_.partnership(partnership).name, title, used)
    console.print(said if changed else f"Niets gewijzigd: {said}", highlight=False)


@app.command("use")
def use(
    ctx: typer.Context,
    protocol_id: str = _PROTOCOL,
    partnership: str = _PARTNERSHIP,
    by: str = typer.Option(..., "--by", help="Wie dit kiest (e-mail of id)"),
) -> None:
    """Gebruik een gedeeld protocol (weer) voor nieuwe dossiers van het partnerschap."""
    _set_use(ctx, protocol_id, partnership, by, used=True)


@app.command("leave-out")
def leave_out(
    ctx: typer.Context,
    protocol_id: str = _PROTOCOL,
    partnership: str = _PARTNERSHIP,
    by: str = typer.Option(..., "--by", help="Wie dit kiest (e-mail of id)"),
) -> None:
    """Gebruik een gedeeld protocol niet voor nieuwe dossiers; lopende dossiers gaan door."""
    _set_use(ctx, protocol_id, partnership, by, used=False)


def _known_versions(ctx: typer.Context, files: list[Path]) -> dict[tuple[str, int], ProtocolSpec]:
    """The versions a ``migration`` may name: the shipped ones (when they load) and those of
    the files given, so a new version is checked against the one it follows."""
    known: dict[tuple[str, int], ProtocolSpec] = {}
    with suppress(DefinitionError):
        shipped = ProtocolRegistry.from_directory(state(ctx).settings.protocols_dir)
        known.update((spec.key, spec) for spec in shipped.all())
    for file in files:
        with suppress(DefinitionError, OSError, UnicodeDecodeError):
            spec = load_protocol_text(read_document_text(file), str(file))
            known[spec.key] = spec
    return known


def _framework_ids(ctx: typer.Context) -> set[str]:
    return {s.id for s in FrameworkRegistry.shipped(state(ctx).settings.protocols_dir).all()}


def _print_protocol(spec: ProtocolSpec) -> None:
    console.print(
        f"[bold]{spec.title}[/] versie {spec.version} (code: {spec.id}; {', '.join(spec.sectors)})",
        highlight=False,
    )
    if spec.source:
        console.print(f"Bron: {spec.source}", highlight=False)
    states = Table("stap", "toestand", "omschrijving", "einde", title="Toestanden")
    for name, st in spec.states.items():
        end = "uitkomst" if st.outcome else ""
        end = ("eind" + (", " + end if end else "")) if st.final else end
        marker = " (begin)" if name == spec.initial else ""
        states.add_row(
            str(st.step or ""), f"{st.label}{marker}\n[dim]{name}[/]", st.description.strip(), end
        )
    console.print(states)
    moves = Table("handeling", "van → naar", "rollen", "invoer", "voorwaarde", title="Handelingen")
    state = {"*": "elke lopende stap", **{name: st.label for name, st in spec.states.items()}}
    for t in spec.transitions:
        inputs = ", ".join(f"{i.label} ({input_words(i)})" for i in t.inputs)
        moves.add_row(
            f"{t.label}\n[dim]{t.trigger}[/]",
            f"{', '.join(state.get(s, s) for s in t.source)} → {state.get(t.dest, t.dest)}",
            ", ".join(spec.roles.get(r, r) for r in t.roles),
            inputs,
            guard_sentence(spec, t.guard) if t.guard else "",
        )
    console.print(moves)


def _print_mapping(spec: ProtocolSpec, mapping: list[StateMapping]) -> None:
    """Where running cases of the earlier version land when they are moved to ``spec``."""
    if not mapping:
        return
    earlier = spec.migration.from_version if spec.migration else spec.version - 1
    table = Table(
        f"stap in versie {earlier}",
        f"stap in versie {spec.version}",
        title=f"Overgang van versie {earlier}",
        caption="Met 'protocol migrate' gaan lopende dossiers zo over; afgesloten dossiers "
        "blijven op hun versie.",
    )
    for row in mapping:
        table.add_row(row.old_label, row.new_label or f"[yellow]kan niet over:[/] {row.reason}")
    console.print(table)


@app.command("migrate")
def migrate(
    ctx: typer.Context,
    protocol_id: str = typer.Argument(
        ..., metavar="PROTOCOL", help="Protocol-id, bijv. partnerschap2"
    ),
    from_version: int = typer.Option(..., "--from", help="De versie waarop de dossiers lopen."),
    to_version: int = typer.Option(..., "--to", help="De nieuwere versie waarheen ze gaan."),
    actor: str = typer.Option(..., "--as", help="Wie zet over (een coördinator of beheerder)"),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Toon alleen het plan; er verandert niets."
    ),
    at: str | None = typer.Option(None, "--at", help=AT_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Zet de lopende dossiers van een protocolversie over naar een nieuwere versie: met
    --dry-run het plan (waar elk dossier landt, welke termijnen veranderen, wat niet over
    kan en waarom), zonder --dry-run elk dossier in een eigen transactie."""
    app_ = service(ctx)
    moment = past_moment(ctx, at)
    plan = app_.plan_move(protocol_id, from_version, to_version, by=actor, at=moment)
    if as_json and (dry_run or not plan.movable):
        print_json({"plan": asdict(plan), "outcomes": []})
        return
    if not as_json:
        print_move_plan(plan)
    if dry_run or not plan.movable:
        return
    outcomes = app_.apply_move(
        protocol_id,
        from_version,
        to_version,
        by=actor,
        expected={m.case_id: m.revision for m in plan.moves},
        at=moment,
    )
    moved = [o for o in outcomes if o.moved]
    refused = [o for o in outcomes if not o.moved]
    if as_json:
        print_json({"plan": asdict(plan), "outcomes": [asdict(o) for o in outcomes]})
        return
    console.print(
        f"[green]✓[/] {len(moved)} dossier(s) overgezet naar versie {to_version}"
        + (f"; {len(refused)} geweigerd" if refused else ""),
        highlight=False,
    )
    for outcome in refused:
        errors.print(f"  dossier {outcome.case_id}: {outcome.reason}", highlight=False)
    # A case the plan said could move and that did not (it changed meanwhile) is a failure.
    if any(o.case_id in {m.case_id for m in plan.movable} for o in refused):
        raise typer.Exit(1)


def print_move_plan(plan: MovePlan) -> None:
    """The dry run as a table: per case where it lands and what its deadlines do."""
    table = Table(
        "dossier", "school", "nu", "wordt", "termijnen",
        title=f"{plan.title}: van versie {plan.from_version} naar versie {plan.to_version}",
    )  # fmt: skip
    for move in plan.moves:
        deadlines = "\n".join(f"{d.change}: {d.label}, {d.due}" for d in move.deadlines)
        landing = move.to_label if move.movable else f"[red]kan niet over:[/] {move.refusal}"
        if move.audit:  # a running audit keeps its framework: said per case
            landing = f"{landing}\n{move.audit}"
        table.add_row(
            str(move.case_id), move.school_name, move.from_label, landing, deadlines or "—"
        )
    console.print(table)
    console.print(
        f"{len(plan.movable)} van {len(plan.moves)} dossiers kunnen over; afgesloten dossiers "
        f"blijven op versie {plan.from_version}.",
        highlight=False,
    )
