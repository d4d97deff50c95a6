"""Shared fixtures: real SQLite files and the local PostgreSQL server, a fixed clock."""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import socket
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from toetreding.clock import FixedClock
from toetreding.definition import ProtocolRegistry
from toetreding.service import Toetreding
from toetreding.store import Store, make_engine, migrate

from .helpers import Writer

# The web app fixtures (client on the demo database) live in tests/web_helpers.py.
pytest_plugins = ["tests.web_helpers"]

REPO = Path(__file__).resolve().parent.parent
PROTOCOLS = REPO / "protocols"
POSTGRES_URL = os.environ.get(
    "TOETREDING_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(autouse=True, scope="session")
def _protocol_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Commands keep checked protocols in a folder of this test run, not in the home."""
    os.environ["TOETREDING_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))


def _postgres_answers() -> bool:
    try:
        engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        engine.dispose()
        return True
    except Exception:
        return False


_POSTGRES_UP = _postgres_answers()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'toetreding.db'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh schema in the local PostgreSQL ``test`` database, dropped afterwards."""
    with postgres_schema() as url:
        yield url


@contextmanager
def postgres_schema() -> Iterator[str]:
    """The URL of a fresh schema in the local PostgreSQL ``test`` database, dropped at the
    end; skips the test when PostgreSQL does not answer."""
    if not _POSTGRES_UP:
        pytest.skip(f"PostgreSQL answers not at {POSTGRES_URL}: PostgreSQL run skipped")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """Each test using this runs once on SQLite and once on PostgreSQL."""
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 9, 1, 9, 0))


@pytest.fixture
def registry() -> ProtocolRegistry:
    return ProtocolRegistry.from_directory(PROTOCOLS)


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    engine = make_engine(database_url)
    migrate(engine)
    yield Store(engine)
    engine.dispose()


@pytest.fixture
def app(store: Store, registry: ProtocolRegistry, clock: FixedClock) -> Toetreding:
    return Toetreding(store, registry, clock)


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A SQLite file the CLI uses through TOETREDING_DATABASE_URL."""
    path = tmp_path / "cli.db"
    monkeypatch.setenv("TOETREDING_DATABASE_URL", f"sqlite:///{path}")
    return path


@pytest.fixture
def write(tmp_path: Path) -> Writer:
    """Write a text file under tmp_path (default name ``file.yaml``) and return its path."""

    def _write(text: str, name: str = "file.yaml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return _write


# --- a real SMTP server on localhost (aiosmtpd), for the reminder e-mail ----------------------


@dataclass(frozen=True)
class Envelope:
    """What the SMTP server was told outside the message: ``MAIL FROM`` and ``RCPT TO``."""

    mail_from: str
    rcpt_tos: tuple[str, ...]


ACCEPTED = "250 Message accepted for delivery"


class SmtpServer:
    """An SMTP server on ``host:port`` that keeps what it accepts, in order.

    ``messages[i]`` is the i-th accepted message, parsed (``EmailMessage``, default policy);
    ``envelopes[i]`` its envelope. A message is in the list before the server answers
    ``250`` to its data, so once ``send`` returns, it is there: no waiting needed.
    ``refuse_recipient(address, answer)`` makes the server answer ``RCPT TO:<address>``
    with ``answer`` (e.g. ``"550 mailbox unavailable"``, or ``"450 …"`` for a temporary
    refusal) from then on; ``accept_recipient(address)`` undoes that.

    A slow server: ``delay(number)`` is how many seconds the server takes over the data of
    the ``number``-th message before it answers (the server goes on serving other
    connections meanwhile). ``after_accept(number, message, peer)`` is called once the
    server's ``250`` for that message is on the wire and before the server reads anything
    more from that connection (so before it answers the client's ``QUIT``): a test can kill
    the sender there, after the accept and before the sender can have recorded it.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.messages: list[EmailMessage] = []
        self.envelopes: list[Envelope] = []
        self._refused: dict[str, str] = {}
        # Called with the number of the message about to be accepted (1, 2, ...) before the
        # server answers its data; an answer it returns (e.g. "451 ...") refuses the message.
        self.before_accept: Callable[[int], str | None] | None = None
        self.delay: Callable[[int], float] | None = None
        self.after_accept: Callable[[int, EmailMessage, tuple[str, int]], None] | None = None

    def refuse_recipient(self, address: str, answer: str = "550 mailbox unavailable") -> None:
        self._refused[address.lower()] = answer

    def accept_recipient(self, address: str) -> None:
        self._refused.pop(address.lower(), None)

    # aiosmtpd handler hooks (called on the server's thread)
    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: object, session: object, envelope: Any, address: str, options: object
    ) -> str:
        answer = self._refused.get(address.lower())
        if answer is not None:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: object, session: Any, envelope: Any
    ) -> str:
        if self.delay is not None:
            await asyncio.sleep(self.delay(len(self.messages) + 1))
        if self.before_accept is not None:
            refusal = self.before_accept(len(self.messages) + 1)
            if refusal is not None:
                return refusal
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.envelopes.append(Envelope(envelope.mail_from, tuple(envelope.rcpt_tos)))
        self.messages.append(message)
        session.accepted = (len(self.messages), message)
        return ACCEPTED

    def accepted(self, session: Any) -> None:
        """The ``250`` for the session's message went out (called by the SMTP protocol)."""
        number, message = session.accepted
        session.accepted = None
        if self.after_accept is not None:
            self.after_accept(number, message, session.peer)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _controller(server: SmtpServer) -> Any:
    """aiosmtpd's threaded controller, with an SMTP protocol that tells ``server`` when the
    ``250`` for a message is on the wire."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import SMTP

    class Protocol(SMTP):
        async def push(self, status: Any) -> None:
            await super().push(status)
            if status == ACCEPTED and getattr(self.session, "accepted", None):
                server.accepted(self.session)

    class Threaded(Controller):
        def factory(self) -> SMTP:
            return Protocol(self.handler, **self.SMTP_kwargs)

    return Threaded(server, hostname=server.host, port=server.port)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A plain (no TLS, no login) SMTP server on 127.0.0.1 and a free port; stopped after
    the test. Yields the :class:`SmtpServer` with ``host``, ``port``, ``messages`` and
    ``envelopes``."""
    for attempt in range(3):  # another process may take the free port before we bind it
        server = SmtpServer("127.0.0.1", _free_port())
        controller = _controller(server)
        try:
            controller.start()
        except Exception:
            if attempt == 2:
                raise
            continue
        try:
            yield server
        finally:
            controller.stop()
        return


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens: connecting is refused."""
    return _free_port()
