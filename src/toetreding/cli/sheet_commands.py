"""``toetreding import schools|boards|people FILE``: a spreadsheet in (dry run first), and
``--export csv|xlsx`` on ``case list``, ``agenda`` and ``audit show``: a spreadsheet out."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.table import Table

from toetreding._exceptions import InvalidInputError
from toetreding.cli._common import console, errors, new_app, service
from toetreding.service import ImportKind, ImportPlan
from toetreding.sheets import Sheet, SheetFormat, render_sheet

app = new_app(
    "Scholen, besturen of personen inlezen uit een spreadsheet (CSV of XLSX).\n\n"
    "Alles of niets: weigert één rij, dan wordt niets ingelezen. Gebruik eerst --dry-run."
)

EXPORT_HELP = "Schrijf de lijst als spreadsheet: csv of xlsx (zie --output)."
OUTPUT_HELP = "Bestand voor --export; '-' schrijft naar stdout. Standaard: <lijst>.<csv|xlsx>."
MAX_IMPORT_BYTES = 10_000_000


def _import(kind: ImportKind, help_text: str) -> None:
    def command(
        ctx: typer.Context,
        path: Path = typer.Argument(
            ..., metavar="PAD", help="CSV- of XLSX-bestand", show_default=False
        ),
        partnership: str = typer.Option(
            ..., "--partnership", "-p", help="Code van het partnerschap"
        ),
        by: str = typer.Option(
            ..., "--by", help="Wie inleest: e-mailadres (coördinator of beheerder)"
        ),
        dry_run: bool = typer.Option(False, "--dry-run", help="Toon alleen wat er zou gebeuren"),
    ) -> None:
        data = _read(path)
        app_ = service(ctx)
        if dry_run:
            plan = app_.plan_import(kind, data, partnership, by)
            _print_plan(plan, dry_run=True)
            if not plan.acceptable:
                raise typer.Exit(1)
            return
        plan = app_.plan_import(kind, data, partnership, by)
        if not plan.acceptable:
            _print_plan(plan, dry_run=False)
            raise typer.Exit(1)
        _print_plan(app_.run_import(kind, data, partnership, by), dry_run=False)

    command.__doc__ = help_text
    app.command(kind.value)(command)


_import(ImportKind.SCHOOLS, "Scholen: kolommen naam, brin, sector, regio, bestuur.")
_import(
    ImportKind.BOARDS, "Het bestuur per school: kolommen brin, bestuur (en naam, ter controle)."
)
_import(ImportKind.PEOPLE, "Personen: kolommen naam, e-mail, rol, school (BRIN, bij rol school).")


def _read(path: Path) -> bytes:
    if not path.is_file():
        raise InvalidInputError(f"bestand '{path}' bestaat niet")
    if path.stat().st_size > MAX_IMPORT_BYTES:
        raise InvalidInputError(f"bestand '{path}' is groter dan 10 MB")
    return path.read_bytes()


def _print_plan(plan: ImportPlan, *, dry_run: bool) -> None:
    what = plan.kind.label
    if plan.lines:
        table = Table(
            "rij", "actie", "wat", title=f"{what.capitalize()} voor {plan.partnership.name}"
        )
        for line in plan.lines:
            table.add_row(str(line.number), line.action, line.text)
        console.print(table)
    if plan.refused:
        table = Table("rij", "reden", title="Geweigerde rijen")
        for refused in plan.refused:
            table.add_row(str(refused.number), refused.reason)
        errors.print(table)
        errors.print(
            f"[bold red]Geweigerd:[/] {len(plan.refused)} rij(en); er is niets ingelezen. "
            "Verbeter het bestand en probeer het opnieuw.",
            highlight=False,
        )
        return
    counts = f"{plan.added} toe te voegen, {plan.changed} te wijzigen, {plan.unchanged} ongewijzigd"
    if dry_run:
        console.print(f"Proefrun: {counts}. Er is niets ingelezen.", highlight=False)
    else:
        done = f"{plan.added} toegevoegd, {plan.changed} gewijzigd, {plan.unchanged} ongewijzigd"
        console.print(f"Ingelezen: {done}.", highlight=False)


def write_export(sheet: Sheet, kind: SheetFormat, output: str | None, name: str) -> None:
    """Write ``sheet`` to ``output`` (default ``name.csv``/``name.xlsx``; '-': stdout)."""
    data = render_sheet(sheet, kind)
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    target = Path(output or f"{name}.{kind.value}")
    target.write_bytes(data)  # an OSError: the CLI's one Dutch line (cli/_errors.py)
    console.print(f"{len(sheet.rows)} regel(s) geschreven naar {target}.", highlight=False)
