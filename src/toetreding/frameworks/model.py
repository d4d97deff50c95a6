"""The quality-framework file format: validated, immutable definition objects.

A quality framework ("kwaliteitskader", "toetsingskader") is what audit findings are scored
against, or, when unscored, the structure a school answers in (an intake talk, a development
plan). Frameworks are data that a partnership loads and edits, never code: the national
frameworks change and each partnership adapts them.

The models share the conventions of every file format (:mod:`toetreding.formats`): frozen,
unknown keys forbidden, Dutch texts, lowercase identifiers.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from toetreding._exceptions import NotFoundError
from toetreding.formats import Identifier, ProtocolId, Spec, Text

FrameworkId = ProtocolId  # lowercase, digits, '_' and '-', e.g. nvao-opleidingsschool-2009

_CODE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


def _code(value: Any) -> Any:
    """Domain and criterion ids are numbers like ``1.1`` or names like ``gerealiseerd_niveau``.

    YAML reads an unquoted ``1.1`` as a number, which would silently turn ``1.10`` into
    ``1.1``; so a number is refused with the fix instead of converted.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError(
            f'{value} is voor YAML een getal; zet het id tussen aanhalingstekens: "{value}"'
        )
    if isinstance(value, str) and not (_CODE.match(value) and len(value) <= 60):
        raise ValueError(
            f"'{value}' is geen geldig id: gebruik kleine letters, cijfers, '_', '.' en '-', "
            "beginnend met een letter of cijfer"
        )
    return value


Code = Annotated[str, BeforeValidator(_code)]


class LevelSpec(Spec):
    """One level of a scoring scale, e.g. ``voldoende``."""

    name: Identifier
    label: Text
    description: str = ""
    sufficient: bool | None = None  # lets advice rules say "at least voldoende"


class FieldSpec(Spec):
    """A part of a structured answer, e.g. ``stand_van_zaken`` of a development theme."""

    name: Identifier
    label: Text


class CriterionSpec(Spec):
    """What a framework asks about one aspect; scored on the scale, or answered in fields."""

    id: Code
    title: Text
    # What the criterion asks. Only with a ``note`` may it be left out (a source that names
    # no more than the heading). Left out of the digest when absent, like ``note``, so the
    # versions written before either existed keep their digest.
    asks: Text | None = Field(default=None, exclude_if=lambda value: value is None)
    # A remark about the criterion's text itself (where it comes from, what the source
    # lacks): shown apart from it and muted, never as what the criterion asks.
    note: str = Field(default="", exclude_if=lambda value: not value)
    fields: tuple[FieldSpec, ...] = ()


class DomainSpec(Spec):
    """A group of criteria, e.g. ``Programma`` or ``Interne kwaliteitszorg``."""

    id: Code
    title: Text
    description: str = ""
    criteria: tuple[CriterionSpec, ...] = Field(min_length=1)


class FrameworkSpec(Spec):
    """A whole quality framework, one version of it."""

    format: Literal[1] = 1
    id: FrameworkId
    version: int = Field(ge=1)
    title: Text
    description: str = ""
    source: Text
    scored: bool
    scale: tuple[LevelSpec, ...] = ()  # best level first
    domains: tuple[DomainSpec, ...] = Field(min_length=1)

    @property
    def key(self) -> tuple[str, int]:
        return (self.id, self.version)

    def criteria(self) -> list[CriterionSpec]:
        """Every criterion, in the order of the file."""
        return [criterion for domain in self.domains for criterion in domain.criteria]

    def criterion_label(self, criterion_id: str) -> str:
        """``1.3 Instroom`` for a numbered criterion, the title alone for a named one."""
        title = self.criterion(criterion_id).title
        return f"{criterion_number(criterion_id)} {title}".strip()

    def criterion(self, criterion_id: str) -> CriterionSpec:
        found = next((c for c in self.criteria() if c.id == criterion_id), None)
        if found is None:
            known = ", ".join(c.id for c in self.criteria())
            raise NotFoundError(
                f"criterium '{criterion_id}' staat niet in kader '{self.id}'; bekend zijn: {known}"
            )
        return found

    def level(self, name: str) -> LevelSpec:
        found = next((level for level in self.scale if level.name == name), None)
        if found is None:
            known = ", ".join(level.name for level in self.scale) or "geen (kader zonder schaal)"
            raise NotFoundError(
                f"niveau '{name}' staat niet in de schaal van kader '{self.id}'; "
                f"bekend zijn: {known}"
            )
        return found


def criterion_number(criterion_id: str) -> str:
    """The id of a criterion as a reader sees it: a number such as ``1.1`` is printed, a
    named id such as ``gerealiseerd_niveau`` is internal and gives ``""`` (the criterion's
    title stands alone)."""
    return criterion_id if criterion_id[:1].isdigit() else ""
