"""Stage 2 of loading: validated, immutable definition objects.

These pydantic models are the protocol file format. Every model forbids unknown keys, so a
typo is an error, never a silently ignored line. New optional keys (deadlines, reminders,
the audit framework) can be added later without breaking files written against ``format: 1``.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from toetreding.calendar import SUMMER_VACATION, DayLimit, parse_day_month
from toetreding.formats import Identifier, ProtocolId, Spec, Text
from toetreding.roles import ROLE_LABELS

ALL_ACTIVE_STATES = "*"


class Sector(StrEnum):
    """School sectors: primary, secondary, vocational."""

    PO = "po"
    VO = "vo"
    MBO = "mbo"


class InputKind(StrEnum):
    """What a required input of a transition holds."""

    NOTE = "note"  # the event's free-text note (``--note``)
    TEXT = "text"  # a named free text, e.g. the conditions for admission
    DOCUMENT = "document"  # a file (or, with ``multiple``, files) uploaded with the step
    CONFIRMATION = "confirmation"  # an explicit yes, e.g. written acceptance of conditions
    DATE = "date"  # a calendar date, e.g. the agreed audit date
    NUMBER = "number"  # a whole number, e.g. the number of pages
    SCHOOL_YEAR = "school_year"  # a school year named like 2027-2028


class StepSpec(Spec):
    """A numbered step of the protocol as the source document names it."""

    number: int = Field(ge=1)
    label: Text


class ArtefactSpec(Spec):
    """A document or product expected while a case is in a state."""

    name: Identifier
    label: Text
    owner: Identifier | None = None
    max_pages: int | None = Field(default=None, ge=1)
    description: str = ""


class InputSpec(Spec):
    """An input a person must (or may) supply when firing a transition."""

    name: Identifier
    kind: InputKind
    label: Text
    required: bool = True
    help: str = ""
    # A document input that takes several files (e.g. a portfolio with its appendices). Left
    # out of the definition while false, so existing protocol versions keep their digest.
    multiple: bool = Field(default=False, exclude_if=lambda value: not value)
    # The range of a number input, both ends included (e.g. a page count: min 1). Left out
    # of the definition when not given, so existing protocol versions keep their digest.
    min: int | None = Field(default=None, exclude_if=lambda value: value is None)
    max: int | None = Field(default=None, exclude_if=lambda value: value is None)

    @model_validator(mode="after")
    def _range_for_numbers(self) -> InputSpec:
        if (self.min is not None or self.max is not None) and self.kind is not InputKind.NUMBER:
            raise ValueError("min en max horen alleen bij een invoer van soort number")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is groter dan max ({self.max})")
        return self


_DURATION = re.compile(
    r"^\s*(?P<count>\d+)\s+(?P<unit>"
    r"years?|jaar|jaren|months?|maanden?|weeks?|weken?|days?|dagen?|working days?|werkdagen?"
    r")\s*$"
)
_UNITS = {
    "year": "years", "years": "years", "jaar": "years", "jaren": "years",
    "month": "months", "months": "months", "maand": "months", "maanden": "months",
    "week": "weeks", "weeks": "weeks", "weken": "weeks",
    "day": "days", "days": "days", "dag": "days", "dagen": "days",
    "working day": "working_days", "working days": "working_days",
    "werkdag": "working_days", "werkdagen": "working_days",
}  # fmt: skip


class Duration(BaseModel):
    """A span like ``1 year``, ``6 weeks`` or ``10 working days`` (Dutch units work too)."""

    model_config = ConfigDict(frozen=True)

    count: int
    unit: Literal["years", "months", "weeks", "days", "working_days"]

    @classmethod
    def parse(cls, text: str) -> Duration:
        match = _DURATION.match(text.lower())
        if match is None:
            raise ValueError(
                f"'{text}' is geen termijn; schrijf bijv. '1 year', '6 weeks', '10 working days'"
                " (of '1 jaar', '6 weken', '10 werkdagen')"
            )
        return cls(count=int(match["count"]), unit=_UNITS[match["unit"]])


class DueSpec(Spec):
    """When a deadline falls. Exactly one of ``after``, ``before``, ``by`` and ``input`` says
    how; the others refine it.

    A day in the year is written with the word that says whether that day still counts:
    ``before: 1 april`` ("vóór 1 april") makes 31 March the last day, ``by: 1 augustus``
    ("uiterlijk 1 augustus") makes 1 August the last day. ``before: zomervakantie`` is the
    last school day before the summer vacation of the school's region.
    """

    after: str | None = None  # a duration after the anchor
    counted_from: str = "entered"  # 'entered' (the state) or the name of a date input
    before: str | None = None  # a day in the year ('1 april') or 'zomervakantie'
    by: str | None = None  # a day in the year ('1 augustus'); that day is the last day
    # For a day and the summer vacation: the school year the case entered the state in
    # ('current'), the one after ('next'), the first such last day on or after entering
    # ('upcoming', a day only), or the school year recorded in an input.
    school_year: str = "current"
    input: Identifier | None = None  # a date set by a person during the case

    @classmethod
    def retired_key(cls, key: str, value: Any) -> str | None:
        if key == "date":
            try:
                limit = DayLimit.of(str(value), before=True)
            except ValueError:
                return (
                    "'date' zei niet of de dag zelf nog meetelt: schrijf 'before: 1 april' "
                    "(vóór 1 april: de laatste dag is 31 maart) of 'by: 1 april' (uiterlijk "
                    "1 april: de laatste dag is 1 april)"
                )
            day = limit.named
            return (
                f"'date' zei niet of {day} zelf nog meetelt: schrijf 'before: {day}' (vóór "
                f"{day}: de laatste dag is {limit.last_words}) of 'by: {day}' (uiterlijk {day}: "
                f"de laatste dag is {day})"
            )
        if key == "before_summer_vacation":
            return (
                f"schrijf 'before: {SUMMER_VACATION}' (de laatste schooldag vóór de "
                "zomervakantie van de regio)"
            )
        return None

    @field_validator("after")
    @classmethod
    def _duration(cls, value: str | None) -> str | None:
        if value is not None:
            Duration.parse(value)
        return value

    @field_validator("before")
    @classmethod
    def _before(cls, value: str | None) -> str | None:
        if value is not None and value.strip().lower() == SUMMER_VACATION:
            return SUMMER_VACATION
        if value is not None:
            parse_day_month(value)
        return value

    @field_validator("by")
    @classmethod
    def _by(cls, value: str | None) -> str | None:
        if value is not None and value.strip().lower() == SUMMER_VACATION:
            raise ValueError(
                f"'by: {SUMMER_VACATION}' zegt niet welke dag de laatste is; schrijf "
                f"'before: {SUMMER_VACATION}' (de laatste schooldag vóór de zomervakantie "
                "van de regio)"
            )
        if value is not None:
            parse_day_month(value)
        return value

    @model_validator(mode="after")
    def _exactly_one_way(self) -> DueSpec:
        ways = [
            self.after is not None,
            self.before is not None,
            self.by is not None,
            self.input is not None,
        ]
        if sum(ways) != 1:
            raise ValueError("geef precies één van: after, before, by, input")
        if self.school_year == "upcoming" and self.limit is None:
            raise ValueError(
                "school_year 'upcoming' kan alleen samen met een dag ('before: 1 april' of "
                "'by: 1 april')"
            )
        return self

    @property
    def duration(self) -> Duration | None:
        return None if self.after is None else Duration.parse(self.after)

    @property
    def in_working_days(self) -> bool:
        """Counted in working days, which skip a partnership's days off too."""
        duration = self.duration
        return duration is not None and duration.unit == "working_days"

    @property
    def summer_vacation(self) -> bool:
        """Due on the last school day before the summer vacation of the school's region."""
        return self.before == SUMMER_VACATION

    @property
    def limit(self) -> DayLimit | None:
        """The day in the year and whether it still counts (``before``/``by`` a day)."""
        if self.by is not None:
            return DayLimit.of(self.by, before=False)
        if self.before is not None and not self.summer_vacation:
            return DayLimit.of(self.before, before=True)
        return None


