"""The advice-rules file format: validated, immutable definition objects.

Advice rules turn the scores of an internal audit into an admission advice ("partner",
"volgschool", "niet toelaatbaar"). They are data a partnership reads and changes, written for
one quality framework; the engine is in ``advice/engine.py``, the format in
``docs/advice-rules.md``. The models share the conventions of every file format
(:mod:`toetreding.formats`): frozen, unknown keys forbidden, Dutch texts, lowercase names.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from toetreding.formats import Identifier, ProtocolId, Spec, Text
from toetreding.frameworks.model import Code, FrameworkId

AdviceId = ProtocolId  # lowercase, digits, '_' and '-', e.g. nvao-toetredingsadvies

Levels = Annotated[tuple[Identifier, ...], Field(min_length=1)]


class AtLeastSpec(Spec):
    """``at_least``: the named criteria (a domain id: all its criteria) score this level or
    better."""

    level: Identifier
    criteria: tuple[Code, ...] = Field(min_length=1)


class WhenSpec(Spec):
    """The conditions of an outcome; every condition given must hold.

    A new kind of condition is an optional field here, plus its check and evaluation in
    ``advice/conditions.py`` (``CONDITIONS``); files without it keep loading.
    """

    all_at_least: Identifier | None = None  # every criterion at this level or better
    at_least: AtLeastSpec | None = None
    none_at: Levels | None = None  # no criterion at any of these levels

    def given(self) -> list[str]:
        """The keys of the conditions given, in the order of the format."""
        return [name for name in type(self).model_fields if getattr(self, name) is not None]


class OutcomeSpec(Spec):
    """One possible advice; ``outcome`` matches the ``outcome`` of a protocol's final state."""

    outcome: Identifier
    label: Text
    description: str = ""
    # Not optional: an outcome without conditions has an empty ``when``. (The loader lists
    # the allowed keys for a typo only below a model that is not optional.)
    when: WhenSpec = WhenSpec()
    otherwise: bool = False  # the advice when no earlier outcome applies: the last one


class AdviceRulesSpec(Spec):
    """A whole set of advice rules, one version of it."""

    format: Literal[1] = 1
    id: AdviceId
    version: int = Field(ge=1)
    title: Text
    description: str = ""
    source: Text
    framework: FrameworkId  # the id of the framework whose scores the rules read
    outcomes: tuple[OutcomeSpec, ...] = Field(min_length=1)  # tried in order

    @property
    def key(self) -> tuple[str, int]:
        return (self.id, self.version)
