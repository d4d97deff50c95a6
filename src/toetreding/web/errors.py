"""Errors in Dutch, whatever raised them: FastAPI's checks of a request (a path, query or
body that does not parse), Starlette's 404/405 for an unknown address, and any unforeseen
fault (500). Pages get the HTML error page, ``/api/`` a JSON ``detail``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from toetreding.formats import value_problem

ErrorAnswer = Callable[[Request, int, str], Response]

_LOG = logging.getLogger("toetreding.web")

# Starlette's own answers (their text is the English reason phrase), in Dutch.
_STATUS_WORDS = {
    400: "ongeldige aanvraag",
    401: "niet aangemeld",
    403: "niet toegestaan",
    404: "deze pagina bestaat niet (meer); controleer het adres",
    405: "dit adres kent deze handeling niet",
    413: "de aanvraag is te groot",
    415: "dit soort inhoud wordt hier niet aangenomen",
    429: "te veel pogingen; wacht even en probeer het opnieuw",
    500: "er ging aan onze kant iets mis; er is niets veranderd. Probeer het later opnieuw",
}

# the names of a path's parts as a person reads them
_PARTS = {"case_id": "dossiernummer", "file_id": "bestandsnummer", "token_id": "tokennummer"}


def invalid_request(exc: RequestValidationError) -> str:
    """``ongeldige aanvraag: path.case_id: is geen geheel getal ('abc')``."""
    problems = []
    for error in exc.errors():
        where = ".".join(
            str(part) for part in error.get("loc", ()) if part != "body" and "[" not in str(part)
        )
        text = value_problem(error)
        given = error.get("input")
        if isinstance(given, str | int) and error.get("type") != "missing":
            text = f"{text} ('{str(given)[:40]}')"
        problems.append(f"{where}: {text}" if where else text)
    return "ongeldige aanvraag: " + "; ".join(problems)


def _page_problem(exc: RequestValidationError) -> tuple[int, str]:
    """A page's address whose number is no number names no page: 404, said in words."""
    for error in exc.errors():
        loc = error.get("loc", ())
        if loc and loc[0] == "path":
            part = _PARTS.get(str(loc[-1]), str(loc[-1]))
            return 404, f"deze pagina bestaat niet: “{str(error.get('input'))[:40]}” is geen {part}"
    return 422, invalid_request(exc)


def install(app: FastAPI, answer: ErrorAnswer) -> None:
    """Every error that is not the app's own (ToetredingError) answered in Dutch."""

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        if request.url.path.startswith("/api/"):
            return answer(request, 422, invalid_request(exc))
        return answer(request, *_page_problem(exc))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        code = exc.status_code
        detail = str(exc.detail)
        standard = code in HTTPStatus._value2member_map_ and detail == HTTPStatus(code).phrase
        text = _STATUS_WORDS.get(code, "dat lukte niet") if standard else detail
        response = answer(request, code, text)
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(Exception)
    async def fault(request: Request, exc: Exception) -> Response:
        # Starlette logs and re-raises after this answer; the person reads no traceback.
        _LOG.error("fout bij %s %s: %r", request.method, request.url.path, exc)
        return answer(request, 500, _STATUS_WORDS[500])
