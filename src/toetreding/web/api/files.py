"""The files of a dossier: the list, one file's bytes, and a new version added on its own
(upload first, then name its number in a step's ``inputs``: upload-then-reference).

A school contact reads only its own school's files, and of the audit committee's files only
those sent with a step; anything else answers 404, as a file that does not exist.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from toetreding.files import ACCEPTED, ACCEPTED_TEXT
from toetreding.store import MAX_ID, CaseFilePublic
from toetreding.web.access import visible_case, visible_file, visible_files
from toetreding.web.api._common import ApiRoute, CaseId, Changer, errors
from toetreding.web.deps import Me, ctx
from toetreding.web.downloads import file_response
from toetreding.web.uploads import MAX_FILES, receive_once

router = APIRouter(route_class=ApiRoute, tags=["bestanden"])

FileId = Annotated[int, Path(ge=1, le=MAX_ID, description="Nummer van het bestand")]
_BINARY = {"schema": {"type": "string", "format": "binary"}}
_UPLOAD = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["artefact", "bestand"],
                "properties": {
                    "artefact": {
                        "type": "string",
                        "maxLength": 60,
                        "description": "Welk stuk: de documentinvoer van het protocol, bijv. "
                        "zelfevaluatie",
                    },
                    "role": {"type": "string", "maxLength": 40, "description": "In welke rol"},
                    "bestand": {
                        "type": "array",
                        "items": {"type": "string", "format": "binary"},
                        "maxItems": MAX_FILES,
                        "description": f"Het bestand (meer alleen waar het protocol dat "
                        f"toestaat): {ACCEPTED_TEXT}",
                    },
                },
            }
        }
    },
}


@router.get(
    "/dossiers/{case_id}/bestanden",
    response_model=list[CaseFilePublic],
    summary="Bestanden van een dossier",
    description=(
        "Alle ingediende bestanden (elke versie) van het dossier, per stuk de nieuwste "
        "versie eerst, met grootte, SHA-256, wie en wanneer. De inhoud: "
        "`GET /api/dossiers/{case_id}/bestanden/{file_id}`. / The files of a case, every "
        "version."
    ),
    responses=errors(401, 404, 422),
)
def file_list(request: Request, case_id: CaseId, me: Me) -> list[CaseFilePublic]:
    service = ctx(request).service
    visible_case(service, me, case_id)
    return [f for group in visible_files(service, me, case_id) for f in group.files]


@router.get(
    "/dossiers/{case_id}/bestanden/{file_id}",
    summary="De inhoud van een bestand",
    description=(
        "Het bestand precies zoals het is ingediend (de header ETag is zijn SHA-256); PDF en "
        "afbeeldingen inline, met `download=true` altijd als download. / The file's bytes."
    ),
    response_class=Response,
    responses={
        200: {
            "description": "De inhoud, met het soort dat uit de inhoud is vastgesteld.",
            "content": {kind.media_type: _BINARY for kind in ACCEPTED},
        },
        **errors(401, 404, 422),
    },
)
def file_content(
    request: Request,
    case_id: CaseId,
    file_id: FileId,
    me: Me,
    download: Annotated[bool, Query(description="Altijd als download aanbieden")] = False,
) -> Response:
    record, chunks = visible_file(ctx(request).service, me, case_id, file_id)
    return file_response(record, chunks, download=download)


@router.post(
    "/dossiers/{case_id}/bestanden",
    status_code=201,
    response_model=list[CaseFilePublic],
    summary="Een nieuwe versie van een stuk toevoegen",
    description=(
        "Voegt een nieuwe versie van een stuk toe (`multipart/form-data`: `artefact` en "
        "`bestand`), zonder een stap te zetten; eerdere versies blijven. Wie een stap zet die "
        "het stuk vraagt, mag het toevoegen. Een stap kan het daarna gebruiken: geef in zijn "
        '`inputs` het nummer, bijv. `{"zelfevaluatie": 12}`. Het soort wordt uit de inhoud '
        f"vastgesteld ({ACCEPTED_TEXT}); te groot geeft 413. / Upload a new version; a step "
        "then names its number."
    ),
    responses={
        201: {"description": "De toegevoegde bestanden (één versie)."},
        **errors(400, 401, 403, 404, 409, 413, 422),
    },
    openapi_extra={"requestBody": _UPLOAD},
)
async def add_version(request: Request, case_id: CaseId, me: Changer) -> Any:
    service = ctx(request).service
    visible_case(service, me, case_id)
    received = await receive_once(request, service.new_upload, service.max_upload_bytes)
    try:
        if received.refused:
            status = 413 if received.too_large else 422
            return JSONResponse({"detail": "; ".join(received.refused)}, status_code=status)
        added = service.add_version(
            case_id,
            received.text("artefact"),
            received.files.get("bestand", []),
            actor_ref=me.person_id,
            role=received.text("role") or None,
        )
    finally:
        received.discard()
    return [record.model_dump(mode="json") for record in added]
