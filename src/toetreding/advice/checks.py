"""Cross-checks of advice rules: on their own (stage 3 of loading), and against the
framework whose scores they read. Returns ``(key path, message)`` pairs."""

from __future__ import annotations

from toetreding.advice.conditions import CONDITIONS, Problem
from toetreding.advice.model import AdviceRulesSpec, OutcomeSpec, WhenSpec
from toetreding.formats import KeyPath
from toetreding.frameworks import FrameworkSpec


def check_against(rules: AdviceRulesSpec, framework: FrameworkSpec) -> list[Problem]:
    """Every problem of ``rules`` read against ``framework``, as ``(key path, message)``."""
    return [*check_rules(rules), *check_fit(rules, framework)]


def check_rules(rules: AdviceRulesSpec) -> list[Problem]:
    """The checks that need no framework: unique outcomes, conditions, one ``otherwise``
    and it is last."""
    problems: list[Problem] = []
    seen: set[str] = set()
    last = len(rules.outcomes) - 1
    for index, outcome in enumerate(rules.outcomes):
        if outcome.outcome in seen:
            message = f"uitkomst '{outcome.outcome}' komt al eerder voor"
            problems.append((("outcomes", index, "outcome"), message))
        seen.add(outcome.outcome)
        problems.extend(_check_outcome(outcome, index, is_last=index == last))
    return problems


def _check_outcome(outcome: OutcomeSpec, index: int, *, is_last: bool) -> list[Problem]:
    here: KeyPath = ("outcomes", index)
    conditions = outcome.when.given()
    if outcome.otherwise and conditions:
        return [((*here, "otherwise"), "geef 'when' of 'otherwise: true', niet allebei")]
    if outcome.otherwise and not is_last:
        message = (
            "'otherwise: true' hoort bij de laatste uitkomst; de uitkomsten erna worden nooit "
            "bereikt"
        )
        return [((*here, "otherwise"), message)]
    if is_last and not outcome.otherwise:
        message = (
            f"de laatste uitkomst ('{outcome.outcome}') moet 'otherwise: true' hebben, zodat er "
            "altijd een advies is"
        )
        return [(here, message)]
    if not outcome.otherwise and not conditions:
        if "when" in outcome.model_fields_set:
            kinds = ", ".join(WhenSpec.model_fields)
            return [((*here, "when"), f"geef minstens één voorwaarde: {kinds}")]
        return [(here, "geef 'when' met minstens één voorwaarde, of 'otherwise: true'")]
    return []


def check_fit(rules: AdviceRulesSpec, framework: FrameworkSpec) -> list[Problem]:
    """The framework is the one named, is scored, and has every level and criterion used."""
    if rules.framework != framework.id:
        message = f"de regels lezen kader '{rules.framework}', niet kader '{framework.id}'"
        return [(("framework",), message)]
    if not framework.scored:
        message = (
            f"kader '{framework.id}' wordt niet gescoord (scored: false); adviesregels lezen "
            "scores en hebben een kader met een schaal nodig"
        )
        return [(("framework",), message)]
    problems: list[Problem] = []
    for index, outcome in enumerate(rules.outcomes):
        for key in outcome.when.given():
            here: KeyPath = ("outcomes", index, "when", key)
            value = getattr(outcome.when, key)
            problems.extend(
                (here + path, msg) for path, msg in CONDITIONS[key].check(value, framework)
            )
    return problems
