"""What every page and API route needs: the shared services, the signed-in person, CSRF."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.templating import Jinja2Templates

from toetreding.audits import AuditDesk
from toetreding.service import Accounts, Toetreding
from toetreding.settings import Settings
from toetreding.web.access import Viewer, load_viewer
from toetreding.web.security import (
    COOKIE,
    MAX_AGE,
    SessionCodec,
    SessionData,
    csrf_matches,
    new_session,
)
from toetreding.web.uploads import Received, receive


@dataclass
class WebContext:
    """Built once per app (``app.state.ctx``); shared by all requests."""

    settings: Settings
    service: Toetreding
    desk: AuditDesk
    accounts: Accounts
    codec: SessionCodec
    templates: Jinja2Templates
    secure_cookies: bool


class LoginRequired(Exception):
    """No (valid) session: pages redirect to the login page, the API answers 401."""


class CsrfFailed(Exception):
    """A state-changing request without the session's CSRF token."""


def ctx(request: Request) -> WebContext:
    context: WebContext = request.app.state.ctx
    return context


def link_base(request: Request) -> str:
    """Where links in feeds and e-mails point: TOETREDING_BASE_URL when it is set, else the
    address this request was made to (never a guessed localhost:8000)."""
    settings = ctx(request).settings
    if settings.base_url_set:
        return settings.base_url
    return str(request.base_url).rstrip("/")


def session_of(request: Request) -> SessionData | None:
    return ctx(request).codec.load(request.cookies.get(COOKIE))


def client_address(request: Request) -> str:
    """The client's address (behind a proxy: as uvicorn's ``--forwarded-allow-ips`` lets
    it read ``X-Forwarded-For``), for throttling."""
    return request.client.host if request.client else "onbekend"


def viewer(request: Request) -> Viewer:
    """The signed-in person (session cookie, or ``Authorization: Bearer`` API token)."""
    found = getattr(request.state, "viewer", None)
    if isinstance(found, Viewer):
        return found
    context = ctx(request)
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        token = header[7:].strip()
        person_id = context.accounts.person_for_api_token(token, client_address(request))
        if person_id is None:
            raise LoginRequired()
        request.state.bearer = True
    else:
        session = session_of(request)
        secret = session.secret if session else None
        person_id = context.accounts.session_person(secret) if secret else None
        if person_id is None:
            raise LoginRequired()  # signed out, ended elsewhere, expired or never signed in
    signed_in = load_viewer(context.service, person_id)
    request.state.viewer = signed_in
    return signed_in


def viewer_if_any(request: Request) -> Viewer | None:
    """The signed-in person for an error page's menu, or None. An error page must render
    whatever went wrong, so a failure to find the person (the database down) is no menu."""
    try:
        return viewer(request)
    except Exception:
        return None


def require_csrf(request: Request, given: str | None) -> None:
    """Refuse a session-authenticated change without the right token."""
    if getattr(request.state, "bearer", False):
        return
    token = given or request.headers.get("x-csrf-token")
    if not csrf_matches(session_of(request), token):
        raise CsrfFailed()


async def receive_form(request: Request) -> Received:
    """A posted form with its files staged (FileTooLarge when the whole body is too large).
    The CSRF token is checked before any file is written, and again for a form without
    files; on a refusal nothing staged is kept."""
    service = ctx(request).service

    def csrf(received: Received) -> None:
        require_csrf(request, received.text("csrf_token"))

    received = await receive(
        request, service.new_upload, service.max_upload_bytes, before_files=csrf
    )
    try:
        csrf(received)
    except CsrfFailed:
        received.discard()
        raise
    return received


def sign_in_session(request: Request, response: Response, person_id: int) -> None:
    """Give the response a new session for this person (a new server session and CSRF
    token: whatever the browser held before is not reused)."""
    secret = ctx(request).accounts.start_session(person_id)
    set_session_cookie(request, response, new_session(secret))


def session_secret(request: Request) -> str | None:
    """The secret of this browser's server session, if it has one."""
    session = session_of(request)
    return session.secret if session else None


def set_session_cookie(request: Request, response: Response, session: SessionData) -> None:
    response.set_cookie(
        COOKIE,
        ctx(request).codec.dump(session),
        max_age=MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=ctx(request).secure_cookies,
        path="/",
    )


def known_partnership(request: Request, given: str) -> int | None:
    """The id of the partnership a form or query names by number, when it exists."""
    number = int(given) if given.isascii() and given.isdigit() and len(given) < 10 else None
    return number if number in {p.id for p in ctx(request).service.partnerships()} else None


def page_number(given: str, total: int, size: int) -> tuple[int, int]:
    """The page asked for (``?pagina=``), kept within 1..pages, and how many pages there
    are for ``total`` items ``size`` to a page."""
    pages = max(1, -(-total // size))
    number = int(given) if given.isascii() and given.isdigit() and len(given) < 7 else 1
    return max(1, min(number, pages)), pages


def page(request: Request, template: str, viewer_: Viewer | None, **values: Any) -> Response:
    """Render a page with what every page shows (the person, the CSRF token)."""
    session = session_of(request)
    response: Response = ctx(request).templates.TemplateResponse(
        request,
        template,
        {"viewer": viewer_, "csrf": session.csrf if session else "", **values},
    )
    return response


Me = Annotated[Viewer, Depends(viewer)]
