"""Protocolbeheer on the web and POST /api/protocollen: an administrator checks and
publishes a protocol text; problems come back on their lines and publish nothing."""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from toetreding.clock import FixedClock
from toetreding.definition import load_protocol_text
from toetreding.settings import Settings
from toetreding.store import definition_digest
from toetreding.web import create_app
from toetreding.web.pages._editor import MAX_TEXT

from .conftest import PROTOCOLS
from .helpers import edit, line_of
from .web_helpers import NOW, PASSWORD, STUURGROEP, csrf_of, sign_in, token

ADMIN = "beheer@part2.example"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    """An app on its own SQLite file with an administrator and a steering-group member (no
    demo cases: publishing needs none, and seeding them is slow)."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'web.db'}", protocols_dir=PROTOCOLS)
    app = create_app(settings, FixedClock(NOW), secret="test-secret")
    service = app.state.ctx.service
    service.store.add_partnership("part2", "Partnerschap 2", service.clock.now())
    for email, admin in ((ADMIN, True), (STUURGROEP, False)):
        person = service.add_person(email, email, partnership_ref="part2", roles=("stuurgroep",))
        service.accounts.set_password(person.id, PASSWORD, service.clock.now(), admin=admin)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def admin_client(client: TestClient) -> TestClient:
    sign_in(client, ADMIN)
    return client


def versions(client: TestClient) -> list[int]:
    listed = client.get("/api/protocollen").json()
    return [p["version"] for p in listed if p["id"] == "partnerschap2"]


def test_only_an_administrator_manages_protocols(client: TestClient) -> None:
    sign_in(client, STUURGROEP)
    assert client.get("/protocolbeheer").status_code == 403
    page = client.get("/protocolbeheer/partnerschap2")
    assert page.status_code == 403 and "alleen een beheerder" in page.text
    answer = client.post(
        "/api/protocollen", json={"tekst": "id: x"}, headers=token(client, STUURGROEP)
    )
    assert answer.status_code == 403


def test_the_editor_shows_problems_on_their_lines_then_publishes(admin_client: TestClient) -> None:
    client = admin_client
    listing = client.get("/protocolbeheer").text
    assert "/protocolbeheer/partnerschap2" in listing
    assert '<table class="stack">' in listing and 'data-label="Nieuwste versie"' in listing
    editor = client.get("/protocolbeheer/partnerschap2")
    text = html.unescape(editor.text.split('class="code-editor">')[1].split("</textarea>")[0])
    assert "version: 4\n" in text  # ready to be the next version
    assert "migration:\n  from: 3\n" in text  # its cases on version 3 can move to it
    broken = edit(text, "  orientatie:\n", "  orientatie:\n    stap: 1\n")
    form = {"csrf_token": csrf_of(editor.text), "tekst": broken, "actie": "publiceren"}
    refused = client.post("/protocolbeheer/partnerschap2", data=form)
    assert refused.status_code == 422
    assert f"Regel {line_of(broken, '    stap: 1')}" in refused.text
    assert "onbekende sleutel" in refused.text and "Niet gepubliceerd" in refused.text
    assert "stap: 1" in html.unescape(refused.text)  # the text as typed, nothing lost
    assert versions(client) == [2, 3]  # version 2 kept for the cases started on it

    fixed = text.replace(
        'label: "Oriënterend gesprek"\n    step: 1', 'label: "Kennismaking"\n    step: 1'
    )
    checked = client.post(
        "/protocolbeheer/partnerschap2", data={**form, "tekst": fixed, "actie": "controleren"}
    )
    assert checked.status_code == 200 and "De tekst is in orde" in checked.text
    assert "<svg" in checked.text and "Kennismaking" in checked.text  # the diagram preview
    published = client.post("/protocolbeheer/partnerschap2", data={**form, "tekst": fixed})
    assert "Gepubliceerd als versie 4" in published.text
    assert versions(client) == [2, 3, 4]
    assert "Kennismaking" in client.get("/protocollen/partnerschap2/4").text
    service = client.app.state.ctx.service  # type: ignore[attr-defined]
    assert service.plan_move("partnerschap2", 3, 4, by=ADMIN).to_version == 4  # no refusal


def test_the_api_publishes_or_lists_the_problems(admin_client: TestClient) -> None:
    client = admin_client
    headers = token(client, ADMIN)
    service = client.app.state.ctx.service  # type: ignore[attr-defined]
    text = service.protocol_text("po-groningen").replace("version: 3\n", "version: 4\n", 1)
    broken = edit(text, "initial: ", "initial: nergens_")
    refused = client.post("/api/protocollen", json={"tekst": broken}, headers=headers)
    assert refused.status_code == 422
    [problem] = refused.json()["problems"]
    assert problem["line"] == line_of(broken, "initial: nergens_")
    assert service.protocols().get("po-groningen").version == 3
    answer = client.post("/api/protocollen", json={"tekst": text}, headers=headers)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["protocol"]["version"] == 4
    assert any("besluitbrief" in w["message"] for w in body["warnings"])
    again = client.post("/api/protocollen", json={"tekst": text}, headers=headers)
    assert again.status_code == 422 and "moet 5 zijn" in again.json()["problems"][0]["message"]


def test_a_partnerships_own_protocol_is_hidden_from_another(client: TestClient) -> None:
    """Published for 'ander' through the API, a new protocol is listed for an administrator
    and not for Partnerschap 2's steering group, whose protocol page for it is a 404."""
    service = client.app.state.ctx.service  # type: ignore[attr-defined]
    service.store.add_partnership("ander", "Ander partnerschap", service.clock.now())
    own = service.protocol_text("po-groningen").replace("id: po-groningen\n", "id: eigen\n", 1)
    own = own.replace("version: 3\n", "version: 1\n", 1)
    admin = token(client, ADMIN)
    refused = client.post("/api/protocollen", json={"tekst": own}, headers=admin)
    assert refused.status_code == 422 and "kies het partnerschap" in refused.text
    answer = client.post(
        "/api/protocollen", json={"tekst": own, "partnerschap": "ander"}, headers=admin
    )
    assert answer.status_code == 201, answer.text
    listed = client.get("/api/protocollen", headers=admin).json()
    assert "eigen" in {p["id"] for p in listed}
    member = token(client, STUURGROEP)
    listed = client.get("/api/protocollen", headers=member).json()
    assert "eigen" not in {p["id"] for p in listed} and "po-groningen" in {p["id"] for p in listed}
    assert client.get("/api/protocollen/eigen/1", headers=member).status_code == 404
    sign_in(client, ADMIN)
    assert "Ander partnerschap" in client.get("/protocolbeheer").text


