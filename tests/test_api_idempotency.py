"""``Idempotency-Key`` on the API's state-changing routes: a repeat returns the first answer
and changes nothing; the same key with another request is refused."""

from __future__ import annotations

import json
import threading
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from toetreding.service import Toetreding, request_digest

from .helpers import with_pdfs
from .web_helpers import (
    AUDIT_CHAIR,
    COORDINATOR,
    STUURGROEP,
    csrf_of,
    pdf_upload,
    sign_in,
    token,
)

SCHOOL_1 = "contact@demo01.example"
FIRE = "/api/dossiers/4/handelingen/orientatie_afronden"
REPORT: dict[str, Any] = {"inputs": {"verslag_orientatie": None}, "note": "Goed gesprek"}


@pytest.fixture(autouse=True)
def _report_uploaded(client: TestClient) -> None:
    """The orientation report uploaded first (upload-then-reference): ``REPORT`` names it by
    its number, so every repeat of the step sends the very same body."""
    uploaded = client.post(
        "/api/dossiers/4/bestanden",
        data={"artefact": "verslag_orientatie"},
        files={"bestand": pdf_upload("verslag-wierden.pdf")},
        headers=token(client, COORDINATOR),
    )
    assert uploaded.status_code == 201, uploaded.text
    REPORT["inputs"]["verslag_orientatie"] = uploaded.json()[0]["id"]


def service(client: TestClient) -> Toetreding:
    found: Toetreding = client.app.state.ctx.service  # type: ignore[attr-defined]
    return found


def history(client: TestClient, case_id: int = 4) -> list[str]:
    return [entry.trigger for entry in service(client).store.history(case_id)]


def keyed(auth: dict[str, str], key: str) -> dict[str, str]:
    return {**auth, "Idempotency-Key": key}


def test_a_repeated_step_with_the_same_key_returns_the_first_answer_and_fires_once(
    client: TestClient,
) -> None:
    auth = keyed(token(client, COORDINATOR), "stap-4-orientatie-1")
    first = client.post(FIRE, json=REPORT, headers=auth)
    assert first.status_code == 200 and "Idempotency-Replayed" not in first.headers
    again = client.post(FIRE, json=REPORT, headers=auth)
    assert again.status_code == 200 and again.headers["Idempotency-Replayed"] == "true"
    assert again.content == first.content  # the very first answer
    assert history(client) == ["openen", "orientatie_afronden"]  # fired once
    # Without a key the repeat is simply a second request, refused by the protocol.
    plain = client.post(FIRE, json=REPORT, headers=token(client, COORDINATOR))
    assert plain.status_code == 422


def test_the_same_key_with_another_request_is_refused_and_changes_nothing(
    client: TestClient,
) -> None:
    auth = keyed(token(client, COORDINATOR), "sleutel-1")
    assert client.post(FIRE, json=REPORT, headers=auth).status_code == 200
    other_body = client.post(FIRE, json={**REPORT, "note": "Anders"}, headers=auth)
    assert other_body.status_code == 422
    assert (
        "deze Idempotency-Key is al gebruikt voor een andere aanvraag"
        in (other_body.json()["detail"])
    )
    other_case = client.post(
        "/api/dossiers/3/handelingen/stoppen", json={"note": "weg"}, headers=auth
    )
    assert other_case.status_code == 422
    assert history(client) == ["openen", "orientatie_afronden"]
    assert history(client, 3)[-1] != "stoppen"


def test_a_refused_request_leaves_no_trace_so_the_key_can_be_used_again(
    client: TestClient,
) -> None:
    auth = keyed(token(client, COORDINATOR), "poging")
    refused = client.post(FIRE, json={"inputs": {}}, headers=auth)  # the report is missing
    assert refused.status_code == 422 and "Idempotency-Replayed" not in refused.headers
    assert client.post(FIRE, json=REPORT, headers=auth).status_code == 200
    assert history(client) == ["openen", "orientatie_afronden"]


def test_keys_belong_to_one_person(client: TestClient) -> None:
    key = "dezelfde-sleutel"
    assert client.post(FIRE, json=REPORT, headers=keyed(token(client, COORDINATOR), key))
    stop = client.post(
        "/api/dossiers/3/handelingen/stoppen",
        json={"note": "De school ziet ervan af."},
        headers=keyed(token(client, STUURGROEP), key),
    )
    assert stop.status_code == 200 and "Idempotency-Replayed" not in stop.headers


