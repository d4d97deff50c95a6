"""``toetreding protocol``: list, show and validate protocol definitions."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from toetreding._exceptions import DefinitionError
from toetreding.cli._common import (
    JSON_HELP,
    console,
    errors,
    new_app,
    print_json,
    service,
    state,
)
from toetreding.definition import ProtocolSpec, guard_sentence, kind_word
from toetreding.definition.lints import lint_protocol_text
from toetreding.documents import OUTCOMES
from toetreding.frameworks import FrameworkRegistry

app = new_app("Protocollen bekijken en controleren.")


@app.command("list")
def list_protocols(
    ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help=JSON_HELP)
) -> None:
    """Alle protocollen met hun versies."""
    specs = service(ctx).protocols().all()
    if as_json:
        print_json(
            [
                {
                    "id": s.id,
                    "version": s.version,
                    "title": s.title,
                    "sectors": list(s.sectors),
                    "states": len(s.states),
                    "transitions": len(s.transitions),
                }
                for s in specs
            ]
        )
        return
    table = Table("protocol", "versie", "titel", "sectoren", "stappen", title="Protocollen")
    for s in specs:
        table.add_row(s.id, str(s.version), s.title, ", ".join(s.sectors), str(len(s.states)))
    console.print(table)


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
    spec = service(ctx).protocols().get(protocol_id, version)
    if as_json:
        print_json(spec.model_dump(mode="json", by_alias=True))
        return
    _print_protocol(spec)


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
    failed = False
    for file in files:
        try:
            text = file.read_text(encoding="utf-8")
            spec, warnings = lint_protocol_text(
                text, str(file), letters=OUTCOMES, frameworks=frameworks
            )
        except (OSError, UnicodeDecodeError) as exc:
            failed = True
            errors.print(f"[bold red]✗[/] {file}: kan het bestand niet lezen: {exc}")
            continue
        except DefinitionError as exc:
            failed = True
            errors.print(f"[bold red]✗[/] {file}", highlight=False)
            for problem in exc.problems:
                errors.print(f"  {problem}", highlight=False, markup=False)
            continue
        failed = failed or (strict and bool(warnings))
        mark = "[yellow]![/]" if warnings else "[green]✓[/]"
        console.print(
            f"{mark} {file}: {spec.id} v{spec.version} — {len(spec.states)} stappen, "
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
) -> None:
    """Publiceer een protocolbestand als nieuwe versie (de nieuwste + 1); de versie is daarna
    onveranderlijk en nieuwe dossiers gebruiken haar."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        errors.print(f"[bold red]Fout:[/] kan {file} niet lezen: {exc}", highlight=False)
        raise typer.Exit(1) from exc
    app_ = service(ctx)
    spec = app_.publish_protocol(text, by=by, filename=str(file))
    console.print(
        f"[green]✓[/] Gepubliceerd: {spec.title} ({spec.id}) versie {spec.version}",
        highlight=False,
    )
    _, warnings = lint_protocol_text(
        text, str(file), letters=OUTCOMES, frameworks=_framework_ids(ctx)
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


def _framework_ids(ctx: typer.Context) -> set[str]:
    return {s.id for s in FrameworkRegistry.shipped(state(ctx).settings.protocols_dir).all()}


def _print_protocol(spec: ProtocolSpec) -> None:
    console.print(f"[bold]{spec.title}[/] ({spec.id} v{spec.version}; {', '.join(spec.sectors)})")
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
        inputs = ", ".join(
            f"{i.label} ({kind_word(i.kind)}{'' if i.required else ', niet verplicht'})"
            for i in t.inputs
        )
        moves.add_row(
            f"{t.label}\n[dim]{t.trigger}[/]",
            f"{', '.join(state.get(s, s) for s in t.source)} → {state.get(t.dest, t.dest)}",
            ", ".join(spec.roles.get(r, r) for r in t.roles),
            inputs,
            guard_sentence(spec, t.guard) if t.guard else "",
        )
    console.print(moves)
