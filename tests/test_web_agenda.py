"""The agenda page, the personal calendar feed (.ics) and the account page.

Demo deadlines on 23 November 2026: Twents Carmel (case 6) has to return its corrections
since 10 November 2025 (overdue); Vakcollege Hengelo (case 5) must ask for a new audit by
13 December 2026. The other demo cases have no open deadline.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from fastapi.testclient import TestClient

from toetreding.web.deps import WebContext
from toetreding.web.pages import agenda as agenda_module

from .web_helpers import COORDINATOR, PASSWORD, csrf_of, sign_in

CARMEL = "Twents Carmel Lyceum (demo)"
HENGELO = "Vakcollege Hengelo (demo)"
CARMEL_DUE = "Feitelijke onjuistheden terugmelden (10 werkdagen)"
HENGELO_DUE = "Nieuwe interne audit aanvragen (tot een jaar na het besluit)"


def ctx_of(client: TestClient) -> WebContext:
    context: WebContext = client.app.state.ctx  # type: ignore[attr-defined]
    return context


def person_id(client: TestClient, email: str) -> int:
    found = ctx_of(client).service.store.person(email).id
    assert found is not None
    return found


def agenda_rows(html: str) -> list[tuple[bool, str]]:
    """(shown as overdue, text) per row of the agenda table."""
    table = re.search(r'<table class="agenda[^"]*">(.*?)</table>', html, re.S)
    if table is None:
        return []
    rows = re.findall(r"<tr( class=\"overdue\")?>(.*?)</tr>", table[1].split("<tbody>")[1], re.S)
    return [(bool(late), re.sub(r"<[^>]+>|\s+", " ", cells).strip()) for late, cells in rows]


# --- a tiny iCalendar reader for the tests ----------------------------------------------------


def read_events(body: str) -> list[dict[str, str]]:
    """The VEVENTs of a feed as {property (with parameters): unescaped value}."""
    lines = body.replace("\r\n ", "").split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2:] == ["END:VCALENDAR", ""]
    events: list[dict[str, str]] = []
    for line in lines:
        if line == "BEGIN:VEVENT":
            events.append({})
        elif line and events and line != "END:VEVENT" and ":" in line:
            name, value = line.split(":", 1)
            events[-1][name] = re.sub(r"\\(.)", lambda m: "\n" if m[1] == "n" else m[1], value)
    return events


def feed_of(client: TestClient, email: str) -> str:
    token = ctx_of(client).accounts.issue_token(person_id(client, email), "calendar")
    return f"/kalender/{token}.ics"


# --- the agenda page --------------------------------------------------------------------------


def test_the_agenda_lists_deadlines_soonest_first_with_overdue_ones_in_red(
    client: TestClient,
) -> None:
    sign_in(client, COORDINATOR)
    page = client.get("/agenda")
    assert page.status_code == 200
    rows = agenda_rows(page.text)
    assert len(rows) == 2
    (late_first, first), (late_second, second) = rows
    assert late_first and CARMEL in first and CARMEL_DUE in first
    assert "Concept-rapport bij de school" in first and "Aanvragende school" in first
    assert "378 dagen te laat" in first and "uiterlijk 10-11-2025" in first
    assert not late_second and HENGELO in second and "over 20 dagen" in second
    assert '<a href="/dossiers/6">' + CARMEL + "</a>" in page.text
    assert "1 te laat" in page.text


def test_the_agenda_filters_on_overdue_and_on_days_ahead(client: TestClient) -> None:
    sign_in(client, COORDINATOR)
    overdue = agenda_rows(client.get("/agenda", params={"te_laat": "1"}).text)
    assert [CARMEL in text for _, text in overdue] == [True]
    within_week = agenda_rows(client.get("/agenda", params={"binnen": "7"}).text)
    assert len(within_week) == 1 and HENGELO not in within_week[0][1]  # 20 days ahead
    within_month = agenda_rows(client.get("/agenda", params={"binnen": "30"}).text)
    assert len(within_month) == 2


def test_a_long_agenda_comes_a_page_at_a_time(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(agenda_module, "PAGE_SIZE", 1)  # the demo has two open deadlines
    sign_in(client, COORDINATOR)
    first = client.get("/agenda")
    [(_, row)] = agenda_rows(first.text)
    assert CARMEL in row and "pagina 1 van 2" in first.text
    assert "<strong>2</strong> termijnen · " in first.text and "1 te laat" in first.text
    assert 'href="/agenda?binnen=&amp;te_laat=&amp;pagina=2" rel="next"' in first.text
    second = client.get("/agenda", params={"pagina": "2"})
    [(_, row)] = agenda_rows(second.text)
    assert HENGELO in row and "pagina 2 van 2" in second.text and 'rel="prev"' in second.text


def test_a_school_contact_sees_only_the_deadlines_of_its_own_school(client: TestClient) -> None:
    sign_in(client, "contact@demo06.example")
    rows = agenda_rows(client.get("/agenda").text)
    assert len(rows) == 1 and CARMEL in rows[0][1]
    client.cookies.clear()
    sign_in(client, "contact@demo01.example")  # Het Noordik: no open deadline
    page = client.get("/agenda")
    assert agenda_rows(page.text) == []
    assert "Geen openstaande termijnen" in page.text
    assert CARMEL not in page.text and HENGELO not in page.text


def test_the_agenda_needs_a_signed_in_person(client: TestClient) -> None:
    response = client.get("/agenda", follow_redirects=False)
    assert response.status_code == 303


# --- the calendar feed ------------------------------------------------------------------------


def test_the_feed_has_one_all_day_event_per_open_deadline(client: TestClient) -> None:
    response = client.get(feed_of(client, COORDINATOR))  # no session: calendar programs have none
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    events = read_events(response.text)
    by_day = {event["DTSTART;VALUE=DATE"]: event for event in events}
    assert sorted(by_day) == ["20251110", "20261213"]
    carmel = by_day["20251110"]
    assert carmel["SUMMARY"] == f"Termijn: {CARMEL_DUE} — {CARMEL}"
    assert carmel["DESCRIPTION"].startswith(f"{CARMEL_DUE}: uiterlijk 10-11-2025\n")
    assert "Stap: Concept-rapport bij de school" in carmel["DESCRIPTION"]
    # no TOETREDING_BASE_URL: the link follows the address the feed was asked at
    assert "http://testserver/dossiers/6" in carmel["DESCRIPTION"]
    assert by_day["20261213"]["SUMMARY"] == f"Termijn: {HENGELO_DUE} — {HENGELO}"
    assert {event["DTSTAMP"] for event in events} == {"20261123T090000Z"}  # the app's clock
    assert len({event["UID"] for event in events}) == 2


def test_the_feed_has_crlf_lines_of_at_most_75_octets(client: TestClient) -> None:
    body = client.get(feed_of(client, COORDINATOR)).content
    assert body.endswith(b"\r\n") and b"\n" not in body.replace(b"\r\n", b"")
    lines = body.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines)  # the long descriptions are folded


def test_a_deadline_keeps_its_uid_when_it_is_extended(client: TestClient) -> None:
    url = feed_of(client, COORDINATOR)
    before = {e["UID"]: e["DTSTART;VALUE=DATE"] for e in read_events(client.get(url).text)}
    ctx_of(client).service.extend_deadline(
        5,
        "heraudit_binnen_een_jaar",
        new_due=date(2027, 2, 1),
        reason="Ziekte van de schoolopleider",
        actor_ref=COORDINATOR,
    )
    after = {e["UID"]: e["DTSTART;VALUE=DATE"] for e in read_events(client.get(url).text)}
    assert set(after) == set(before)
    assert sorted(after.values()) == ["20251110", "20270201"]
    sign_in(client, COORDINATOR)  # the case page says it was extended, and from when
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get("/dossiers/5").text))
    assert "Nieuwe interne audit aanvragen (tot een jaar na het besluit)" in page
    assert "uiterlijk 01-02-2027 (verlengd; was uiterlijk 13-12-2026)" in page


def test_the_feed_of_a_school_contact_has_only_its_own_school(client: TestClient) -> None:
    carmel = read_events(client.get(feed_of(client, "contact@demo06.example")).text)
    assert [event["SUMMARY"] for event in carmel] == [f"Termijn: {CARMEL_DUE} — {CARMEL}"]
    assert read_events(client.get(feed_of(client, "contact@demo01.example")).text) == []


def test_an_unknown_or_revoked_feed_address_is_not_found(client: TestClient) -> None:
    assert client.get("/kalender/geen-geldige-sleutel.ics").status_code == 404
    url = feed_of(client, COORDINATOR)
    ctx_of(client).accounts.revoke_token(person_id(client, COORDINATOR), "calendar")
    assert client.get(url).status_code == 404


# --- the account page -------------------------------------------------------------------------


def post_form(client: TestClient, path: str, **fields: str) -> str:
    page = client.get("/account")
    response = client.post(path, data={"csrf_token": csrf_of(page.text), **fields})
    assert response.status_code == 200, response.text
    return response.text


def shown_secret(html: str, soort: str) -> str:
    found = re.search(rf'id="{soort}-nieuw" type="text" readonly value="([^"]+)"', html)
    assert found, f"no new {soort} on the page"
    return found[1]


def test_the_account_page_shows_the_person_and_their_roles(client: TestClient) -> None:
    sign_in(client, "contact@demo06.example")
    page = client.get("/account")
    assert page.status_code == 200
    assert "Contactpersoon Twents Carmel Lyceum" in page.text
    assert "contact@demo06.example" in page.text
    assert "Contactpersoon van de aanvragende school" in page.text
    assert CARMEL in page.text and "Opleidingsschool Partnerschap 2" in page.text


def test_a_calendar_link_is_made_shown_once_fetched_and_revoked(client: TestClient) -> None:
    sign_in(client, COORDINATOR)
    assert "niet ingesteld" in client.get("/account").text
    url = shown_secret(post_form(client, "/account/kalender/nieuw"), "kalender")
    assert url.startswith("http://testserver/kalender/") and url.endswith(".ics")  # as asked
    path = url.removeprefix("http://testserver")
    feed = client.get(path)
    assert feed.status_code == 200 and len(read_events(feed.text)) == 2
    later = client.get("/account").text
    assert path not in later and "actief" in later  # shown once only
    replaced = shown_secret(post_form(client, "/account/kalender/nieuw"), "kalender")
    assert replaced != url and client.get(path).status_code == 404  # the old link stops
    assert "Ingetrokken" in post_form(client, "/account/kalender/intrekken")
    assert client.get(replaced.removeprefix("http://testserver")).status_code == 404


def test_account_forms_need_the_csrf_token(client: TestClient) -> None:
    sign_in(client, COORDINATOR)
    response = client.post("/account/kalender/nieuw", data={})
    assert response.status_code == 403
    account = ctx_of(client).accounts.account(person_id(client, COORDINATOR))
    assert account is not None and not account.calendar_token  # nothing was made


def test_an_api_token_is_shown_once_and_signs_in_on_the_api(client: TestClient) -> None:
    sign_in(client, COORDINATOR)
    token = shown_secret(post_form(client, "/account/api-token/nieuw"), "api-token")
    accounts = ctx_of(client).accounts
    assert accounts.person_for_token(token, "api") == person_id(client, COORDINATOR)
    assert token not in client.get("/account").text
    route = _plain_api_get(client)
    client.cookies.clear()
    if route is not None:  # the JSON API is there: the token works on it, a wrong one does not
        assert client.get(route, headers={"Authorization": f"Bearer {token}"}).status_code == 200
        assert client.get(route, headers={"Authorization": "Bearer fout"}).status_code == 401
    minted = client.post(
        "/account/api-token/nieuw",
        headers={"Authorization": f"Bearer {token}"},
        follow_redirects=False,
    )
    assert minted.status_code == 303  # a token cannot make new tokens: sign in first
    assert accounts.person_for_token(token, "api") == person_id(client, COORDINATOR)


def _plain_api_get(client: TestClient) -> str | None:
    """A GET route of the JSON API without parameters in its path (``/api/ik`` if there),
    read from the published OpenAPI schema."""
    paths = client.get("/api/openapi.json").json().get("paths", {})
    plain = [path for path, methods in paths.items() if "get" in methods and "{" not in path]
    return "/api/ik" if "/api/ik" in plain else next(iter(plain), None)


def test_the_password_is_changed_with_the_current_one(client: TestClient) -> None:
    sign_in(client, COORDINATOR)
    new = "nieuw-en-lang-genoeg"
    page = client.get("/account")
    wrong = client.post(
        "/account/wachtwoord",
        data={"csrf_token": csrf_of(page.text), "huidig": "fout", "nieuw": new, "herhaling": new},
    )
    assert wrong.status_code == 422 and "uw huidige wachtwoord klopt niet" in wrong.text
    different = client.post(
        "/account/wachtwoord",
        data={"csrf_token": csrf_of(page.text), "huidig": PASSWORD, "nieuw": new, "herhaling": "x"},
    )
    assert different.status_code == 422 and "niet gelijk" in different.text
    short = client.post(
        "/account/wachtwoord",
        data={
            "csrf_token": csrf_of(page.text),
            "huidig": PASSWORD,
            "nieuw": "kort",
            "herhaling": "kort",
        },
    )
    assert short.status_code == 422 and "minstens 10 tekens" in short.text
    text = post_form(client, "/account/wachtwoord", huidig=PASSWORD, nieuw=new, herhaling=new)
    assert "Uw wachtwoord is gewijzigd." in text
    client.cookies.clear()
    sign_in(client, COORDINATOR, new)
    form = client.get("/inloggen")
    old = client.post(
        "/inloggen",
        data={"email": COORDINATOR, "wachtwoord": PASSWORD, "csrf_token": csrf_of(form.text)},
    )
    assert old.status_code == 401


def test_a_new_password_ends_every_other_session(client: TestClient) -> None:
    """Someone who changes a password (or has it reset) because it leaked must not stay
    signed in elsewhere with the old one; the browser that changed it stays signed in."""
    laptop, tablet = client, TestClient(client.app)
    sign_in(laptop, COORDINATOR)
    sign_in(tablet, COORDINATOR)
    new = "nieuw-en-lang-genoeg"
    post_form(laptop, "/account/wachtwoord", huidig=PASSWORD, nieuw=new, herhaling=new)
    assert laptop.get("/overzicht").status_code == 200
    post_form(laptop, "/account/api-token/nieuw")  # its forms still work
    gone = tablet.get("/overzicht", follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"].startswith("/inloggen")

    context: WebContext = client.app.state.ctx  # type: ignore[attr-defined]
    person = context.service.store.person(COORDINATOR)
    context.accounts.set_password(person.id or 0, "door-de-beheerder", context.service.clock.now())
    assert laptop.get("/overzicht", follow_redirects=False).status_code == 303