class OnMissedSpec(Spec):
    """What happens when a deadline passes unmet: flag only, fire a trigger, or escalate."""

    fire: Identifier | None = None
    escalate: Identifier | None = None  # a role

    @model_validator(mode="after")
    def _one(self) -> OnMissedSpec:
        if self.fire is not None and self.escalate is not None:
            raise ValueError("kies 'fire' of 'escalate', niet beide")
        return self


class OnDueSpec(Spec):
    """A trigger the protocol fires itself on the due date (e.g. the start on 1 August)."""

    fire: Identifier


class ReminderSpec(Spec):
    """A rung of a deadline's reminder ladder: when, relative to the due date, and to whom.

    Exactly one of ``before`` (e.g. ``30 days``), ``on_due`` or ``after`` (an escalation
    once the deadline is missed, e.g. ``3 working days``).
    """

    before: str | None = None
    on_due: bool = False
    after: str | None = None
    to: tuple[Identifier, ...] = Field(min_length=1)  # roles; 'school' is the case's school

    @field_validator("before", "after")
    @classmethod
    def _duration(cls, value: str | None) -> str | None:
        if value is not None:
            Duration.parse(value)
        return value

    @model_validator(mode="after")
    def _exactly_one_moment(self) -> ReminderSpec:
        if sum([self.before is not None, self.on_due, self.after is not None]) != 1:
            raise ValueError("geef precies één van: before, on_due, after")
        return self

    @property
    def escalation(self) -> bool:
        return self.after is not None


