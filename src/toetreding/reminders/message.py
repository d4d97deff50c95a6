"""One reminder about one deadline, for one person: the record an e-mail is rendered from.

The records hold only ``str``, ``int``, ``bool`` and ``datetime.date``; whoever sends
reminders (the sweep) fills them, and :mod:`toetreding.reminders.render` reads nothing else.
Labels are Dutch, as the reader sees them (``"Kennismakingsgesprek"``,
``"Besluit over aansluiten doorgeven"``, ``"Aanvragende school"``).

The ``key`` names the reminder in the ledger (``deadline-17/rung-2/person-5``): segments of
letters, digits, ``-`` and ``_`` separated by ``/``. The e-mail's ``Message-ID`` is made
from it (:func:`reminder_message_id`), so a message sent again after a crash carries the
same ``Message-ID`` and the outbox (and a recipient's mail program) can recognise it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from toetreding._exceptions import InvalidInputError

KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]+(?:/[A-Za-z0-9_-]+)*")
MAX_KEY_LENGTH = 200  # the key also names the outbox file
MESSAGE_ID_DOMAIN = "toetreding"
_MESSAGE_ID = re.compile(rf"<reminder\.([A-Za-z0-9_.-]+)@{MESSAGE_ID_DOMAIN}>")
_ADDRESS = re.compile(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+")


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise InvalidInputError(message)


def check_key(key: str) -> str:
    """``key`` when it is a valid ledger key, else InvalidInputError."""
    _require(
        bool(KEY_PATTERN.fullmatch(key)) and len(key) <= MAX_KEY_LENGTH,
        f"ongeldige sleutel voor een herinnering: {key!r} (gebruik letters, cijfers, '-' en "
        f"'_', in delen gescheiden door '/', hoogstens {MAX_KEY_LENGTH} tekens)",
    )
    return key


def key_token(key: str) -> str:
    """The key with ``/`` as ``.``: ``deadline-17.rung-2.person-5``. One-to-one, because a
    key holds no ``.``; safe in a ``Message-ID`` and in a file name."""
    return check_key(key).replace("/", ".")


def reminder_message_id(key: str) -> str:
    """``<reminder.deadline-17.rung-2.person-5@toetreding>`` for ``deadline-17/rung-2/person-5``:
    the same key always gives the same ``Message-ID``."""
    return f"<reminder.{key_token(key)}@{MESSAGE_ID_DOMAIN}>"


def token_from_message_id(message_id: str) -> str | None:
    """The key token of a ``Message-ID`` made by :func:`reminder_message_id`, else None."""
    match = _MESSAGE_ID.fullmatch(message_id.strip())
    return match[1] if match else None


def case_url(base_url: str, case_id: int) -> str:
    """The link to a case: ``{base_url}/dossiers/{case_id}`` (setting ``TOETREDING_BASE_URL``)."""
    return f"{base_url.rstrip('/')}/dossiers/{case_id}"


def meeting_url(base_url: str, meeting_id: int) -> str:
    """The link to a meeting: ``{base_url}/vergaderingen/{meeting_id}``."""
    return f"{base_url.rstrip('/')}/vergaderingen/{meeting_id}"


@dataclass(frozen=True)
class Recipient:
    """Who receives the reminder, e.g. ``Recipient("Sam Jansen", "sam@noordik.nl")``."""

    name: str
    email: str

    def __post_init__(self) -> None:
        _require(
            bool(_ADDRESS.fullmatch(self.email)),
            f"'{self.email}' is geen bruikbaar e-mailadres voor {self.name or 'de ontvanger'}",
        )


@dataclass(frozen=True, kw_only=True)
class ReminderMessage:
    """A reminder that a deadline of a case is near, due today, or passed.

    ``days_left`` counts from today to ``due_date``: 7 is "nog 7 dagen", 0 "vandaag", -3
    "3 dagen te laat". ``escalation`` marks a missed deadline escalated to a role: such a
    reminder is always overdue (``days_left < 0``). ``role_label`` says why this person gets
    it (``"Aanvragende school"``, ``"Coördinator"``). ``case_url`` is the link to the case
    (:func:`case_url`), ``http://`` or ``https://``.
    """

    key: str
    recipient: Recipient
    partnership_name: str
    school_name: str
    case_id: int
    step_label: str
    deadline_label: str
    due_date: dt.date
    days_left: int
    escalation: bool
    role_label: str
    case_url: str

    def __post_init__(self) -> None:
        check_key(self.key)
        _require(
            not self.escalation or self.days_left < 0,
            f"herinnering {self.key}: een escalatie hoort bij een gemiste termijn, maar er "
            f"zijn nog {self.days_left} dagen",
        )
        _require(
            self.case_url.startswith(("http://", "https://")),
            f"herinnering {self.key}: de link naar het dossier moet met http:// of https:// "
            f"beginnen, niet '{self.case_url}'",
        )
        for name in ("deadline_label", "school_name", "partnership_name"):
            _require(
                bool(str(getattr(self, name)).strip()),
                f"herinnering {self.key}: '{name}' is leeg",
            )

    @property
    def message_id(self) -> str:
        return reminder_message_id(self.key)


def account_url(base_url: str) -> str:
    """The account page, where a person turns hand-over e-mails off."""
    return f"{base_url.rstrip('/')}/account"


@dataclass(frozen=True, kw_only=True)
class HandoverMessage:
    """A case was handed to the recipient's role: what is asked of them now.

    ``key`` is the ledger's (``handover-41/person-5``). The labels are the protocol's:
    the step the case is in, what the role may do there, the documents it expects, the
    soonest open deadline (``deadline_due`` in words, e.g. ``31 maart 2028`` or ``datum volgt
    (…)``).
    """

    key: str
    recipient: Recipient
    partnership_name: str
    school_name: str
    case_id: int
    step_label: str
    step_description: str
    role_label: str
    actions: tuple[str, ...]
    documents: tuple[str, ...]
    deadline_label: str | None
    deadline_due: str | None
    case_url: str
    account_url: str

    def __post_init__(self) -> None:
        check_key(self.key)
        for url in (self.case_url, self.account_url):
            _require(
                url.startswith(("http://", "https://")),
                f"bericht {self.key}: een link moet met http:// of https:// beginnen, niet '{url}'",
            )
        for name in ("step_label", "school_name", "partnership_name"):
            _require(
                bool(str(getattr(self, name)).strip()), f"bericht {self.key}: '{name}' is leeg"
            )

    @property
    def message_id(self) -> str:
        return reminder_message_id(self.key)
