"""A request whose address, query or body does not parse is refused in Dutch naming the
part as the person knows it (never ``query.van`` or ``path.version``), and the web page
saying so keeps the menu of a signed-in person."""

from __future__ import annotations

import html
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from .web_helpers import COORDINATOR, demo_client, sign_in, token


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    yield from demo_client(tmp_path_factory.mktemp("invalid-request"))


def test_a_query_value_that_is_no_number_is_named_and_the_page_keeps_its_menu(
    web: TestClient,
) -> None:
    sign_in(web, COORDINATOR)
    page = web.get("/protocolbeheer/partnerschap2/overzetten?van=abc")
    text = html.unescape(page.text)
    assert page.status_code == 422
    assert "ongeldige aanvraag: de waarde 'van' in de zoekvraag is geen geheel getal ('abc')" in (
        text
    )
    assert "query." not in text
    assert 'href="/overzicht"' in text and "Uitloggen" in text  # the signed-in layout


def test_the_api_names_a_path_part_and_a_missing_body_in_words(web: TestClient) -> None:
    auth = token(web, COORDINATOR)
    version = web.get("/api/protocollen/partnerschap2/tekst", headers=auth)
    assert version.status_code == 422
    assert version.json()["detail"] == (
        "ongeldige aanvraag: het versienummer in het adres is geen geheel getal ('tekst')"
    )
    no_body = web.post("/api/protocollen/partnerschap2/overzetten", headers=auth)
    assert no_body.status_code == 422
    detail = no_body.json()["detail"]
    assert detail.startswith(
        "ongeldige aanvraag: de aanvraag mist een inhoud (JSON); verwacht een JSON-object met: "
    )
    assert "van" in detail.split("met: ")[1]
    bad_field = web.get("/api/dossiers?limit=veel", headers=auth)
    assert bad_field.json()["detail"] == (
        "ongeldige aanvraag: de waarde 'limit' in de zoekvraag is geen geheel getal ('veel')"
    )
