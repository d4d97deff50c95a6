"""What the advice-rules API takes and answers."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from toetreding.store import AdviceRulesPublic


class AdviceRulesText(BaseModel):
    """Advice rules to publish for a partnership, as the YAML text of a rules file."""

    model_config = ConfigDict(extra="forbid")

    partnerschap: str = Field(
        min_length=1, max_length=60, description="Code of nummer van het partnerschap"
    )
    tekst: str = Field(
        min_length=1,
        max_length=500_000,
        description="De YAML-tekst van de nieuwe versie; 'version' is de nieuwste + 1",
    )


class PublishedAdviceRules(BaseModel):
    """The rules as published; ``nieuw`` is false when this exact version was already there
    (nothing changed)."""

    regels: AdviceRulesPublic
    nieuw: bool
