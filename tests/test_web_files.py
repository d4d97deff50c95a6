"""Files on the web: the case page's file inputs, what a refused step or upload leaves
behind (nothing) and keeps on the page (what was typed and chosen), limits checked while the
request streams, handing files out, new versions, names recorded before files were kept.

The demo runs with a limit of 1 MB per file here.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import io
import re
import tracemalloc
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from toetreding.files import sample_pdf
from toetreding.service import Toetreding

from .web_helpers import COORDINATOR, csrf_of, demo_client, pdf_upload, sign_in, token

LIMIT = 1_000_000
ESCH = 3  # De Esch, writing its self-evaluation
WIERDEN = 4  # Lyceum Wierden, at the orientation talk


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    yield from demo_client(tmp_path, max_upload_mb=1)


def service(client: TestClient) -> Toetreding:
    app: Toetreding = client.app.state.ctx.service  # type: ignore[attr-defined]
    return app


def kept(client: TestClient) -> tuple[int, list[str], list[Path]]:
    """How many file rows there are, the digests kept, and what lies in staging."""
    app = service(client)
    rows = sum(len(app.case_files(case)) for case in range(1, 8))
    store = app.store.file_store
    staging = store.staging_folder()
    return rows, sorted(store.digests()), sorted(staging.iterdir()) if staging.exists() else []


def big_pdf(size: int) -> bytes:
    return sample_pdf("Groot").ljust(size, b"\n")


def take_step(client: TestClient, case_id: int, trigger: str, data: dict[str, str], files: Any):
    page = client.get(f"/dossiers/{case_id}")
    return client.post(
        f"/dossiers/{case_id}/handelingen/{trigger}",
        data={"csrf_token": csrf_of(page.text), **data},
        files=files,
    )


# --- the form -----------------------------------------------------------------------------------


def test_a_document_input_is_a_file_input_that_says_what_it_takes(client: TestClient) -> None:
    sign_in(client, "contact@demo03.example")
    page = client.get(f"/dossiers/{ESCH}").text
    form = re.search(
        r'action="/dossiers/3/handelingen/zelfevaluatie_indienen".*?</form>', page, re.S
    )
    assert form and 'enctype="multipart/form-data"' in form[0]
    assert 'name="bestand_zelfevaluatie" type="file" accept=".pdf,.docx,.doc' in form[0]
    assert "Kies het bestand op uw computer: PDF, Word (.docx, .doc)" in form[0]
    assert "afbeeldingen (PNG, JPEG, GIF, WebP); ten hoogste 1 MB." in form[0]
    assert "invoer_zelfevaluatie" not in form[0]  # no text box for a document any more


# --- nothing is left behind ----------------------------------------------------------------------


def test_a_refused_step_keeps_no_file_and_the_page_keeps_what_was_typed_and_chosen(
    client: TestClient,
) -> None:
    sign_in(client, COORDINATOR)
    before = kept(client)
    refused = take_step(
        client,
        ESCH,
        "zelfevaluatie_indienen",
        {"invoer_paginas": "12", "toelichting": "Iets te lang"},
        {"bestand_zelfevaluatie": pdf_upload("ze.pdf")},
    )
    assert refused.status_code == 422
    assert "'Aantal pagina's': moet van 1 tot en met 10 zijn, niet 12" in html.unescape(
        refused.text
    )
    assert 'value="12"' in html.unescape(
        refused.text
    ) and "Iets te lang</textarea>" in html.unescape(refused.text)
    assert "U had gekozen: ze.pdf." in html.unescape(
        refused.text
    ) and "kies het opnieuw" in html.unescape(refused.text)
    # The form itself gives the field the protocol's range and says it.
    field = re.search(r'<input id="zelfevaluatie_indienen-paginas"[^>]*>', refused.text)
    assert field and 'min="1"' in field[0] and 'max="10"' in field[0]
    assert "Een getal van 1 tot en met 10." in refused.text
    assert kept(client) == before
    assert service(client).case(ESCH).state == "zelfevaluatie"


def test_a_file_over_the_limit_is_refused_and_nothing_is_kept(client: TestClient) -> None:
    sign_in(client, COORDINATOR)
    before = kept(client)
    refused = take_step(
        client,
        ESCH,
        "zelfevaluatie_indienen",
        {"invoer_paginas": "9"},
        {"bestand_zelfevaluatie": ("groot.pdf", big_pdf(2 * LIMIT), "application/pdf")},
    )
    assert refused.status_code == 413
    assert "'groot.pdf' is groter dan 1 MB, de grens per bestand" in html.unescape(refused.text)
    assert 'value="9"' in html.unescape(
        refused.text
    ) and "U had gekozen: groot.pdf" in html.unescape(refused.text)
    assert kept(client) == before


def test_a_renamed_program_is_refused_by_its_bytes_and_nothing_is_kept(client: TestClient) -> None:
    sign_in(client, COORDINATOR)
    before = kept(client)
    program = b"MZ\x90\x00\x03\x00\x00\x00" + bytes(2000)
    refused = take_step(
        client,
        ESCH,
        "zelfevaluatie_indienen",
        {"invoer_paginas": "9"},
        {"bestand_zelfevaluatie": ("ze.pdf", program, "application/pdf")},
    )
    assert refused.status_code == 422
    assert "'ze.pdf' is een Windows-programma (.exe/.dll); dat kan niet in het dossier" in (
        html.unescape(refused.text)
    )
    assert kept(client) == before


def test_a_forged_form_writes_no_file(client: TestClient) -> None:
    sign_in(client, COORDINATOR)
    before = kept(client)
    forged = client.post(
        f"/dossiers/{ESCH}/handelingen/zelfevaluatie_indienen",
        data={"csrf_token": "geraden", "invoer_paginas": "9"},
        files={"bestand_zelfevaluatie": pdf_upload("ze.pdf")},
    )
    assert forged.status_code == 403
    assert kept(client) == before


# --- limits while the request streams ----------------------------------------------------------


def call(client: TestClient, path: str, headers: dict[str, str], chunks: Iterator[bytes]):
    """The app called as a server would: the body arrives chunk by chunk (counted)."""
    received: list[int] = []
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        chunk = next(chunks, None)
        received.append(0 if chunk is None else len(chunk))
        return {"type": "http.request", "body": chunk or b"", "more_body": chunk is not None}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
    }
    asyncio.run(client.app(scope, receive, send))  # type: ignore[arg-type]
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, body.decode(), received


BOUNDARY = "grens1234"


def multipart(artefact: str, name: str, size: int) -> Iterator[bytes]:
    """A form with one file of ``size`` bytes, produced 64 KiB at a time."""
    yield (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="artefact"\r\n\r\n{artefact}\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="bestand"; filename="{name}"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    yield sample_pdf("Groot")
    for _ in range(size // 65536):
        yield b"x" * 65536
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


def test_a_declared_length_over_the_limit_is_refused_before_a_byte_is_read(
    client: TestClient,
) -> None:
    headers = {
        **token(client, "contact@demo03.example"),
        "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
        "Content-Length": str(10**10),
    }
    status, body, received = call(
        client, f"/api/dossiers/{ESCH}/bestanden", headers, multipart("zelfevaluatie", "x.pdf", 0)
    )
    assert status == 413 and "de aanvraag is groter dan" in body
    assert received == []  # the body was never asked for


def test_a_streamed_file_over_the_limit_is_never_held_whole(client: TestClient) -> None:
    headers = {
        **token(client, "contact@demo03.example"),
        "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
    }  # no Content-Length: it streams
    before = kept(client)
    path = f"/api/dossiers/{ESCH}/bestanden"
    warm = call(client, path, headers, iter([b"--x"]))  # first request: imports, compiling
    assert warm[0] == 422
    tracemalloc.start()
    try:
        status, body, received = call(
            client,
            f"/api/dossiers/{ESCH}/bestanden",
            headers,
            multipart("zelfevaluatie", "groot.pdf", 4 * LIMIT),
        )
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert status == 413 and "'groot.pdf' is groter dan 1 MB" in body
    assert sum(received) > 3 * LIMIT  # it came in whole, and went nowhere
    assert peak < LIMIT / 2, f"{peak} bytes held at once"
    assert kept(client) == before


# --- handing files out --------------------------------------------------------------------------


def docx() -> bytes:
    buffer = io.BytesIO()
    main = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", f'<Types><Override ContentType="{main}"/></Types>')
    return buffer.getvalue()


def test_a_pdf_opens_in_the_browser_and_a_word_file_downloads(client: TestClient) -> None:
    app = service(client)
    school = "contact@demo03.example"
    pdf = app.stage_bytes("Zelfevaluatie De Esch.pdf", sample_pdf("Zelfevaluatie"))
    word = app.stage_bytes("bijlage.docx", docx())
    [shown] = app.add_version(ESCH, "zelfevaluatie", [pdf], actor_ref=school)
    [saved] = app.add_version(ESCH, "zelfevaluatie", [word], actor_ref=school)
    sign_in(client, COORDINATOR)
    opened = client.get(f"/dossiers/{ESCH}/bestanden/{shown.id}")
    assert opened.status_code == 200 and opened.headers["content-type"] == "application/pdf"
    assert opened.headers["content-disposition"] == (
        'inline; filename="Zelfevaluatie De Esch.pdf"; '
        "filename*=UTF-8''Zelfevaluatie%20De%20Esch.pdf"
    )
    assert opened.headers["x-content-type-options"] == "nosniff"
    assert opened.headers["etag"] == f'"{shown.sha256}"'
    assert hashlib.sha256(opened.content).hexdigest() == shown.sha256
    forced = client.get(f"/dossiers/{ESCH}/bestanden/{shown.id}?download=1")
    assert forced.headers["content-disposition"].startswith("attachment;")
    downloaded = client.get(f"/dossiers/{ESCH}/bestanden/{saved.id}")
    assert downloaded.headers["content-disposition"].startswith('attachment; filename="bijlage')
    assert client.get(f"/dossiers/{ESCH}/bestanden/99999").status_code == 404
    assert client.get(f"/dossiers/{ESCH}/bestanden/abc").status_code == 404


# --- versions -----------------------------------------------------------------------------------


def test_a_new_version_on_the_documents_page_keeps_the_old_one(client: TestClient) -> None:
    sign_in(client, "contact@demo01.example")  # Het Noordik, whose plan is in the dossier
    page = client.get("/dossiers/1/documenten")
    assert "Nieuwe versie van een stuk toevoegen" in page.text
    options = re.findall(r'<option value="(\w+)">', page.text)
    assert "plan_van_aanpak" in options and "besluit_stuurgroep" not in options  # the school's
    before = [f for f in service(client).case_files(1) if f.artefact == "plan_van_aanpak"]
    added = client.post(
        "/dossiers/1/bestanden",
        data={"csrf_token": csrf_of(page.text), "stuk": "plan_van_aanpak"},
        files={"bestand": pdf_upload("plan-v3.pdf")},
    )
    newest = before[0].version  # the demo's plan has two versions already
    assert added.status_code == 200
    assert f"Toegevoegd: plan-v3.pdf als versie {newest + 1}." in added.text
    after = [f for f in service(client).case_files(1) if f.artefact == "plan_van_aanpak"]
    assert [(f.name, f.version) for f in after] == [
        ("plan-v3.pdf", newest + 1),
        *((f.name, f.version) for f in before),
    ]
    for f in after:  # both stay readable
        assert client.get(f"/dossiers/1/bestanden/{f.id}").status_code == 200
    case_page = client.get("/dossiers/1").text  # the case page shows the newest, and 'of 2'
    assert "plan-v3.pdf" in case_page
    refused = client.post(
        "/dossiers/1/bestanden",
        data={"csrf_token": csrf_of(page.text), "stuk": "plan_van_aanpak"},
        files={"bestand": ("plan.pdf", b"#!/bin/sh\n", "application/pdf")},
    )
    assert refused.status_code == 422 and "'plan.pdf' is een script" in html.unescape(refused.text)
    assert len([f for f in service(client).case_files(1) if f.artefact == "plan_van_aanpak"]) == (
        len(after)
    )


# --- names recorded before files were kept ------------------------------------------------------


def test_a_name_recorded_before_files_were_kept_is_shown_as_a_name_without_a_file(
    client: TestClient,
) -> None:
    app = service(client)
    case = app.case(WIERDEN)
    app.store.apply(  # a history row as a database from before migration 0010 holds it
        case,
        to_state="zelfevaluatie",
        final=False,
        trigger="orientatie_afronden",
        actor_id=None,
        role="coordinator",
        at=app.clock.now(),
        note=None,
        payload={"verslag_orientatie": "verslag-wierden.pdf"},
    )
    sign_in(client, COORDINATOR)
    page = client.get(f"/dossiers/{WIERDEN}").text
    assert 'verslag-wierden.pdf <span class="muted">(alleen naam, geen bestand)</span>' in page
    documents = client.get(f"/dossiers/{WIERDEN}/documenten").text
    assert "verslag-wierden.pdf" in documents and "alleen naam, geen bestand" in documents
