"""``toetreding report``: draft, corrections, final report, versions and comparison."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer
from rich.table import Table

from toetreding._exceptions import InvalidInputError
from toetreding.audits import AdviceView, ReportComparison
from toetreding.cli._common import (
    AT_HELP,
    JSON_HELP,
    console,
    new_app,
    past_moment,
    print_json,
    service,
    state,
)
from toetreding.cli.audit_commands import ACTOR, CASE, desk, print_advice
from toetreding.documents import Document, from_case, render_html, render_pdf

app = new_app("Auditrapporten: concept, correcties van de school, definitief rapport.")


@app.command("draft")
def draft(
    ctx: typer.Context,
    case_id: int = CASE,
    actor: str = ACTOR,
    at: str | None = typer.Option(None, "--at", help=AT_HELP),
) -> None:
    """Stel een (nieuwe versie van het) concept-rapport op; alle criteria moeten gescoord zijn."""
    report = desk(ctx).draft_report(case_id, actor_ref=actor, at=past_moment(ctx, at))
    console.print(f"Concept-rapport versie {report.version} opgesteld.", highlight=False)
    print_advice(AdviceView.from_dict(report.content["advice"]))


@app.command("correct")
def correct(
    ctx: typer.Context,
    case_id: int = CASE,
    text: str | None = typer.Option(None, "--text", help="De school: wat feitelijk onjuist is"),
    criterion: str | None = typer.Option(None, "--criterion", help="Het criterium, als dat kan"),
    decide: int | None = typer.Option(
        None, "--decide", help="De commissie: nummer van de correctie waarover zij besluit"
    ),
    accept: bool | None = typer.Option(
        None, "--accept/--reject", help="Correctie overnemen of niet"
    ),
    reason: str | None = typer.Option(None, "--reason", help="Waarom (niet) overgenomen"),
    actor: str = ACTOR,
    at: str | None = typer.Option(None, "--at", help=AT_HELP),
) -> None:
    """Meld een feitelijke onjuistheid (school), of besluit erover (auditcommissie)."""
    desk_ = desk(ctx)
    if decide is None:
        if text is None:
            raise InvalidInputError("geef --text (de school) of --decide N (de commissie)")
        correction = desk_.submit_correction(
            case_id, text, criterion_id=criterion, actor_ref=actor, at=past_moment(ctx, at)
        )
        console.print(f"Correctie {correction.id} gemeld.", highlight=False)
        return
    if accept is None or reason is None:
        raise InvalidInputError("besluit met --accept of --reject, en geef --reason")
    decided = desk_.decide_correction(
        case_id, decide, accept=accept, reason=reason, actor_ref=actor, at=past_moment(ctx, at)
    )
    word = "overgenomen" if decided.accepted else "niet overgenomen"
    console.print(f"Correctie {decided.id} {word}.", highlight=False)


@app.command("finalize")
def finalize(
    ctx: typer.Context,
    case_id: int = CASE,
    actor: str = ACTOR,
    at: str | None = typer.Option(None, "--at", help=AT_HELP),
) -> None:
    """Stel het definitieve rapport vast (na besluit over elke correctie)."""
    report = desk(ctx).finalize(case_id, actor_ref=actor, at=past_moment(ctx, at))
    console.print(f"Definitief rapport (versie {report.version}) vastgesteld.", highlight=False)
    print_advice(AdviceView.from_dict(report.content["advice"]))


AUDIT = typer.Option(
    None, "--audit", min=1, help="Welke audit (1 = de eerste; een volgschool heeft er meer)"
)


@app.command("show")
def show(
    ctx: typer.Context,
    case_id: int = CASE,
    version: int | None = typer.Option(None, "--version", help="Standaard de nieuwste"),
    audit: int | None = AUDIT,
    compare: tuple[int, int] | None = typer.Option(
        None, "--compare", help="Vergelijk twee versies, bijv. --compare 1 2"
    ),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Een rapportversie met advies en correcties, of het verschil tussen twee versies."""
    desk_ = desk(ctx)
    if compare is not None:
        comparison = desk_.compare(case_id, *compare)
        if as_json:
            print_json(comparison)
            return
        _print_comparison(comparison)
        return
    report = desk_.report(case_id, version, audit)
    if as_json:
        print_json(report.model_dump())
        return
    kind = "Definitief rapport" if report.final else "Concept-rapport"
    of_audit = f" (audit {audit})" if audit else ""
    console.print(f"[bold]{kind}[/] versie {report.version}{of_audit} van dossier {case_id}")
    print_advice(AdviceView.from_dict(report.content["advice"]))
    table = Table("nr", "criterium", "correctie", "besluit", "reden", title="Correcties")
    for item in desk_.corrections(case_id, audit):
        c = item.correction
        verdict = {None: "open", True: "overgenomen", False: "niet overgenomen"}[c.accepted]
        table.add_row(str(c.id), c.criterion_id or "", c.text, verdict, c.reason or "")
    if table.row_count:
        console.print(table)


