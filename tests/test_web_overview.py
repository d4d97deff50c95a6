"""The overview that runs a meeting: board cards with time in step and next deadline, the
case list by next deadline, the audit's scores table; and what a new user stumbled over on
the case page (labels instead of identifiers, a confirmation, deadlines met late)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime

import pytest
from fastapi.testclient import TestClient

from toetreding.cli.web_commands import served_url
from toetreding.clock import local
from toetreding.service import deadline_status

from .web_helpers import COORDINATOR, NOW, csrf_of, demo_client, pdf_upload, sign_in, token


@pytest.fixture(scope="module")
def reader(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One demo app for the tests that only read (seeding the demo takes seconds)."""
    yield from demo_client(tmp_path_factory.mktemp("overview"))


def _days_in_step(client: TestClient, case_id: int) -> int:
    service = client.app.state.ctx.service  # type: ignore[attr-defined]
    entered = [h.at for h in service.history(case_id) if h.from_state != h.to_state][-1]
    return (NOW.date() - local(entered).date()).days


def _next_due(client: TestClient, case_id: int) -> str:
    service = client.app.state.ctx.service  # type: ignore[attr-defined]
    due = min(d.due_date for d in service.case_deadlines(case_id) if d.status == "open")
    return f"uiterlijk {due:%d-%m-%Y}"


def _card(page: str, school: str) -> str:
    start = page.index(f">{school}</a>")
    return page[start : page.index("</li>", start)]


def test_board_cards_show_days_in_step_and_the_next_deadline_late_in_red(
    reader: TestClient,
) -> None:
    sign_in(reader, COORDINATOR)
    page = reader.get("/overzicht").text
    carmel = _card(page, "Twents Carmel Lyceum (demo)")  # its 10-day deadline passed
    assert f"{_days_in_step(reader, 6)} dagen in deze stap" in carmel
    late = re.search(r'<span class="overdue">([^<]+)<time class="due"[^>]*>([^<]+)</time>', carmel)
    assert late, carmel
    assert late[1].startswith("Feitelijke onjuistheden terugmelden")
    assert late[2] == _next_due(reader, 6)
    hengelo = _card(page, "Vakcollege Hengelo (demo)")  # a deadline a month ahead: not red
    assert _next_due(reader, 5) in hengelo and 'class="overdue"' not in hengelo
    wierden = _card(page, "Lyceum Wierden (demo)")  # no deadline at the orientation talk
    assert f"{_days_in_step(reader, 4)} dagen in deze stap" in wierden
    assert "uiterlijk" not in wierden
    # one case on a board: "1 dossier", not "1 dossiers"
    one = reader.get("/overzicht", params={"stap": "orientatie"}).text
    assert "(versie 3, 1 dossier)" in one


def test_the_case_list_links_the_school_and_sorts_by_the_next_deadline(
    reader: TestClient,
) -> None:
    sign_in(reader, COORDINATOR)
    page = reader.get("/dossiers").text
    assert '<a href="/dossiers/6">Twents Carmel Lyceum (demo)</a>' in page
    assert "Volgende termijn" in page
    by_deadline = reader.get("/dossiers", params={"volgorde": "termijn"}).text
    order = re.findall(r'<td><a href="/dossiers/(\d+)">', by_deadline)
    assert order[:2] == ["6", "5"]  # late, in red; then Hengelo's, a month ahead
    assert sorted(order) == [str(n) for n in range(1, 8)]  # the rest, without one, after
    first_row = by_deadline[by_deadline.index('href="/dossiers/6"') :].split("</tr>")[0]
    assert '<span class="overdue">Feitelijke onjuistheden terugmelden' in first_row
    assert "(te laat)" in first_row
    newest_first = re.findall(r'<td><a href="/dossiers/(\d+)">', page)
    assert newest_first != order  # the default order is another one: newest activity first


def test_the_audit_page_opens_with_every_criterion_and_its_score(reader: TestClient) -> None:
    sign_in(reader, COORDINATOR)
    page = reader.get("/dossiers/6/audit").text
    table = page[page.index('id="scores-overzicht"') :].split("</table>")[0]
    assert page.index('id="scores-overzicht"') < page.index("Auditcommissie")
    rows = re.findall(
        r'<a href="#criterium-([^"]+)">([^<]+)</a></td>\s*<td [^>]*class="score"[^>]*>([^<]+)<',
        table,
    )
    assert len(rows) == 12  # every criterion of the NVAO framework
    assert ("1.2", "1.2 Samenhang", "Goed") in rows
    assert "12 van 12 criteria gescoord" in table