def test_a_repeat_while_the_first_is_still_being_handled_is_told_so(client: TestClient) -> None:
    """The first request holds the key but has no answer yet (still running, or it broke off
    without one): the repeat gets 409 and does nothing."""
    body = json.dumps(REPORT).encode()
    coordinator = service(client).person_id(COORDINATOR)
    digest = request_digest(b"POST", FIRE.encode(), b"", body)
    assert service(client).idempotency.begin(coordinator, "bezig", digest) is None
    repeat = client.post(
        FIRE,
        content=body,
        headers={**keyed(token(client, COORDINATOR), "bezig"), "Content-Type": "application/json"},
    )
    assert repeat.status_code == 409
    assert "nog niet afgehandeld" in repeat.json()["detail"]
    assert history(client) == ["openen"]


def test_two_requests_with_one_key_at_the_same_moment_fire_once(client: TestClient) -> None:
    auth = keyed(token(client, COORDINATOR), "tegelijk")
    answers: list[Any] = []

    def send() -> None:
        answers.append(TestClient(client.app).post(FIRE, json=REPORT, headers=auth))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert history(client) == ["openen", "orientatie_afronden"]
    codes = sorted(answer.status_code for answer in answers)
    assert codes.count(200) >= 1 and set(codes) <= {200, 409}
    replies = {answer.content for answer in answers if answer.status_code == 200}
    assert len(replies) == 1


def test_a_key_must_be_visible_ascii_of_at_most_200_characters(client: TestClient) -> None:
    auth = token(client, COORDINATOR)
    for key in ("met spatie", "x" * 201):
        refused = client.post(FIRE, json=REPORT, headers=keyed(auth, key))
        assert refused.status_code == 422, key
        assert "Idempotency-Key" in refused.json()["detail"]
    assert history(client) == ["openen"]


def test_a_session_request_refused_for_its_csrf_token_frees_the_key(client: TestClient) -> None:
    sign_in(client, COORDINATOR)
    refused = client.post(FIRE, json=REPORT, headers={"Idempotency-Key": "sessie-1"})
    assert refused.status_code == 403
    csrf = csrf_of(client.get("/dossiers/4").text)
    done = client.post(
        FIRE, json=REPORT, headers={"Idempotency-Key": "sessie-1", "X-CSRF-Token": csrf}
    )
    assert done.status_code == 200
    assert history(client) == ["openen", "orientatie_afronden"]


def test_a_finding_recorded_twice_with_one_key_is_one_revision(client: TestClient) -> None:
    app = service(client)
    desk = client.app.state.ctx.desk  # type: ignore[attr-defined]
    inputs = with_pdfs(app, 1, "audit_aanvragen", {"vervolgzelfevaluatie": "v.pdf"})
    app.fire(1, "audit_aanvragen", actor_ref=SCHOOL_1, inputs=inputs)
    app.fire(1, "audit_inplannen", actor_ref=STUURGROEP, inputs={"auditdatum": date(2026, 12, 7)})
    desk.open(1, actor_ref=STUURGROEP)
    desk.add_member(1, person_ref=AUDIT_CHAIR, partner="Saxion", actor_ref=STUURGROEP)
    auth = keyed(token(client, AUDIT_CHAIR), "bevinding-2.1")
    body = {"level": "goed", "evidence": "Vijf getrainde begeleiders."}
    path = "/api/dossiers/1/audit/scores/2.1"
    first = client.put(path, json=body, headers=auth)
    again = client.put(path, json=body, headers=auth)
    assert first.status_code == again.status_code == 200
    assert again.json()["revision"] == first.json()["revision"] == 1
    assert desk.view(1).findings["2.1"].revision == 1