def _print_comparison(comparison: ReportComparison) -> None:
    console.print(
        f"Versie {comparison.older} → {comparison.newer}: advies "
        f"'{comparison.advice_before}' → '{comparison.advice_after}'",
        highlight=False,
    )
    if not comparison.scores:
        console.print("Geen scores gewijzigd.")
    for change in comparison.scores:
        console.print(
            f"  {change.criterion_id} {change.title}: {change.before or '-'} → "
            f"{change.after or '-'}",
            highlight=False,
        )


class Format(StrEnum):
    HTML = "html"
    PDF = "pdf"


class LetterKind(StrEnum):
    BESLUIT = "besluit"  # the final decision letter
    TRAJECT = "traject"  # the steering group's argued decision after the self-evaluation


@app.command("render")
def render(
    ctx: typer.Context,
    case_id: int = CASE,
    version: int | None = typer.Option(None, "--version", help="Standaard de nieuwste"),
    audit: int | None = AUDIT,
    form: Format = typer.Option(Format.PDF, "--format", help="html of pdf"),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Bestand; standaard in de huidige map"
    ),
) -> None:
    """Maak het auditrapport als HTML of PDF."""
    desk_ = desk(ctx)
    document = from_case.audit_report(desk_, case_id, version, audit)
    of_audit = f"-audit{audit}" if audit else ""
    name = f"toetsingsrapport-dossier-{case_id}{of_audit}-v{document.version}"
    _write(ctx, document, form, output or Path(f"{name}.{form.value}"))


letter_app = new_app("Brieven: het beargumenteerde besluit en de besluitbrief.")


@letter_app.command("render")
def letter_render(
    ctx: typer.Context,
    case_id: int = CASE,
    kind: LetterKind = typer.Option(
        LetterKind.BESLUIT, "--kind", help="besluit (toelating) of traject (stap 3)"
    ),
    form: Format = typer.Option(Format.PDF, "--format", help="html of pdf"),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Bestand; standaard in de huidige map"
    ),
) -> None:
    """Maak de besluitbrief (of het beargumenteerde besluit van stap 3) als HTML of PDF."""
    document: Document
    if kind is LetterKind.TRAJECT:
        document = from_case.argued_decision(service(ctx), case_id)
    else:
        document = from_case.decision_letter(desk(ctx), case_id)
    _write(ctx, document, form, output or Path(f"{kind.value}brief-dossier-{case_id}.{form.value}"))


def _write(ctx: typer.Context, document: Document, form: Format, path: Path) -> None:
    templates = state(ctx).settings.templates_dir
    if form is Format.PDF:
        path.write_bytes(render_pdf(document, templates))
    else:
        path.write_text(render_html(document, templates), encoding="utf-8")
    console.print(f"Geschreven: {path}", highlight=False)
