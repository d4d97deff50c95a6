"""``toetreding framework``: list, show, validate and load quality frameworks."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text

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
from toetreding.formats import version_words
from toetreding.frameworks import (
    CriterionSpec,
    FrameworkRegistry,
    FrameworkSpec,
    load_framework_file,
)
from toetreding.store import FrameworkStore

app = new_app("Kwaliteitskaders bekijken, controleren en laden.")

PARTNERSHIP_HELP = "Partnerschap (code of id); toont ook zijn eigen kaders."


def _print_problems(title: str, exc: DefinitionError) -> None:
    errors.print(f"[bold red]✗[/] {title}", highlight=False)
    for problem in exc.problems:
        errors.print(f"  {problem}", highlight=False, markup=False)


def _store(ctx: typer.Context) -> FrameworkStore:
    protocols_dir = state(ctx).settings.protocols_dir
    try:
        shipped = FrameworkRegistry.shipped(protocols_dir)
    except DefinitionError as exc:
        _print_problems(f"meegeleverde kaders in {protocols_dir}", exc)
        raise typer.Exit(1) from exc
    return service(ctx).framework_store(shipped)


def _partnership_id(ctx: typer.Context, ref: str | None) -> int | None:
    return None if ref is None else service(ctx).partnership(ref).id


def _load_file(file: Path) -> FrameworkSpec:
    """The validated framework, or every problem printed and exit code 1."""
    try:
        return load_framework_file(file)
    except DefinitionError as exc:
        _print_problems(str(file), exc)
        raise typer.Exit(1) from exc


def _summary(spec: FrameworkSpec) -> str:
    domains = "1 domein" if len(spec.domains) == 1 else f"{len(spec.domains)} domeinen"
    criteria = "1 criterium" if len(spec.criteria()) == 1 else f"{len(spec.criteria())} criteria"
    scale = f"{len(spec.scale)} niveaus" if spec.scored else "zonder schaal"
    return f"{domains}, {criteria}, {scale}"


@app.command("list")
def list_frameworks(
    ctx: typer.Context,
    partnership: str | None = typer.Option(None, "--partnership", "-p", help=PARTNERSHIP_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """De meegeleverde kaders, en met --partnership ook de eigen kaders van dat partnerschap."""
    rows = _store(ctx).list(_partnership_id(ctx, partnership))
    if as_json:
        print_json(rows)
        return
    codes = {p.id: p.code for p in service(ctx).partnerships()}
    table = Table(title="Kaders")
    # The id is what show and audits are given: never cut it short; the title may wrap.
    table.add_column(
        "kader", no_wrap=True, min_width=max((len(r.framework_id) for r in rows), default=5)
    )
    table.add_column("versie")
    table.add_column("titel", ratio=1)
    table.add_column("criteria")
    table.add_column("herkomst", no_wrap=True)
    for row in rows:
        origin = "meegeleverd" if row.partnership_id is None else codes[row.partnership_id]
        table.add_row(row.framework_id, str(row.version), row.title, str(row.criteria), origin)
    console.print(table)


@app.command("show")
def show(
    ctx: typer.Context,
    framework_id: str = typer.Argument(
        ..., metavar="KADER", help="Kader-id, bijv. nvao-opleidingsschool-2009"
    ),
    version: int | None = typer.Option(None, "--version", help="Versie; standaard de nieuwste."),
    partnership: str | None = typer.Option(None, "--partnership", "-p", help=PARTNERSHIP_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """De domeinen, criteria en schaal van een kader."""
    spec = _store(ctx).get(_partnership_id(ctx, partnership), framework_id, version)
    if as_json:
        print_json(spec.model_dump(mode="json", by_alias=True))
        return
    _print_framework(spec)


@app.command("validate")
def validate(
    files: list[Path] = typer.Argument(..., metavar="BESTANDEN", help="Kaderbestand(en)"),
) -> None:
    """Controleer kaderbestanden; meldt elk probleem met bestand, regel en sleutel."""
    failed = False
    for file in files:
        try:
            spec = load_framework_file(file)
        except DefinitionError as exc:
            failed = True
            _print_problems(str(file), exc)
            continue
        console.print(
            f"[green]✓[/] {file}: {version_words(spec.title, spec.version, spec.id)} in orde — "
            f"{_summary(spec)}",
            highlight=False,
        )
    if failed:
        raise typer.Exit(1)


@app.command("load")
def load(
    ctx: typer.Context,
    file: Path = typer.Argument(..., metavar="BESTAND", help="Kaderbestand (YAML)"),
    partnership: str = typer.Option(..., "--partnership", "-p", help="Partnerschap (code of id)"),
) -> None:
    """Controleer een kaderbestand en sla het op als eigen kader van een partnerschap."""
    spec = _load_file(file)
    app_ = service(ctx)
    owner = app_.partnership(partnership)
    assert owner.id is not None
    stored = _store(ctx).load(owner.id, spec, app_.clock.now())
    what = f"Kader {version_words(spec.title, spec.version)} (code: {spec.id}; {_summary(spec)})"
    if stored:
        console.print(f"{what} geladen voor partnerschap {owner.code}.", highlight=False)
    else:
        console.print(
            f"{what} was al geladen voor partnerschap {owner.code}; niets gewijzigd.",
            highlight=False,
        )


def _print_framework(spec: FrameworkSpec) -> None:
    scored = "gescoord" if spec.scored else "niet gescoord"
    console.print(
        f"[bold]{spec.title}[/] versie {spec.version} (code: {spec.id}; {scored})", highlight=False
    )
    console.print(f"Bron: {spec.source}", highlight=False)
    if spec.description:
        console.print(spec.description.strip(), highlight=False)
    if spec.scale:
        scale = Table("niveau", "omschrijving", "voldoende", title="Schaal (beste eerst)")
        for level in spec.scale:
            sufficient = {True: "ja", False: "nee", None: ""}[level.sufficient]
            scale.add_row(f"{level.name}\n{level.label}", level.description.strip(), sufficient)
        console.print(scale)
    criteria = Table("domein", "criterium", "vraagt", "velden", title="Criteria")
    for domain in spec.domains:
        for criterion in domain.criteria:
            criteria.add_row(
                domain.title,
                f"{criterion.id} {criterion.title}",
                _asks(criterion),
                ", ".join(field.label for field in criterion.fields),
            )
    console.print(criteria)


def _asks(criterion: CriterionSpec) -> Text:
    """What the criterion asks, and a note about that text apart from it, dimmed."""
    text = Text(criterion.asks or "")
    if criterion.note:
        text.append(("\n" if criterion.asks else "") + f"({criterion.note})", style="dim")
    return text
