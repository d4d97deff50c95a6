"""A :class:`ReminderMessage` as an e-mail: plain text and HTML, both Dutch.

The e-mail is ``multipart/alternative`` with a ``text/plain`` part
(``templates/herinnering.txt.j2``) and a ``text/html`` part (``templates/herinnering.html.j2``),
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
from toetreding.reminders.message import ReminderMessage

TEXT_TEMPLATE = "herinnering.txt.j2"
HTML_TEMPLATE = "herinnering.html.j2"
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
    context = _context(reminder)
    message = EmailMessage()
    message["Subject"] = reminder_subject(reminder)
    message["From"] = sender
    message["To"] = Address(
        display_name=one_line(reminder.recipient.name), addr_spec=reminder.recipient.email
    )
    message["Date"] = format_datetime(local(now))
    message["Message-ID"] = reminder.message_id
    message[KEY_HEADER] = reminder.key
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(
        _environment(autoescape=False).get_template(TEXT_TEMPLATE).render(context),
        subtype="plain",
        charset="utf-8",
        cte="quoted-printable",
    )
    message.add_alternative(
        _environment(autoescape=True).get_template(HTML_TEMPLATE).render(context),
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
