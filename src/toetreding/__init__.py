"""toetreding: admission protocols of Samen Opleiden partnerships as durable state machines.

Public API::

    from toetreding import Toetreding, Settings, FixedClock, ProtocolRegistry
    app = Toetreding.from_settings(Settings.from_env(), FixedClock(...))
    case_id = app.open_case(school_ref="12AB", protocol_id="partnerschap2", actor_ref="a@b.nl")
    app.fire(case_id, "orientatie_afronden", actor_ref="a@b.nl", inputs={...})
"""

from typing import TYPE_CHECKING

from toetreding._exceptions import (
    AllowedTrigger,
    CalendarDataError,
    ConcurrentUpdateError,
    ConfigurationError,
    ConflictError,
    DefinitionError,
    DefinitionProblem,
    DeliveryError,
    FileRefused,
    FileTooLarge,
    GuardFailed,
    IncompleteAudit,
    InvalidInputError,
    MissingCalendarData,
    MissingInput,
    NotFoundError,
    RoleNotAllowed,
    ToetredingError,
    TooManyAttempts,
    TransitionRefused,
    TriggerNotAvailable,
)
from toetreding._lazy import lazy_names
from toetreding.clock import Clock, FixedClock, SystemClock
from toetreding.settings import Settings

if TYPE_CHECKING:
    from toetreding.definition import ProtocolRegistry, ProtocolSpec, load_protocol_file
    from toetreding.service import CaseView, Toetreding

# Imported on first use: every submodule import (``toetreding.cli`` for ``--help`` too) runs
# this file first, and the service pulls in SQLAlchemy and pydantic (most of a second).
_LAZY = {
    "ProtocolRegistry": "toetreding.definition",
    "ProtocolSpec": "toetreding.definition",
    "load_protocol_file": "toetreding.definition",
    "CaseView": "toetreding.service",
    "Toetreding": "toetreding.service",
}


__getattr__ = lazy_names(__name__, _LAZY)


__all__ = [
    "AllowedTrigger",
    "CalendarDataError",
    "CaseView",
    "Clock",
    "ConcurrentUpdateError",
    "ConfigurationError",
    "ConflictError",
    "DefinitionError",
    "DefinitionProblem",
    "DeliveryError",
    "FileRefused",
    "FileTooLarge",
    "FixedClock",
    "GuardFailed",
    "IncompleteAudit",
    "InvalidInputError",
    "MissingCalendarData",
    "MissingInput",
    "NotFoundError",
    "ProtocolRegistry",
    "ProtocolSpec",
    "RoleNotAllowed",
    "Settings",
    "SystemClock",
    "Toetreding",
    "ToetredingError",
    "TooManyAttempts",
    "TransitionRefused",
    "TriggerNotAvailable",
    "load_protocol_file",
]
