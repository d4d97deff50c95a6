"""The meeting pages: planning (with a Dutch error that keeps what was typed), who may see
and do what, changing the agenda, a decision refused at its item with the form kept."""

from __future__ import annotations

import io
import zipfile

import pypdfium2
from fastapi.testclient import TestClient

from .test_web_agenda import feed_of, read_events
from .test_web_documents import pdf_text, visible
from .web_helpers import COORDINATOR, STUURGROEP, csrf_of, main_of, pdf_upload, sign_in

BORNERBROEK = 7  # demo case waiting in 'bespreking_stuurgroep'


def _plan(client: TestClient, **fields: str) -> tuple[int, str]:
    page = client.get("/vergaderingen")
    form = {"csrf_token": csrf_of(page.text), "orgaan": "stuurgroep", "datum": "2026-11-23"}
    form |= {"tijd": "14:00", "plaats": "Almelo", "partnerschap": "1", **fields}
    answer = client.post("/vergaderingen", data=form, follow_redirects=False)
    return answer.status_code, answer.headers.get("location") or answer.text


def test_planning_a_meeting_and_a_dutch_error_that_keeps_the_form(client: TestClient) -> None:
    sign_in(client, COORDINATOR)
    status, text = _plan(client, datum="31-02-2027", plaats="Zaal 3, Saxion")
    assert status == 422
    assert "Niet gelukt: &#39;31-02-2027&#39; is geen datum" in text
    assert 'value="Zaal 3, Saxion"' in text and "Traceback" not in text
    status, where = _plan(client)
    assert (status, where) == (303, "/vergaderingen/1")
    page = client.get(where).text
    assert "Stuurgroep — 23 november 2026" in page
    assert 'id="punt-7"' in page and "Wacht op een besluit van de stuurgroep" in page
    # The coordinator prepares but does not decide: no decision forms for them.
    assert "/besluiten/" not in page and "Alleen leden van de stuurgroep" in page
    assert '<a href="/vergaderingen/1">23 november 2026</a>' in client.get("/vergaderingen").text


def test_the_agenda_changes_and_a_refused_decision_keeps_the_form(client: TestClient) -> None:
    sign_in(client, COORDINATOR)
    _plan(client)
    page = client.get("/vergaderingen/1").text
    csrf = csrf_of(page)
    moved = client.post(
        "/vergaderingen/1/agenda",
        data={"csrf_token": csrf, "wijziging": "toevoegen", "dossier": "4"},
        follow_redirects=False,
    )
    assert moved.status_code == 303
    page = client.get("/vergaderingen/1").text
    assert page.index('id="punt-7"') < page.index('id="punt-4"')
    assert "Toegevoegd door Carla de Vries" in page
    wrong = client.post(
        "/vergaderingen/1/agenda",
        data={"csrf_token": csrf, "wijziging": "toevoegen", "dossier": "4"},
    )
    assert wrong.status_code == 422 and "staat al op de agenda" in wrong.text

    sign_in(client, STUURGROEP)
    page = client.get("/vergaderingen/1").text
    assert "/vergaderingen/1/besluiten/7/traject_inzetten" in page
    refused = client.post(
        "/vergaderingen/1/besluiten/7/traject_inzetten",
        data={"csrf_token": csrf_of(page), "toelichting": "Goede basis.", "invoer_voorwaarden": ""},
    )
    assert refused.status_code == 422
    assert "Niet gelukt: &#39;Beargumenteerd besluit aan de school&#39; ontbreekt" in refused.text
    assert "Goede basis." in refused.text  # what was typed stays
    taken = client.post(
        "/vergaderingen/1/besluiten/7/traject_afwijzen",
        data={"csrf_token": csrf_of(page), "toelichting": "Te vroeg."},
        files={"bestand_besluit_stuurgroep": pdf_upload("besluit.pdf")},
        follow_redirects=False,
    )
    assert taken.status_code == 303, taken.text
    page = client.get("/vergaderingen/1").text
    assert "Besloten: Stuurgroep zet het traject niet in → Geen traject ingezet" in page


def test_a_school_sees_no_meeting(client: TestClient) -> None:
    sign_in(client, COORDINATOR)
    _plan(client)
    sign_in(client, "contact@demo07.example")
    answer = client.get("/vergaderingen/1")
    # The page names nothing of the meeting (the menu names the signed-in contact only).
    assert answer.status_code == 404 and "Bornerbroek" not in main_of(answer.text)
    assert "Vergadering plannen" not in client.get("/vergaderingen").text


