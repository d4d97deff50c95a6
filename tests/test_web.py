"""The web app with FastAPI's test client on a real SQLite file: sign in, overview, a case."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from toetreding.files import describe_size

from .web_helpers import COORDINATOR, PASSWORD, add_cases, csrf_of, pdf_upload, sign_in


def test_pages_need_a_signed_in_person(client: TestClient) -> None:
    response = client.get("/overzicht", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/inloggen")


def test_a_wrong_password_is_refused_without_saying_which_part(client: TestClient) -> None:
    form = client.get("/inloggen")
    response = client.post(
        "/inloggen",
        data={"email": COORDINATOR, "wachtwoord": "fout", "csrf_token": csrf_of(form.text)},
    )
    assert response.status_code == 401
    assert "Onbekend e-mailadres of verkeerd wachtwoord." in response.text


def test_the_session_cookie_is_httponly_and_samesite(client: TestClient) -> None:
    form = client.get("/inloggen")
    response = client.post(
        "/inloggen",
        data={"email": COORDINATOR, "wachtwoord": PASSWORD, "csrf_token": csrf_of(form.text)},
        follow_redirects=False,
    )
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_the_overview_shows_the_board_with_late_cases_in_red(client: TestClient) -> None:
    sign_in(client, COORDINATOR)
    page = client.get("/overzicht")
    assert page.status_code == 200
    assert "Opleidingsschool Partnerschap 2" in page.text
    assert "Vakcollege Hengelo (demo)" in page.text
    assert "te laat" in page.text  # the demo has deadlines that passed
    # A board's heading names its protocol by title and "versie 3", not by our id.
    assert "(partnerschap2 v3" not in page.text and '<span class="muted">(versie 3, ' in page.text
    only_po = client.get("/overzicht", params={"sector": "po"})
    assert "Vakcollege Hengelo (demo)" not in only_po.text
    # The step filter offers the steps of the protocols on the board, by their labels.
    # One version of the protocol runs: its group is named by title only, no "(v3)".
    assert '<optgroup label="Partnerschap 2 — protocol voor uitbreiding">' in page.text
    assert "(v3)" not in page.text
    assert '<option value="orientatie" >Oriënterend gesprek (stap 1)</option>' in page.text
    one_step = client.get("/overzicht", params={"stap": "orientatie"}).text
    assert "Lyceum Wierden (demo)" in one_step and "Vakcollege Hengelo (demo)" not in one_step
    assert 'value="orientatie" selected' in one_step


def test_the_step_filter_says_versie_only_when_two_versions_run(client: TestClient) -> None:
    (case_id,) = add_cases(client, 1, "Albeda", version=2)  # beside the demo's on version 3
    sign_in(client, COORDINATOR)
    page = client.get("/overzicht").text
    groups = re.findall(r'<optgroup label="([^"]+)">', page)
    title = "Partnerschap 2 — protocol voor uitbreiding"
    assert groups == [f"{title}, versie 2", f"{title}, versie 3"]
    # The case page names its version in words too.
    assert f"{title}, versie 2 · dossier {case_id}" in client.get(f"/dossiers/{case_id}").text


def test_a_full_column_names_the_first_twelve_schools_and_counts_the_rest(
    client: TestClient,
) -> None:
    add_cases(client, 14, "Albeda")
    sign_in(client, COORDINATOR)
    page = client.get("/overzicht").text
    column = page[page.index("Oriënterend gesprek") :].split("</article>")[0]
    names = re.findall(r'<a href="/dossiers/\d+">([^<]+)</a>', column)
    assert names == [f"Albeda {n:02d}" for n in range(1, 13)]  # alphabetical
    assert "<strong>15</strong> dossiers" in column and "en nog 3" in column
    assert "Lyceum Wierden (demo)" not in page  # the 15th of that column
    only_mbo = client.get("/overzicht", params={"sector": "mbo"}).text
    assert "<strong>14</strong> dossiers" in only_mbo and "en nog 2" in only_mbo


def test_a_form_without_the_csrf_token_is_refused(client: TestClient) -> None:
    sign_in(client, COORDINATOR)
    response = client.post("/dossiers/4/handelingen/stoppen", data={"toelichting": "weg"})
    assert response.status_code == 403
    assert "het formulier is verlopen" in response.text


def test_a_school_contact_sees_only_its_own_case(client: TestClient) -> None:
    sign_in(client, "contact@demo01.example")
    own = client.get("/dossiers/1")
    assert own.status_code == 200 and "Het Noordik (demo)" in own.text
    other = client.get("/dossiers/2")
    assert other.status_code == 404
    assert "ROC Twente" not in client.get("/overzicht").text


def test_an_action_on_the_case_page_moves_the_case(client: TestClient) -> None:
    sign_in(client, COORDINATOR)
    case = client.get("/dossiers/4")  # Lyceum Wierden, at the orientation talk
    assert "Nu: stap 1 — Oriënterend gesprek" in case.text
    assert "Genoeg aanknopingspunten: door naar de zelfevaluatie" in case.text  # may do now
    refused = client.post(
        "/dossiers/4/handelingen/orientatie_afronden",
        data={"csrf_token": csrf_of(case.text)},
    )
    assert refused.status_code == 422
    assert "Verslag van het oriënterend gesprek" in refused.text
    not_mine = client.post(
        "/dossiers/4/handelingen/stoppen",
        data={"csrf_token": csrf_of(case.text), "toelichting": "weg"},
    )
    assert not_mine.status_code == 422
    assert "alleen Aanvragende school, Stuurgroep mag dit" in not_mine.text
    moved = client.post(
        "/dossiers/4/handelingen/orientatie_afronden",
        data={
            "csrf_token": csrf_of(case.text),
            "toelichting": "Goed gesprek <b>met</b> de directie",
        },
        files={"bestand_verslag_orientatie": pdf_upload("verslag-wierden.pdf")},
    )
    assert moved.status_code == 200  # followed the redirect to the case page
    assert "Nu: stap 2 — Zelfevaluatie schrijven" in moved.text
    assert "Goed gesprek &lt;b&gt;met&lt;/b&gt; de directie" in moved.text  # escaped
    # The history names the inputs by their labels (a file with its version and hash), and
    # a confirmation as ja/nee.
    [kept] = client.app.state.ctx.service.case_files(4)  # type: ignore[attr-defined]
    link = f'<a href="/dossiers/4/bestanden/{kept.id}">verslag-wierden.pdf</a>'
    assert f"Verslag van het oriënterend gesprek: {link}" in moved.text
    assert f"(versie 1, {describe_size(kept.size)}, sha256" in moved.text
    assert kept.sha256[:12] in moved.text
    assert (
        "De school gaat akkoord met de voorwaarden tot toetreding: ja"
        in client.get("/dossiers/6").text
    )


def test_a_nul_character_is_refused_on_pages_and_api(client: TestClient) -> None:
    sign_in(client, COORDINATOR)
    for path in ("/overzicht?stap=%00", "/api/dossiers?state=%00"):
        response = client.get(path)
        assert response.status_code == 422, path
        assert "NUL-teken" in response.text
    case = client.get("/dossiers/4")
    in_a_form = client.post(
        "/dossiers/4/handelingen/orientatie_afronden",
        data={"csrf_token": csrf_of(case.text), "toelichting": "met\x00NUL"},
        files={"bestand_verslag_orientatie": pdf_upload("verslag.pdf")},
    )
    assert in_a_form.status_code == 422 and "NUL-teken" in in_a_form.text
    assert "Nu: stap 1 — Oriënterend gesprek" in client.get("/dossiers/4").text


def test_the_case_list_pages_and_finds_a_school_by_part_of_its_name(client: TestClient) -> None:
    add_cases(client, 60, "Albeda")  # with the demo's 7: 67 cases
    sign_in(client, COORDINATOR)
    first = client.get("/dossiers").text
    assert "Dossiers 1–50 van 67" in first and "pagina 1 van 2" in first
    assert first.count('<tr>\n      <td><a href="/dossiers/') == 50
    second = client.get("/dossiers", params={"pagina": "2"}).text
    assert "Dossiers 51–67 van 67" in second and 'rel="prev"' in second
    assert second.count('<tr>\n      <td><a href="/dossiers/') == 17
    assert "Dossiers 51–67" in client.get("/dossiers", params={"pagina": "99"}).text
    found = client.get("/dossiers", params={"zoek": "albeda 0"}).text
    assert "Dossiers 1–9 van 9" in found and "Albeda 09" in found and "Albeda 10" not in found
    none = client.get("/dossiers", params={"zoek": "100%_"}).text  # wildcards are literal
    assert "Geen dossiers met “100%_” in de naam van de school." in none
    sign_in(client, "contact@demo01.example")  # a school: only its own, however many exist
    own = client.get("/dossiers").text
    assert "Dossiers 1–1 van 1" in own and "Het Noordik (demo)" in own
