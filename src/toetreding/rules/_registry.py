"""Named rules that protocol guards refer to, and the context they are judged in."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True)
class Verdict:
    """A rule's answer: whether it holds, and the fact that decided it (Dutch)."""

    holds: bool
    fact: str
    open_frame: bool = False  # refused because questions of the step's frame are unanswered


class PastEvent(Protocol):
    """What a rule may read of an earlier event of the case."""

    @property
    def trigger(self) -> str: ...
    @property
    def from_state(self) -> str | None: ...
    @property
    def to_state(self) -> str: ...
    @property
    def payload(self) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class AuditFacts:
    """What a rule may know of the case's latest audit and its reports."""

    draft_version: int | None  # the newest draft report, if any
    final_version: int | None  # the final report, once fixed
    advice_outcome: str | None  # the advice of the newest report (the final one when fixed)
    advice_label: str | None
    corrections: int  # factual corrections the school returned on the newest draft


@dataclass(frozen=True)
class FrameFacts:
    """What a rule may know of the conversation frame of the case's current step."""

    title: str  # the framework the case uses for it (the partnership's choice, if any)
    unanswered: tuple[str, ...]  # the titles of the questions without an answer, in order


class CaseLookups(Protocol):
    """What a rule may read beyond the firing itself; read only when a rule asks."""

    def history(self) -> Sequence[PastEvent]:
        """The case's earlier events, oldest first."""
        ...

    def peers_with(self, name: str, value: Any) -> Sequence[str]:
        """Schools of the same board and partnership whose running case recorded input
        ``name`` with ``value`` (compared without case and surrounding spaces)."""
        ...

    def audit(self) -> AuditFacts | None:
        """The case's latest audit, or None when it has none."""
        ...

    def frame(self, state: str) -> FrameFacts | None:
        """The conversation frame of ``state``, or None when that step has none."""
        ...

    def earlier_step(self, trigger: str) -> str | None:
        """The label an earlier version of the case's protocol gave step ``trigger``, for a
        step the case took before it moved onto a version without it; None: none did."""
        ...


class NoLookups:
    """Lookups for a decision outside any store (a new case, a test): nothing recorded."""

    def history(self) -> Sequence[PastEvent]:
        return ()

    def peers_with(self, name: str, value: Any) -> Sequence[str]:
        return ()

    def audit(self) -> AuditFacts | None:
        return None

    def frame(self, state: str) -> FrameFacts | None:
        return None

    def earlier_step(self, trigger: str) -> str | None:
        return None


@dataclass(frozen=True)
class Words:
    """The protocol's labels for what a rule names by its identifier (an input, a state, a
    step's trigger): a refusal says 'Einddatum van de pilot', never 'einddatum_pilot'."""

    inputs: Mapping[str, str]
    states: Mapping[str, str]
    steps: Mapping[str, str]

    def input(self, name: str) -> str:
        return self.inputs.get(name, name)

    def state(self, name: str) -> str:
        return self.states.get(name, name)


NO_WORDS = Words({}, {}, {})  # outside a protocol (a test of one rule): the identifiers


class GuardContext(CaseLookups, Protocol):
    """Everything a rule may look at when a trigger is fired."""

    @property
    def state(self) -> str: ...
    @property
    def words(self) -> Words: ...
    @property
    def inputs(self) -> Mapping[str, Any]: ...
    @property
    def now(self) -> datetime: ...


RuleFunction = Callable[..., Verdict]


@dataclass(frozen=True)
class Rule:
    """A named check with literal parameters, usable in a guard expression."""

    name: str
    description: str
    function: RuleFunction
    parameters: tuple[str, ...]

    def judge(self, context: GuardContext, args: Sequence[Any]) -> Verdict:
        return self.function(context, *args)


_RULES: dict[str, Rule] = {}


def rule(name: str, description: str) -> Callable[[RuleFunction], RuleFunction]:
    """Register ``function(context, *args) -> Verdict`` under ``name``."""

    def register(function: RuleFunction) -> RuleFunction:
        if name in _RULES:
            raise ValueError(f"rule {name!r} is registered twice")
        params = tuple(inspect.signature(function).parameters)[1:]
        _RULES[name] = Rule(name, description, function, params)
        return function

    return register


def get_rule(name: str) -> Rule | None:
    return _RULES.get(name)


def all_rules() -> list[Rule]:
    return sorted(_RULES.values(), key=lambda r: r.name)
