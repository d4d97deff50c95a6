"""Account: who you are and your roles; the calendar link, API tokens, sessions, password.

A new calendar link or API token is shown once, on the page that answers the form (only its
hash is stored). A new calendar link replaces the old one; API tokens are several, each with
a name and a validity, listed with when they were last used, and revoked one by one. These
forms need a browser session: an API token cannot mint new tokens or change the password.
A new password ends every other session of the person (this browser stays signed in).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from toetreding._exceptions import InvalidInputError, NotFoundError, TooManyAttempts
from toetreding.roles import ROLE_LABELS
from toetreding.service import MIN_PASSWORD
from toetreding.settings import MAX_API_TOKEN_DAYS
from toetreding.store import TokenKind
from toetreding.web.access import Viewer
from toetreding.web.deps import (
    LoginRequired,
    Me,
    client_address,
    ctx,
    link_base,
    page,
    require_csrf,
    session_secret,
)

router = APIRouter(include_in_schema=False)
KINDS: dict[str, TokenKind] = {"kalender": "calendar", "api-token": "api"}  # address -> kind


@dataclass(frozen=True)
class Role:
    partnership: str
    role: str
    school: str | None


def calendar_url(base_url: str, token: str) -> str:
    return f"{base_url}/kalender/{token}.ics"


@router.get("/account")
def account_page(request: Request, me: Me) -> Response:
    return _render(request, me)


@router.post("/account/{soort}/nieuw")
def issue_token(
    request: Request,
    soort: str,
    me: Me,
    csrf_token: str = Form(""),
    naam: str = Form("API-token"),
    dagen: str = Form(""),
) -> Response:
    kind = _kind(soort)
    _browser_form(request, csrf_token)
    context = ctx(request)
    if kind == "calendar":
        token = context.accounts.issue_token(me.person_id, kind)
        return _render(request, me, issued={soort: calendar_url(link_base(request), token)})
    try:
        days = int(dagen) if dagen.strip() else context.settings.api_token_days
        token = context.accounts.issue_api_token(me.person_id, naam, days)
    except ValueError:
        return _refused(request, me, "token_error", f"'{dagen}' is geen aantal dagen")
    except InvalidInputError as exc:
        return _refused(request, me, "token_error", str(exc))
    return _render(request, me, issued={soort: token}, issued_name=" ".join(naam.split()))


@router.post("/account/{soort}/intrekken")
def revoke_token(
    request: Request, soort: str, me: Me, csrf_token: str = Form(""), token_id: str = Form("")
) -> Response:
    """Revoke the calendar link, one API token (``token_id``) or, without one, all of them."""
    kind = _kind(soort)
    _browser_form(request, csrf_token)
    accounts = ctx(request).accounts
    if kind == "api" and token_id:
        if not token_id.isdigit() or not accounts.revoke_api_token(me.person_id, int(token_id)):
            raise NotFoundError("dit API-token bestaat niet (meer)")
    else:
        accounts.revoke_token(me.person_id, kind)
    return _render(request, me, revoked=soort)


@router.post("/account/sessies/elders-uitloggen")
def end_other_sessions(request: Request, me: Me, csrf_token: str = Form("")) -> Response:
    _browser_form(request, csrf_token)
    ended = ctx(request).accounts.end_other_sessions(me.person_id, session_secret(request) or "")
    return _render(request, me, sessions_ended=ended)


@router.post("/account/overdrachtsmail")
def set_handover_mail(
    request: Request, me: Me, csrf_token: str = Form(""), aan: str = Form("")
) -> Response:
    """Hand-over e-mails on (``aan=ja``) or off (the box not ticked)."""
    _browser_form(request, csrf_token)
    wanted = aan == "ja"
    ctx(request).accounts.set_handover_mail(me.person_id, wanted)
    return _render(request, me, handover_saved=wanted)


@router.post("/account/wachtwoord")
def change_password(
    request: Request,
    me: Me,
    huidig: str = Form(""),
    nieuw: str = Form(""),
    herhaling: str = Form(""),
    csrf_token: str = Form(""),
) -> Response:
    _browser_form(request, csrf_token)
    accounts = ctx(request).accounts
    try:
        person = ctx(request).service.person(me.person_id)
        if not accounts.check_password(person, huidig, client_address(request)):
            raise InvalidInputError("uw huidige wachtwoord klopt niet")
        if nieuw != herhaling:
            raise InvalidInputError("de twee nieuwe wachtwoorden zijn niet gelijk")
        # This browser stays signed in; every other session of the person ends.
        accounts.set_password(me.person_id, nieuw, keep_session=session_secret(request))
    except TooManyAttempts as exc:
        response = _refused(request, me, "password_error", str(exc), status=429)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except InvalidInputError as exc:
        return _refused(request, me, "password_error", str(exc))
    return _render(request, me, password_changed=True)


def _kind(soort: str) -> TokenKind:
    if soort not in KINDS:
        raise NotFoundError(f"onbekend soort sleutel '{soort}'")
    return KINDS[soort]


def _browser_form(request: Request, csrf_token: str) -> None:
    """Account changes come from the signed-in browser, with the form's CSRF token."""
    if getattr(request.state, "bearer", False):
        raise LoginRequired()
    require_csrf(request, csrf_token)


def _refused(request: Request, me: Viewer, field: str, message: str, status: int = 422) -> Response:
    response = _render(request, me, **{field: message})
    response.status_code = status
    return response


def _render(request: Request, me: Viewer, **extra: Any) -> Response:
    context = ctx(request)
    accounts = context.accounts
    account = accounts.account(me.person_id)
    response = page(
        request,
        "account.html",
        me,
        roles=roles_of(request, me.person_id),
        active={
            "kalender": bool(account and account.calendar_token),
            "api-token": bool(account and account.api_token),
        },
        handover_mail=account.handover_mail if account else True,
        api_tokens=accounts.api_tokens(me.person_id),
        now=context.service.clock.now(),
        token_days=context.settings.api_token_days,
        max_token_days=MAX_API_TOKEN_DAYS,
        sessions=accounts.session_count(me.person_id),
        min_password=MIN_PASSWORD,
        **{"issued": {}, **extra},
    )
    response.headers["Cache-Control"] = "no-store"  # a new secret is on this page once
    return response


def roles_of(request: Request, person_id: int) -> list[Role]:
    """The person's roles per partnership (a school contact's with the school's name)."""
    service = ctx(request).service
    names = {p.id: p.name for p in service.partnerships()}
    return sorted(
        (
            Role(
                names.get(m.partnership_id, str(m.partnership_id)),
                ROLE_LABELS.get(m.role, m.role),
                service.school(m.school_id).name if m.school_id is not None else None,
            )
            for m in service.memberships_of(person_id)
        ),
        key=lambda role: (role.partnership, role.role),
    )
