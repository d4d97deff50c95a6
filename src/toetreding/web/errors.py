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

# Where in a request a value sits, as a person reads it.
_WHERE = {
    "path": "in het adres",
    "query": "in de zoekvraag",
    "body": "in de inhoud",
    "header": "in de kopregels",
    "cookie": "in de cookie",
}

# The names of a path's parts (never typed by the person, so never shown as given).
_PARTS = {
    "case_id": "het dossiernummer",
    "file_id": "het bestandsnummer",
    "token_id": "het tokennummer",
    "meeting_id": "het vergadernummer",
    "correction_id": "het correctienummer",
    "criterion_id": "het criterium",
    "framework_id": "het kader",
    "rules_id": "de adviesregels",
    "protocol_id": "het protocol",
    "version": "het versienummer",
    "number": "het nummer",
    "seq": "het volgnummer",
    "fmt": "het formaat",
    "trigger": "de handeling",
    "token": "het token",
}


def _field(loc: tuple[int | str, ...]) -> str:
    """``de waarde 'van' in de zoekvraag``: the part a person gave, named as they know it
    (a query's or body's name as typed, a path's part by what it is)."""
    source = str(loc[0]) if loc else ""
    if source not in _WHERE:  # a body checked by the route itself: its fields only
        source, loc = "body", ("body", *loc)
    names = [str(part) for part in loc[1:] if isinstance(part, str) and _is_name(part)]
    where = _WHERE[source]
    if not names:
        return "de inhoud" if source == "body" else f"de aanvraag {where}"
    if source == "path":
        return f"{_PARTS.get(names[-1], f'het deel {names[-1]!r}')} {where}"
    kind = "de waarde" if source == "query" else "het veld"
    return f"{kind} '{'.'.join(names)}' {where}"


# pydantic names the member of a union it tried (``str``, ``list[str]``) in the location
_UNION_MEMBERS = frozenset({"str", "int", "float", "bool", "dict", "list", "none"})


def _is_name(part: str) -> bool:
    return "[" not in part and part not in _UNION_MEMBERS


def _expected(route: object) -> str:
    """``; verwacht: note, inputs`` — the body fields a route takes, when it takes a model."""
    body = getattr(route, "body_field", None)
    model = getattr(getattr(body, "field_info", None), "annotation", None)
    fields = getattr(model, "model_fields", None)
    if not isinstance(fields, dict) or not fields:
        return ""
    names = [field.alias or name for name, field in fields.items()]
    return "; verwacht een JSON-object met: " + ", ".join(names)


def invalid_request(exc: RequestValidationError, route: object = None) -> str:
    """``ongeldige aanvraag: het dossiernummer in het adres is geen geheel getal ('abc')``."""
    problems = []
    for error in exc.errors():
        loc = tuple(error.get("loc", ()))
        if loc == ("body",) and error.get("type") in ("missing", "empty_body"):
            problems.append(f"de aanvraag mist een inhoud (JSON){_expected(route)}")
            continue
        text = value_problem(error)
        given = error.get("input")
        if isinstance(given, str | int) and error.get("type") != "missing":
            text = f"{text} ('{str(given)[:40]}')"
        problems.append(f"{_field(loc)} {text}")
    return "ongeldige aanvraag: " + "; ".join(problems)


def _page_problem(exc: RequestValidationError, route: object) -> tuple[int, str]:
    """A page's address whose number is no number names no page: 404, said in words."""
    for error in exc.errors():
        loc = error.get("loc", ())
        if loc and loc[0] == "path":
            noun = _PARTS.get(str(loc[-1]))
            what = f"is geen {noun.split(' ', 1)[1]}" if noun else "bestaat hier niet"
            return 404, f"deze pagina bestaat niet: “{str(error.get('input'))[:40]}” {what}"
    return 422, invalid_request(exc, route)


def install(app: FastAPI, answer: ErrorAnswer) -> None:
    """Every error that is not the app's own (ToetredingError) answered in Dutch."""

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        route = request.scope.get("route")
        if request.url.path.startswith("/api/"):
            return answer(request, 422, invalid_request(exc, route))
        return answer(request, *_page_problem(exc, route))

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