def test_the_case_page_speaks_in_labels_and_confirms_a_step(client: TestClient) -> None:
    sign_in(client, COORDINATOR)
    case = client.get("/dossiers/4")
    refused = client.post(
        "/dossiers/4/handelingen/orientatie_afronden",
        data={"csrf_token": csrf_of(case.text), "toelichting": "bijna"},
    )
    assert refused.status_code == 422
    assert "Niet gelukt (Genoeg aanknopingspunten: door naar de zelfevaluatie)" in refused.text
    assert "orientatie_afronden)" not in refused.text
    assert ">bijna</textarea>" in refused.text  # what was typed is kept
    assert "Gelukt" not in refused.text
    moved = client.post(
        "/dossiers/4/handelingen/orientatie_afronden",
        data={"csrf_token": csrf_of(case.text)},
        files={"bestand_verslag_orientatie": pdf_upload("verslag.pdf")},
    )
    assert moved.status_code == 200
    assert (
        "Gelukt: Genoeg aanknopingspunten: door naar de zelfevaluatie — nu: Zelfevaluatie"
        in moved.text
    )
    history = moved.text[moved.text.index('id="geschiedenis"') :]
    assert "<strong>Genoeg aanknopingspunten: door naar de zelfevaluatie</strong>" in history
    assert "<strong>Dossier geopend</strong>" in history
    assert "orientatie afronden" not in history  # no trigger identifiers
    assert "Gelukt" not in client.get("/dossiers/4").text  # only right after the step


def test_a_deadline_met_after_its_due_date_says_te_laat_gehaald(reader: TestClient) -> None:
    service = reader.app.state.ctx.service  # type: ignore[attr-defined]
    [record, *_] = service.case_deadlines(6)
    day = record.due_date
    met = replace(record, status="met", resolved_at=datetime(day.year, day.month, day.day, 9))
    assert deadline_status(met, NOW.date()) == "gehaald"
    late = replace(met, resolved_at=datetime(day.year, day.month, day.day + 1, 9))
    assert deadline_status(late, NOW.date()) == "te laat gehaald"
    assert deadline_status(replace(record, status="open"), day) == "loopt"


def test_a_wrong_address_answers_a_dutch_page_or_dutch_json(reader: TestClient) -> None:
    sign_in(reader, COORDINATOR)
    for path in ("/dossiers/abc", "/dossiers/abc/audit", "/bestaat-niet"):
        page = reader.get(path)
        assert page.status_code == 404, path
        assert page.headers["content-type"].startswith("text/html"), path
        assert "<h1>Niet gevonden</h1>" in page.text, path
        assert "Not Found" not in page.text and "Input should" not in page.text, path
    assert "“abc” is geen dossiernummer" in reader.get("/dossiers/abc").text
    assert "deze pagina bestaat niet" in reader.get("/bestaat-niet").text
    wrong_method = reader.delete("/overzicht")
    assert wrong_method.status_code == 405 and "kent deze handeling niet" in wrong_method.text
    auth = token(reader, COORDINATOR)
    api = reader.get("/api/dossiers/abc", headers=auth)
    assert api.status_code == 422
    assert api.json()["detail"] == (
        "ongeldige aanvraag: het dossiernummer in het adres is geen geheel getal ('abc')"
    )
    unknown = reader.get("/api/bestaat-niet", headers=auth)
    assert unknown.status_code == 404 and unknown.json()["detail"].startswith("deze pagina")


def test_an_unforeseen_fault_answers_a_dutch_500_without_a_traceback(reader: TestClient) -> None:
    app = reader.app

    @app.get("/kapot-voor-de-test")  # type: ignore[attr-defined, untyped-decorator]
    def broken() -> None:
        raise RuntimeError("geheim detail uit de code")

    quiet = TestClient(app, raise_server_exceptions=False)  # type: ignore[arg-type]
    page = quiet.get("/kapot-voor-de-test")
    assert page.status_code == 500
    assert "er ging aan onze kant iets mis" in page.text
    assert "geheim detail" not in page.text and "Traceback" not in page.text


def test_the_protocol_page_gives_each_guard_as_a_sentence(reader: TestClient) -> None:
    sign_in(reader, COORDINATOR)
    page = reader.get("/protocollen/partnerschap2/3").text
    assert "date_reached(" not in page and "report_ready(" not in page and "<code>" not in page
    assert (
        "<td>De datum ‘Afgesproken datum van de interne audit’ is bereikt en de auditcommissie "
        "heeft een concept-rapport opgesteld</td>"
    ) in page
    diagram = reader.get("/dossiers/5/protocol").text
    assert '<script src="/static/diagram.js" defer></script>' in diagram


def test_links_in_the_calendar_feed_follow_the_address_unless_a_base_url_is_set(
    reader: TestClient,
) -> None:
    sign_in(reader, COORDINATOR)
    context = reader.app.state.ctx  # type: ignore[attr-defined]
    person = context.service.store.person(COORDINATOR)
    feed = f"/kalender/{context.accounts.issue_token(person.id, 'calendar')}.ics"
    asked = TestClient(reader.app, base_url="http://toetreding.school.example:8123")
    assert "http://toetreding.school.example:8123/dossiers/6" in asked.get(feed).text
    assert "localhost:8000" not in asked.get(feed).text
    chosen = replace(context.settings, base_url="https://toetreding.example", base_url_set=True)
    context.settings = chosen  # as TOETREDING_BASE_URL would set it
    try:
        assert "https://toetreding.example/dossiers/6" in asked.get(feed).text
    finally:
        context.settings = replace(chosen, base_url_set=False)


def test_serve_links_its_e_mails_to_the_address_it_serves() -> None:
    assert served_url("127.0.0.1", 8123) == "http://127.0.0.1:8123"
    assert served_url("0.0.0.0", 9000) == "http://localhost:9000"
    assert served_url("::1", 9000) == "http://[::1]:9000"
