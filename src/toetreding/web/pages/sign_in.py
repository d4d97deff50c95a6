"""Signing in and out."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from toetreding._exceptions import TooManyAttempts
from toetreding.web.deps import (
    client_address,
    ctx,
    page,
    require_csrf,
    session_of,
    session_secret,
    set_session_cookie,
    sign_in_session,
)
from toetreding.web.security import COOKIE, new_session

router = APIRouter(include_in_schema=False)


@router.get("/inloggen")
def login_form(request: Request, volgende: str = "/overzicht") -> Response:
    session = session_of(request) or new_session()
    response = page(request, "login.html", None, volgende=_safe(volgende), csrf_token=session.csrf)
    set_session_cookie(request, response, session)
    return response


@router.post("/inloggen")
def login(
    request: Request,
    email: str = Form(...),
    wachtwoord: str = Form(...),
    csrf_token: str = Form(""),
    volgende: str = Form("/overzicht"),
) -> Response:
    require_csrf(request, csrf_token)
    try:
        person = ctx(request).accounts.sign_in(email, wachtwoord, client_address(request))
    except TooManyAttempts as exc:
        message = str(exc)
        response = _form_again(request, volgende, csrf_token, email, _sentence(message))
        response.status_code = 429
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    if person is None:
        fout = "Onbekend e-mailadres of verkeerd wachtwoord."
        response = _form_again(request, volgende, csrf_token, email, fout)
        response.status_code = 401
        return response
    redirect = RedirectResponse(_safe(volgende), status_code=303)
    sign_in_session(request, redirect, person.id or 0)
    return redirect


def _form_again(
    request: Request, volgende: str, csrf_token: str, email: str, fout: str
) -> Response:
    return page(
        request,
        "login.html",
        None,
        volgende=_safe(volgende),
        csrf_token=csrf_token,
        fout=fout,
        email=email,
    )


@router.post("/uitloggen")
def logout(request: Request, csrf_token: str = Form("")) -> Response:
    """Sign out: the session ends on the server, so the cookie no longer works anywhere."""
    require_csrf(request, csrf_token)
    secret = session_secret(request)
    if secret:
        ctx(request).accounts.end_session(secret)
    response = RedirectResponse("/inloggen", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/")
def home() -> Response:
    return RedirectResponse("/overzicht", status_code=303)


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:] + "."


def _safe(target: str) -> str:
    """Only a path on this site (no open redirect to elsewhere)."""
    return target if target.startswith("/") and not target.startswith("//") else "/overzicht"
