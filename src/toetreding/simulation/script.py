"""The cohort script ``toetreding simulate`` runs: schools and what happens to them when.

A script is YAML, loaded in the same stages as a protocol file (so a typo names its file,
line and key)::

    partnership: {code: groningen, name: "Po-partnerschap Groningen"}
    until: 2028-08-31            # optional: one year after the start by default
    schools:
      - name: OBS De Wilg
        region: noord
        board: Stichting Openbaar Onderwijs Groningen
        actions:
          - {date: 2027-09-14, fire: bestuursgesprek_gevoerd, as: coordinator,
             inputs: {verslag_bestuursgesprek: verslag.pdf, gespreksdatum: 2027-09-14}}
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import Field, model_validator

from toetreding.calendar import Region
from toetreding.definition import ProtocolSpec
from toetreding.formats import Identifier, KeyPath, Spec, Text, load_document_file


class PartnershipScript(Spec):
    code: Text = "simulatie"
    name: Text = "Simulatie"


class ActionScript(Spec):
    """A person fires a trigger on a day of the simulation."""

    date: date
    fire: Identifier
    as_role: Identifier = Field(alias="as")
    inputs: dict[Identifier, Any] = Field(default_factory=dict)
    note: str | None = None


class SchoolScript(Spec):
    name: Text
    region: Region
    board: Text | None = None
    brin: str | None = None
    opened: date | None = None  # the day its case is opened; the start date by default
    actions: tuple[ActionScript, ...] = ()

    @model_validator(mode="after")
    def _in_order(self) -> SchoolScript:
        days = [action.date for action in self.actions]
        if days != sorted(days):
            raise ValueError("de acties moeten op datum staan, vroegste eerst")
        return self


class CohortScript(Spec):
    """What ``toetreding simulate`` plays out on its virtual clock."""

    partnership: PartnershipScript = PartnershipScript()
    until: date | None = None
    schools: tuple[SchoolScript, ...] = Field(min_length=1)


def load_cohort_script(path: str | Path, spec: ProtocolSpec) -> CohortScript:
    """Read a script for ``spec``; every problem names the file, line and key."""
    return load_document_file(path, CohortScript, lambda script: _check_against(spec, script))


def _check_against(spec: ProtocolSpec, script: CohortScript) -> Iterator[tuple[KeyPath, str]]:
    """Actions must use the protocol's triggers and roles; schools need distinct names."""
    triggers = spec.triggers()
    seen: set[str] = set()
    for index, school in enumerate(script.schools):
        at: KeyPath = ("schools", index)
        if school.name in seen:
            yield (*at, "name"), f"school '{school.name}' staat twee keer in het script"
        seen.add(school.name)
        for position, action in enumerate(school.actions):
            where: KeyPath = (*at, "actions", position)
            if action.fire not in triggers:
                yield (*where, "fire"), f"'{action.fire}' is geen handeling van {spec.id}"
            if action.as_role not in spec.roles:
                allowed = ", ".join(spec.roles)
                yield (*where, "as"), f"rol '{action.as_role}' bestaat niet; kies uit: {allowed}"
