"""A meeting's documents: the meeting pack and the decision list (HTML or PDF), and the
decision letters of the meeting in one ZIP file."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from toetreding._exceptions import NotFoundError
from toetreding.documents.meetings import (
    decisions_html,
    decisions_pdf,
    letters_zip,
    meeting_letters,
    meeting_pack,
    pack_html,
    pack_pdf,
)
from toetreding.web.access import visible_meeting
from toetreding.web.deps import Me, ctx
from toetreding.web.pages.documents import DISPOSITION, DOCUMENT_CSP, FORMATS

router = APIRouter(include_in_schema=False)


def _answer(content: str | bytes, fmt: str, name: str) -> Response:
    headers = {
        "Content-Disposition": f'{DISPOSITION.get(fmt, "attachment")}; filename="{name}.{fmt}"',
        "Cache-Control": "private, no-store",
        "Content-Security-Policy": DOCUMENT_CSP,
    }
    media = FORMATS.get(fmt, "application/zip")
    return Response(content, media_type=media, headers=headers)


def _format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise NotFoundError(f"dit document bestaat niet als .{fmt}; kies .html of .pdf")
    return fmt


@router.get("/vergaderingen/{meeting_id}/vergaderstukken.{fmt}")
def pack_file(request: Request, meeting_id: int, fmt: str, me: Me) -> Response:
    """The meeting pack as it stands now: agenda, one page per case."""
    context = ctx(request)
    visible_meeting(context.service, me, meeting_id)
    pack = meeting_pack(context.desk, meeting_id)
    templates = context.settings.templates_dir
    render = pack_pdf if _format(fmt) == "pdf" else pack_html
    return _answer(render(pack, templates), fmt, f"vergaderstukken-{meeting_id}")


@router.get("/vergaderingen/{meeting_id}/besluitenlijst.{fmt}")
def decisions_file(request: Request, meeting_id: int, fmt: str, me: Me) -> Response:
    """The decision list, from the history rows that name the meeting."""
    context = ctx(request)
    visible_meeting(context.service, me, meeting_id)
    view = context.service.meeting_view(meeting_id)
    templates = context.settings.templates_dir
    render = decisions_pdf if _format(fmt) == "pdf" else decisions_html
    made_on = context.service.today()
    return _answer(render(view, made_on, templates), fmt, f"besluitenlijst-{meeting_id}")


@router.get("/vergaderingen/{meeting_id}/besluitbrieven.zip")
def letters_file(request: Request, meeting_id: int, me: Me) -> Response:
    """The decision letters of the meeting's decisions, as PDFs in one ZIP."""
    context = ctx(request)
    visible_meeting(context.service, me, meeting_id)
    letters = meeting_letters(context.desk, meeting_id)
    if not letters:
        raise NotFoundError("in deze vergadering is geen besluit genomen dat een brief heeft")
    content = letters_zip(letters, context.settings.templates_dir)
    return _answer(content, "zip", f"besluitbrieven-vergadering-{meeting_id}")
