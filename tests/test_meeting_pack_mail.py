"""The meeting pack by e-mail to the members of the body, on request: one e-mail per member
with the PDF attached (a real SMTP server, and the outbox folder), each sending recorded, a
member without an address named, a refused recipient reported while the others still get
it, a second request only when confirmed — service, CLI and the meeting page."""

from __future__ import annotations

import email
import email.policy
from collections import Counter
from collections.abc import Iterator
from datetime import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pypdfium2
import pytest
from fastapi.testclient import TestClient

from toetreding._exceptions import ConflictError, InvalidInputError
from toetreding.audits import AuditDesk
from toetreding.clock import FixedClock
from toetreding.definition import ProtocolRegistry
from toetreding.demo import demo_start, seed_demo
from toetreding.documents.filters import dutch_date
from toetreding.reminders import OutboxChannel, SmtpChannel
from toetreding.reminders.meeting_pack import PackResult, send_meeting_pack
from toetreding.service import Toetreding

from .conftest import PROTOCOLS, SmtpServer
from .helpers import run
from .web_helpers import COORDINATOR, STUURGROEP, csrf_of, demo_client, sign_in

EVA = "eva@part2.example"
BASE = "https://toetreding.example.nl"


def _member(app: Toetreding, name: str, address: str) -> int:
    """A stuurgroep member of part2; the store takes any address (as older data has)."""
    person = app.store.add_person(name, address, app.clock.now())
    app.store.add_membership(person.id, app.store.partnership("part2").id or 0, "stuurgroep")
    return person.id


@pytest.fixture
def desk(sqlite_url: str, clock: FixedClock) -> Iterator[AuditDesk]:
    """The demo (SQLite) with two more stuurgroep members: Eva Bos, and Piet Zonder, whose
    address is empty; a stuurgroep meeting today."""
    app = Toetreding.open(sqlite_url, ProtocolRegistry.from_directory(PROTOCOLS), clock)
    seed_demo(app, demo_start(app.today()), PROTOCOLS)
    _member(app, "Eva Bos", EVA)
    _member(app, "Piet Zonder", "")
    app.create_meeting(
        partnership_ref="part2",
        body="stuurgroep",
        day=app.today(),
        starts_at=time(14, 0),
        place="Almelo",
        actor_ref=COORDINATOR,
    )
    yield AuditDesk(app, PROTOCOLS)
    app.close()


def _smtp(server: SmtpServer) -> SmtpChannel:
    return SmtpChannel(server.host, server.port, security="none")


def _send(desk: AuditDesk, channel: SmtpChannel | OutboxChannel, **extra: Any) -> PackResult:
    return send_meeting_pack(
        desk, 1, actor_ref=COORDINATOR, channel=channel, sender="toetreding <noreply@x.nl>",
        base_url=BASE, **extra,
    )  # fmt: skip


def _pdf_of(message: EmailMessage) -> tuple[str, bytes]:
    [attachment] = list(message.iter_attachments())
    content = attachment.get_content()
    assert isinstance(content, bytes)
    return attachment.get_content_type(), content


def test_each_member_gets_one_email_with_the_pack_as_pdf(
    desk: AuditDesk, smtp_server: SmtpServer
) -> None:
    result = _send(desk, _smtp(smtp_server))
    assert result == _result(1, sent=("Eva Bos", "Hans Wolters"), without=("Piet Zonder",))
    received = Counter(to for envelope in smtp_server.envelopes for to in envelope.rcpt_tos)
    assert received == {EVA: 1, STUURGROEP: 1}  # exactly one each, nobody else
    message = smtp_server.messages[0]
    assert message["Subject"] == f"Vergaderstukken Stuurgroep, {_day(desk)} 14:00"
    assert message["Reply-To"] == f"Carla de Vries <{COORDINATOR}>"
    text = message.get_body(("plain",))
    assert text is not None
    body = text.get_content()
    assert "Bornerbroek College" in body and f"{BASE}/vergaderingen/1" in body
    kind, content = _pdf_of(message)
    assert kind == "application/pdf" and content.startswith(b"%PDF-")
    document = pypdfium2.PdfDocument(content)
    pages = [page.get_textpage().get_text_range() for page in document]
    document.close()
    assert len(pages) >= 2 and "Agenda" in pages[0]  # the agenda and a page per case
    assert any(text.startswith("2. Bornerbroek College") for text in pages[1:])
    # Recorded per member: who, when, which request; the one without an address named.
    [sent] = desk.app.pack_rounds(1)
    assert sent.summary.startswith("verzonden op ")
    assert sent.summary.endswith("door Carla de Vries aan Eva Bos en Hans Wolters")
    assert {line.person_name: line.status for line in sent.lines} == {
        "Eva Bos": "sent",
        "Hans Wolters": "sent",
        "Piet Zonder": "no_address",
    }


