"""Sessions and credentials end when they should: signing out, a new password, a reset, a
revoke, an expired token; and guessing passwords or tokens is throttled (429, Retry-After)
without spending argon2 work on a throttled attempt."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

import toetreding.service.accounts as accounts_module
from toetreding.clock import FixedClock
from toetreding.web.deps import WebContext
from toetreding.web.security import COOKIE, SessionCodec, SessionData

from .helpers import run
from .web_helpers import COORDINATOR, PASSWORD, STUURGROEP, csrf_of, sign_in, token

SCHOOL = "contact@demo01.example"


def context(client: TestClient) -> WebContext:
    found: WebContext = client.app.state.ctx  # type: ignore[attr-defined]
    return found


def person_id(client: TestClient, email: str) -> int:
    return int(context(client).service.store.person(email).id or 0)


def later(client: TestClient, **delta: float) -> None:
    clock = context(client).service.clock
    assert isinstance(clock, FixedClock)
    clock.advance(timedelta(**delta))


def signed_in_cookie(client: TestClient) -> str:
    cookie = client.cookies.get(COOKIE)
    assert cookie
    return cookie


def with_cookie(client: TestClient, cookie: str) -> TestClient:
    """Another browser holding (a copy of) this cookie."""
    other = TestClient(client.app)
    other.cookies.set(COOKIE, cookie)
    return other


def signed_in(browser: TestClient) -> bool:
    page = browser.get("/overzicht", follow_redirects=False)
    api = browser.get("/api/ik")
    assert (page.status_code == 200) == (api.status_code == 200), (page, api)
    if page.status_code != 200:
        assert page.status_code == 303 and page.headers["location"].startswith("/inloggen")
        assert api.status_code == 401
    return page.status_code == 200


def post_account(client: TestClient, path: str, **fields: str) -> Any:
    page = client.get("/account")
    return client.post(path, data={"csrf_token": csrf_of(page.text), **fields})


def wrong_sign_in(client: TestClient, email: str, password: str = "fout-wachtwoord") -> Any:
    form = client.get("/inloggen")
    return client.post(
        "/inloggen",
        data={"email": email, "wachtwoord": password, "csrf_token": csrf_of(form.text)},
        follow_redirects=False,
    )


# --- sessions ---------------------------------------------------------------------------------


def test_signing_out_ends_the_session_on_the_server_so_a_copied_cookie_fails_too(
    client: TestClient,
) -> None:
    sign_in(client, COORDINATOR)
    copied = with_cookie(client, signed_in_cookie(client))
    assert signed_in(copied)
    page = client.get("/overzicht")
    out = client.post("/uitloggen", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert out.status_code == 303
    assert not signed_in(client)
    assert not signed_in(copied)  # the old cookie, replayed: 401 and a redirect


def test_a_new_password_ends_the_other_sessions_and_keeps_this_one(client: TestClient) -> None:
    sign_in(client, COORDINATOR)
    elsewhere = TestClient(client.app)
    sign_in(elsewhere, COORDINATOR)
    old_cookie = signed_in_cookie(client)
    assert "U bent op 2 plekken aangemeld" in client.get("/account").text
    new = "nieuw-en-lang-genoeg"
    changed = post_account(client, "/account/wachtwoord", huidig=PASSWORD, nieuw=new, herhaling=new)
    assert changed.status_code == 200 and "Uw wachtwoord is gewijzigd." in changed.text
    assert signed_in(client) and signed_in(with_cookie(client, old_cookie))  # this browser
    assert not signed_in(elsewhere)
    assert "U bent op 1 plek aangemeld" in client.get("/account").text


def test_signing_out_everywhere_else_from_the_account_page(client: TestClient) -> None:
    sign_in(client, COORDINATOR)
    elsewhere = TestClient(client.app)
    sign_in(elsewhere, COORDINATOR)
    done = post_account(client, "/account/sessies/elders-uitloggen")
    assert done.status_code == 200 and "1 sessie beëindigd" in done.text
    assert signed_in(client) and not signed_in(elsewhere)


def test_a_session_ends_after_a_working_day(client: TestClient) -> None:
    sign_in(client, COORDINATOR)
    later(client, hours=11, minutes=59)
    assert signed_in(client)
    later(client, minutes=2)
    assert not signed_in(client)


def test_a_cookie_signed_in_before_server_sessions_is_not_signed_in(client: TestClient) -> None:
    """The cookie of the old kind (person id and password stamp, validly signed) names no
    session on the server."""
    sign_in(client, COORDINATOR)
    codec: SessionCodec = context(client).codec
    old_kind = codec._signer.sign(  # a cookie as the old code wrote it
        f'{{"pid": {person_id(client, COORDINATOR)}, "csrf": "x", "pw": "y"}}'.encode()
    ).decode()
    assert codec.load(old_kind) == SessionData(None, "x")
    assert not signed_in(with_cookie(client, old_kind))


@pytest.fixture
def cli_on_the_app_database(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI works on the web app's database (it sees the same sessions and tokens)."""
    monkeypatch.setenv("TOETREDING_DATABASE_URL", context(client).settings.database_url)