class DeadlineSpec(Spec):
    """Something that must happen while a case is in a state, and by when."""

    name: Identifier
    label: Text
    met_by: tuple[Identifier, ...] = Field(min_length=1)
    due: DueSpec
    on_due: OnDueSpec | None = None
    on_missed: OnMissedSpec = OnMissedSpec()
    remind: tuple[ReminderSpec, ...] = ()
    # A reminder whose day passed longer ago than this (e.g. while no scheduler ran) is
    # skipped as stale, as is one a later rung of the same deadline has overtaken.
    stale_after: str = "3 days"
    description: str = ""

    @field_validator("stale_after")
    @classmethod
    def _stale_duration(cls, value: str) -> str:
        Duration.parse(value)
        return value

    @model_validator(mode="after")
    def _one_consequence(self) -> DeadlineSpec:
        if self.on_due is not None and (self.on_missed.fire or self.on_missed.escalate):
            raise ValueError("kies 'on_due' of 'on_missed', niet beide")
        return self

    @property
    def automatic(self) -> str | None:
        """The trigger fired on the due date, if the protocol moves the case itself."""
        return None if self.on_due is None else self.on_due.fire


class StateSpec(Spec):
    """A state of the protocol: a place where a case waits for someone to act."""

    label: Text
    step: int | None = Field(default=None, ge=1)
    description: str = ""
    final: bool = False
    outcome: Identifier | None = None
    artefacts: tuple[ArtefactSpec, ...] = ()
    deadlines: tuple[DeadlineSpec, ...] = ()
    # An unscored framework (e.g. an intake conversation frame) answered in this state, by
    # the roles ``frame_by`` names (none: the partnership's roles; left out when not given).
    frame: ProtocolId | None = None
    frame_by: tuple[Identifier, ...] = Field(default=(), exclude_if=lambda value: not value)


