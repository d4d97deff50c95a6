"""Account: who you are and your roles; the calendar link, the API token and the password.

A new calendar link or API token is shown once, on the page that answers the form (only its
hash is stored); making a new one replaces the old one. These forms need a browser session:
an API token cannot mint new tokens or change the password.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from toetreding._exceptions import InvalidInputError, NotFoundError
from toetreding.roles import ROLE_LABELS
from toetreding.service import MIN_PASSWORD
from toetreding.store import TokenKind
from toetreding.web.access import Viewer
from toetreding.web.deps import LoginRequired, Me, ctx, page, require_csrf, restamp_session

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
def issue_token(request: Request, soort: str, me: Me, csrf_token: str = Form("")) -> Response:
    kind = _kind(soort)
    _browser_form(request, csrf_token)
    context = ctx(request)
    token = context.accounts.issue_token(me.person_id, kind)
    shown = calendar_url(context.settings.base_url, token) if kind == "calendar" else token
    return _render(request, me, issued={soort: shown})


@router.post("/account/{soort}/intrekken")
def revoke_token(request: Request, soort: str, me: Me, csrf_token: str = Form("")) -> Response:
    kind = _kind(soort)
    _browser_form(request, csrf_token)
    ctx(request).accounts.revoke_token(me.person_id, kind)
    return _render(request, me, revoked=soort)


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
    person = accounts.verify(me.email, huidig)
    try:
        if person is None or person.id != me.person_id:
            raise InvalidInputError("uw huidige wachtwoord klopt niet")
        if nieuw != herhaling:
            raise InvalidInputError("de twee nieuwe wachtwoorden zijn niet gelijk")
        accounts.set_password(me.person_id, nieuw, ctx(request).service.clock.now())
    except InvalidInputError as exc:
        response = _render(request, me, password_error=str(exc))
        response.status_code = 422
        return response
    response = _render(request, me, password_changed=True)
    restamp_session(request, response, me.person_id)  # this session goes on; others end
    return response


def _kind(soort: str) -> TokenKind:
    if soort not in KINDS:
        raise NotFoundError(f"onbekend soort sleutel '{soort}'")
    return KINDS[soort]


def _browser_form(request: Request, csrf_token: str) -> None:
    """Account changes come from the signed-in browser, with the form's CSRF token."""
    if getattr(request.state, "bearer", False):
        raise LoginRequired()
    require_csrf(request, csrf_token)


def _render(request: Request, me: Viewer, **extra: Any) -> Response:
    account = ctx(request).accounts.account(me.person_id)
    response = page(
        request,
        "account.html",
        me,
        roles=roles_of(request, me.person_id),
        active={
            "kalender": bool(account and account.calendar_token),
            "api-token": bool(account and account.api_token),
        },
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
