"""Loading advice-rules files, and the rules shipped in ``protocols/advice/``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from toetreding._exceptions import NotFoundError
from toetreding.advice.checks import check_fit, check_rules
from toetreding.advice.conditions import Problem
from toetreding.advice.model import AdviceRulesSpec
from toetreding.formats import (
    CrossCheck,
    known_codes,
    load_document,
    load_document_file,
    load_versioned,
    yaml_files,
)
from toetreding.frameworks import FrameworkRegistry, FrameworkSpec

ADVICE_FOLDER = "advice"  # below the protocols directory

# Finds a framework by id (the newest version), raising NotFoundError: e.g.
# ``FrameworkRegistry.get``, or a partnership's frameworks in the store.
FrameworkLookup = Callable[[str], FrameworkSpec]


def load_advice_file(
    path: str | Path, frameworks: FrameworkLookup | None = None
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
        return [*problems, *check_fit(rules, framework)]

    return cross_check


class AdviceRegistry:
    """Advice rules by id and version."""

    def __init__(self, specs: Iterable[AdviceRulesSpec] = ()) -> None:
        self._specs = {spec.key: spec for spec in specs}

    @classmethod
    def shipped(
        cls, protocols_dir: str | Path, frameworks: FrameworkLookup | None = None
    ) -> AdviceRegistry:
        """The rules in the ``advice`` folder of the protocols directory (if any), checked
        against the shipped frameworks unless ``frameworks`` is given."""
        folder = Path(protocols_dir) / ADVICE_FOLDER
        if not folder.is_dir():
            return cls()
        lookup = frameworks or FrameworkRegistry.shipped(protocols_dir).get
        return cls.from_directory(folder, lookup)

    @classmethod
    def from_directory(cls, directory: str | Path, frameworks: FrameworkLookup) -> AdviceRegistry:
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
            known = known_codes(self._specs)
            what = f"'{rules_id}'" + (f" versie {version}" if version else "")
            raise NotFoundError(f"adviesregels {what} zijn onbekend; bekend zijn: {known}")
        return spec

    def all(self) -> list[AdviceRulesSpec]:
        return [self._specs[key] for key in sorted(self._specs)]