def first_page_inked(pdf: bytes) -> float:
    """The share of page 1's pixels (rendered as an image) that are not white."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[0].render(scale=0.5).to_pil().convert("L")
    finally:
        document.close()
    histogram = image.histogram()  # pixels per grey level, 0 (black) to 255 (white)
    return sum(histogram[:200]) / sum(histogram)


def test_the_pack_the_decision_list_and_the_letters(client: TestClient) -> None:
    sign_in(client, COORDINATOR)
    _plan(client)
    page = client.get("/vergaderingen/1").text
    assert "besluitbrieven.zip" not in page  # nothing decided: no letters, no link
    assert client.get("/vergaderingen/1/besluitbrieven.zip").status_code == 404
    pack = client.get("/vergaderingen/1/vergaderstukken.pdf")
    assert pack.status_code == 200 and pack.content.startswith(b"%PDF")
    assert first_page_inked(pack.content) > 0.005
    text = pdf_text(pack.content)
    assert "Vergaderstukken stuurgroep" in text and "Bornerbroek College (demo)" in text
    assert "Gevraagd besluit Stuurgroep zet het traject in en stelt voorwaarden" in text
    html_pack = visible(client.get("/vergaderingen/1/vergaderstukken.html").text)
    assert "In deze stap sinds" in html_pack and "Zelfevaluatie (ontwikkelportfolio)" in html_pack
    # Twents Carmel has an audit: its advice and the table of scores are in the pack.
    assert "Advies: Toelaatbaar als" in html_pack and "Criterium Oordeel" in html_pack

    sign_in(client, STUURGROEP)
    taken = client.post(
        "/vergaderingen/1/besluiten/7/traject_afwijzen",
        data={"csrf_token": csrf_of(client.get("/vergaderingen/1").text), "toelichting": "Nee."},
        files={"bestand_besluit_stuurgroep": pdf_upload("besluit.pdf")},
        follow_redirects=False,
    )
    assert taken.status_code == 303
    case_page = client.get("/dossiers/7").text
    assert '<a href="/vergaderingen/1">Stuurgroep, 23 november 2026</a>' in case_page
    assert "vergadering: 1" not in visible(case_page)  # the meeting by name, not its number
    sign_in(client, "contact@demo07.example")  # the school reads it, with no link it may not use
    school_page = client.get("/dossiers/7").text
    assert "Stuurgroep, 23 november 2026" in school_page and "/vergaderingen/1" not in school_page
    sign_in(client, STUURGROEP)
    page = client.get("/vergaderingen/1").text
    decisions = visible(client.get("/vergaderingen/1/besluitenlijst.html").text)
    assert "Bornerbroek College (demo) (dossier 7) Stuurgroep zet het traject niet in" in decisions
    assert "Vakcollege" not in decisions and "Twents Carmel" not in decisions
    listed = client.get("/vergaderingen/1/besluitenlijst.pdf")
    assert "Stuurgroep zet het traject niet in" in pdf_text(listed.content)
    assert "besluitbrieven.zip" in page
    letters = client.get("/vergaderingen/1/besluitbrieven.zip")
    with zipfile.ZipFile(io.BytesIO(letters.content)) as archive:
        assert archive.namelist() == ["dossier-7-besluit-stuurgroep.pdf"]
        letter = pdf_text(archive.read("dossier-7-besluit-stuurgroep.pdf"))
    assert "niet ingezet" in letter


def test_a_meeting_is_in_its_members_calendar_feeds(client: TestClient) -> None:
    sign_in(client, COORDINATOR)
    _plan(client, plaats="Almelo; zaal 3")
    meeting = {e["SUMMARY"]: e for e in read_events(client.get(feed_of(client, STUURGROEP)).text)}[
        "Vergadering stuurgroep"
    ]
    # 14:00 in Almelo on 23 November is 13:00 UTC; two hours.
    assert (meeting["DTSTART"], meeting["DTEND"]) == ("20261123T130000Z", "20261123T150000Z")
    assert meeting["LOCATION"] == "Almelo; zaal 3"
    assert meeting["URL"].endswith("/vergaderingen/1")
    coordinator = read_events(client.get(feed_of(client, COORDINATOR)).text)
    assert "Vergadering stuurgroep" in {e["SUMMARY"] for e in coordinator}
    kerngroep = read_events(client.get(feed_of(client, "kerngroep@part2.example")).text)
    assert "Vergadering stuurgroep" not in {e["SUMMARY"] for e in kerngroep}