def _day(desk: AuditDesk) -> str:
    return dutch_date(desk.app.today())


def _result(
    version: int,
    *,
    sent: tuple[str, ...] = (),
    failed: tuple[tuple[str, str], ...] = (),
    without: tuple[str, ...] = (),
) -> PackResult:
    return PackResult(version, sent, failed, without)


def test_a_second_request_only_when_confirmed(desk: AuditDesk, smtp_server: SmtpServer) -> None:
    channel = _smtp(smtp_server)
    _send(desk, channel)
    with pytest.raises(ConflictError, match=r"al verzonden op .* aan Eva Bos en Hans Wolters"):
        _send(desk, channel)
    assert len(smtp_server.messages) == 2  # nothing more went out
    assert _send(desk, channel, again=True) == _result(
        2, sent=("Eva Bos", "Hans Wolters"), without=("Piet Zonder",)
    )
    received = Counter(to for envelope in smtp_server.envelopes for to in envelope.rcpt_tos)
    assert received == {EVA: 2, STUURGROEP: 2}
    assert [r.version for r in desk.app.pack_rounds(1)] == [2, 1]
    # A page that saw the first request only: someone else sent the second meanwhile.
    with pytest.raises(ConflictError, match="intussen"):
        _send(desk, channel, again=True, seen_version=1)
    assert len(smtp_server.messages) == 4


def test_a_refused_recipient_is_reported_and_the_others_still_get_it(
    desk: AuditDesk, smtp_server: SmtpServer
) -> None:
    smtp_server.refuse_recipient(EVA, "550 mailbox unavailable")
    result = _send(desk, _smtp(smtp_server))
    [(name, reason)] = result.failed
    assert name == "Eva Bos"
    assert reason.startswith(f"e-mail aan Eva Bos <{EVA}> niet verstuurd")
    assert "de server weigerde" in reason and "550" in reason
    assert result.sent == ("Hans Wolters",)
    assert [e.rcpt_tos for e in smtp_server.envelopes] == [(STUURGROEP,)]
    [sent] = desk.app.pack_rounds(1)
    [failed] = sent.failed
    assert failed.person_name == "Eva Bos" and failed.problem == reason


def test_only_the_coordinator_or_a_member_sends_it(
    desk: AuditDesk, smtp_server: SmtpServer
) -> None:
    with pytest.raises(InvalidInputError, match="alleen de coördinator of een lid"):
        send_meeting_pack(
            desk, 1, actor_ref="kerngroep@part2.example", channel=_smtp(smtp_server),
            sender="toetreding <noreply@x.nl>", base_url=BASE,
        )  # fmt: skip
    assert smtp_server.messages == [] and desk.app.pack_rounds(1) == []


