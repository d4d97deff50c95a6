"""What every API route shares: the route class, error answers, CSRF, visibility helpers.

Errors of the API are always ``{"detail": "<Dutch sentence>"}`` (plus, for a refused step,
the reason and what is allowed now): the app's handlers turn ``ToetredingError`` into
404/409/422/400 and a missing sign-in into 401; :class:`ApiRoute` does the same for a request
FastAPI itself finds malformed (its own 422 would carry a list) and for a refused step.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from contextlib import suppress
from typing import Annotated, Any

from fastapi import Depends, Header, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.security import APIKeyCookie, HTTPBearer
from pydantic import AliasChoices
from starlette.exceptions import HTTPException

from toetreding._exceptions import DefinitionError, NotFoundError, TransitionRefused
from toetreding.service import Toetreding
from toetreding.store import MAX_ID
from toetreding.web.access import Viewer
from toetreding.web.api._idempotency import DESCRIPTION, HEADER, idempotent
from toetreding.web.deps import Me, require_csrf
from toetreding.web.errors import invalid_request
from toetreding.web.protocol_schemas import DefinitionProblems, LineMessage
from toetreding.web.schemas import Problem, Refusal
from toetreding.web.security import COOKIE

CaseId = Annotated[int, Path(ge=1, le=MAX_ID, description="Dossiernummer")]


class ApiRoute(APIRoute):
    """Answers a malformed or unreadable request and a refused step in the API's own error
    format: 422 with a Dutch ``detail``. A state-changing request with an
    ``Idempotency-Key`` is handled once per person and key (:mod:`._idempotency`)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()
        content = (self.openapi_extra or {}).get("requestBody", {}).get("content", {})
        takes_files = "multipart/form-data" in content  # read by ``uploads.receive_once``

        async def route_handler(request: Request) -> Response:
            key = request.headers.get(HEADER)
            if key is not None and request.method not in ("GET", "HEAD", "OPTIONS"):
                return await idempotent(request, key, answer, takes_files=takes_files)
            return await answer(request)

        async def answer(request: Request) -> Response:
            try:
                return await handle(request)
            except RequestValidationError as exc:
                return JSONResponse(
                    Problem(detail=invalid_request(exc, self)).model_dump(), status_code=422
                )
            except HTTPException as exc:
                if exc.status_code != 400:
                    raise
                # FastAPI's answer to a body it cannot even decode (not UTF-8, …).
                unreadable = "ongeldige aanvraag: de inhoud is geen leesbare JSON"
                return JSONResponse(Problem(detail=unreadable).model_dump(), status_code=422)
            except TransitionRefused as exc:
                return JSONResponse(Refusal.of(exc).model_dump(mode="json"), status_code=422)

        return route_handler


_MEANING = {
    400: "Kon niet worden uitgevoerd, bijv. door ontbrekende kalendergegevens. / Not carried out.",
    401: "Niet aangemeld: geen geldige sessie of API-token. / Not signed in.",
    403: "Sessie zonder geldig CSRF-token (header X-CSRF-Token). / Missing CSRF token.",
    404: "Bestaat niet, of is voor u niet zichtbaar. / Unknown or not visible to you.",
    409: (
        "Intussen door iemand anders gewijzigd, of een aanvraag met dezelfde Idempotency-Key "
        "is nog niet afgehandeld; er is niets opgeslagen. / Changed meanwhile, or the request "
        "with this Idempotency-Key is not answered yet."
    ),
    413: "Een bestand of de aanvraag is te groot; er is niets bewaard. / Too large.",
    422: (
        "Ongeldige aanvraag, geweigerd, of een Idempotency-Key die al voor een andere aanvraag "
        "is gebruikt; er is niets gewijzigd. / Invalid, refused, or a reused Idempotency-Key."
    ),
}