def test_a_password_reset_ends_every_session_and_api_token(
    client: TestClient, cli_on_the_app_database: None
) -> None:
    sign_in(client, COORDINATOR)
    laptop = with_cookie(client, signed_in_cookie(client))
    bearer = token(client, COORDINATOR)
    other = token(client, STUURGROEP)
    output = run("user", "reset-password", COORDINATOR)
    assert f"Nieuw wachtwoord voor {COORDINATOR}: " in output
    assert "Beëindigd: 1 sessie en 1 API-token." in output
    assert not signed_in(client) and not signed_in(laptop)
    assert client.get("/api/ik", headers=bearer).status_code == 401
    assert client.get("/api/ik", headers=other).status_code == 200  # someone else's stays
    new_password = re.search(r": (\S+)\n", output)
    assert new_password
    sign_in(client, COORDINATOR, new_password[1])


def test_an_administrator_revokes_everything_that_signs_in_for_someone(
    client: TestClient, cli_on_the_app_database: None
) -> None:
    sign_in(client, COORDINATOR)
    phone = TestClient(client.app)
    sign_in(phone, COORDINATOR)
    bearer = token(client, COORDINATOR)
    feed = context(client).accounts.issue_token(person_id(client, COORDINATOR), "calendar")
    output = run("user", "revoke", COORDINATOR)
    assert f"Ingetrokken voor {COORDINATOR}: 2 sessies, 1 API-token en de agenda-link." in output
    assert not signed_in(client) and not signed_in(phone)
    assert client.get("/api/ik", headers=bearer).status_code == 401
    assert client.get(f"/kalender/{feed}.ics").status_code == 404
    sign_in(client, COORDINATOR)  # the password itself stays
    run("user", "revoke", "niemand@nergens.example", code=1)


# --- API tokens -------------------------------------------------------------------------------


def shown_token(html: str) -> str:
    found = re.search(r'id="api-token-nieuw" type="text" readonly value="([^"]+)"', html)
    assert found, "no new token on the page"
    return found[1]


