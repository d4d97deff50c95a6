"""``toetreding frame``: the questions of a conversation frame (e.g. the intake talk), the
answers recorded during a step, and which framework a partnership uses for each frame."""

from __future__ import annotations

import typer
from rich.markup import escape
from rich.table import Table

from toetreding.audits import FrameDesk
from toetreding.cli._common import (
    AT_HELP,
    JSON_HELP,
    console,
    new_app,
    past_moment,
    print_json,
    show_time,
)
from toetreding.cli.audit_commands import ACTOR, CASE, desk

frame_app = new_app(
    "Gesprekskaders: de vragen van bijv. het intakegesprek, de antwoorden en welk kader een "
    "partnerschap gebruikt."
)


@frame_app.command("answer")
def frame_answer(
    ctx: typer.Context,
    case_id: int = CASE,
    question: str = typer.Argument(
        ..., metavar="VRAAG", help="Nummer van de vraag, zie 'frame show'"
    ),
    answer: str = typer.Option(..., "--answer", help="Het antwoord, zoals besproken"),
    actor: str = ACTOR,
    at: str | None = typer.Option(None, "--at", help=AT_HELP),
) -> None:
    """Leg het antwoord op een vraag van het gesprekskader vast (opnieuw: nieuwe versie)."""
    recorded = FrameDesk(desk(ctx)).answer(
        case_id, question, answer, actor_ref=actor, at=past_moment(ctx, at)
    )
    console.print(
        f"Antwoord op vraag {recorded.question_id} vastgelegd (versie {recorded.revision}).",
        highlight=False,
    )


@frame_app.command("show")
def frame_show(
    ctx: typer.Context,
    case_id: int = CASE,
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """De vragen van het gesprekskader met de vastgelegde antwoorden."""
    view = FrameDesk(desk(ctx)).view(case_id)
    if as_json:
        print_json(
            {
                "case_id": case_id,
                "framework": {"id": view.framework.id, "version": view.framework.version},
                "questions": [
                    {
                        "id": q.question_id,
                        "title": q.title,
                        "asks": q.asks,
                        "note": q.note,
                        "answer": q.answer.answer if q.answer else None,
                        "revision": q.answer.revision if q.answer else None,
                    }
                    for q in view.questions
                ],
                "unanswered": view.unanswered,
            }
        )
        return
    console.print(f"[bold]{view.framework.title}[/] — dossier {case_id}", highlight=False)
    for q in view.questions:
        console.print(f"\n[bold]{q.question_id}. {q.title}[/]", highlight=False)
        if q.asks:
            console.print(q.asks, highlight=False, markup=False)
        if q.note:
            console.print(f"[dim]({escape(q.note)})[/]", highlight=False)
        console.print(q.answer.answer if q.answer else "[dim](nog niet besproken)[/]")


_FRAME_HELP = "Het gesprekskader dat het protocol noemt, zie 'frame choices'"
_FRAMEWORK_HELP = "Het kader dat het partnerschap gebruikt (eigen of meegeleverd)"


@frame_app.command("choices")
def frame_choices(
    ctx: typer.Context,
    partnership: str = typer.Option(..., "--partnership", "-p", help="Partnerschap (code of id)"),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Welk kader het partnerschap gebruikt voor elk gesprekskader dat een protocol noemt."""
    slots = FrameDesk(desk(ctx)).slots(partnership)
    if as_json:
        print_json(
            [
                {
                    "frame": s.frame_id,
                    "frame_title": s.frame_title,
                    "used_in": s.used_in,
                    "framework": s.framework_id,
                    "framework_title": s.framework_title,
                    "chosen_at": s.chosen_at.isoformat() if s.chosen_at else None,
                }
                for s in slots
            ]
        )
        return
    table = Table("Gesprekskader", "Gebruikt in", "Dit partnerschap gebruikt", "Gekozen")
    for s in slots:
        table.add_row(
            f"{escape(s.frame_title)}\n[dim]{s.frame_id}[/]",
            escape("\n".join(s.used_in)),
            f"{escape(s.framework_title)}\n[dim]{s.framework_id}[/]",
            show_time(s.chosen_at) if s.chosen_at else "niet gekozen: het kader van het protocol",
        )
    console.print(table)


@frame_app.command("choose")
def frame_choose(
    ctx: typer.Context,
    frame: str = typer.Argument(
        ..., metavar="GESPREKSKADER", help="Het kader dat het protocol noemt, zie 'frame choices'"
    ),
    framework: str = typer.Argument(
        ..., metavar="KADER", help="Het kader dat het partnerschap gebruikt (eigen of meegeleverd)"
    ),
    partnership: str = typer.Option(..., "--partnership", "-p", help="Partnerschap (code of id)"),
    by: str = typer.Option(..., "--by", help="Wie dit kiest (e-mail of id); komt in het logboek"),
    at: str | None = typer.Option(None, "--at", help=AT_HELP),
) -> None:
    """Kies het kader dat het partnerschap gebruikt waar een stap dit gesprekskader noemt.

    Nieuwe gesprekken gebruiken het gekozen kader; een dossier houdt het kader waarin zijn
    antwoorden al zijn vastgelegd. Een eigen kader laadt u eerst met 'framework load'.
    """
    slot = FrameDesk(desk(ctx)).choose(
        partnership, frame, framework, by=by, at=past_moment(ctx, at)
    )
    console.print(
        f"Waar een stap '{slot.frame_title}' noemt, gebruikt dit partnerschap nu "
        f"'{slot.framework_title}'.",
        highlight=False,
    )
