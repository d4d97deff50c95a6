"""What the API takes and gives for moving running cases to a newer protocol version: the
plan (per case where it lands, its deadlines, why it cannot move) and what moving did.

Only translations of the service's records (:mod:`toetreding.service.version_moves`); who may
move which cases is decided there."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from toetreding.service import MoveOutcome, MovePlan, PlannedMove
from toetreding.store import MAX_ID


class DeadlineChangePublic(BaseModel):
    wijziging: Literal["ingetrokken", "blijft", "nieuw"]
    termijn: str = Field(description="Het label van de termijn in het protocol")
    datum: str = Field(description="Bijv. 'uiterlijk 31-03-2027' of 'datum volgt (…)'")


class PlannedMovePublic(BaseModel):
    dossier: int
    school: str
    revisie: int = Field(description="De revisie die het plan zag; geef haar mee bij overzetten")
    nu: str = Field(description="De stap nu, in de woorden van de oude versie")
    wordt: str | None = Field(description="De stap in de nieuwe versie; leeg: kan niet over")
    kan_over: bool
    reden: str | None = Field(description="Waarom het dossier niet over kan")
    termijnen: list[DeadlineChangePublic]
    audit: str | None = Field(
        description="Wat een lopende audit houdt, bijv. \"Audit blijft op kader '…' versie 1\""
    )

    @classmethod
    def of(cls, move: PlannedMove) -> PlannedMovePublic:
        return cls(
            dossier=move.case_id,
            school=move.school_name,
            revisie=move.revision,
            nu=move.from_label,
            wordt=move.to_label,
            kan_over=move.movable,
            reden=move.refusal,
            termijnen=[
                DeadlineChangePublic(wijziging=d.change, termijn=d.label, datum=d.due)
                for d in move.deadlines
            ],
            audit=move.audit or None,
        )


class MovePlanPublic(BaseModel):
    protocol: str
    van: int
    naar: int
    dossiers: list[PlannedMovePublic] = Field(description="De lopende dossiers op versie 'van'")

    @classmethod
    def of(cls, plan: MovePlan) -> MovePlanPublic:
        return cls(
            protocol=plan.protocol_id,
            van=plan.from_version,
            naar=plan.to_version,
            dossiers=[PlannedMovePublic.of(m) for m in plan.moves],
        )


class PlannedCase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dossier: int = Field(ge=1, le=MAX_ID)
    revisie: int = Field(ge=1, le=MAX_ID)


class MoveCreate(BaseModel):
    """Move the running cases of version ``van`` to version ``naar``."""

    model_config = ConfigDict(extra="forbid")

    van: int = Field(ge=1, le=MAX_ID)
    naar: int = Field(ge=1, le=MAX_ID)
    dossiers: list[PlannedCase] | None = Field(
        default=None,
        max_length=100_000,
        description=(
            "De dossiers van het plan met de revisie die het plan zag: een dossier dat "
            "sindsdien veranderde (of niet in de lijst staat) wordt geweigerd. Leeg: elk "
            "dossier dat nu over kan."
        ),
    )


class MoveOutcomePublic(BaseModel):
    dossier: int
    overgezet: bool
    reden: str = Field(description="Waarom niet, als het dossier niet is overgezet")

    @classmethod
    def of(cls, outcome: MoveOutcome) -> MoveOutcomePublic:
        return cls(dossier=outcome.case_id, overgezet=outcome.moved, reden=outcome.reason)