def test_api_tokens_are_named_listed_with_their_last_use_and_revoked_one_by_one(
    client: TestClient,
) -> None:
    sign_in(client, COORDINATOR)
    agenda = shown_token(
        post_account(client, "/account/api-token/nieuw", naam="Agenda-koppeling").text
    )
    script = shown_token(
        post_account(client, "/account/api-token/nieuw", naam="Rapportscript", dagen="7").text
    )
    assert client.get("/api/ik", headers={"Authorization": f"Bearer {script}"}).status_code == 200
    page = client.get("/account").text
    assert agenda not in page and script not in page  # shown once
    rows = re.findall(
        r"<tr>\s*<td[^>]*>([^<]+)</td>\s*<td[^>]*>([^<]+)</td>\s*<td[^>]*>([^<]+)</td>"
        r"\s*<td[^>]*>([^<]+)</td>",
        page,
    )
    assert [(name, until, used) for name, _made, until, used in rows] == [
        ("Rapportscript", "30-11-2026 10:00", "23-11-2026 10:00"),
        ("Agenda-koppeling", "21-02-2027 10:00", "nog niet"),  # 90 days, the default
    ]
    [script_id] = [
        t.id
        for t in context(client).accounts.api_tokens(person_id(client, COORDINATOR))
        if t.name == "Rapportscript"
    ]
    revoked = post_account(client, "/account/api-token/intrekken", token_id=str(script_id))
    assert revoked.status_code == 200 and "dat token werkt niet meer" in revoked.text
    assert client.get("/api/ik", headers={"Authorization": f"Bearer {script}"}).status_code == 401
    assert client.get("/api/ik", headers={"Authorization": f"Bearer {agenda}"}).status_code == 200
    gone = post_account(client, "/account/api-token/intrekken", token_id=str(script_id))
    assert gone.status_code == 404  # not twice, and never someone else's


def test_a_token_of_someone_else_cannot_be_revoked_from_your_account(client: TestClient) -> None:
    token(client, STUURGROEP)
    [theirs] = context(client).accounts.api_tokens(person_id(client, STUURGROEP))
    sign_in(client, COORDINATOR)
    refused = post_account(client, "/account/api-token/intrekken", token_id=str(theirs.id))
    assert refused.status_code == 404
    assert context(client).accounts.api_tokens(person_id(client, STUURGROEP)) == [theirs]


def test_an_api_token_stops_working_when_it_expires(client: TestClient) -> None:
    sign_in(client, COORDINATOR)
    short = shown_token(
        post_account(client, "/account/api-token/nieuw", naam="Kort", dagen="1").text
    )
    auth = {"Authorization": f"Bearer {short}"}
    later(client, hours=23, minutes=59)
    assert client.get("/api/ik", headers=auth).status_code == 200
    later(client, minutes=1)
    assert client.get("/api/ik", headers=auth).status_code == 401
    sign_in(client, COORDINATOR)  # (the session of a day ago ended too)
    assert "(verlopen)" in client.get("/account").text


@pytest.mark.parametrize(
    ("fields", "complaint"),
    [
        ({"naam": "  ", "dagen": "30"}, "geef het token een naam"),
        ({"naam": "x", "dagen": "0"}, "1 tot 366 dagen geldig"),
        ({"naam": "x", "dagen": "veel"}, "geen aantal dagen"),
    ],
)
def test_a_token_needs_a_name_and_a_validity_within_bounds(
    client: TestClient, fields: dict[str, str], complaint: str
) -> None:
    sign_in(client, COORDINATOR)
    refused = post_account(client, "/account/api-token/nieuw", **fields)
    assert refused.status_code == 422 and complaint in refused.text
    assert context(client).accounts.api_tokens(person_id(client, COORDINATOR)) == []


# --- throttling -------------------------------------------------------------------------------


