"""The exception tree of toetreding.

Every error raised on purpose derives from :class:`ToetredingError`; messages are
Dutch because they reach coordinators and schools through the CLI and web pages. A message
says what is wrong in words every interface can show; how to put it right on the command
line (an option, a command) goes in ``hint``, which the CLI prints and the web pages and
API, with their own forms, leave out.

    ToetredingError
    ├── DefinitionError          a protocol file is malformed (file, line, key per problem)
    ├── ConfigurationError       settings or environment are unusable
    │   └── CalendarDataError        the calendar data file is malformed or lacks a year/region
    ├── NotFoundError            a partnership, school, person, case or protocol is unknown
    ├── ConflictError            the thing already exists, or changed meanwhile
    │   └── ConcurrentUpdateError    another request moved the case first
    ├── InvalidInputError        a value given by a user is not acceptable
    │   ├── IncompleteAudit          audit scores lack criteria, so no advice can be given
    │   └── FileRefused              an uploaded file is of a type that is not accepted
    │       └── FileTooLarge             an uploaded file is larger than the limit
    ├── DeliveryError            an e-mail was not delivered (SMTP server or outbox folder)
    ├── TooManyAttempts          too many failed sign-ins lately; try again after retry_after s
    └── TransitionRefused        a trigger may not fire now (nothing was changed)
        ├── TriggerNotAvailable      unknown here, or not from the current state
        ├── RoleNotAllowed           the actor lacks a role that may fire it
        ├── MissingInput             a required input is absent or malformed
        └── GuardFailed              a rule of the protocol says no
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Self


class ToetredingError(Exception):
    """Root of all errors raised by toetreding."""

    hint: str = ""  # the command-line way to put it right, e.g. "--evidence TEKST"

    def with_hint(self, hint: str) -> Self:
        self.hint = hint
        return self


@dataclass(frozen=True)
class DefinitionProblem:
    """One problem in a protocol file, with where it is."""

    file: str
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.key}: {self.message}"


class DefinitionError(ToetredingError):
    """A protocol definition could not be loaded; lists every problem found."""

    def __init__(self, problems: list[DefinitionProblem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        count = "1 probleem" if len(problems) == 1 else f"{len(problems)} problemen"
        super().__init__(f"Ongeldig bestand ({count}):\n{lines}")


class ConfigurationError(ToetredingError):
    """Settings or environment are unusable."""


class CalendarDataError(ConfigurationError):
    """The calendar data file is malformed, or lacks the school year or region asked for.

    ``file`` names the file to edit; ``keys`` the offending keys (dotted), if any.
    """

    def __init__(self, message: str, *, file: str, keys: tuple[str, ...] = ()) -> None:
        self.file = file
        self.keys = keys
        super().__init__(message)


class MissingCalendarData(CalendarDataError):
    """The calendar lacks the summer vacation of ``school_year`` (for ``region``, if named).

    Not a reason to refuse a step: a deadline that needs it waits ("datum volgt")."""

    def __init__(
        self, message: str, *, file: str, school_year: str, region: str | None = None
    ) -> None:
        self.school_year = school_year
        self.region = region
        keys = (f"school_years.{school_year}" + (f".{region}" if region else ""),)
        super().__init__(message, file=file, keys=keys)

    @property
    def missing(self) -> str:
        """What is missing, in words: ``zomervakantie 2025-2026 van regio noord``."""
        return missing_vacation(self.school_year, self.region)


def missing_vacation(school_year: str, region: str | None) -> str:
    """The summer vacation of ``school_year`` (of ``region``, if named), in words."""
    return f"zomervakantie {school_year}" + (f" van regio {region}" if region else "")


class NotFoundError(ToetredingError):
    """A referenced object does not exist."""


class AdminOnly(ToetredingError):
    """Only an administrator may do this (e.g. publish a protocol version)."""


class ConflictError(ToetredingError):
    """The object already exists or conflicts with what is stored."""


class ConcurrentUpdateError(ConflictError):
    """The case changed between loading and saving; nothing was written."""


class InvalidInputError(ToetredingError):
    """A value supplied by the user is not acceptable."""


class IncompleteAudit(InvalidInputError):
    """An advice was asked for while criteria are unscored; ``missing`` holds their ids."""

    def __init__(self, message: str, *, missing: tuple[str, ...]) -> None:
        self.missing = missing
        super().__init__(message)


class FileRefused(InvalidInputError):
    """An uploaded file is not accepted (its type, found from its bytes, is not allowed);
    nothing of it was kept."""


class FileTooLarge(FileRefused):
    """An uploaded file (or request) is larger than the limit; it was not read further."""


class DeliveryError(ToetredingError):
    """An e-mail was not delivered: the SMTP server refused it or could not be reached, or
    the outbox folder could not be written. Nothing was delivered.

    ``temporary`` says whether trying again later may succeed: True for a 4xx answer, no
    connection, a timeout or a full disk; False for a 5xx answer, a refused login, a server
    without the requested encryption, or a message that cannot be sent as it is.
    """

    def __init__(self, message: str, *, temporary: bool = False) -> None:
        self.temporary = temporary
        super().__init__(message)


class TooManyAttempts(ToetredingError):
    """Too many failed sign-ins (for this account, or from this address) within a short
    while: nothing was checked; ``retry_after`` says after how many seconds to try again."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(
            "te veel mislukte pogingen om in te loggen; probeer het over "
            f"{retry_after} {'seconde' if retry_after == 1 else 'seconden'} opnieuw"
        )


@dataclass(frozen=True)
class AllowedTrigger:
    """A trigger that may fire from the current state, and who may fire it."""

    trigger: str
    label: str
    roles: tuple[str, ...]


class TransitionRefused(ToetredingError):
    """A trigger was refused. Carries the reason and the triggers allowed now.

    ``open_frame``: a rule refused because questions of the step's conversation frame are
    unanswered; each interface then says where they are answered."""

    open_frame: bool = False

    def __init__(
        self,
        reason: str,
        *,
        case_id: int | None,
        trigger: str,
        state: str,
        allowed: list[AllowedTrigger] | None = None,
        label: str | None = None,
        state_label: str | None = None,
        role_labels: Mapping[str, str] | None = None,
    ) -> None:
        self.reason = reason
        self.case_id = case_id
        self.trigger = trigger
        self.state = state
        self.allowed = allowed or []
        self.label = label or trigger  # the protocol's words for the step and the state
        self.state_label = state_label or state
        self._roles = dict(role_labels or {})
        super().__init__(self._message())

    def _message(self) -> str:
        subject = f"dossier {self.case_id}" if self.case_id is not None else "dossier"
        text = f"'{self.label}' geweigerd voor {subject} (stap '{self.state_label}'): {self.reason}"
        if self.allowed:
            # the label to read, the trigger to type (``case fire … TRIGGER``), who may
            names = "; ".join(
                f"{a.label} [{a.trigger}] door {', '.join(self._roles.get(r, r) for r in a.roles)}"
                for a in self.allowed
            )
            return f"{text}\nNu toegestaan: {names}"
        return f"{text}\nIn deze stap zijn geen handelingen meer mogelijk."


class TriggerNotAvailable(TransitionRefused):
    """The trigger does not exist or cannot fire from the current state."""


class RoleNotAllowed(TransitionRefused):
    """The actor does not hold a role that may fire this trigger."""


class MissingInput(TransitionRefused):
    """A required input is absent or malformed."""


class GuardFailed(TransitionRefused):
    """A named rule of the protocol refused the transition."""
