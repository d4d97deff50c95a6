"""``toetreding audit``: the committee, its interviews and its findings per criterion."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import typer
from rich.table import Table

from toetreding._exceptions import InvalidInputError
from toetreding.audits import (
    AdviceView,
    AuditDesk,
    AuditView,
    NewFinding,
    scores_sheet,
)
from toetreding.cli._common import (
    AT_HELP,
    JSON_HELP,
    console,
    errors,
    new_app,
    parse_date,
    past_moment,
    print_json,
    service,
    show_time,
    state,
)
from toetreding.cli.sheet_commands import OUTPUT_HELP, write_export
from toetreding.formats import version_words
from toetreding.frameworks import criterion_number
from toetreding.sheets import SheetFormat

app = new_app("Interne audits: commissie, gesprekken en bevindingen per criterium.")
member_app = new_app("Leden van de auditcommissie.")
interview_app = new_app("Gesprekken met de gespreksgroepen.")
app.add_typer(member_app, name="member")
app.add_typer(interview_app, name="interview")
# The old name of `audit interview`, kept working for existing scripts; not in the help.
# click takes a sentence as `deprecated` and says it after its warning; Typer types it bool.
app.add_typer(
    interview_app,
    name="session",
    hidden=True,
    deprecated="Gebruik 'audit interview'.",  # type: ignore[arg-type]
)

CASE = typer.Argument(..., metavar="DOSSIER", help="Dossiernummer")
ACTOR = typer.Option(..., "--as", help="Wie het doet (e-mail of id)")


def desk(ctx: typer.Context) -> AuditDesk:
    return AuditDesk(service(ctx), state(ctx).settings.protocols_dir)


@app.command("open")
def audit_open(
    ctx: typer.Context,
    case_id: int = CASE,
    actor: str = ACTOR,
    at: str | None = typer.Option(None, "--at", help=AT_HELP),
) -> None:
    """Open de interne audit van een dossier (op het kader dat het protocol noemt)."""
    audits = desk(ctx)
    audit = audits.open(case_id, actor_ref=actor, at=past_moment(ctx, at))
    framework = audits.view(case_id).framework
    console.print(
        f"Audit {audit.id} geopend voor dossier {case_id} op kader "
        f"{version_words(framework.title, framework.version)}. Voeg de commissie toe met "
        f"'toetreding audit member add {case_id} ...'.",
        highlight=False,
    )


@member_app.command("add")
def member_add(
    ctx: typer.Context,
    case_id: int = CASE,
    person: str = typer.Option(..., "--person", help="Het lid (e-mail of id)"),
    partner: str = typer.Option(..., "--partner", help="Partnerorganisatie van het lid"),
    role: str = typer.Option("lid", "--role", help="voorzitter, lid of secretaris"),
    actor: str = ACTOR,
) -> None:
    """Voeg een lid toe aan de auditcommissie."""
    warnings = desk(ctx).add_member(
        case_id, person_ref=person, partner=partner, role=role, actor_ref=actor
    )
    name = service(ctx).person(person).name
    console.print(f"{name} zit in de auditcommissie van dossier {case_id}.", highlight=False)
    for warning in warnings:
        console.print(f"[yellow]Let op:[/] {warning}", highlight=False)


@interview_app.command("add")
def interview_add(
    ctx: typer.Context,
    case_id: int = CASE,
    group: str = typer.Option(..., "--group", help="Gespreksgroep (zie het protocol)"),
    held_on: str = typer.Option(..., "--date", help="Datum van het gesprek (JJJJ-MM-DD)"),
    attendees: list[str] = typer.Option(
        ..., "--attendee", help="Wie er was; herhaal voor elke deelnemer"
    ),
    notes: str | None = typer.Option(None, "--notes"),
    actor: str = ACTOR,
) -> None:
    """Leg een gesprek met een gespreksgroep vast, met wie er waren."""
    interview = desk(ctx).add_interview(
        case_id,
        group=group,
        held_on=parse_date(held_on),
        attendees=attendees,
        notes=notes,
        actor_ref=actor,
    )
    group = service(ctx).view(case_id).group_labels[interview.group_name]
    console.print(
        f"Gesprek met '{group}' op {interview.held_on:%d-%m-%Y} vastgelegd "
        f"({len(interview.attendees)} deelnemers).",
        highlight=False,
    )


@app.command("score")
def score(
    ctx: typer.Context,
    case_id: int = CASE,
    criterion: str = typer.Argument(..., metavar="CRITERIUM", help="Criterium, bijv. 1.2"),
    level: str | None = typer.Argument(
        None, metavar="NIVEAU", help="Score op de schaal, bijv. voldoende"
    ),
    evidence: str = typer.Option(..., "--evidence", help="Wat is gelezen of gehoord"),
    strengths: str | None = typer.Option(None, "--strengths", help="Sterke punten"),
    development: str | None = typer.Option(None, "--development", help="Ontwikkelpunten"),
    interview: str | None = typer.Option(
        None, "--interview", help="Gespreksgroep van het gesprek waarop het steunt"
    ),
    session: str | None = typer.Option(None, "--session", hidden=True),  # the old --interview
    actor: str = ACTOR,
    at: str | None = typer.Option(None, "--at", help=AT_HELP),
) -> None:
    """Scoor een criterium (opnieuw scoren maakt een nieuwe versie; de oude blijft)."""
    group = _interview_group(interview, session)
    finding = desk(ctx).score(
        case_id,
        NewFinding(criterion, level, evidence, strengths, development, group),
        actor_ref=actor,
        at=past_moment(ctx, at),
    )
    console.print(
        f"Criterium {finding.criterion_id}: {finding.level or '-'} (versie {finding.revision}).",
        highlight=False,
    )


def _interview_group(interview: str | None, session: str | None) -> str | None:
    """``--interview``, or the deprecated ``--session`` that scripts may still pass."""
    if session is None:
        return interview
    if interview is not None and interview != session:
        raise InvalidInputError("geef het gesprek één keer, met --interview")
    errors.print("Let op: --session heet nu --interview.", highlight=False)
    return session


@app.command("show")
def show(
    ctx: typer.Context,
    case_id: int = CASE,
    criterion: str | None = typer.Option(
        None, "--history", help="Alle versies van de bevinding bij dit criterium"
    ),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
    export: SheetFormat | None = typer.Option(
        None, "--export", help="Schrijf de scores als spreadsheet: csv of xlsx (zie --output)."
    ),
    output: str | None = typer.Option(None, "--output", "-o", help=OUTPUT_HELP),
) -> None:
    """De audit: commissie, gesprekken, scores per criterium en (compleet) het advies."""
    desk_ = desk(ctx)
    if export is not None:
        app = service(ctx)
        case = app.case(case_id)
        groups = app.view(case_id).group_labels
        sheet = scores_sheet(desk_.view(case_id), app.school(case.school_id).name, groups)
        write_export(sheet, export, output, f"audit-{case_id}")
        return
    if criterion is not None:
        history = desk_.finding_history(case_id, criterion)
        if as_json:
            print_json([f.model_dump() for f in history])
            return
        for finding in history:
            console.print(
                f"versie {finding.revision} ({show_time(finding.recorded_at)}): "
                f"{finding.level or '-'} — {finding.evidence}",
                highlight=False,
            )
        return
    view = desk_.view(case_id)
    if as_json:
        print_json(_view_json(view))
        return
    _print_view(view, service(ctx).view(case_id).group_labels)


@app.command("advise")
def advise(
    ctx: typer.Context,
    case_id: int = CASE,
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Het toetredingsadvies volgens de adviesregels, met de criteria die het bepalen."""
    advice = desk(ctx).advise(case_id)
    if as_json:
        print_json(advice.as_dict())
        return
    print_advice(advice)


