"""The advice for a set of scores: the first outcome whose conditions all hold, explained
criterion by criterion: why the outcome holds, and what kept each earlier outcome out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from toetreding._exceptions import (
    DefinitionError,
    DefinitionProblem,
    IncompleteAudit,
    InvalidInputError,
)
from toetreding.advice.checks import check_against
from toetreding.advice.conditions import CONDITIONS, ConditionResult, ScoredAudit, lower_first
from toetreding.advice.model import AdviceRulesSpec, OutcomeSpec
from toetreding.formats import KeyPath
from toetreding.frameworks import FrameworkSpec


@dataclass(frozen=True)
class Advice:
    """The admission advice: the outcome, and why, as Dutch sentences a steering group reads.

    ``reasons`` first says why the outcome holds, then what kept each earlier outcome out;
    ``deciding`` holds the ids of the criteria behind those reasons, in framework order.
    """

    outcome: str
    label: str
    reasons: tuple[str, ...]
    deciding: tuple[str, ...]


def advise(rules: AdviceRulesSpec, framework: FrameworkSpec, scores: Mapping[str, str]) -> Advice:
    """The advice for ``scores`` (criterion id -> level name) under ``rules``.

    Raises :class:`IncompleteAudit` when a criterion has no score, :class:`InvalidInputError`
    for an unknown criterion or level, and :class:`DefinitionError` when the rules do not fit
    ``framework``.
    """
    _require_fit(rules, framework)
    audit = ScoredAudit(framework, _complete_scores(framework, scores))
    refusals: list[str] = []
    deciding: set[str] = set()
    for outcome in rules.outcomes:
        checks = _evaluate(outcome, audit)
        if all(check.holds for check in checks):
            deciding.update(c for check in checks for c in check.criteria)
            reasons = [reason for check in checks for reason in check.reasons]
            return Advice(
                outcome=outcome.outcome,
                label=outcome.label,
                reasons=(*reasons, *refusals),
                deciding=tuple(c.id for c in framework.criteria() if c.id in deciding),
            )
        failed = [check for check in checks if not check.holds]
        prefix = f"niet {lower_first(outcome.label)}"
        refusals.extend(f"{prefix}: {reason}" for check in failed for reason in check.reasons)
        deciding.update(c for check in failed for c in check.criteria)
    raise AssertionError("unreachable: check_rules makes the last outcome 'otherwise'")


def _evaluate(outcome: OutcomeSpec, audit: ScoredAudit) -> list[ConditionResult]:
    return [
        CONDITIONS[key].evaluate(getattr(outcome.when, key), audit) for key in outcome.when.given()
    ]


def _require_fit(rules: AdviceRulesSpec, framework: FrameworkSpec) -> None:
    problems = check_against(rules, framework)
    if problems:
        where = f"adviesregels '{rules.id}' versie {rules.version}"
        raise DefinitionError(
            [DefinitionProblem(where, None, _key(path), message) for path, message in problems]
        )


def _key(path: KeyPath) -> str:
    """``("outcomes", 1, "when")`` -> ``outcomes[1].when``."""
    parts = [f"[{part}]" if isinstance(part, int) else f".{part}" for part in path]
    return "".join(parts).removeprefix(".") or "-"


def _complete_scores(framework: FrameworkSpec, scores: Mapping[str, str]) -> dict[str, str]:
    """``scores`` when every criterion has one and all are known; raises otherwise."""
    _refuse_unknown(framework, scores)
    missing = [criterion for criterion in framework.criteria() if criterion.id not in scores]
    if missing:
        listed = ", ".join(f"{c.id} ({c.title})" for c in missing)
        raise IncompleteAudit(
            f"geen advies mogelijk; nog niet gescoord: {listed}",
            missing=tuple(c.id for c in missing),
        )
    return dict(scores)


def _refuse_unknown(framework: FrameworkSpec, scores: Mapping[str, str]) -> None:
    criteria = [criterion.id for criterion in framework.criteria()]
    levels = [level.name for level in framework.scale]
    problems = [
        f"onbekend criterium '{c}'; kader '{framework.id}' kent: {', '.join(criteria)}"
        for c in scores
        if c not in criteria
    ] + [
        f"onbekend niveau '{level}' bij criterium {c}; kies uit: {', '.join(levels)}"
        for c, level in scores.items()
        if c in criteria and level not in levels
    ]
    if problems:
        raise InvalidInputError("\n".join(problems))
