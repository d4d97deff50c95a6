"""Reminder e-mail: one reminder rendered in Dutch (plain text and HTML) and delivered over a
real SMTP server on localhost, or into the outbox folder as ``.eml`` files; what a refusing
or absent server does; the settings that choose the channel."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import email.policy
import os
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from toetreding import ConfigurationError, DeliveryError, InvalidInputError
from toetreding.reminders import (
    OutboxChannel,
    Recipient,
    ReminderMessage,
    SmtpChannel,
    case_url,
    channel_from_settings,
    reminder_message_id,
    render_reminder,
)
from toetreding.settings import Settings

from .conftest import SmtpServer

SENDER = "Opleidingsschool Partnerschap 2 <noreply@part2.example>"
NOW = dt.datetime(2028, 3, 25, 9, 0)  # Dutch local time (CET, +01:00)
KEY = "deadline-17/rung-2/person-5"
MESSAGE_ID = "<reminder.deadline-17.rung-2.person-5@toetreding>"
LINK = "https://toetreding.part2.example/dossiers/8"
HOSTILE = "<b>&</b>"

SMTP_VARIABLES = (
    "TOETREDING_SMTP_HOST",
    "TOETREDING_SMTP_PORT",
    "TOETREDING_SMTP_SECURITY",
    "TOETREDING_SMTP_USER",
    "TOETREDING_SMTP_PASSWORD",
    "TOETREDING_MAIL_FROM",
    "TOETREDING_OUTBOX_DIR",
    "TOETREDING_BASE_URL",
)


def reminder(**changes: object) -> ReminderMessage:
    base = ReminderMessage(
        key=KEY,
        recipient=Recipient("Sam Jansen", "sam@noordik.example"),
        partnership_name="Opleidingsschool Partnerschap 2",
        school_name="Het Noordik",
        case_id=8,
        step_label="Kennismakingsgesprek",
        deadline_label="Besluit over aansluiten doorgeven",
        due_date=dt.date(2028, 3, 31),  # "vóór 1 april": 31 March is the last day
        days_left=7,
        escalation=False,
        role_label="Aanvragende school",
        case_url=LINK,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def rendered(**changes: object) -> EmailMessage:
    return render_reminder(reminder(**changes), sender=SENDER, now=NOW)


def text_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None, "no text/plain part"
    return str(part.get_content()).replace("\r\n", "\n")  # type: ignore[attr-defined]


def html_of(message: EmailMessage) -> str:
    part = message.get_body(("html",))
    assert part is not None, "no text/html part"
    return str(part.get_content()).replace("\r\n", "\n")  # type: ignore[attr-defined]


def plain_channel(server: SmtpServer, **options: object) -> SmtpChannel:
    return SmtpChannel(server.host, server.port, security="none", **options)  # type: ignore[arg-type]


@pytest.fixture
def no_mail_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The environment holds none of the e-mail settings (whatever the shell has)."""
    for name in SMTP_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    yield


# --- over a real SMTP server -----------------------------------------------------------------


def test_a_reminder_arrives_over_smtp_with_both_parts_headers_and_the_case_link(
    smtp_server: SmtpServer,
) -> None:
    plain_channel(smtp_server).send(rendered())

    assert len(smtp_server.messages) == 1
    received = smtp_server.messages[0]
    assert received["Subject"] == (
        "Herinnering: Besluit over aansluiten doorgeven — nog 7 dagen (uiterlijk 31 maart 2028)"
    )
    assert received["To"] == "Sam Jansen <sam@noordik.example>"
    assert received["From"] == SENDER
    assert received["Message-ID"] == MESSAGE_ID
    assert received["X-Toetreding-Key"] == KEY
    assert received["Auto-Submitted"] == "auto-generated"
    assert received.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in received.iter_parts()] == [
        "text/plain",
        "text/html",
    ]
    assert smtp_server.envelopes[0].mail_from == "noreply@part2.example"
    assert smtp_server.envelopes[0].rcpt_tos == ("sam@noordik.example",)

    text, html = text_of(received), html_of(received)
    assert text.startswith("Beste Sam Jansen,\n")
    assert "<p>Beste Sam Jansen,</p>" in html
    for body in (text, html):
        assert "Het Noordik" in body
        assert "Kennismakingsgesprek" in body
        assert "Besluit over aansluiten doorgeven" in body
        assert "31 maart 2028" in body
        assert "nog 7 dagen" in body
        assert LINK in body
        assert "Aanvragende school" in body
    assert "Dossier:    8" in text
    assert f'<a href="{LINK}">8</a>' in html


