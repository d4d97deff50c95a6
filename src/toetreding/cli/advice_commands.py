"""``toetreding advice``: list, show and publish a partnership's advice rules."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from toetreding.advice import AdviceRulesSpec, WhenSpec, criterion_words
from toetreding.audits import AuditDesk
from toetreding.cli._common import JSON_HELP, console, new_app, print_json, service, state
from toetreding.formats import read_document_text, version_words
from toetreding.frameworks import FrameworkSpec

app = new_app("Adviesregels bekijken en per partnerschap publiceren.")

PARTNERSHIP_HELP = "Partnerschap (code of id); toont ook zijn eigen regels."


def _desk(ctx: typer.Context) -> AuditDesk:
    return AuditDesk(service(ctx), state(ctx).settings.protocols_dir)


@app.command("list")
def list_rules(
    ctx: typer.Context,
    partnership: str | None = typer.Option(None, "--partnership", "-p", help=PARTNERSHIP_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """De meegeleverde adviesregels, en met --partnership ook de eigen regels."""
    rows = _desk(ctx).advice_list(partnership)
    if as_json:
        print_json(rows)
        return
    codes = {p.id: p.code for p in service(ctx).partnerships()}
    table = Table(title="Adviesregels")
    table.add_column("regels", no_wrap=True)
    table.add_column("versie")
    table.add_column("titel", ratio=1)
    table.add_column("kader")
    table.add_column("herkomst", no_wrap=True)
    for row in rows:
        origin = "meegeleverd" if row.partnership_id is None else codes[row.partnership_id]
        table.add_row(row.rules_id, str(row.version), row.title, row.framework_id, origin)
    console.print(table)


@app.command("show")
def show(
    ctx: typer.Context,
    rules_id: str = typer.Argument(
        ..., metavar="REGELS", help="Id van de regels, bijv. nvao-toetredingsadvies"
    ),
    version: int | None = typer.Option(None, "--version", help="Versie; standaard de nieuwste."),
    partnership: str | None = typer.Option(None, "--partnership", "-p", help=PARTNERSHIP_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """De uitkomsten van adviesregels, in de volgorde waarin ze worden geprobeerd."""
    desk = _desk(ctx)
    spec = desk.advice_spec(partnership, rules_id, version)
    if as_json:
        print_json(spec.model_dump(mode="json", by_alias=True))
        return
    owner = desk.app.partnership_id(partnership)
    _print_rules(spec, desk.frameworks.get(owner, spec.framework))


@app.command("publish")
def publish(
    ctx: typer.Context,
    file: Path = typer.Argument(..., metavar="BESTAND", help="Bestand met de adviesregels"),
    partnership: str = typer.Option(..., "--partnership", "-p", help="Partnerschap (code of id)"),
    by: str = typer.Option(..., "--by", help="Wie publiceert (e-mailadres of nummer)."),
) -> None:
    """Publiceer adviesregels als nieuwe versie (de nieuwste + 1) voor een partnerschap; de
    versie is daarna onveranderlijk en nieuwe audits van het partnerschap gebruiken haar."""
    text = read_document_text(file)
    desk = _desk(ctx)
    done = desk.publish_advice(text, partnership_ref=partnership, by=by, filename=str(file))
    code = desk.app.partnership(done.partnership_id).code
    what = version_words(done.spec.title, done.spec.version, done.spec.id)
    if done.new:
        console.print(f"[green]✓[/] Gepubliceerd voor {code}: {what}", highlight=False)
    else:
        console.print(f"{what} was al gepubliceerd voor {code}; niets gewijzigd.", highlight=False)


def _print_rules(spec: AdviceRulesSpec, framework: FrameworkSpec) -> None:
    console.print(
        f"[bold]{spec.title}[/] versie {spec.version} (code: {spec.id}; kader {framework.title})",
        highlight=False,
    )
    console.print(f"Bron: {spec.source.strip()}", highlight=False)
    for number, outcome in enumerate(spec.outcomes, 1):
        when = "in alle andere gevallen" if outcome.otherwise else _when(outcome.when, framework)
        console.print(f"{number}. {outcome.label}: {when}", highlight=False)


def _when(when: WhenSpec, framework: FrameworkSpec) -> str:
    """The conditions in words, levels by their labels."""

    def level(name: str) -> str:
        return framework.level(name).label

    parts = []
    if when.all_at_least:
        parts.append(f"elk criterium ten minste {level(when.all_at_least)}")
    if when.at_least:
        named = ", ".join(_criterion(framework, c) for c in when.at_least.criteria)
        parts.append(f"{named} ten minste {level(when.at_least.level)}")
    if when.none_at:
        parts.append("geen criterium " + " of ".join(level(n) for n in when.none_at))
    return "; ".join(parts)


def _criterion(framework: FrameworkSpec, ref: str) -> str:
    """A criterion as '2.1 Kwantiteit', a domain by its title."""
    found = next((c for c in framework.criteria() if c.id == ref), None)
    if found is not None:
        return criterion_words(found)
    return next((d.title for d in framework.domains if d.id == ref), ref)
