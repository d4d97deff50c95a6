"""The web app: ``create_app(settings)`` builds the FastAPI application.

Server-rendered Dutch pages (Jinja2, a little htmx-free JavaScript at most), a JSON API
under ``/api/`` with its OpenAPI schema, sign-in with e-mail and password.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from toetreding._exceptions import (
    AdminOnly,
    ConflictError,
    FileTooLarge,
    InvalidInputError,
    NotFoundError,
    ToetredingError,
    TooManyAttempts,
    TransitionRefused,
)
from toetreding.audits import AuditDesk
from toetreding.clock import Clock, SystemClock, local
from toetreding.definition import input_words
from toetreding.documents.filters import dutch_date
from toetreding.files import FileEntry, describe_size, entries_of, legacy_name
from toetreding.service import Toetreding
from toetreding.settings import Settings, sqlite_database
from toetreding.store import DATABASE_DOWN
from toetreding.web.deps import (
    CsrfFailed,
    LoginRequired,
    WebContext,
    session_of,
    viewer_if_any,
)
from toetreding.web.errors import install as install_error_pages
from toetreding.web.headers import add_security_headers
from toetreding.web.limits import DATABASE_DOWN_MESSAGE, RETRY_AFTER_S, BodyLimit, BodyTooLarge
from toetreding.web.security import SessionCodec, secret_key

HERE = Path(__file__).parent


def create_app(
    settings: Settings, clock: Clock | None = None, *, secret: str | None = None
) -> FastAPI:
    service = Toetreding.from_settings(settings, clock or SystemClock())
    folder = _state_folder(settings)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.filters["datum"] = dutch_date
    templates.env.filters["invoer"] = input_words  # an input's kind and range in words
    templates.env.filters["grootte"] = describe_size
    templates.env.filters["bestanden"] = _files_in
    templates.env.filters["tijd"] = lambda moment: (
        f"{local(moment):%d-%m-%Y %H:%M}" if moment else ""
    )
    context = WebContext(
        settings=settings,
        service=service,
        desk=AuditDesk(service, settings.protocols_dir),
        accounts=service.accounts,
        codec=SessionCodec(secret or secret_key(settings.secret_key, folder)),
        templates=templates,
        secure_cookies=settings.base_url.startswith("https://"),
    )
    app = FastAPI(
        title="toetreding",
        description="Toelatingsprotocollen van Samen Opleiden-partnerschappen (JSON-API).",
        version="1",
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
        redoc_url=None,
        lifespan=_lifespan,
    )
    app.state.ctx = context
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    _handlers(app)
    app.add_middleware(BodyLimit, limit=settings.max_body_kb * 1024)  # innermost: see limits.py
    _refuse_nul(app)
    add_security_headers(app, https=context.secure_cookies, docs_url=app.docs_url)
    from toetreding.web.api import router as api_router
    from toetreding.web.pages import routers

    for router in routers:
        app.include_router(router)
    app.include_router(api_router)
    return app


def _files_in(value: Any, document: bool) -> list[FileEntry]:
    """The files a history row's value names; for a document input recorded before files
    were kept, its name alone ("alleen naam, geen bestand")."""
    files = entries_of(value)
    if files is not None:
        return files
    old = legacy_name(value) if document else None
    return [] if old is None else [old]


@asynccontextmanager
async def _lifespan(_app: FastAPI) -> AsyncIterator[None]:
    """At start-up, everything built so far (modules, protocols, templates) lives as long as
    the app: frozen out of the garbage collector's view, a full collection no longer walks
    it, which otherwise cost a request now and then 100 ms on a board of 10,000 cases."""
    gc.collect()
    gc.freeze()
    yield


def _state_folder(settings: Settings) -> Path:
    database = sqlite_database(settings.database_url)
    return database.parent if database is not None else Path.cwd()


NUL_REFUSED = "ongeldige aanvraag: het adres bevat een NUL-teken (%00)"


def _refuse_nul(app: FastAPI) -> None:
    """A NUL character in the address is refused before any route runs: PostgreSQL cannot
    even look such text up (forms and JSON bodies are checked by their models/inputs)."""

    @app.middleware("http")
    async def refuse_nul(request: Request, call_next: Any) -> Response:
        query = request.query_params.multi_items()
        if "\x00" in request.url.path or any("\x00" in k + v for k, v in query):
            return _error(request, 422, NUL_REFUSED)
        response: Response = await call_next(request)
        return response


def _handlers(app: FastAPI) -> None:
    install_error_pages(app, _error)

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _exc: LoginRequired) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": "niet aangemeld"}, status_code=401)
        return RedirectResponse(f"/inloggen?volgende={request.url.path}", status_code=303)

    @app.exception_handler(CsrfFailed)
    async def csrf_failed(request: Request, _exc: CsrfFailed) -> Response:
        message = "het formulier is verlopen of niet van deze site; laad de pagina opnieuw"
        return _error(request, 403, message)

    @app.exception_handler(BodyTooLarge)
    async def body_too_large(request: Request, exc: BodyTooLarge) -> Response:
        return _error(request, 413, str(exc.detail))

    async def database_down(request: Request, _exc: Exception) -> Response:
        response = _error(request, 503, DATABASE_DOWN_MESSAGE)
        response.headers["Retry-After"] = str(RETRY_AFTER_S)
        return response

    for failure in DATABASE_DOWN:
        app.add_exception_handler(failure, database_down)

    @app.exception_handler(ToetredingError)
    async def refused(request: Request, exc: ToetredingError) -> Response:
        response = _error(request, _status(exc), str(exc))
        if isinstance(exc, TooManyAttempts):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response


def _status(exc: ToetredingError) -> int:
    if isinstance(exc, TooManyAttempts):
        return 429
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, AdminOnly):
        return 403
    if isinstance(exc, ConflictError):
        return 409
    if isinstance(exc, FileTooLarge):
        return 413
    if isinstance(exc, TransitionRefused | InvalidInputError):
        return 422
    return 400


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error(request: Request, status: int, message: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"detail": message}, status_code=status)
    context: WebContext = request.app.state.ctx
    # The menu when the person is signed in (not for a database that is down: no lookup).
    signed_in = viewer_if_any(request) if status != 503 else None
    session = session_of(request) if signed_in else None
    return context.templates.TemplateResponse(
        request,
        "error.html",
        {
            "viewer": signed_in,
            "csrf": session.csrf if session else "",
            "status": status,
            "message": message,
        },
        status_code=status,
    )