def test_through_the_outbox_on_both_databases(app: Toetreding, tmp_path: Path) -> None:
    """Without a mail server: one .eml per member per request; the request and each
    outcome recorded (and a stale request refused) on SQLite and PostgreSQL alike."""
    app.store.add_partnership("part2", "Partnerschap 2", app.clock.now())
    app.add_person("Carla", COORDINATOR, partnership_ref="part2", roles=("coordinator",))
    hans = _member(app, "Hans Wolters", STUURGROEP)
    meeting = app.create_meeting(
        partnership_ref="part2", body="stuurgroep", day=app.today(), starts_at=time(9, 30),
        place="Hengelo", actor_ref=COORDINATOR,
    )  # fmt: skip
    outbox = OutboxChannel(tmp_path / "outbox")
    desk = AuditDesk(app, PROTOCOLS)
    assert _send(desk, outbox) == _result(1, sent=("Hans Wolters",))
    [file] = (tmp_path / "outbox").glob("*.eml")
    message = email.message_from_bytes(file.read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    assert (
        message["Message-ID"]
        == f"<vergaderstukken.vergadering-{meeting}.versie-1.persoon-{hans}@toetreding>"
    )
    assert _pdf_of(message)[0] == "application/pdf"
    plan = app.plan_pack_sending(meeting, actor_ref=COORDINATOR, again=True)
    app.start_pack_sending(plan)
    with pytest.raises(ConflictError, match="intussen door iemand anders"):
        app.start_pack_sending(plan)  # the same plan twice: the guard on the version
    assert [r.version for r in app.pack_rounds(meeting)] == [2, 1]


def test_the_command(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outbox = tmp_path / "uit"
    monkeypatch.setenv("TOETREDING_OUTBOX_DIR", str(outbox))
    run("demo")
    run("person", "add", "--name", "Eva Bos", "--email", EVA, "-p", "part2", "--role", "stuurgroep")
    run(
        "meeting", "create", "stuurgroep", "--date", "01-03-2027", "--time", "14:00",
        "--place", "Almelo", "--as", COORDINATOR,
    )  # fmt: skip
    assert "argument" not in run("meeting", "pack", "1", "--send", code=1).lower()
    out = run("meeting", "pack", "1", "--send", "--as", COORDINATOR)
    assert "Vergaderstukken verzonden aan Eva Bos en Hans Wolters." in out
    assert len(list(outbox.glob("*.eml"))) == 2
    again = run("meeting", "pack", "1", "--send", "--as", COORDINATOR, code=1)
    assert "al verzonden op" in again and "--opnieuw" in again and "Traceback" not in again
    run("meeting", "pack", "1", "--send", "--as", COORDINATOR, "--opnieuw")
    assert len(list(outbox.glob("*.eml"))) == 4


def test_the_button_on_the_meeting_page(tmp_path: Path, smtp_server: SmtpServer) -> None:
    for client in demo_client(
        tmp_path, smtp_host=smtp_server.host, smtp_port=smtp_server.port, smtp_security="none"
    ):
        _the_button(client, smtp_server)


def _the_button(client: TestClient, smtp_server: SmtpServer) -> None:
    sign_in(client, COORDINATOR)
    page = client.get("/vergaderingen")
    form = {"csrf_token": csrf_of(page.text), "orgaan": "stuurgroep", "datum": "2026-11-23"}
    form |= {"tijd": "14:00", "plaats": "Almelo", "partnerschap": "1"}
    client.post("/vergaderingen", data=form)
    page = client.get("/vergaderingen/1").text
    assert "Nog niet per e-mail aan de leden verzonden" in page
    send = {"csrf_token": csrf_of(page), "versie": "0"}
    answer = client.post("/vergaderingen/1/vergaderstukken/versturen", data=send)
    assert answer.status_code == 200
    assert "Verzonden op 23-11-2026 om 10:00 door Carla de Vries aan Hans Wolters." in answer.text
    assert [e.rcpt_tos for e in smtp_server.envelopes] == [(STUURGROEP,)]
    link = smtp_server.messages[0].get_body(("plain",))
    assert link is not None and "http://testserver/vergaderingen/1" in link.get_content()
    assert 'name="opnieuw"' in answer.text  # once sent, a second time asks to confirm
    refused = client.post(
        "/vergaderingen/1/vergaderstukken/versturen", data={**send, "versie": "1"}
    )
    assert refused.status_code == 409
    assert "Niet gelukt: de vergaderstukken zijn al verzonden op 23-11-2026" in refused.text
    assert len(smtp_server.messages) == 1
    confirmed = {**send, "versie": "1", "opnieuw": "ja"}
    assert client.post("/vergaderingen/1/vergaderstukken/versturen", data=confirmed).is_success
    assert len(smtp_server.messages) == 2
    # Without the page's token nothing is sent.
    forged = client.post("/vergaderingen/1/vergaderstukken/versturen", data={"versie": "2"})
    assert forged.status_code == 403 and len(smtp_server.messages) == 2


def test_a_request_that_reached_nobody_is_repeated_without_confirming(
    desk: AuditDesk, smtp_server: SmtpServer
) -> None:
    for address in (EVA, STUURGROEP):
        smtp_server.refuse_recipient(address, "451 try again later")
    result = _send(desk, _smtp(smtp_server))
    assert result.sent == () and len(result.failed) == 2
    [nobody] = desk.app.pack_rounds(1)
    assert nobody.summary.endswith("door Carla de Vries verstuurd, maar aan niemand aangekomen")
    for address in (EVA, STUURGROEP):
        smtp_server.accept_recipient(address)
    assert _send(desk, _smtp(smtp_server)).sent == ("Eva Bos", "Hans Wolters")