def test_a_hostile_school_name_is_escaped_in_html_and_literal_in_text(
    smtp_server: SmtpServer,
) -> None:
    plain_channel(smtp_server).send(rendered(school_name=f"School {HOSTILE}"))

    received = smtp_server.messages[0]
    html, text = html_of(received), text_of(received)
    assert "School &lt;b&gt;&amp;&lt;/b&gt;" in html
    assert HOSTILE not in html
    assert f"School {HOSTILE}" in text
    assert "&amp;" not in text and "&lt;" not in text


def test_a_school_name_cannot_add_lines_to_the_text_or_headers(smtp_server: SmtpServer) -> None:
    forged = "Het Noordik\n\nDossier:    999\nBcc: everyone@example.org"
    plain_channel(smtp_server).send(
        rendered(
            school_name=forged,
            deadline_label="Besluit\r\nBcc: x@example.org",
            escalation=True,
            days_left=-2,
        )
    )

    received = smtp_server.messages[0]
    text = text_of(received)
    assert "Het Noordik Dossier: 999 Bcc: everyone@example.org" in text
    assert not any(line.startswith(("Dossier:    999", "Bcc:")) for line in text.splitlines())
    assert received["Bcc"] is None
    assert smtp_server.envelopes[0].rcpt_tos == ("sam@noordik.example",)
    assert received["Subject"].startswith("Escalatie: Besluit Bcc: x@example.org — Het Noordik")


@pytest.mark.parametrize(
    ("days_left", "escalation", "subject", "phrase"),
    [
        (
            7,
            False,
            "Herinnering: Besluit over aansluiten doorgeven — nog 7 dagen "
            "(uiterlijk 31 maart 2028)",
            "verloopt over 7 dagen een termijn",
        ),
        (
            1,
            False,
            "Herinnering: Besluit over aansluiten doorgeven — nog 1 dag (uiterlijk 31 maart 2028)",
            "verloopt over 1 dag een termijn",
        ),
        (
            0,
            False,
            "Vandaag: Besluit over aansluiten doorgeven — uiterlijk vandaag (31 maart 2028)",
            "Vandaag verloopt een termijn",
        ),
        (
            -3,
            False,
            "Verlopen: Besluit over aansluiten doorgeven (was uiterlijk 31 maart 2028)",
            "is verlopen: dit had uiterlijk 31 maart 2028 moeten gebeuren (3 dagen geleden)",
        ),
        (
            -1,
            True,
            "Escalatie: Besluit over aansluiten doorgeven — Het Noordik "
            "(was uiterlijk 31 maart 2028)",
            "is gemist: dit had uiterlijk 31 maart 2028 moeten gebeuren (1 dag geleden). "
            "De termijn is daarom naar u geëscaleerd.",
        ),
    ],
)
def test_subject_and_opening_say_how_urgent_it_is(
    days_left: int, escalation: bool, subject: str, phrase: str
) -> None:
    message = rendered(days_left=days_left, escalation=escalation)

    assert message["Subject"] == subject
    assert phrase in " ".join(text_of(message).split())
    assert phrase in " ".join(
        html_of(message).replace("<strong>", "").replace("</strong>", "").split()
    )


def test_the_overdue_fact_line_counts_the_days_late() -> None:
    assert "Uiterlijk:  31 maart 2028 (3 dagen te laat)" in text_of(rendered(days_left=-3))
    assert "Uiterlijk:  31 maart 2028 (vandaag)" in text_of(rendered(days_left=0))


