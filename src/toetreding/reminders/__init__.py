"""Reminders about deadlines, by e-mail (docs/reminders.md).

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
from toetreding.reminders.message import (
    Recipient,
    ReminderMessage,
    case_url,
    meeting_url,
    reminder_message_id,
)
from toetreding.reminders.render import KEY_HEADER, reminder_subject, render_reminder
from toetreding.reminders.sweep import ReminderSweep, SweepReport

__all__ = [
    "KEY_HEADER",
    "Channel",
    "OutboxChannel",
    "Recipient",
    "ReminderMessage",
    "ReminderSweep",
    "SmtpChannel",
    "SweepReport",
    "case_url",
    "channel_from_settings",
    "meeting_url",
    "reminder_message_id",
    "reminder_subject",
    "render_reminder",
]
