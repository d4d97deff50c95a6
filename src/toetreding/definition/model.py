"""Stage 2 of loading: validated, immutable definition objects.

These pydantic models are the protocol file format. Every model forbids unknown keys, so a
typo is an error, never a silently ignored line. New optional keys (deadlines, reminders,
the audit framework) can be added later without breaking files written against ``format: 1``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
ProtocolId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$", max_length=60)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

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
    DOCUMENT = "document"  # a reference to a document: file name, path or URL
    CONFIRMATION = "confirmation"  # an explicit yes, e.g. written acceptance of conditions
    DATE = "date"  # a calendar date, e.g. the agreed audit date
    NUMBER = "number"  # a whole number, e.g. the number of pages


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class StepSpec(_Spec):
    """A numbered step of the protocol as the source document names it."""

    number: int = Field(ge=1)
    label: Text


class ArtefactSpec(_Spec):
    """A document or product expected while a case is in a state."""

    name: Identifier
    label: Text
    owner: Identifier | None = None
    max_pages: int | None = Field(default=None, ge=1)
    description: str = ""


class InputSpec(_Spec):
    """An input a person must (or may) supply when firing a transition."""

    name: Identifier
    kind: InputKind
    label: Text
    required: bool = True
    help: str = ""


class StateSpec(_Spec):
    """A state of the protocol: a place where a case waits for someone to act."""

    label: Text
    step: int | None = Field(default=None, ge=1)
    description: str = ""
    final: bool = False
    outcome: Identifier | None = None
    artefacts: tuple[ArtefactSpec, ...] = ()


class TransitionSpec(_Spec):
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


class ProtocolSpec(_Spec):
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

    @property
    def key(self) -> tuple[str, int]:
        return (self.id, self.version)

    def state(self, name: str) -> StateSpec:
        return self.states[name]

    def step_label(self, number: int | None) -> str:
        if number is None:
            return ""
        return next((s.label for s in self.steps if s.number == number), f"Stap {number}")

    def transitions_from(self, state: str) -> list[TransitionSpec]:
        """Transitions that can leave ``state`` (``*`` sources expanded)."""
        return [t for t in self.transitions if state in self.expand_sources(t)]

    def expand_sources(self, transition: TransitionSpec) -> tuple[str, ...]:
        if ALL_ACTIVE_STATES in transition.source:
            return tuple(name for name, s in self.states.items() if not s.final)
        return transition.source

    def triggers(self) -> set[str]:
        return {t.trigger for t in self.transitions}
