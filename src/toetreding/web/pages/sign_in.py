"""Signing in and out."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from toetreding.web.deps import (
    ctx,
    page,
    require_csrf,
    session_of,
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
    person = ctx(request).accounts.verify(email, wachtwoord)
    if person is None:
        response = page(
            request,
            "login.html",
            None,
            volgende=_safe(volgende),
            csrf_token=csrf_token,
            fout="Onbekend e-mailadres of verkeerd wachtwoord.",
            email=email,
        )
        response.status_code = 401
        return response
    redirect = RedirectResponse(_safe(volgende), status_code=303)
    sign_in_session(request, redirect, person.id or 0)
    return redirect


@router.post("/uitloggen")
def logout(request: Request, csrf_token: str = Form("")) -> Response:
    require_csrf(request, csrf_token)
    response = RedirectResponse("/inloggen", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/")
def home() -> Response:
    return RedirectResponse("/overzicht", status_code=303)


def _safe(target: str) -> str:
    """Only a path on this site (no open redirect to elsewhere)."""
    return target if target.startswith("/") and not target.startswith("//") else "/overzicht"
