"""Delivering an e-mail: over SMTP, or into an outbox folder of ``.eml`` files.

A :class:`Channel` has one method, ``send(message)``: it returns when the message is
delivered and raises :class:`DeliveryError` (Dutch message, ``temporary`` set) when it is
not. :func:`channel_from_settings` picks :class:`SmtpChannel` when ``TOETREDING_SMTP_HOST``
is set and :class:`OutboxChannel` otherwise.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import re
import smtplib
import socket
import ssl
import tempfile
import threading
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Protocol
from urllib.parse import quote

from toetreding._exceptions import ConfigurationError, DeliveryError
from toetreding.reminders.message import token_from_message_id
from toetreding.settings import SMTP_SECURITIES, Settings, SmtpSecurity


class Channel(Protocol):
    def send(self, message: EmailMessage) -> None:
        """Deliver ``message``, or raise :class:`DeliveryError`."""
        ...


def channel_from_settings(settings: Settings) -> Channel:
    """SMTP when ``smtp_host`` is set, else the outbox folder (``Settings.outbox_folder()``)."""
    if settings.smtp_host is None:
        return OutboxChannel(settings.outbox_folder())
    return SmtpChannel(
        settings.smtp_host,
        settings.smtp_port,
        security=settings.smtp_security,
        username=settings.smtp_username,
        password=settings.smtp_password,
    )


# --- SMTP ------------------------------------------------------------------------------------


class SmtpChannel:
    """Sends each message over its own connection to an SMTP server.

    ``security``: ``"starttls"`` upgrades the connection before anything else is said and
    refuses a server that cannot (never falls back to plain text); ``"tls"`` speaks TLS
    from the start (port 465); ``"none"`` sends in plain text. The server's certificate
    is checked against the system's certificate authorities (``SSL_CERT_FILE`` adds one).
    A username (login) needs ``starttls`` or ``tls``, so a password never travels in clear.

    Envelope sender and recipients come from the ``From`` and ``To`` headers. A message
    counts as delivered once the server accepted it (``250`` after the data); a failure
    while saying goodbye afterwards is ignored.
    """

    def __init__(
        self,
        host: str,
        port: int,
        *,
        security: SmtpSecurity,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 10.0,
    ) -> None:
        if security not in SMTP_SECURITIES:
            raise ConfigurationError(
                f"onbekende beveiliging '{security}' voor de mailserver; kies uit "
                f"{', '.join(SMTP_SECURITIES)}"
            )
        if username is not None and security == "none":
            raise ConfigurationError(
                f"inloggen op de mailserver {host}:{port} zonder versleuteling zou het "
                "wachtwoord leesbaar versturen; kies starttls of tls (TOETREDING_SMTP_SECURITY)"
            )
        self.host = host
        self.port = port
        self.security: SmtpSecurity = security
        self.username = username
        self._password = password
        self.timeout = timeout

    def __repr__(self) -> str:
        login = f", username={self.username!r}" if self.username else ""
        return f"SmtpChannel({self.host}:{self.port}, security={self.security!r}{login})"

    def send(self, message: EmailMessage) -> None:
        prefix = (
            f"e-mail aan {message.get('To', '(geen ontvanger)')} niet verstuurd via "
            f"{self.host}:{self.port}"
        )
        stage = "verbinden"
        try:
            smtp = self._connect()
            try:
                if self.security == "starttls":
                    stage = "STARTTLS"
                    smtp.starttls(context=ssl.create_default_context())
                if self.username is not None:
                    stage = "inloggen"
                    smtp.login(self.username, self._password or "")
                stage = "versturen"
                refused = smtp.send_message(message)
            finally:
                _close(smtp)
        except (smtplib.SMTPException, OSError) as exc:
            raise self._failure(exc, prefix, stage) from exc
        if refused:  # some recipients accepted it, these not
            raise DeliveryError(
                f"{prefix}: de server weigerde {_refusals(refused)}",
                temporary=all(_is_temporary(code) for code, _ in refused.values()),
            )

    def _failure(self, exc: OSError, prefix: str, stage: str) -> DeliveryError:
        """The Dutch account of what went wrong, with the server's answer."""
        if isinstance(exc, smtplib.SMTPRecipientsRefused):
            return DeliveryError(
                f"{prefix}: de server weigerde {_refusals(exc.recipients)}",
                temporary=all(_is_temporary(code) for code, _ in exc.recipients.values()),
            )
        if isinstance(exc, smtplib.SMTPSenderRefused):
            answer = _answer(exc.smtp_code, exc.smtp_error)
            return DeliveryError(
                f"{prefix}: de server weigerde de afzender {exc.sender}: {answer}",
                temporary=_is_temporary(exc.smtp_code),
            )
        if isinstance(exc, smtplib.SMTPAuthenticationError):
            answer = _answer(exc.smtp_code, exc.smtp_error)
            return DeliveryError(
                f"{prefix}: inloggen als {self.username} geweigerd: {answer}",
                temporary=_is_temporary(exc.smtp_code),
            )
        if isinstance(exc, smtplib.SMTPNotSupportedError):
            what = {"STARTTLS": "STARTTLS", "inloggen": "inloggen (AUTH)"}.get(stage, str(exc))
            return DeliveryError(
                f"{prefix}: de server ondersteunt geen {what}; er is niets verstuurd",
                temporary=False,
            )
        if isinstance(exc, smtplib.SMTPResponseException):  # connect, HELO, data: 4xx/5xx
            answer = _answer(exc.smtp_code, exc.smtp_error)
            return DeliveryError(
                f"{prefix}: {stage} mislukt, de server antwoordde {answer}",
                temporary=_is_temporary(exc.smtp_code),
            )
        if isinstance(exc, ssl.SSLCertVerificationError):
            return DeliveryError(
                f"{prefix}: het certificaat van de server is niet te vertrouwen "
                f"({exc.verify_message})",
                temporary=False,
            )
        if isinstance(exc, ssl.SSLError) and not isinstance(
            exc, ssl.SSLEOFError | ssl.SSLZeroReturnError
        ):
            return DeliveryError(
                f"{prefix}: de TLS-verbinding ({stage}) mislukte: {exc.reason or exc}; past "
                f"de beveiliging '{self.security}' (TOETREDING_SMTP_SECURITY) bij deze poort?",
                temporary=False,
            )
        if _timed_out(exc):
            return DeliveryError(
                f"{prefix}: de server antwoordde niet binnen {self.timeout:g} seconden ({stage})",
                temporary=True,
            )
        # refused connection, unknown host, lost line, TLS handshake
        return DeliveryError(f"{prefix}: {stage} mislukt: {_describe(exc)}", temporary=True)

    def _connect(self) -> smtplib.SMTP:
        if self.security == "tls":
            return smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
            )
        return smtplib.SMTP(self.host, self.port, timeout=self.timeout)