def test_the_key_is_documented_on_the_changing_routes(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    changing = [
        paths["/api/dossiers/{case_id}/handelingen/{trigger}"]["post"],
        paths["/api/dossiers/{case_id}/audit/scores/{criterion_id}"]["put"],
    ]
    for operation in changing:
        [header] = [p for p in operation["parameters"] if p["name"] == "Idempotency-Key"]
        assert header["in"] == "header" and not header["required"]
        assert "eerste antwoord" in header["description"]
    assert all(
        p["name"] != "Idempotency-Key"
        for p in paths["/api/dossiers/{case_id}"]["get"].get("parameters", [])
    )


def multipart(boundary: str, parts: list[tuple[str, str | None, bytes]]) -> tuple[bytes, str]:
    """A form written out by hand with its own boundary, as curl or a browser would send it
    (each sends another random boundary every time): (name, file name or None, content)."""
    body = b""
    for name, filename, content in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        kind = "Content-Type: application/pdf\r\n" if filename else ""
        head = f"--{boundary}\r\nContent-Disposition: {disposition}\r\n{kind}\r\n"
        body += head.encode() + content + b"\r\n"
    return body + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def versions(client: TestClient, case_id: int = 4) -> int:
    return len(service(client).case_files(case_id))


def send_form(
    client: TestClient, key: str, boundary: str, parts: list[tuple[str, str | None, bytes]]
) -> Any:
    body, content_type = multipart(boundary, parts)
    headers = {**keyed(token(client, COORDINATOR), key), "Content-Type": content_type}
    return client.post(FIRE, content=body, headers=headers)


def test_a_step_with_a_file_repeated_with_another_boundary_returns_the_first_answer(
    client: TestClient,
) -> None:
    """The repeat is the same request in meaning: same fields (here in another order), same
    file name and content; only the boundary differs, as with every real client."""
    report = pdf_upload("verslag.pdf")[1]
    before = versions(client)
    first = send_form(
        client,
        "met-bestand",
        "grens-een-1a2b",
        [("note", None, b"Goed gesprek"), ("verslag_orientatie", "verslag.pdf", report)],
    )
    assert first.status_code == 200, first.text
    again = send_form(
        client,
        "met-bestand",
        "----WebKitFormBoundaryX9z",
        [("verslag_orientatie", "verslag.pdf", report), ("note", None, b"Goed gesprek")],
    )
    assert again.status_code == 200, again.text
    assert again.headers["idempotency-replayed"] == "true"
    assert again.content == first.content
    assert history(client) == ["openen", "orientatie_afronden"]
    assert versions(client) == before + 1  # the report kept once
    assert not list(service(client).store.file_store.staging_folder().iterdir())  # none left


def test_the_same_key_with_another_file_is_refused_and_keeps_nothing(client: TestClient) -> None:
    before = versions(client)
    parts: list[tuple[str, str | None, bytes]] = [
        ("verslag_orientatie", "verslag.pdf", pdf_upload("verslag.pdf")[1])
    ]
    assert send_form(client, "ander-bestand", "grens-1", parts).status_code == 200
    other = [("verslag_orientatie", "verslag.pdf", pdf_upload("verslag.pdf", "Anders")[1])]
    refused = send_form(client, "ander-bestand", "grens-2", other)
    assert refused.status_code == 422
    assert "deze Idempotency-Key is al gebruikt voor een andere aanvraag" in refused.text
    assert "Idempotency-Replayed" not in refused.headers
    assert history(client) == ["openen", "orientatie_afronden"]
    assert versions(client) == before + 1


def test_a_json_repeat_counts_by_its_meaning_not_its_spacing_or_key_order(
    client: TestClient,
) -> None:
    auth = keyed(token(client, COORDINATOR), "json-anders-opgemaakt")
    first = client.post(FIRE, json=REPORT, headers=auth)
    assert first.status_code == 200
    reordered = json.dumps(dict(reversed(REPORT.items())), indent=2).encode()
    again = client.post(
        FIRE, content=reordered, headers={**auth, "Content-Type": "application/json"}
    )
    assert again.status_code == 200 and again.headers["Idempotency-Replayed"] == "true"
    assert again.content == first.content
    assert history(client) == ["openen", "orientatie_afronden"]


def test_an_answer_kept_under_the_raw_body_digest_is_still_given_to_a_json_repeat(
    client: TestClient,
) -> None:
    """Answers kept before requests were compared by meaning hold the digest of the raw
    body; a repeat of such a JSON request within the day still gets its answer."""
    body = json.dumps(REPORT).encode()
    coordinator = service(client).person_id(COORDINATOR)
    keys = service(client).idempotency
    assert keys.begin(coordinator, "oud", request_digest(b"POST", FIRE.encode(), b"", body)) is None
    keys.finish(coordinator, "oud", 200, '{"eerder": true}')
    headers = {**keyed(token(client, COORDINATOR), "oud"), "Content-Type": "application/json"}
    again = client.post(FIRE, content=body, headers=headers)
    assert again.status_code == 200 and again.json() == {"eerder": True}
    assert history(client) == ["openen"]
