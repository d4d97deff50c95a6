"""``toetreding file``: the files of a dossier (list, get, add a version), and how
``case fire --doc`` turns paths into uploads.

"Files" are what people upload (a self-evaluation, a plan); the letters and reports
toetreding makes itself are ``report`` and ``letter``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from toetreding._exceptions import InvalidInputError
from toetreding.cli._common import (
    AT_HELP,
    JSON_HELP,
    console,
    new_app,
    past_moment,
    print_json,
    service,
    show_time,
)
from toetreding.definition import InputKind, ProtocolSpec
from toetreding.files import StagedFile, describe_size, entries_of, legacy_name
from toetreding.service import Toetreding

app = new_app("Bestanden van een dossier: bekijken, opslaan, een nieuwe versie toevoegen.")

REFERENCE = "bestand:"
NAME_ONLY = "alleen naam, geen bestand"


@app.command("list")
def file_list(
    ctx: typer.Context,
    case_id: int = typer.Argument(..., metavar="DOSSIER", help="Dossiernummer"),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Alle bestanden van het dossier, per stuk de nieuwste versie eerst."""
    app_ = service(ctx)
    groups = app_.dossier_files(case_id)
    if as_json:
        print_json([f for group in groups for f in group.files])
        return
    table = Table("id", "stuk", "versie", "bestand", "grootte", "ingediend", "door", "sha256")
    for group in groups:
        for f in group.files:
            table.add_row(
                str(f.id),
                group.label,
                f"{f.version}" + (f".{f.part}" if f.part > 1 else ""),
                f.name,
                describe_size(f.size),
                show_time(f.uploaded_at),
                f.uploaded_by_name or "—",
                f.sha256[:12],
            )
        for old in group.names_only:
            table.add_row("—", group.label, "—", old.entry.name, NAME_ONLY, show_time(old.at))
    if table.row_count:
        console.print(table)
    else:
        console.print(f"Dossier {case_id} heeft nog geen bestanden.")


@app.command("get")
def file_get(
    ctx: typer.Context,
    case_id: int = typer.Argument(..., metavar="DOSSIER", help="Dossiernummer"),
    file_id: int = typer.Argument(
        ..., metavar="BESTANDNUMMER", help="Nummer van het bestand (zie 'file list')"
    ),
    output: str = typer.Option(
        ..., "--output", "-o", help="Waar opslaan; '-' schrijft naar stdout"
    ),
) -> None:
    """Sla een bestand van het dossier op, precies zoals het is ingediend."""
    record, chunks = service(ctx).file_content(case_id, file_id)
    if output == "-":
        for chunk in chunks:
            sys.stdout.buffer.write(chunk)
        sys.stdout.buffer.flush()
        return
    target = Path(output)
    if target.is_dir():
        target = target / record.name
    if not target.parent.is_dir():  # say so about the user's path, not the partial file's
        raise InvalidInputError(f"de map '{target.parent}' bestaat niet")
    partial = target.with_name(f".{target.name}.deel")
    try:
        with partial.open("wb") as out:
            for chunk in chunks:
                out.write(chunk)
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    console.print(
        f"Bestand {record.id} ({record.name}, versie {record.version}, "
        f"{describe_size(record.size)}) opgeslagen in {target}; sha256 {record.sha256}.",
        highlight=False,
    )


@app.command("add")
def file_add(
    ctx: typer.Context,
    case_id: int = typer.Argument(..., metavar="DOSSIER", help="Dossiernummer"),
    artefact: str = typer.Argument(..., metavar="STUK", help="Welk stuk, bijv. zelfevaluatie"),
    paths: list[Path] = typer.Argument(..., metavar="PADEN", help="Het bestand (of de bestanden)"),
    actor: str = typer.Option(..., "--as", help="Wie dient het in (e-mail of id)"),
    role: str | None = typer.Option(None, "--role", help="In welke rol"),
    at: str | None = typer.Option(None, "--at", help=AT_HELP),
) -> None:
    """Voeg een nieuwe versie van een stuk toe, zonder een stap te zetten; eerdere
    versies blijven bewaard."""
    app_ = service(ctx)
    moment = past_moment(ctx, at)  # before anything is staged
    staged = _stage_all(app_, paths)
    added = app_.add_version(case_id, artefact, staged, actor_ref=actor, role=role, at=moment)
    for record in added:
        console.print(
            f"Dossier {case_id}: {record.name} toegevoegd als versie {record.version} "
            f"van '{artefact}' (bestand {record.id}).",
            highlight=False,
        )


def step_documents(app_: Toetreding, case_id: int, trigger: str, docs: list[str]) -> dict[str, Any]:
    """``--doc PAD`` (the step's only document input), ``--doc NAAM=PAD`` (repeat it for an
    input that takes several files) or ``--doc NAAM=bestand:ID`` (a file already in the
    dossier) as the step's document inputs; each path is uploaded."""
    if not docs:
        return {}
    spec = app_.spec_of(app_.case(case_id))
    names = sorted(
        {
            i.name
            for t in spec.transitions
            if t.trigger == trigger
            for i in t.inputs
            if i.kind is InputKind.DOCUMENT
        }
    )
    given: dict[str, list[str]] = {}
    for doc in docs:
        name, sep, value = doc.partition("=")
        if not sep:
            if len(names) != 1:
                wanted = ", ".join(names) or "geen documenten"
                raise InvalidInputError(f"geef --doc NAAM=PAD; '{trigger}' vraagt: {wanted}")
            name, value = names[0], doc
        given.setdefault(name.strip(), []).append(value.strip())
    result: dict[str, Any] = {}
    staged: list[StagedFile] = []
    try:
        for name, values in given.items():
            items: list[Any] = []
            for value in values:
                if value.startswith(REFERENCE) and value[len(REFERENCE) :].isdigit():
                    items.append(int(value[len(REFERENCE) :]))
                else:
                    staged.append(app_.stage_file(Path(value)))
                    items.append(staged[-1])
            result[name] = items
    except BaseException:
        for file in staged:
            file.discard()
        raise
    return result


def _stage_all(app_: Toetreding, paths: list[Path]) -> list[StagedFile]:
    staged: list[StagedFile] = []
    try:
        for path in paths:
            staged.append(app_.stage_file(path))
    except BaseException:
        for file in staged:
            file.discard()
        raise
    return staged


def describe_value(spec: ProtocolSpec, trigger: str, name: str, value: Any) -> str:
    """A history row's value as the command line shows it; files with version and hash."""
    files = entries_of(value)
    if files is not None:
        return "; ".join(
            f"{f.name} (bestand {f.file_id}, versie {f.version}, sha256 {f.short_hash}…)"
            for f in files
        )
    kinds = {i.name: i.kind for t in spec.transitions if t.trigger == trigger for i in t.inputs}
    old = legacy_name(value) if kinds.get(name) is InputKind.DOCUMENT else None
    if old is not None:
        return f"{old.name} ({NAME_ONLY})"
    return "ja" if value is True else str(value)