def print_advice(advice: AdviceView) -> None:
    console.print(f"[bold]Advies: {advice.label}[/]", highlight=False)
    for reason in advice.reasons:
        console.print(f"  - {reason}", highlight=False)
    if advice.rules:
        console.print(f"  (uit de {advice.rules})", highlight=False)


def _print_view(view: AuditView, groups: Mapping[str, str]) -> None:
    audit, framework = view.audit, view.framework
    status = "afgesloten" if audit.closed_at else "lopend"
    console.print(
        f"[bold]Audit {audit.id}[/] van dossier {view.case_id} ({status}), kader "
        f"{version_words(framework.title, framework.version)}",
        highlight=False,
    )
    for member in view.members:
        console.print(f"  {member.role}: {member.name} ({member.partner})", highlight=False)
    for warning in view.warnings:
        console.print(f"[yellow]Let op:[/] {warning}", highlight=False)
    for interview in view.interviews:
        console.print(
            f"  gesprek {groups[interview.group_name]} op {interview.held_on:%d-%m-%Y}: "
            + ", ".join(interview.attendees),
            highlight=False,
        )
    table = Table(title="Bevindingen")
    table.add_column("criterium", no_wrap=True)
    for column in ("titel", "score", "versie", "onderbouwing"):
        table.add_column(column)
    for criterion in framework.criteria():
        finding = view.findings.get(criterion.id)
        level = framework.level(finding.level).label if finding and finding.level else "-"
        table.add_row(
            criterion_number(criterion.id),
            criterion.title,
            level,
            str(finding.revision) if finding else "",
            finding.evidence if finding else "",
        )
    console.print(table)
    if view.unscored:
        unscored = ", ".join(framework.criterion_label(c) for c in view.unscored)
        console.print(f"Nog niet gescoord: {unscored}", highlight=False)
    elif view.advice is not None:
        print_advice(view.advice)
    for report in view.reports:
        kind = "definitief" if report.final else "concept"
        console.print(
            f"  rapport versie {report.version} ({kind}, {show_time(report.created_at)})",
            highlight=False,
        )


def _view_json(view: AuditView) -> dict[str, Any]:
    return {
        "case_id": view.case_id,
        "audit": view.audit.model_dump(),
        "framework": {"id": view.framework.id, "version": view.framework.version},
        "members": [vars(m) for m in view.members],
        "interviews": [i.model_dump() for i in view.interviews],
        "findings": {c: f.model_dump() for c, f in view.findings.items()},
        "unscored": view.unscored,
        "advice": view.advice.as_dict() if view.advice else None,
        "reports": [
            {"version": r.version, "final": r.final, "advice": r.advice_outcome}
            for r in view.reports
        ],
        "warnings": view.warnings,
    }