@pytest.fixture
def argon2_checks(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Counts the password checks (argon2 verify or hash) made from now on."""
    checks: list[str] = []
    real = accounts_module._hasher()

    class Counting:
        def verify(self, stored: str, password: str) -> bool:
            checks.append("verify")
            return bool(real.verify(stored, password))

        def hash(self, password: str) -> str:
            checks.append("hash")
            return str(real.hash(password))

    monkeypatch.setattr(accounts_module, "_hasher", Counting)  # _hasher() gives a Counting
    yield checks


def test_the_sixth_wrong_password_in_a_minute_gets_429_without_a_password_check(
    client: TestClient, argon2_checks: list[str]
) -> None:
    for _ in range(5):
        assert wrong_sign_in(client, COORDINATOR).status_code == 401
    assert len(argon2_checks) == 5
    sixth = wrong_sign_in(client, COORDINATOR)
    assert sixth.status_code == 429
    assert sixth.headers["Retry-After"] == "60"
    assert "Te veel mislukte pogingen om in te loggen; probeer het over 60 seconden opnieuw." in (
        sixth.text
    )
    right = wrong_sign_in(client, COORDINATOR, PASSWORD)  # even the right one, unchecked
    assert right.status_code == 429 and len(argon2_checks) == 5
    later(client, seconds=45)
    assert wrong_sign_in(client, COORDINATOR, PASSWORD).headers["Retry-After"] == "15"
    later(client, seconds=15)  # the first five left the window
    assert wrong_sign_in(client, COORDINATOR, PASSWORD).status_code == 303
    assert signed_in(client)


def test_a_successful_sign_in_starts_the_accounts_count_again(client: TestClient) -> None:
    for _ in range(4):
        wrong_sign_in(client, COORDINATOR)
    assert wrong_sign_in(client, COORDINATOR, PASSWORD).status_code == 303
    for _ in range(5):
        assert wrong_sign_in(client, COORDINATOR).status_code == 401
    assert wrong_sign_in(client, COORDINATOR).status_code == 429


def test_one_address_trying_many_accounts_is_throttled_and_others_are_not(
    client: TestClient,
) -> None:
    for n in range(20):
        assert wrong_sign_in(client, f"persoon{n}@nergens.example").status_code == 401
    refused = wrong_sign_in(client, COORDINATOR, PASSWORD)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) <= 60
    elsewhere = TestClient(client.app, client=("192.0.2.7", 50000))
    assert wrong_sign_in(elsewhere, COORDINATOR, PASSWORD).status_code == 303


def test_guessing_the_current_password_on_the_account_page_is_throttled(
    client: TestClient,
) -> None:
    sign_in(client, COORDINATOR)
    new = "nieuw-en-lang-genoeg"
    for _ in range(5):
        wrong = post_account(client, "/account/wachtwoord", huidig="fout", nieuw=new, herhaling=new)
        assert wrong.status_code == 422
    sixth = post_account(client, "/account/wachtwoord", huidig=PASSWORD, nieuw=new, herhaling=new)
    assert sixth.status_code == 429 and sixth.headers["Retry-After"] == "60"
    assert "Niet gewijzigd: te veel mislukte pogingen" in sixth.text
    assert signed_in(client)  # and the password is the old one still
    assert context(client).accounts.verify(COORDINATOR, PASSWORD) is not None


def test_guessing_api_tokens_is_throttled_per_address_with_a_json_429(client: TestClient) -> None:
    for n in range(20):
        assert (
            client.get("/api/ik", headers={"Authorization": f"Bearer fout-{n}"}).status_code == 401
        )
    refused = client.get("/api/ik", headers={"Authorization": "Bearer nog-een"})
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"
    assert refused.json() == {
        "detail": "te veel mislukte pogingen om in te loggen; probeer het over 60 seconden opnieuw"
    }
    valid = token(client, COORDINATOR)  # a valid token from that address still works
    assert client.get("/api/ik", headers=valid).status_code == 200


def test_throttling_counts_in_the_database_for_every_worker(client: TestClient) -> None:
    """Two apps (two workers) on one database share the count."""
    from toetreding.web import create_app

    settings = context(client).settings
    second = TestClient(create_app(settings, context(client).service.clock, secret="test-secret"))
    for worker in [client, second] * 2 + [client]:
        assert wrong_sign_in(worker, COORDINATOR).status_code == 401
    assert wrong_sign_in(second, COORDINATOR).status_code == 429


def test_the_default_validity_of_a_new_token_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from toetreding import ConfigurationError
    from toetreding.settings import Settings

    monkeypatch.setenv("TOETREDING_API_TOKEN_DAYS", "30")
    assert Settings.from_env().api_token_days == 30
    for wrong in ("0", "367", "veel"):
        monkeypatch.setenv("TOETREDING_API_TOKEN_DAYS", wrong)
        with pytest.raises(ConfigurationError, match="TOETREDING_API_TOKEN_DAYS"):
            Settings.from_env()