def _close(smtp: smtplib.SMTP) -> None:
    """Say goodbye; the message is already accepted (or refused), so errors don't matter."""
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def _answer(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(text.split())}".strip()


def _is_temporary(code: int) -> bool:
    """4xx: try again later; 5xx (and anything else): not without a change."""
    return 400 <= code < 500


def _refusals(refused: dict[str, tuple[int, bytes]]) -> str:
    return "; ".join(
        f"de ontvanger {address}: {_answer(code, text)}"
        for address, (code, text) in refused.items()
    )


def _timed_out(exc: BaseException) -> bool:
    """A timeout, or smtplib's "connection unexpectedly closed" caused by one."""
    return isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, socket.gaierror):
        return f"de naam van de server is niet te vinden ({exc.strerror})"
    if isinstance(exc, ConnectionRefusedError):
        return "de verbinding werd geweigerd (draait er een mailserver op die poort?)"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


# --- the outbox folder -------------------------------------------------------------------------

_FILE_NAME = re.compile(r"(\d{8}T\d{6}Z)-(.+)\.eml")
_MAX_TOKEN = 200
_FOLDER_LOCKS: dict[Path, threading.Lock] = {}  # one per outbox folder, in this process
_FOLDER_LOCKS_GUARD = threading.Lock()


class OutboxChannel:
    """Writes each message as ``<date>-<key>.eml`` into ``folder`` (created when needed).

    ``<date>`` is the message's ``Date`` header in UTC (``20280325T080000Z``), so the files
    sort in the order they were sent; ``<key>`` is the reminder key with ``/`` as ``.``
    (``deadline-17.rung-2.person-5``), or, for a message that is no reminder, its
    ``Message-ID`` made safe for a file name.

    * **Atomic**: the message is written to a hidden temporary file in the same folder,
      flushed to disk and renamed (``os.replace``); a failure leaves no ``.eml`` and no
      temporary file.
    * **Once per Message-ID**: when the folder already holds a file for the message's
      ``Message-ID``, nothing is written (a reminder sent again after a crash). The check
      and the write are serialised within one process; the ledger sees to it that two
      processes do not send the same reminder at the same moment.

    Files are written with CRLF line ends (the form in which mail travels) and are readable
    by their owner only: they hold names and e-mail addresses.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def __repr__(self) -> str:
        return f"OutboxChannel({str(self.folder)!r})"

    def send(self, message: EmailMessage) -> None:
        message_id = message.get("Message-ID")
        if not message_id:
            raise DeliveryError(
                "een bericht zonder Message-ID kan niet in de outbox: zonder Message-ID is "
                "een tweede verzending niet te herkennen",
                temporary=False,
            )
        token = file_token(str(message_id))
        name = f"{_stamp(message)}-{token}.eml"
        with self._lock():
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                if self._find_token(token) is not None:
                    return
                _write_atomically(self.folder, name, message.as_bytes(policy=SMTP_POLICY))
            except OSError as exc:
                raise DeliveryError(
                    f"e-mail aan {message.get('To', '(geen ontvanger)')} niet in de outbox "
                    f"{self.folder} geschreven: {_describe(exc)}",
                    temporary=True,
                ) from exc

    def find(self, message_id: str) -> Path | None:
        """The file holding the message with this ``Message-ID``, if the outbox has one."""
        if not self.folder.is_dir():
            return None
        return self._find_token(file_token(message_id))

    def _find_token(self, token: str) -> Path | None:
        with os.scandir(self.folder) as entries:
            for entry in entries:
                match = _FILE_NAME.fullmatch(entry.name)
                if match and match[2] == token:
                    return Path(entry.path)
        return None

    def _lock(self) -> threading.Lock:
        key = self.folder.resolve()
        with _FOLDER_LOCKS_GUARD:
            return _FOLDER_LOCKS.setdefault(key, threading.Lock())


def file_token(message_id: str) -> str:
    """The part of the file name that stands for ``message_id``.

    A reminder's ``<reminder.deadline-17.rung-2.person-5@toetreding>`` gives
    ``deadline-17.rung-2.person-5``; any other ``Message-ID`` gives itself without the
    angle brackets and with every character outside ``A-Z a-z 0-9 . _ - @`` as ``%XX``
    (it keeps its ``@``, so it never equals a reminder's token). Over 200 characters, the
    SHA-256 of the ``Message-ID`` is used instead.
    """
    token = token_from_message_id(message_id)
    if token is None:
        token = quote(message_id.strip().removeprefix("<").removesuffix(">"), safe="@._-")
        if token.startswith("."):
            token = "%2E" + token[1:]
    if len(token) > _MAX_TOKEN:
        token = "sha256-" + hashlib.sha256(message_id.strip().encode()).hexdigest()
    return token


def _stamp(message: EmailMessage) -> str:
    """The ``Date`` header in UTC as ``YYYYMMDDTHHMMSSZ``; a header without zone is UTC."""
    header = message.get("Date")
    moment: dt.datetime | None = getattr(header, "datetime", None)
    if moment is None and isinstance(header, str):  # a message in the compat32 policy
        with contextlib.suppress(TypeError, ValueError):
            moment = parsedate_to_datetime(header)
    if moment is None:
        raise DeliveryError(
            "een bericht zonder geldige Date-kop kan niet in de outbox: de bestandsnaam "
            "begint met het moment van verzenden",
            temporary=False,
        )
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _write_atomically(folder: Path, name: str, data: bytes) -> None:
    """``folder/name`` holds ``data`` completely, or does not exist."""
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=".eml.part")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, folder / name)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_folder(folder)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); best effort elsewhere."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
