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


class GuardContext(Protocol):
    """Everything a rule may look at when a trigger is fired."""

    @property
    def state(self) -> str: ...
    @property
    def inputs(self) -> Mapping[str, Any]: ...
    @property
    def now(self) -> datetime: ...
    def history(self) -> Sequence[PastEvent]: ...


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