def test_a_new_protocol_is_published_on_the_page_for_the_chosen_partnership(
    admin_client: TestClient,
) -> None:
    client = admin_client
    service = client.app.state.ctx.service  # type: ignore[attr-defined]
    own = service.protocol_text("po-groningen").replace("id: po-groningen\n", "id: eigen\n", 1)
    own = own.replace("version: 3\n", "version: 1\n", 1)
    assert "/protocolbeheer/nieuw" in client.get("/protocolbeheer").text
    form = {"csrf_token": csrf_of(client.get("/protocolbeheer/nieuw").text), "tekst": own}
    refused = client.post("/protocolbeheer/nieuw", data=form | {"actie": "publiceren"})
    assert refused.status_code == 422 and "kies het partnerschap" in refused.text
    assert service.protocols().find("eigen", 1) is None
    taken = form | {"tekst": service.protocol_text("po-groningen"), "actie": "publiceren"}
    assert "bestaat al" in client.post("/protocolbeheer/nieuw", data=taken).text
    part2 = str(service.partnership("part2").id)
    published = client.post(
        "/protocolbeheer/nieuw", data=form | {"actie": "publiceren", "partnerschap": part2}
    )
    assert "Gepubliceerd als versie 1" in published.text
    assert service.protocols_and_owners()[1]["eigen"] == int(part2)


def test_a_new_protocol_over_the_limit_is_refused_whole_not_cut_and_published(
    admin_client: TestClient,
) -> None:
    client = admin_client
    service = client.app.state.ctx.service  # type: ignore[attr-defined]
    own = service.protocol_text("po-groningen").replace("id: po-groningen\n", "id: eigen\n", 1)
    padded = own.replace("version: 3\n", "version: 1\n", 1) + "\n# " + "x" * MAX_TEXT
    form = {
        "csrf_token": csrf_of(client.get("/protocolbeheer/nieuw").text),
        "tekst": padded,
        "actie": "publiceren",
        "partnerschap": str(service.partnership("part2").id),
    }
    refused = client.post("/protocolbeheer/nieuw", data=form)
    assert refused.status_code == 413 and "de tekst is te lang" in refused.text
    assert service.protocols().find("eigen", 1) is None


def test_the_text_of_another_protocol_is_refused_in_its_editor_and_kept(
    admin_client: TestClient,
) -> None:
    client = admin_client
    service = client.app.state.ctx.service  # type: ignore[attr-defined]
    other = service.protocol_text("po-groningen")
    before = versions(client)
    form = {
        "csrf_token": csrf_of(client.get("/protocolbeheer/partnerschap2").text),
        "tekst": other,
        "actie": "publiceren",
    }
    refused = client.post("/protocolbeheer/partnerschap2", data=form)
    shown = html.unescape(refused.text)
    assert refused.status_code == 422
    assert "de tekst is van protocol 'po-groningen', niet van 'partnerschap2'" in shown
    assert other in shown  # the text typed, shown again
    assert versions(client) == before  # nothing published


