"""Reminders about deadlines, and hand-overs to whoever acts next, by e-mail
(docs/reminders.md).

A :class:`ReminderMessage` is rendered into an e-mail (:func:`render_reminder`: plain text
and HTML, Dutch) and delivered through a :class:`Channel`: :class:`SmtpChannel`, or
:class:`OutboxChannel` (``.eml`` files in a folder) when no SMTP server is configured;
:func:`channel_from_settings` picks one. A failed delivery raises
:class:`toetreding.DeliveryError`. The same channels carry a meeting's pack to the members
of its body (:mod:`toetreding.reminders.meeting_pack`, imported where it is used).
"""

from toetreding.reminders.channels import (
    Channel,
    OutboxChannel,
    SmtpChannel,
    channel_from_settings,
)
from toetreding.reminders.handovers import HANDOVER_STALE, plan_handovers
from toetreding.reminders.listing import ledger_rows
from toetreding.reminders.message import (
    HandoverMessage,
    Recipient,
    ReminderMessage,
    case_url,
    meeting_url,
    reminder_message_id,
)
from toetreding.reminders.render import (
    KEY_HEADER,
    handover_subject,
    reminder_subject,
    render_handover,
    render_reminder,
)
from toetreding.reminders.sweep import ReminderSweep, SweepReport

__all__ = [
    "HANDOVER_STALE",
    "KEY_HEADER",
    "Channel",
    "HandoverMessage",
    "OutboxChannel",
    "Recipient",
    "ReminderMessage",
    "ReminderSweep",
    "SmtpChannel",
    "SweepReport",
    "case_url",
    "channel_from_settings",
    "handover_subject",
    "ledger_rows",
    "meeting_url",
    "plan_handovers",
    "reminder_message_id",
    "reminder_subject",
    "render_handover",
    "render_reminder",
]
