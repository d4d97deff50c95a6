"""The files of a dossier on the web: one file (shown or downloaded) and a new version of an
artefact added on its own. The list is on the documents page (``/documenten``), next to the
letters and reports toetreding makes.

Every route goes through ``web.access`` first: another school's file, a file of an
invisible case and the committee's working files (for a school) answer 404, exactly like a
file that does not exist.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from toetreding._exceptions import FileTooLarge, InvalidInputError, NotFoundError
from toetreding.web.access import visible_case, visible_file
from toetreding.web.deps import Me, ctx, receive_form
from toetreding.web.downloads import file_response
from toetreding.web.pages.documents import render_documents

router = APIRouter(include_in_schema=False)


@router.get("/dossiers/{case_id}/bestanden/{file_id}")
def file_page(request: Request, case_id: int, file_id: str, me: Me, download: str = "") -> Response:
    """The file itself: a PDF or image opens in the browser, anything else downloads
    (``?download=1`` always downloads)."""
    number = _number(file_id)
    record, chunks = visible_file(ctx(request).service, me, case_id, number)
    return file_response(record, chunks, download=download not in ("", "0"))


@router.post("/dossiers/{case_id}/bestanden")
async def add_version(request: Request, case_id: int, me: Me) -> Response:
    """A new version of an artefact (the form on the documents page); older ones stay."""
    service = ctx(request).service
    visible_case(service, me, case_id)

    try:
        received = await receive_form(request)
    except FileTooLarge as exc:
        return _refused(request, me, case_id, str(exc), 413)
    try:
        if received.refused:
            status = 413 if received.too_large else 422
            return _refused(request, me, case_id, "; ".join(received.refused), status)
        artefact = received.text("stuk")
        added = service.add_version(
            case_id, artefact, received.files.get("bestand", []), actor_ref=me.person_id
        )
    except InvalidInputError as exc:
        return _refused(request, me, case_id, str(exc), 422)
    finally:
        received.discard()
    return RedirectResponse(
        f"/dossiers/{case_id}/documenten?toegevoegd={added[0].id}#bestanden-kop",
        status_code=303,
    )


def _refused(request: Request, me: Me, case_id: int, reason: str, status: int) -> Response:
    response = render_documents(request, me, case_id, refusal=reason)
    response.status_code = status
    return response


def _number(text: str) -> int:
    if not (text.isascii() and text.isdigit() and len(text) < 10):
        raise NotFoundError(f"bestand '{text}' bestaat niet")
    return int(text)
