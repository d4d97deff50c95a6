"""The meeting pack by e-mail to the members of the meeting's body, on request
(``toetreding meeting pack N --send``, the button on the meeting page).

Every member with a usable address gets one e-mail (Dutch, plain text and HTML, the pack's
PDF attached, a link to the meeting) through the same :class:`Channel` as the reminders:
SMTP, or the outbox folder. The request is recorded before the first e-mail goes out (the
service refuses a second request that was not asked for explicitly), then each member's
outcome as it happens: a failed delivery is recorded with its Dutch reason and the others
still go. The ``Message-ID`` names the meeting, the request and the member, so the outbox
keeps one file per member per request.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from toetreding._exceptions import DeliveryError
from toetreding.audits import AuditDesk
from toetreding.clock import local
from toetreding.documents.filters import dutch_date
from toetreding.documents.meetings import meeting_pack, pack_pdf
from toetreding.reminders.channels import Channel
from toetreding.reminders.message import MESSAGE_ID_DOMAIN, meeting_url
from toetreding.reminders.render import _environment, one_line
from toetreding.service import MeetingView, PackPlan, PackRecipient

TEXT_TEMPLATE = "vergaderstukken.txt.j2"
HTML_TEMPLATE = "vergaderstukken.html.j2"


@dataclass(frozen=True)
class PackResult:
    """What one request did: the members it reached, those it did not (and why), and the
    members without a usable e-mail address."""

    version: int
    sent: tuple[str, ...]
    failed: tuple[tuple[str, str], ...]  # (name, Dutch reason)
    without_address: tuple[str, ...]


@dataclass(frozen=True)
class PackMail:
    """What the e-mail of one request says, the same for every member."""

    view: MeetingView
    plan: PackPlan
    version: int
    url: str
    pdf: bytes


def pack_message_id(meeting_id: int, version: int, person_id: int) -> str:
    """``<vergaderstukken.vergadering-5.versie-2.persoon-7@toetreding>``."""
    return (
        f"<vergaderstukken.vergadering-{meeting_id}.versie-{version}.persoon-{person_id}"
        f"@{MESSAGE_ID_DOMAIN}>"
    )


def pack_subject(view: MeetingView) -> str:
    """``Vergaderstukken Stuurgroep, 12 maart 2027 14:00``."""
    meeting = view.meeting
    return (
        f"Vergaderstukken {one_line(view.body_label)}, {dutch_date(meeting.day)} "
        f"{meeting.starts_at:%H:%M}"
    )


def attachment_name(view: MeetingView) -> str:
    """``vergaderstukken-stuurgroep-2027-03-12.pdf``."""
    return f"vergaderstukken-{view.meeting.body}-{view.meeting.day.isoformat()}.pdf"


def render_pack_mail(
    mail: PackMail, recipient: PackRecipient, *, sender: str, now: dt.datetime
) -> EmailMessage:
    """The e-mail to ``recipient``: text and HTML, the pack's PDF attached, dated ``now``."""
    view = mail.view
    context = _context(mail, recipient)
    message = EmailMessage()
    message["Subject"] = context["subject"]
    message["From"] = sender
    message["To"] = Address(display_name=one_line(recipient.name), addr_spec=recipient.email)
    asker = mail.plan.requested_by
    if asker.email:
        message["Reply-To"] = Address(display_name=one_line(asker.name), addr_spec=asker.email)
    message["Date"] = format_datetime(local(now))
    message["Message-ID"] = pack_message_id(view.meeting.id, mail.version, recipient.person_id)
    for template, subtype, autoescape in (
        (TEXT_TEMPLATE, "plain", False),
        (HTML_TEMPLATE, "html", True),
    ):
        text = _environment(autoescape=autoescape).get_template(template).render(context)
        add = message.set_content if subtype == "plain" else message.add_alternative
        add(text, subtype=subtype, charset="utf-8", cte="quoted-printable")
    message.add_attachment(
        mail.pdf, maintype="application", subtype="pdf", filename=attachment_name(view)
    )
    message["Content-Language"] = "nl"  # after the parts: set_content drops Content-* headers
    return message


def _context(mail: PackMail, recipient: PackRecipient) -> dict[str, Any]:
    view = mail.view
    meeting = view.meeting
    return {
        "subject": pack_subject(view),
        "name": one_line(recipient.name),
        "body_name": one_line(mail.plan.body_name),
        "partnership": one_line(view.partnership.name),
        "day": dutch_date(meeting.day),
        "time": f"{meeting.starts_at:%H:%M}",
        "place": one_line(meeting.place),
        "schools": [one_line(item.item.school_name) for item in view.items],
        "url": one_line(mail.url),
        "requester": one_line(mail.plan.requested_by.name),
        "again": mail.version > 1,
    }


def send_meeting_pack(
    desk: AuditDesk,
    meeting_id: int,
    *,
    actor_ref: str | int,
    channel: Channel,
    sender: str,
    base_url: str,
    again: bool = False,
    seen_version: int | None = None,
    templates_dir: Path | None = None,
) -> PackResult:
    """Send the pack as it stands now to every member of the meeting's body with a usable
    address, one e-mail each; each outcome recorded. Refused (nothing sent) when the actor
    may not, when it was sent before and ``again`` is not given, or when ``seen_version``
    (the requests the asker saw) is not the number recorded now."""
    app = desk.app
    plan = app.plan_pack_sending(
        meeting_id, actor_ref=actor_ref, again=again, seen_version=seen_version
    )
    pdf = pack_pdf(meeting_pack(desk, meeting_id), templates_dir)
    version = app.start_pack_sending(plan)
    mail = PackMail(
        view=app.meeting_view(meeting_id),
        plan=plan,
        version=version,
        url=meeting_url(base_url, meeting_id),
        pdf=pdf,
    )
    sent: list[str] = []
    failed: list[tuple[str, str]] = []
    for recipient in plan.recipients:
        message = render_pack_mail(mail, recipient, sender=sender, now=app.clock.now())
        try:
            channel.send(message)
        except DeliveryError as exc:
            app.pack_sent(meeting_id, version, recipient.person_id, str(exc))
            failed.append((recipient.name, str(exc)))
            continue
        app.pack_sent(meeting_id, version, recipient.person_id)
        sent.append(recipient.name)
    return PackResult(
        version=version,
        sent=tuple(sent),
        failed=tuple(failed),
        without_address=tuple(r.name for r in plan.without_address),
    )
