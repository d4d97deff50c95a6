"""The meeting pages: planning (with a Dutch error that keeps what was typed), who may see
and do what, changing the agenda, a decision refused at its item with the form kept."""

from __future__ import annotations

from fastapi.testclient import TestClient

from .web_helpers import COORDINATOR, STUURGROEP, csrf_of, pdf_upload, sign_in

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
    assert answer.status_code == 404 and "Bornerbroek" not in answer.text
    assert "Vergadering plannen" not in client.get("/vergaderingen").text