def errors(*codes: int, refusal: bool = False) -> dict[int | str, dict[str, Any]]:
    """The documented error answers of a route (``{"detail": ...}``)."""
    return {
        code: {
            "model": Refusal if refusal and code == 422 else Problem,
            "description": _MEANING[code],
        }
        for code in codes
    }


def total_count_header(description: str) -> dict[str, Any]:
    """The documented 200 answer of a list that comes a page at a time."""
    header = {
        "description": "Hoeveel er met deze filters in totaal zijn / total with these filters",
        "schema": {"type": "integer", "minimum": 0},
    }
    return {"description": description, "headers": {"X-Total-Count": header}}


# Documented in the OpenAPI schema only; ``deps.viewer`` reads the credentials itself.
_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="api-token",
    description="API-token van de persoon: `Authorization: Bearer <token>` (geen CSRF nodig)",
)
_cookie = APIKeyCookie(
    name=COOKIE,
    auto_error=False,
    scheme_name="sessie",
    description="Sessiecookie na inloggen; wijzigingen vragen dan de header X-CSRF-Token",
)
AUTH = [Depends(_bearer), Depends(_cookie)]


def single_query_values(request: Request) -> None:
    """Every query parameter of the API takes one value: ``?state=a&state=b`` is refused
    rather than silently answered for the last one."""
    params = request.query_params
    repeated = sorted({key for key in params if len(params.getlist(key)) > 1})
    if repeated:
        raise RequestValidationError(
            [
                {"loc": ("query", key), "msg": "mag maar één keer voorkomen", "type": "repeated"}
                for key in repeated
            ]
        )


def _changing(
    request: Request,
    me: Me,
    x_csrf_token: Annotated[
        str | None,
        Header(
            alias="X-CSRF-Token",
            description="Alleen bij aanmelding met de sessiecookie: het CSRF-token van de sessie",
        ),
    ] = None,
    idempotency_key: Annotated[
        str | None,
        Header(alias=HEADER, description=DESCRIPTION, pattern=r"^[!-~]{1,200}$"),
    ] = None,
) -> Viewer:
    """(``idempotency_key`` is here to be documented; ApiRoute acts on it.)"""
    require_csrf(request, x_csrf_token)
    return me


Changer = Annotated[Viewer, Depends(_changing)]
"""The signed-in person, for a request that changes something (CSRF checked for sessions)."""


def visible_partnership(app: Toetreding, me: Viewer, ref: str) -> int:
    """A partnership (code or id) the person works for or has a school in; an unknown and
    an invisible one answer the same."""
    partnership_id = 0
    # The store reads any digit string as an id; one that is no database integer ('²', or
    # more digits than a column holds) would fail there instead of being unknown.
    if not ref.isdigit() or (ref.isascii() and int(ref) <= MAX_ID):
        with suppress(NotFoundError):
            partnership_id = app.partnership(int(ref) if ref.isdigit() else ref).id
    schools = {app.school(s).partnership_id for s in me.schools}
    if not partnership_id or not (me.sees_partnership(partnership_id) or partnership_id in schools):
        raise NotFoundError(f"partnerschap '{ref}' bestaat niet")
    return partnership_id


def not_published(exc: DefinitionError) -> JSONResponse:
    """422 for a definition text with problems: every problem with its line."""
    answer = DefinitionProblems(
        detail=f"niet gepubliceerd: {len(exc.problems)} probleem/problemen in de tekst",
        problems=[LineMessage.of(p) for p in exc.problems],
    )
    return JSONResponse(answer.model_dump(), status_code=422)


def dutch(name: str, earlier: str) -> dict[str, Any]:
    """A query parameter's Dutch ``name`` (the one OpenAPI lists) that still takes the English
    name ``earlier`` it had, for clients written before: ``Query(**dutch("aantal", "limit"))``."""
    return {"alias": name, "validation_alias": AliasChoices(name, earlier)}


# The offset of a page of a list (cases, agenda), by its Dutch name.
SKIP = Query(ge=0, le=10**9, description="Hoeveel eerst overslaan", **dutch("overslaan", "offset"))