# Words that open the English comments the shipped files had; their Dutch ones open otherwise.
ENGLISH = ("Source:", "Authoring guide", "Version ", "Running cases", "The seed", "Not in the seed")


@pytest.mark.parametrize(
    "protocol", ["partnerschap2", "mbo-aansluiting", "pilot-aspirant", "po-groningen"]
)
def test_a_new_version_starts_from_the_shipped_text_with_its_comments_in_dutch(
    admin_client: TestClient, protocol: str
) -> None:
    editor = admin_client.get(f"/protocolbeheer/{protocol}").text
    text = html.unescape(editor.split('class="code-editor">')[1].split("</textarea>")[0])
    comments = [
        line.strip()[1:].strip() for line in text.splitlines() if line.strip().startswith("#")
    ]
    assert any(c.startswith("Bron:") for c in comments)  # kept for the administrator, in Dutch
    assert [c for c in comments if c.startswith(ENGLISH)] == []
    # Comments are no part of a version's definition: cases pinned to it keep their version.
    file_text = (PROTOCOLS / f"{protocol}.yaml").read_text(encoding="utf-8")
    bare = "\n".join(line for line in file_text.splitlines() if not line.strip().startswith("#"))
    assert definition_digest(load_protocol_text(bare)) == definition_digest(
        load_protocol_text(file_text)
    )


def test_the_move_page_of_another_partnerships_protocol_is_a_404(client: TestClient) -> None:
    """Dossiers overzetten names the protocol even with nothing to move: for a coordinator
    of another partnership it is unknown, as its protocol page is (page, confirm and API)."""
    service = client.app.state.ctx.service  # type: ignore[attr-defined]
    service.store.add_partnership("ander", "Ander partnerschap", service.clock.now())
    own = service.protocol_text("po-groningen").replace("id: po-groningen\n", "id: eigen\n", 1)
    own = own.replace("version: 3\n", "version: 1\n", 1).replace("title: ", "title: Eigen ", 1)
    service.publish_protocol(own, partnership="ander")
    coordinator = service.add_person(
        "Co", "co@part2.example", partnership_ref="part2", roles=("coordinator",)
    )
    service.accounts.set_password(coordinator.id, PASSWORD, service.clock.now())
    sign_in(client, "co@part2.example")
    page = client.get("/protocolbeheer/eigen/overzetten")
    assert page.status_code == 404 and "Eigen " not in page.text
    form = {"csrf_token": csrf_of(client.get("/").text), "van": "1", "naar": "1"}
    answer = client.post("/protocolbeheer/eigen/overzetten", data=form)
    assert answer.status_code == 404 and "Eigen " not in answer.text
    api = client.get(
        "/api/protocollen/eigen/overzetten?van=1&naar=1", headers=token(client, "co@part2.example")
    )
    assert api.status_code == 404
    sign_in(client, ADMIN)  # the owner's view (an administrator) still has the page
    assert client.get("/protocolbeheer/eigen/overzetten").status_code == 200


V3_AGAIN = (("version: 4\n", "version: 3\n"), ("  from: 3\n", "  from: 2\n"))  # as shipped


@pytest.mark.parametrize(
    ("edits", "key", "said"),
    [
        ((("version: 4\n", "version: 7\n"),), "version: 7", "<code>version</code>: moet 4 zijn"),
        (V3_AGAIN, "version: 3", "<code>version</code>: moet 4 zijn"),
        ((("  from: 3\n", "  from: 2\n"),), "  from: 2", "<code>migration.from</code>: moet 3"),
    ],
)
def test_checking_refuses_what_publishing_would_refuse(
    admin_client: TestClient, edits: tuple[tuple[str, str], ...], key: str, said: str
) -> None:
    """Controleren says the version number (or the version cases move from) is wrong, on
    its line, instead of 'in orde' followed by Publiceren refusing it."""
    editor = admin_client.get("/protocolbeheer/partnerschap2")
    wrong = html.unescape(editor.text.split('class="code-editor">')[1].split("</textarea>")[0])
    for old, new in edits:
        wrong = edit(wrong, old, new)
    form = {"csrf_token": csrf_of(editor.text), "tekst": wrong, "actie": "controleren"}
    checked = admin_client.post("/protocolbeheer/partnerschap2", data=form)
    assert checked.status_code == 422 and "De tekst is in orde" not in checked.text
    assert f"Regel {line_of(wrong, key)}</strong>" in checked.text and said in checked.text
    published = admin_client.post(
        "/protocolbeheer/partnerschap2", data={**form, "actie": "publiceren"}
    )
    assert published.status_code == 422 and said in published.text  # the same words
    assert versions(admin_client) == [2, 3]
