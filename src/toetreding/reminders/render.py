"""A :class:`ReminderMessage` as an e-mail: plain text and HTML, both Dutch.

The e-mail is ``multipart/alternative`` with a ``text/plain`` part
(``templates/herinnering.txt.j2``; a hand-over: ``overdracht.txt.j2``) and a ``text/html``
part (``templates/herinnering.html.j2``, ``overdracht.html.j2``),
both UTF-8 in quoted-printable, so every line is 7-bit and short whatever the text.

* The HTML template escapes everything it prints (autoescape); the plain-text template
  prints values as they are (no ``&amp;``). Every value is first folded onto one line
  (control characters and line breaks become a space), so a school name cannot add lines
  to the text that look like the message's own, nor a header.
* Headers: ``Subject`` (:func:`reminder_subject`), ``From`` (the setting
  ``TOETREDING_MAIL_FROM``), ``To``, ``Date`` (the ``now`` given, never the wall clock),
  ``Message-ID`` (from the key, the same on every resend), ``X-Toetreding-Key`` (the key),
  ``Auto-Submitted: auto-generated`` (RFC 3834: no out-of-office replies) and
  ``Content-Language: nl``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from toetreding.clock import local
from toetreding.documents.filters import dutch_date
from toetreding.reminders.message import (
    HandoverMessage,
    Recipient,
    ReminderMessage,
    reminder_message_id,
)

KEY_HEADER = "X-Toetreding-Key"

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_SPACES = re.compile(r"\s+")


def one_line(text: str) -> str:
    """``text`` on one line: control characters and line breaks become a space, runs of
    white space one space."""
    return _SPACES.sub(" ", _CONTROL.sub(" ", text)).strip()


def days_phrase(days_left: int) -> str:
    """``nog 7 dagen``, ``nog 1 dag``, ``vandaag``, ``1 dag te laat``, ``3 dagen te laat``."""
    if days_left > 0:
        return f"nog {_days(days_left)}"
    if days_left == 0:
        return "vandaag"
    return f"{_days(-days_left)} te laat"


def _days(count: int) -> str:
    return "1 dag" if count == 1 else f"{count} dagen"


def reminder_subject(reminder: ReminderMessage) -> str:
    """The subject line; what is due comes first, the urgency before it.

    * ``Herinnering: Besluit over aansluiten doorgeven — nog 7 dagen (uiterlijk 1 april 2028)``
    * ``Vandaag: Besluit over aansluiten doorgeven — uiterlijk vandaag (1 april 2028)``
    * ``Verlopen: Besluit over aansluiten doorgeven (was uiterlijk 1 april 2028)``
    * ``Escalatie: Besluit over aansluiten doorgeven — Het Noordik (was uiterlijk 1 april 2028)``
      (an escalation goes to a role that follows many schools, so it names the school)
    """
    what = one_line(reminder.deadline_label)
    due = dutch_date(reminder.due_date)
    if reminder.escalation:
        return f"Escalatie: {what} — {one_line(reminder.school_name)} (was uiterlijk {due})"
    if reminder.days_left < 0:
        return f"Verlopen: {what} (was uiterlijk {due})"
    if reminder.days_left == 0:
        return f"Vandaag: {what} — uiterlijk vandaag ({due})"
    return f"Herinnering: {what} — {days_phrase(reminder.days_left)} (uiterlijk {due})"


def render_reminder(reminder: ReminderMessage, *, sender: str, now: dt.datetime) -> EmailMessage:
    """The reminder as an e-mail from ``sender`` (``Naam <adres>``), dated ``now``.

    ``now`` is the moment of sending; a naive datetime is read as Dutch local time. The
    ``Date`` header is in Dutch local time.
    """
    return _compose(
        "herinnering",
        _context(reminder),
        key=reminder.key,
        recipient=reminder.recipient,
        sender=sender,
        now=now,
    )


def handover_subject(handover: HandoverMessage) -> str:
    """``Aan de beurt: Zelfevaluatie beoordelen — Het Noordik``."""
    return f"Aan de beurt: {one_line(handover.step_label)} — {one_line(handover.school_name)}"


def render_handover(handover: HandoverMessage, *, sender: str, now: dt.datetime) -> EmailMessage:
    """The hand-over as an e-mail, built as a reminder is (headers, parts, folding)."""
    context = {
        "name": one_line(handover.recipient.name),
        "partnership": one_line(handover.partnership_name),
        "school": one_line(handover.school_name),
        "case_id": handover.case_id,
        "step": one_line(handover.step_label),
        "description": one_line(handover.step_description),
        "role": one_line(handover.role_label),
        "actions": [one_line(a) for a in handover.actions],
        "documents": [one_line(d) for d in handover.documents],
        "deadline": one_line(handover.deadline_label or ""),
        "due": one_line(handover.deadline_due or ""),
        "url": one_line(handover.case_url),
        "account_url": one_line(handover.account_url),
        "subject": handover_subject(handover),
    }
    return _compose(
        "overdracht",
        context,
        key=handover.key,
        recipient=handover.recipient,
        sender=sender,
        now=now,
    )


def _compose(
    template: str,
    context: dict[str, Any],
    *,
    key: str,
    recipient: Recipient,
    sender: str,
    now: dt.datetime,
) -> EmailMessage:
    """``template``.txt.j2 and .html.j2 as one ``multipart/alternative`` e-mail."""
    message = EmailMessage()
    message["Subject"] = context["subject"]
    message["From"] = sender
    message["To"] = Address(display_name=one_line(recipient.name), addr_spec=recipient.email)
    message["Date"] = format_datetime(local(now))
    message["Message-ID"] = reminder_message_id(key)
    message[KEY_HEADER] = key
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(
        _environment(autoescape=False).get_template(f"{template}.txt.j2").render(context),
        subtype="plain",
        charset="utf-8",
        cte="quoted-printable",
    )
    message.add_alternative(
        _environment(autoescape=True).get_template(f"{template}.html.j2").render(context),
        subtype="html",
        charset="utf-8",
        cte="quoted-printable",
    )
    message["Content-Language"] = "nl"  # after the parts: set_content drops Content-* headers
    return message


def _context(reminder: ReminderMessage) -> dict[str, Any]:
    """What the templates read: every text on one line, the date and days in words."""
    return {
        "name": one_line(reminder.recipient.name),
        "partnership": one_line(reminder.partnership_name),
        "school": one_line(reminder.school_name),
        "case_id": reminder.case_id,
        "step": one_line(reminder.step_label),
        "deadline": one_line(reminder.deadline_label),
        "due": dutch_date(reminder.due_date),
        "days_left": reminder.days_left,
        "days": days_phrase(reminder.days_left),
        "days_ago": _days(-reminder.days_left) if reminder.days_left < 0 else "",
        "escalation": reminder.escalation,
        "role": one_line(reminder.role_label),
        "url": one_line(reminder.case_url),
        "subject": reminder_subject(reminder),
    }


@functools.cache
def _environment(*, autoescape: bool) -> Environment:
    return Environment(
        loader=PackageLoader("toetreding.reminders", "templates"),
        autoescape=autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
