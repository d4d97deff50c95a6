"""The kinds of condition an outcome can have: each is checked against the framework when
the rules load, and evaluated against the scores when an advice is asked.

One entry per field of :class:`WhenSpec` in :data:`CONDITIONS`: a new kind of condition is
a field there and an entry here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from toetreding.advice.model import AtLeastSpec, WhenSpec
from toetreding.formats import KeyPath
from toetreding.frameworks import CriterionSpec, FrameworkSpec, LevelSpec

Problem = tuple[KeyPath, str]


@dataclass(frozen=True)
class ConditionResult:
    """One condition read against the scores: whether it holds, why (one sentence per
    criterion where it can), and the criteria behind that."""

    holds: bool
    reasons: tuple[str, ...]
    criteria: tuple[str, ...]


@dataclass(frozen=True)
class ScoredAudit:
    """A complete set of valid scores, and the Dutch words for them."""

    framework: FrameworkSpec
    scores: Mapping[str, str]

    def meets(self, criterion_id: str, level: str) -> bool:
        """Scored at ``level`` or better (the scale is best first)."""
        names = [scale_level.name for scale_level in self.framework.scale]
        return names.index(self.scores[criterion_id]) <= names.index(level)

    def level(self, name: str) -> str:
        return _level_words(self.framework.level(name))

    def says(self, criterion_id: str, *, required: str | None = None) -> str:
        """``2.1 Kwantiteit is onvoldoende — reparabel op korte termijn`` (+ the requirement)."""
        criterion = self.framework.criterion(criterion_id)
        text = f"{criterion_words(criterion)} is {self.level(self.scores[criterion_id])}"
        return f"{text} (ten minste {self.level(required)} vereist)" if required else text


# --- checks against the framework ------------------------------------------------------------


def _check_level(framework: FrameworkSpec, name: str, path: KeyPath = ()) -> list[Problem]:
    if any(level.name == name for level in framework.scale):
        return []
    known = ", ".join(level.name for level in framework.scale)
    message = (
        f"niveau '{name}' staat niet in de schaal van kader '{framework.id}'; kies uit: {known}"
    )
    return [(path, message)]


def _check_code(framework: FrameworkSpec, code: str, path: KeyPath) -> list[Problem]:
    if code in _codes(framework):
        return []
    criteria = ", ".join(criterion.id for criterion in framework.criteria())
    domains = ", ".join(domain.id for domain in framework.domains)
    message = (
        f"'{code}' is geen criterium of domein van kader '{framework.id}'; criteria: {criteria}; "
        f"domeinen: {domains}"
    )
    return [(path, message)]


def _codes(framework: FrameworkSpec) -> set[str]:
    return {c.id for c in framework.criteria()} | {d.id for d in framework.domains}


# --- the conditions --------------------------------------------------------------------------


def _check_all_at_least(level: str, framework: FrameworkSpec) -> list[Problem]:
    return _check_level(framework, level)


def _all_at_least(level: str, audit: ScoredAudit) -> ConditionResult:
    ids = [criterion.id for criterion in audit.framework.criteria()]
    below = tuple(c for c in ids if not audit.meets(c, level))
    if below:
        return ConditionResult(False, tuple(audit.says(c, required=level) for c in below), below)
    count = "het enige criterium is" if len(ids) == 1 else f"alle {len(ids)} criteria zijn"
    return ConditionResult(True, (f"{count} ten minste {audit.level(level)}",), tuple(ids))


def _check_at_least(spec: AtLeastSpec, framework: FrameworkSpec) -> list[Problem]:
    codes = [_check_code(framework, code, ("criteria", i)) for i, code in enumerate(spec.criteria)]
    return [*_check_level(framework, spec.level, ("level",)), *(p for ps in codes for p in ps)]


def _at_least(spec: AtLeastSpec, audit: ScoredAudit) -> ConditionResult:
    named = _expand(audit.framework, spec.criteria)
    below = tuple(c for c in named if not audit.meets(c, spec.level))
    shown = below or named
    reasons = tuple(audit.says(c, required=spec.level) for c in shown)
    return ConditionResult(not below, reasons, shown)


def _expand(framework: FrameworkSpec, codes: Iterable[str]) -> tuple[str, ...]:
    """Criterion ids for ``codes`` in framework order; a domain id stands for all its
    criteria, and a criterion id wins over a domain with the same id."""
    wanted = set(codes)
    domains = wanted - {criterion.id for criterion in framework.criteria()}
    return tuple(
        criterion.id
        for domain in framework.domains
        for criterion in domain.criteria
        if criterion.id in wanted or domain.id in domains
    )


def _check_none_at(levels: tuple[str, ...], framework: FrameworkSpec) -> list[Problem]:
    return [p for i, name in enumerate(levels) for p in _check_level(framework, name, (i,))]


def _none_at(levels: tuple[str, ...], audit: ScoredAudit) -> ConditionResult:
    ids = [criterion.id for criterion in audit.framework.criteria()]
    hits = tuple(c for c in ids if audit.scores[c] in levels)
    if hits:
        return ConditionResult(False, tuple(audit.says(c) for c in hits), hits)
    words = " of ".join(audit.level(name) for name in levels)
    return ConditionResult(True, (f"geen criterium is {words}",), ())


class Condition(NamedTuple):
    check: Callable[[Any, FrameworkSpec], list[Problem]]  # paths relative to the condition
    evaluate: Callable[[Any, ScoredAudit], ConditionResult]


# One entry per field of WhenSpec: a new kind of condition is a field there and an entry here.
CONDITIONS: dict[str, Condition] = {
    "all_at_least": Condition(_check_all_at_least, _all_at_least),
    "at_least": Condition(_check_at_least, _at_least),
    "none_at": Condition(_check_none_at, _none_at),
}
if set(CONDITIONS) != set(WhenSpec.model_fields):  # pragma: no cover - caught on import
    raise RuntimeError("advice/conditions.py: CONDITIONS must match the fields of WhenSpec")


# --- words -----------------------------------------------------------------------------------


def criterion_words(criterion: CriterionSpec) -> str:
    """``2.1 Kwantiteit``; a criterion named by its title reads as the title alone
    (``gerealiseerd niveau``)."""
    if criterion.id.replace("_", " ") == criterion.title.lower():
        return lower_first(criterion.title)
    return f"{criterion.id} {criterion.title}"


def _level_words(level: LevelSpec) -> str:
    return lower_first(level.label)


def lower_first(text: str) -> str:
    """``Voldoende`` -> ``voldoende``, but ``NVAO-kader`` stays."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]