class TransitionSpec(Spec):
    """A move from one or more states to another, fired by a trigger."""

    trigger: Identifier
    label: Text
    source: tuple[str, ...] = Field(alias="from", min_length=1)
    dest: str = Field(alias="to")
    roles: tuple[Identifier, ...] = Field(min_length=1)
    inputs: tuple[InputSpec, ...] = ()
    guard: str | None = None
    description: str = ""

    @field_validator("source", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return (value,) if isinstance(value, str) else value

    def input(self, name: str) -> InputSpec | None:
        return next((spec for spec in self.inputs if spec.name == name), None)


class AuditGroupSpec(Spec):
    """A group the audit committee interviews, e.g. the school's management."""

    name: Identifier
    label: Text


class AuditSpec(Spec):
    """The protocol's internal audit: what it is scored against and where each part happens.

    The committee opens the audit, adds members and interviews, scores and drafts reports
    while the case is in ``open_in``; the school returns factual corrections while it is in
    ``corrections_in``; the committee decides them, may revise findings and finalizes the
    report in ``finalize_in``.
    """

    framework: ProtocolId
    advice: ProtocolId | None = None  # the advice rules (protocols/advice/); none: no advice
    groups: tuple[AuditGroupSpec, ...] = ()
    open_in: tuple[str, ...] = Field(min_length=1)
    corrections_in: str | None = None
    finalize_in: str | None = None


class MigrationSpec(Spec):
    """How the running cases of an earlier version move onto this one.

    A state of the earlier version that this version has under the same name maps onto it
    without being named. ``states`` maps the others: an old state onto its new name (two
    old states onto one new state merge them). ``removed`` names old states whose cases
    cannot move, with the reason a coordinator reads.
    """

    from_version: int = Field(alias="from", ge=1)
    states: dict[str, str] = Field(default_factory=dict)
    removed: dict[str, Text] = Field(default_factory=dict)

    def target(self, old_state: str) -> str | None:
        """Where a case in ``old_state`` lands, named or implicit (None when removed)."""
        if old_state in self.removed:
            return None
        return self.states.get(old_state, old_state)


class ProtocolSpec(Spec):
    """A whole admission protocol, one version of it."""

    format: Literal[1] = 1
    id: ProtocolId
    version: int = Field(ge=1)
    title: Text
    description: str = ""
    source: str = ""
    sectors: tuple[Sector, ...] = Field(min_length=1)
    roles: dict[Identifier, Text] = Field(min_length=1)
    opened_by: tuple[Identifier, ...] = Field(default=("coordinator",), min_length=1)
    steps: tuple[StepSpec, ...] = ()
    initial: str
    states: dict[str, StateSpec] = Field(min_length=1)
    transitions: tuple[TransitionSpec, ...] = Field(min_length=1)
    audit: AuditSpec | None = None
    # How cases of the previous version move onto this one. Left out of the definition when
    # not given, so existing protocol versions keep their digest.
    migration: MigrationSpec | None = Field(default=None, exclude_if=lambda value: value is None)

    @property
    def key(self) -> tuple[str, int]:
        return (self.id, self.version)

    def state(self, name: str) -> StateSpec:
        return self.states[name]

    def step_label(self, number: int | None) -> str:
        if number is None:
            return ""
        return next((s.label for s in self.steps if s.number == number), f"Stap {number}")

    def trigger_label(self, trigger: str, state: str | None = None) -> str:
        """The label of ``trigger`` (as taken from ``state`` when given and possible);
        the trigger itself when the protocol does not have it."""
        taken = [t for t in self.transitions if t.trigger == trigger]
        here = [t for t in taken if state in self.expand_sources(t)] or taken
        return here[0].label if here else trigger

    def transitions_from(self, state: str) -> list[TransitionSpec]:
        """Transitions that can leave ``state`` (``*`` sources expanded)."""
        return [t for t in self.transitions if state in self.expand_sources(t)]

    def role_label(self, role: str) -> str:  # the protocol's name, else ours ('Beheerder')
        return self.roles.get(role) or ROLE_LABELS.get(role, role)

    def expand_sources(self, transition: TransitionSpec) -> tuple[str, ...]:
        if ALL_ACTIVE_STATES in transition.source:
            return tuple(name for name, s in self.states.items() if not s.final)
        return transition.source

    def triggers(self) -> set[str]:
        return {t.trigger for t in self.transitions}