def test_the_date_is_the_moment_given_and_the_message_id_follows_the_key() -> None:
    first = rendered()
    later = render_reminder(reminder(), sender=SENDER, now=dt.datetime(2028, 3, 26, 6, 30))

    assert parsedate_to_datetime(first["Date"]) == dt.datetime(2028, 3, 25, 8, 0, tzinfo=dt.UTC)
    assert first["Date"].endswith("+0100")
    # Summer time starts on 26 March 2028: 06:30 Dutch time is then 04:30 UTC.
    assert later["Date"].endswith("+0200")
    assert parsedate_to_datetime(later["Date"]) == dt.datetime(2028, 3, 26, 4, 30, tzinfo=dt.UTC)
    # A resend is recognisable: same key, same Message-ID; another key, another one.
    assert first["Message-ID"] == later["Message-ID"] == MESSAGE_ID
    assert rendered(key="deadline-17/rung-2/person-6")["Message-ID"] != MESSAGE_ID
    assert reminder_message_id(KEY) == MESSAGE_ID


def test_a_refused_recipient_is_a_delivery_error_with_the_servers_answer(
    smtp_server: SmtpServer,
) -> None:
    smtp_server.refuse_recipient("sam@noordik.example", "550 mailbox unavailable")

    with pytest.raises(DeliveryError) as refused:
        plain_channel(smtp_server).send(rendered())

    message = str(refused.value)
    assert f"127.0.0.1:{smtp_server.port}" in message
    assert "550 mailbox unavailable" in message
    assert "sam@noordik.example" in message
    assert refused.value.temporary is False
    assert smtp_server.messages == []


def test_a_temporary_refusal_says_so_and_a_retry_delivers(smtp_server: SmtpServer) -> None:
    smtp_server.refuse_recipient("sam@noordik.example", "450 mailbox busy, try later")
    channel = plain_channel(smtp_server)

    with pytest.raises(DeliveryError, match="450 mailbox busy, try later") as busy:
        channel.send(rendered())
    assert busy.value.temporary is True

    smtp_server.accept_recipient("sam@noordik.example")
    channel.send(rendered())
    assert [m["Message-ID"] for m in smtp_server.messages] == [MESSAGE_ID]


def test_a_closed_port_is_a_delivery_error_naming_host_and_port(closed_port: int) -> None:
    channel = SmtpChannel("127.0.0.1", closed_port, security="none", timeout=5)

    with pytest.raises(DeliveryError) as failed:
        channel.send(rendered())

    assert f"127.0.0.1:{closed_port}" in str(failed.value)
    assert "verbinding werd geweigerd" in str(failed.value)
    assert failed.value.temporary is True


def test_a_server_that_never_answers_fails_within_the_timeout() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)  # accepts the connection, never says hello
        port = silent.getsockname()[1]
        channel = SmtpChannel("127.0.0.1", port, security="none", timeout=0.3)

        with pytest.raises(DeliveryError, match=r"antwoordde niet binnen 0\.3 seconden") as hung:
            channel.send(rendered())

    assert hung.value.temporary is True


def test_starttls_is_never_skipped_when_the_server_lacks_it(smtp_server: SmtpServer) -> None:
    channel = SmtpChannel(smtp_server.host, smtp_server.port, security="starttls")

    with pytest.raises(DeliveryError, match="ondersteunt geen STARTTLS") as failed:
        channel.send(rendered())

    assert failed.value.temporary is False
    assert smtp_server.messages == []


def test_tls_against_a_plain_server_points_at_the_security_setting(
    smtp_server: SmtpServer,
) -> None:
    channel = SmtpChannel(smtp_server.host, smtp_server.port, security="tls", timeout=5)

    with pytest.raises(DeliveryError, match="TOETREDING_SMTP_SECURITY") as failed:
        channel.send(rendered())

    assert "TLS-verbinding" in str(failed.value)
    assert failed.value.temporary is False
    assert smtp_server.messages == []


def test_a_login_without_encryption_is_refused_before_connecting() -> None:
    with pytest.raises(ConfigurationError, match="wachtwoord leesbaar"):
        SmtpChannel("mail.example", 25, security="none", username="u", password="geheim")


# --- the outbox folder -------------------------------------------------------------------------


