"""Admission advice from the scores of an internal audit, by rules that are data.

A rules file (``protocols/advice/*.yaml``, format in ``docs/advice-rules.md``) lists the
possible outcomes in order, each with conditions on the scores of one quality framework; the
first outcome whose conditions all hold is the advice. The advice explains itself criterion
by criterion: why the outcome holds, and what kept each earlier outcome out.

    rules = AdviceRegistry.shipped(protocols_dir).get("nvao-toetredingsadvies")
    framework = FrameworkRegistry.shipped(protocols_dir).get(rules.framework)
    advice = advise(rules, framework, {"gerealiseerd_niveau": "goed", "1.1": "voldoende", ...})
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any, NamedTuple

from toetreding._exceptions import (
    DefinitionError,
    DefinitionProblem,
    IncompleteAudit,
    InvalidInputError,
    NotFoundError,
)
from toetreding.formats import (
    CrossCheck,
    KeyPath,
    load_document,
    load_document_file,
    load_versioned,
    yaml_files,
)
from toetreding.frameworks.model import CriterionSpec, FrameworkSpec, LevelSpec
from toetreding.frameworks.registry import FrameworkRegistry
from toetreding.rules.advice_model import AdviceRulesSpec, AtLeastSpec, OutcomeSpec, WhenSpec

ADVICE_FOLDER = "advice"  # below the protocols directory

# Finds a framework by id (the newest version), raising NotFoundError: e.g.
# ``FrameworkRegistry.get``, or a partnership's frameworks in the store.
FrameworkLookup = Callable[[str], FrameworkSpec]
Problem = tuple[KeyPath, str]


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


# --- loading ---------------------------------------------------------------------------------


def load_advice_file(
    path: str | FsPath, frameworks: FrameworkLookup | None = None
) -> AdviceRulesSpec:
    """Read and validate one rules file; with ``frameworks`` it is also checked against the
    framework it names. Raises :class:`DefinitionError` with file, line and key."""
    return load_document_file(path, AdviceRulesSpec, _cross_check(frameworks))


def load_advice_text(
    text: str, filename: str = "<tekst>", frameworks: FrameworkLookup | None = None
) -> AdviceRulesSpec:
    """Validate rules YAML given as text; ``filename`` is used in error messages."""
    return load_document(text, filename, AdviceRulesSpec, _cross_check(frameworks))


def _cross_check(frameworks: FrameworkLookup | None) -> CrossCheck[AdviceRulesSpec]:
    def cross_check(rules: AdviceRulesSpec) -> list[Problem]:
        problems = check_rules(rules)
        if frameworks is None:
            return problems
        try:
            framework = frameworks(rules.framework)
        except NotFoundError as exc:
            return [*problems, (("framework",), str(exc))]
        return [*problems, *_check_fit(rules, framework)]

    return cross_check


class AdviceRegistry:
    """Advice rules by id and version."""

    def __init__(self, specs: Iterable[AdviceRulesSpec] = ()) -> None:
        self._specs = {spec.key: spec for spec in specs}

    @classmethod
    def shipped(
        cls, protocols_dir: str | FsPath, frameworks: FrameworkLookup | None = None
    ) -> AdviceRegistry:
        """The rules in the ``advice`` folder of the protocols directory (if any), checked
        against the shipped frameworks unless ``frameworks`` is given."""
        folder = FsPath(protocols_dir) / ADVICE_FOLDER
        if not folder.is_dir():
            return cls()
        lookup = frameworks or FrameworkRegistry.shipped(protocols_dir).get
        return cls.from_directory(folder, lookup)

    @classmethod
    def from_directory(cls, directory: str | FsPath, frameworks: FrameworkLookup) -> AdviceRegistry:
        """Load every ``*.yaml`` in ``directory``; all problems of all files are reported."""
        found = load_versioned(
            yaml_files(directory),
            lambda file: load_advice_file(file, frameworks),
            "adviesregels '{id}' versie {version} staan ook in {first}",
        )
        return cls(spec for spec, _ in found.values())

    def get(self, rules_id: str, version: int | None = None) -> AdviceRulesSpec:
        """A given version, or the newest when ``version`` is None."""
        if version is None:
            version = max((v for rid, v in self._specs if rid == rules_id), default=0)
        spec = self._specs.get((rules_id, version))
        if spec is None:
            known = ", ".join(f"{rid} v{v}" for rid, v in sorted(self._specs)) or "geen"
            what = f"'{rules_id}'" + (f" versie {version}" if version else "")
            raise NotFoundError(f"adviesregels {what} zijn onbekend; bekend zijn: {known}")
        return spec

    def all(self) -> list[AdviceRulesSpec]:
        return [self._specs[key] for key in sorted(self._specs)]


# --- checks ----------------------------------------------------------------------------------


def check_against(rules: AdviceRulesSpec, framework: FrameworkSpec) -> list[Problem]:
    """Every problem of ``rules`` read against ``framework``, as ``(key path, message)``."""
    return [*check_rules(rules), *_check_fit(rules, framework)]


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


def _check_fit(rules: AdviceRulesSpec, framework: FrameworkSpec) -> list[Problem]:
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
                (here + path, msg) for path, msg in _CONDITIONS[key].check(value, framework)
            )
    return problems


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


# --- conditions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Check:
    """One condition read against the scores: whether it holds, why (one sentence per
    criterion where it can), and the criteria behind that."""

    holds: bool
    reasons: tuple[str, ...]
    criteria: tuple[str, ...]


@dataclass(frozen=True)
class _Audit:
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
        text = f"{_criterion_words(criterion)} is {self.level(self.scores[criterion_id])}"
        return f"{text} (ten minste {self.level(required)} vereist)" if required else text


def _check_all_at_least(level: str, framework: FrameworkSpec) -> list[Problem]:
    return _check_level(framework, level)


def _all_at_least(level: str, audit: _Audit) -> _Check:
    ids = [criterion.id for criterion in audit.framework.criteria()]
    below = tuple(c for c in ids if not audit.meets(c, level))
    if below:
        return _Check(False, tuple(audit.says(c, required=level) for c in below), below)
    count = "het enige criterium is" if len(ids) == 1 else f"alle {len(ids)} criteria zijn"
    return _Check(True, (f"{count} ten minste {audit.level(level)}",), tuple(ids))


def _check_at_least(spec: AtLeastSpec, framework: FrameworkSpec) -> list[Problem]:
    codes = [_check_code(framework, code, ("criteria", i)) for i, code in enumerate(spec.criteria)]
    return [*_check_level(framework, spec.level, ("level",)), *(p for ps in codes for p in ps)]


def _at_least(spec: AtLeastSpec, audit: _Audit) -> _Check:
    named = _expand(audit.framework, spec.criteria)
    below = tuple(c for c in named if not audit.meets(c, spec.level))
    shown = below or named
    reasons = tuple(audit.says(c, required=spec.level) for c in shown)
    return _Check(not below, reasons, shown)


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


def _none_at(levels: tuple[str, ...], audit: _Audit) -> _Check:
    ids = [criterion.id for criterion in audit.framework.criteria()]
    hits = tuple(c for c in ids if audit.scores[c] in levels)
    if hits:
        return _Check(False, tuple(audit.says(c) for c in hits), hits)
    words = " of ".join(audit.level(name) for name in levels)
    return _Check(True, (f"geen criterium is {words}",), ())


class _Condition(NamedTuple):
    check: Callable[[Any, FrameworkSpec], list[Problem]]  # paths relative to the condition
    evaluate: Callable[[Any, _Audit], _Check]


# One entry per field of WhenSpec: a new kind of condition is a field there and an entry here.
_CONDITIONS: dict[str, _Condition] = {
    "all_at_least": _Condition(_check_all_at_least, _all_at_least),
    "at_least": _Condition(_check_at_least, _at_least),
    "none_at": _Condition(_check_none_at, _none_at),
}
if set(_CONDITIONS) != set(WhenSpec.model_fields):  # pragma: no cover - caught on import
    raise RuntimeError("rules/advice.py: _CONDITIONS must match the fields of WhenSpec")


# --- the engine ------------------------------------------------------------------------------


def advise(rules: AdviceRulesSpec, framework: FrameworkSpec, scores: Mapping[str, str]) -> Advice:
    """The advice for ``scores`` (criterion id -> level name) under ``rules``.

    Raises :class:`IncompleteAudit` when a criterion has no score, :class:`InvalidInputError`
    for an unknown criterion or level, and :class:`DefinitionError` when the rules do not fit
    ``framework``.
    """
    _require_fit(rules, framework)
    audit = _Audit(framework, _complete_scores(framework, scores))
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
        prefix = f"niet {_lower_first(outcome.label)}"
        refusals.extend(f"{prefix}: {reason}" for check in failed for reason in check.reasons)
        deciding.update(c for check in failed for c in check.criteria)
    raise AssertionError("unreachable: check_rules makes the last outcome 'otherwise'")


def _evaluate(outcome: OutcomeSpec, audit: _Audit) -> list[_Check]:
    return [
        _CONDITIONS[key].evaluate(getattr(outcome.when, key), audit) for key in outcome.when.given()
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


# --- words -----------------------------------------------------------------------------------


def _criterion_words(criterion: CriterionSpec) -> str:
    """``2.1 Kwantiteit``; a criterion named by its title reads as the title alone
    (``gerealiseerd niveau``)."""
    if criterion.id.replace("_", " ") == criterion.title.lower():
        return _lower_first(criterion.title)
    return f"{criterion.id} {criterion.title}"


def _level_words(level: LevelSpec) -> str:
    return _lower_first(level.label)


def _lower_first(text: str) -> str:
    """``Voldoende`` -> ``voldoende``, but ``NVAO-kader`` stays."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]
