"""Bounded requests and a database that is down: clear Dutch answers, nothing stored.

A body larger than TOETREDING_MAX_BODY_KB gets 413 before it is read (or while it streams
in, without a Content-Length); a database that stops answering gets 503 with Retry-After.
The database-down test stops a real TCP path to the real PostgreSQL.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from toetreding.clock import FixedClock
from toetreding.settings import Settings
from toetreding.store import make_engine, migrate
from toetreding.web import create_app

from .conftest import PROTOCOLS
from .web_helpers import NOW, STUURGROEP, csrf_of, demo_client, token

TEN_MB_NOTE = {"note": "x" * 10_000_000}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    yield from demo_client(tmp_path)


def _state(client: TestClient, case_id: int) -> str:
    state: str = client.app.state.ctx.service.store.case(case_id).state  # type: ignore[attr-defined]
    return state


def test_a_ten_megabyte_note_gets_413_in_dutch_and_changes_nothing(client: TestClient) -> None:
    began = time.perf_counter()
    response = client.post(
        "/api/dossiers/4/handelingen/stoppen", json=TEN_MB_NOTE, headers=token(client, STUURGROEP)
    )
    elapsed = time.perf_counter() - began
    assert response.status_code == 413
    assert response.json() == {
        "detail": "de aanvraag is groter dan 1 MB; er is niets van bewaard. Maak de tekst korter"
    }
    assert _state(client, 4) == "orientatie"
    assert elapsed < 5, f"{elapsed:.1f} s"


def test_a_body_without_its_length_is_counted_while_it_streams_in(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"note": "'
        for _ in range(30):
            yield b"y" * 100_000
        yield b'"}'

    response = client.post(
        "/api/dossiers/4/handelingen/stoppen",
        content=chunks(),
        headers={**token(client, STUURGROEP), "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert "groter dan 1 MB" in response.json()["detail"]
    assert _state(client, 4) == "orientatie"
    long_note = client.post(
        "/api/dossiers/4/handelingen/stoppen",
        json={"note": "z" * 500_000},  # read (below 1 MB), then refused by the engine
        headers=token(client, STUURGROEP),
    )
    assert long_note.status_code == 422
    assert (
        long_note.json()["reason"] == "de toelichting is te lang: 500.000 tekens; ten hoogste 5.000"
    )
    fine = client.post(
        "/api/dossiers/4/handelingen/stoppen",
        json={"note": "z" * 5_000},
        headers=token(client, STUURGROEP),
    )
    assert fine.status_code == 200, fine.text
    assert _state(client, 4) == "gestopt"


def test_multipart_to_a_route_that_takes_no_files_meets_the_body_limit(
    client: TestClient,
) -> None:
    """A JSON route sent multipart would read the whole body into memory: the body limit
    holds for it as for JSON; the routes that take files keep their own limits."""
    files = {"reden": (None, "x" * 3_000_000)}  # a 3 MB text part
    response = client.post(
        "/api/dossiers/4/correctie", files=files, headers=token(client, STUURGROEP)
    )
    assert response.status_code == 413 and "groter dan 1 MB" in response.json()["detail"]
    assert _state(client, 4) == "orientatie"
    upload = client.post(  # a 2 MB file to a route that takes files: not the body limit
        "/api/dossiers/4/bestanden",
        files={
            "verslag_orientatie": ("v.pdf", b"%PDF-1.4\n" + b"0" * 2_000_000, "application/pdf")
        },
        headers=token(client, STUURGROEP),
    )
    assert upload.status_code != 413, upload.text


def test_a_huge_form_gets_a_dutch_page(client: TestClient) -> None:
    response = client.post("/inloggen", data={"email": "a@b.nl", "wachtwoord": "p" * 2_000_000})
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
    assert "de aanvraag is groter dan 1 MB" in response.text
    assert "Content-Security-Policy" in response.headers  # still a page of this site


# --- the database stops -----------------------------------------------------------------------


class _Relay:
    """A TCP relay to PostgreSQL that can be stopped, as if the server went down."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.open: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.open += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.server.shutdown(socket.SHUT_RDWR)  # wakes accept(): the port stops listening
        self.server.close()
        for sock in self.open:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


def test_a_database_that_stops_gets_503_with_retry_after(postgres_url: str) -> None:
    host_part = postgres_url.split("@", 1)[1].split("/", 1)[0]
    host, port = host_part.rsplit(":", 1)
    relay = _Relay((host, int(port)))
    url = postgres_url.replace(host_part, f"127.0.0.1:{relay.port}")
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    settings = Settings(database_url=url, protocols_dir=PROTOCOLS)
    with TestClient(create_app(settings, FixedClock(NOW), secret="s")) as client:
        form = {"email": "a@b.nl", "wachtwoord": "geheim"}
        csrf = csrf_of(client.get("/inloggen").text)
        wrong = client.post("/inloggen", data={**form, "csrf_token": csrf})
        assert wrong.status_code in (200, 401, 422), wrong.text  # the database answers
        relay.stop()
        csrf = csrf_of(client.get("/inloggen").text)
        page = client.post("/inloggen", data={**form, "csrf_token": csrf})
        api = client.get("/api/dossiers", headers={"Authorization": "Bearer abc"})
    for response in (page, api):
        assert response.status_code == 503, response.text
        assert response.headers["Retry-After"] == "30"
        assert "de database is even niet bereikbaar" in response.text
        assert "Traceback" not in response.text and "psycopg" not in response.text
    assert page.headers["content-type"].startswith("text/html")
    assert api.json()["detail"].startswith("de database is even niet bereikbaar")
