"""What the API takes and gives for the school calendar: the summer vacations per school
year and region with their source, the partnerships' days off, the deadlines waiting for
calendar data, and what a change moved.

Only translations of the service's records (:mod:`toetreding.service.calendar`); the checks
(a vacation in July, a source given, …) are the service's."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from toetreding.calendar import Region
from toetreding.service import (
    Finding,
    MovedDeadline,
    SchoolYearRow,
    WaitingItem,
    moved_heading,
)
from toetreding.store import DayOffRecord, PartnershipPublic
from toetreding.web.schemas import Text


class VacationPublic(BaseModel):
    regio: Region
    begin: date | None = Field(description="De eerste vakantiedag; leeg: nog niet ingevoerd")
    eind: date | None = Field(description="De laatste vakantiedag")
    bron: str | None = Field(description="Waar de data vandaan komen")


class SchoolYearPublic(BaseModel):
    schooljaar: str = Field(description="Bijv. 2026-2027")
    compleet: bool = Field(description="Elke regio is ingevoerd")
    zomervakanties: list[VacationPublic]

    @classmethod
    def of(cls, row: SchoolYearRow) -> SchoolYearPublic:
        return cls(
            schooljaar=row.school_year,
            compleet=row.complete,
            zomervakanties=[
                VacationPublic(
                    regio=Region(region),
                    begin=found.start if found else None,
                    eind=found.end if found else None,
                    bron=found.source if found else None,
                )
                for region, found in row.regions.items()
            ],
        )


class DayOffPublic(BaseModel):
    partnerschap: str = Field(description="De code van het partnerschap")
    dag: date
    naam: str
    bron: str

    @classmethod
    def of(cls, day: DayOffRecord, partnerships: dict[int, PartnershipPublic]) -> DayOffPublic:
        found = partnerships.get(day.partnership_id)
        return cls(
            partnerschap=found.code if found else str(day.partnership_id),
            dag=day.day,
            naam=day.label,
            bron=day.source,
        )


class WaitingPublic(BaseModel):
    dossier: int
    termijn: str = Field(description="Het label van de termijn in het protocol")
    wacht_op: str = Field(description="Bijv. 'zomervakantie 2026-2027 van regio noord'")

    @classmethod
    def of(cls, item: WaitingItem) -> WaitingPublic:
        return cls(dossier=item.case_id, termijn=item.label, wacht_op=item.waiting_for)


class TodoPublic(BaseModel):
    probleem: str
    actie: str = Field(description="Wat een beheerder moet doen, en waar")

    @classmethod
    def of(cls, finding: Finding) -> TodoPublic:
        return cls(probleem=finding.problem, actie=finding.action)


class CalendarPublic(BaseModel):
    schooljaren: list[SchoolYearPublic] = Field(
        description="Elk schooljaar met data, plus het huidige en het volgende"
    )
    vrije_dagen: list[DayOffPublic]
    wachtende_termijnen: list[WaitingPublic] = Field(
        description="Termijnen met 'datum volgt': ze wachten op kalenderdata"
    )
    te_doen: list[TodoPublic] = Field(description="Wat een beheerder nu moet doen (doctor)")


class PeriodCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    begin: date = Field(description="De eerste vakantiedag (JJJJ-MM-DD)")
    eind: date = Field(description="De laatste vakantiedag (JJJJ-MM-DD)")


class SchoolYearSet(BaseModel):
    """The summer vacation of one or more regions for a school year, with its source."""

    model_config = ConfigDict(extra="forbid")

    zomervakanties: dict[Region, PeriodCreate] = Field(
        description="Per regio (noord, midden, zuid) de eerste en laatste vakantiedag"
    )
    bron: Text = Field(
        max_length=500,
        description="De officiële bron als webadres, bijv. https://www.rijksoverheid.nl/…",
    )


class SchoolYearSaved(BaseModel):
    schooljaar: str
    gewijzigd: int = Field(ge=0, description="Regio's die veranderden")
    gedateerd: int = Field(ge=0, description="Wachtende termijnen die hun datum kregen")
    verschoven: int = Field(
        ge=0,
        description="Termijnen die door de gecorrigeerde zomervakantie een nieuwe datum kregen",
    )
    melding: str = Field(description="Wat er gebeurde, in woorden")


class DayOffCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    partnerschap: Text = Field(max_length=60, description="De code van het partnerschap")
    dag: date
    naam: Text = Field(max_length=200, description="Bijv. Studiedag")
    bron: Text = Field(max_length=500, description="Bijv. het besluit van de stuurgroep")


class MovedPublic(BaseModel):
    dossier: int
    termijn: str = Field(description="Het label van de termijn in het protocol")
    was: date
    wordt: date

    @classmethod
    def of(cls, moved: MovedDeadline) -> MovedPublic:
        return cls(dossier=moved.case_id, termijn=moved.label, was=moved.old, wordt=moved.new)


class DayOffSaved(BaseModel):
    partnerschap: str
    dag: date
    melding: str = Field(description="Bijv. '2 termijnen verschoven'")
    verschoven: list[MovedPublic] = Field(
        description="De lopende termijnen in werkdagen die de wijziging verschoof"
    )

    @classmethod
    def of(cls, code: str, day: date, moved: list[MovedDeadline]) -> DayOffSaved:
        return cls(
            partnerschap=code,
            dag=day,
            melding=moved_heading(len(moved)),
            verschoven=[MovedPublic.of(m) for m in moved],
        )
