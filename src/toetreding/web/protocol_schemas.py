"""What the JSON API takes and gives about protocols: a summary, a version's text, and the
problems and warnings of a text by line (also for advice rules and calendars)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from toetreding._exceptions import DefinitionProblem
from toetreding.definition import ProtocolSpec
from toetreding.definition.model import Sector
from toetreding.web.schemas import Problem

# --- protocols ------------------------------------------------------------------------------


class ProtocolSummary(BaseModel):
    id: str
    version: int
    title: str
    description: str
    sectors: list[Sector]
    steps: int = Field(description="Aantal genummerde stappen")
    audit: bool = Field(description="Of het protocol een interne audit kent")

    @classmethod
    def of(cls, spec: ProtocolSpec) -> ProtocolSummary:
        return cls(
            id=spec.id,
            version=spec.version,
            title=spec.title,
            description=spec.description.strip(),
            sectors=list(spec.sectors),
            steps=len(spec.steps),
            audit=spec.audit is not None,
        )


class ProtocolText(BaseModel):
    """A protocol version to publish, as the YAML text of a protocol file."""

    model_config = ConfigDict(extra="forbid")

    tekst: str = Field(
        min_length=1,
        max_length=500_000,
        description="De YAML-tekst van de nieuwe versie; 'version' is de nieuwste + 1",
    )
    partnerschap: str | None = Field(
        default=None,
        max_length=60,
        description=(
            "Code van het partnerschap waarvoor een nieuw protocol is (verplicht bij een "
            "nieuw protocol; alleen dat partnerschap ziet en gebruikt het). Leeg bij een "
            "gedeeld protocol. / The partnership a new protocol belongs to."
        ),
    )


class LineMessage(BaseModel):
    """A problem or warning about a protocol text, with its line."""

    line: int | None = Field(description="Regelnummer in de tekst (1 = eerste regel)")
    key: str = Field(description="De sleutel, bijv. states.orientatie.label")
    message: str = Field(description="Wat er mis is, in het Nederlands")

    @classmethod
    def of(cls, problem: DefinitionProblem) -> LineMessage:
        return cls(line=problem.line, key=problem.key, message=problem.message)


class DefinitionProblems(Problem):
    """A protocol text that was not published, with every problem by line (none when the
    request itself was malformed)."""

    problems: list[LineMessage] = Field(default_factory=list)


class PublishedProtocol(BaseModel):
    """A published version, with the warnings that did not stop it."""

    protocol: ProtocolSummary
    warnings: list[LineMessage]