def read_eml(path: Path) -> EmailMessage:
    with path.open("rb") as handle:
        message = email.message_from_binary_file(handle, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def test_the_outbox_writes_a_parseable_eml_named_by_date_and_key(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"  # created on first use
    OutboxChannel(outbox).send(rendered())

    files = sorted(outbox.iterdir())
    assert [f.name for f in files] == ["20280325T080000Z-deadline-17.rung-2.person-5.eml"]
    written = read_eml(files[0])
    assert written["Message-ID"] == MESSAGE_ID
    assert written["Subject"].startswith("Herinnering: Besluit over aansluiten doorgeven")
    assert written["To"] == "Sam Jansen <sam@noordik.example>"
    assert LINK in text_of(written) and LINK in html_of(written)
    assert OutboxChannel(outbox).find(MESSAGE_ID) == files[0]


def test_the_outbox_files_sort_in_the_order_they_were_sent(tmp_path: Path) -> None:
    outbox = OutboxChannel(tmp_path)
    for hour, person in ((14, 1), (9, 2), (11, 3)):
        outbox.send(
            render_reminder(
                reminder(key=f"deadline-17/rung-2/person-{person}"),
                sender=SENDER,
                now=dt.datetime(2028, 3, 25, hour, 0),
            )
        )

    assert [read_eml(f)[("X-Toetreding-Key")] for f in sorted(tmp_path.glob("*.eml"))] == [
        "deadline-17/rung-2/person-2",
        "deadline-17/rung-2/person-3",
        "deadline-17/rung-2/person-1",
    ]


def test_the_outbox_never_holds_two_files_for_one_message_id(tmp_path: Path) -> None:
    OutboxChannel(tmp_path).send(rendered())
    # After a crash a new process renders the same reminder again, a day later.
    resend = render_reminder(reminder(days_left=6), sender=SENDER, now=NOW + dt.timedelta(days=1))
    OutboxChannel(tmp_path).send(resend)
    OutboxChannel(tmp_path).send(resend)

    files = list(tmp_path.iterdir())
    assert len(files) == 1
    assert "nog 7 dagen" in read_eml(files[0])["Subject"]  # the first one stays

    OutboxChannel(tmp_path).send(rendered(key="deadline-17/rung-2/person-6"))
    assert len(list(tmp_path.iterdir())) == 2


def test_a_failed_write_leaves_nothing_and_a_retry_writes_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(DeliveryError, match="No space left on device") as failed:
        OutboxChannel(tmp_path).send(rendered())
    assert failed.value.temporary is True
    assert str(tmp_path) in str(failed.value)
    assert list(tmp_path.iterdir()) == []  # no .eml, no temporary file

    monkeypatch.undo()
    OutboxChannel(tmp_path).send(rendered())
    assert [f.name for f in tmp_path.iterdir()] == [
        "20280325T080000Z-deadline-17.rung-2.person-5.eml"
    ]


def test_an_outbox_that_cannot_be_a_folder_is_a_delivery_error(tmp_path: Path) -> None:
    occupied = tmp_path / "outbox"
    occupied.write_text("geen map", encoding="utf-8")

    with pytest.raises(DeliveryError, match="niet in de outbox"):
        OutboxChannel(occupied).send(rendered())
    assert occupied.read_text(encoding="utf-8") == "geen map"


def test_a_message_without_message_id_is_not_written(tmp_path: Path) -> None:
    message = rendered()
    del message["Message-ID"]

    with pytest.raises(DeliveryError, match="zonder Message-ID"):
        OutboxChannel(tmp_path).send(message)
    assert list(tmp_path.iterdir()) == []


# --- the reminder record refuses what cannot be a proper e-mail ------------------------------


@pytest.mark.parametrize(
    ("changes", "complaint"),
    [
        ({"key": "deadline-17//person-5"}, "ongeldige sleutel"),
        ({"key": "deadline 17"}, "ongeldige sleutel"),
        ({"key": "deadline.17"}, "ongeldige sleutel"),
        ({"escalation": True, "days_left": 0}, "escalatie hoort bij een gemiste termijn"),
        ({"case_url": "javascript:alert(1)"}, "http:// of https://"),
        ({"school_name": "  "}, "'school_name' is leeg"),
    ],
)
def test_an_inconsistent_reminder_is_refused(changes: dict[str, object], complaint: str) -> None:
    with pytest.raises(InvalidInputError, match=complaint):
        reminder(**changes)


@pytest.mark.parametrize("address", ["sam", "sam@noordik.example\nBcc: x@y.z", "a b@c.d", ""])
def test_a_recipient_needs_one_plain_address(address: str) -> None:
    with pytest.raises(InvalidInputError, match="geen bruikbaar e-mailadres"):
        Recipient("Sam Jansen", address)


def test_case_links_are_made_from_the_base_url() -> None:
    assert case_url("http://localhost:8000", 8) == "http://localhost:8000/dossiers/8"
    assert case_url("https://toetreding.part2.example/", 12) == (
        "https://toetreding.part2.example/dossiers/12"
    )


# --- settings ------------------------------------------------------------------------------------


@pytest.mark.usefixtures("no_mail_settings")
def test_without_an_smtp_host_mail_goes_to_the_outbox_next_to_the_database(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TOETREDING_DATABASE_URL", f"sqlite:///{tmp_path / 'data' / 't.db'}")
    settings = Settings.from_env()

    assert settings.smtp_host is None
    assert (settings.smtp_port, settings.smtp_security) == (587, "starttls")
    assert settings.mail_from == "toetreding <noreply@toetreding.invalid>"
    assert settings.base_url == "http://localhost:8000"
    channel = channel_from_settings(settings)
    assert isinstance(channel, OutboxChannel)
    channel.send(rendered())
    assert len(list((tmp_path / "data" / "outbox").glob("*.eml"))) == 1

    other = dataclasses.replace(settings, database_url="postgresql://u@db.example/toetreding")
    assert other.outbox_folder() == Path("outbox")
    monkeypatch.setenv("TOETREDING_OUTBOX_DIR", str(tmp_path / "post"))
    assert Settings.from_env().outbox_folder() == tmp_path / "post"


@pytest.mark.usefixtures("no_mail_settings")
def test_smtp_settings_from_the_environment_deliver_to_that_server(
    monkeypatch: pytest.MonkeyPatch, smtp_server: SmtpServer
) -> None:
    monkeypatch.setenv("TOETREDING_SMTP_HOST", smtp_server.host)
    monkeypatch.setenv("TOETREDING_SMTP_PORT", str(smtp_server.port))
    monkeypatch.setenv("TOETREDING_SMTP_SECURITY", "none")
    monkeypatch.setenv("TOETREDING_MAIL_FROM", SENDER)
    monkeypatch.setenv("TOETREDING_BASE_URL", "https://toetreding.part2.example/")
    settings = Settings.from_env()
    link = case_url(settings.base_url, 8)

    channel_from_settings(settings).send(
        render_reminder(reminder(case_url=link), sender=settings.mail_from, now=NOW)
    )

    received = smtp_server.messages[0]
    assert received["From"] == SENDER
    assert link == LINK and LINK in text_of(received)


@pytest.mark.usefixtures("no_mail_settings")
def test_the_smtp_password_stays_out_of_printed_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOETREDING_SMTP_HOST", "mail.part2.example")
    monkeypatch.setenv("TOETREDING_SMTP_USER", "toetreding")
    monkeypatch.setenv("TOETREDING_SMTP_PASSWORD", "zeer-geheim")
    settings = Settings.from_env()

    assert settings.smtp_password == "zeer-geheim"
    assert "zeer-geheim" not in repr(settings)
    assert "zeer-geheim" not in repr(channel_from_settings(settings))


@pytest.mark.usefixtures("no_mail_settings")
@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("TOETREDING_SMTP_PORT", "abc"),
        ("TOETREDING_SMTP_PORT", "70000"),
        ("TOETREDING_SMTP_PORT", "0"),
        ("TOETREDING_SMTP_SECURITY", "ssl"),
        ("TOETREDING_MAIL_FROM", "geen adres"),
        ("TOETREDING_MAIL_FROM", "a@b.example, c@d.example"),
        ("TOETREDING_BASE_URL", "localhost:8000"),
        ("TOETREDING_SMTP_USER", "toetreding"),  # without a password
    ],
)
def test_a_bad_mail_setting_names_its_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)

    with pytest.raises(ConfigurationError, match=variable):
        Settings.from_env()
