# ruff: noqa: E501
"""Two versions of a small protocol for moving running cases: version 2 renames a state,
merges two, removes one, withdraws a deadline and adds two (one waits for the calendar).
``cases_in_every_state`` opens a case in every state of version 1."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from pathlib import Path

from toetreding.calendar import Region
from toetreding.clock import FixedClock
from toetreding.definition import Sector
from toetreding.service import Toetreding
from toetreding.store.tables import SchoolCreate

from .helpers import summer_2026_entered

V1 = """\
id: overgang
version: 1
title: Toetreding met overgang
sectors: [vo]
roles: {coordinator: Coördinator, school: School}
initial: aanmelding
states:
  aanmelding:
    label: Aanmelding ontvangen
    deadlines:
      - {name: reactie, label: Reactie op de aanmelding, met_by: [aanmelden], due: {after: 10 werkdagen}}
  gesprek_school:
    label: Gesprek met de school
  gesprek_bestuur:
    label: Gesprek met het bestuur
  orientatie:
    label: Oriëntatie
  besluit:
    label: Besluit van de stuurgroep
    deadlines:
      - name: besluit_nemen
        label: Besluit nemen
        met_by: [toelaten]
        due: {after: 6 weken}
        remind: [{before: 7 days, to: [coordinator]}]
  toegelaten: {label: Toegelaten, final: true}
  afgewezen: {label: Afgewezen, final: true}
transitions:
  - {trigger: aanmelden, label: Aanmelding bevestigen, from: aanmelding, to: gesprek_school, roles: [coordinator]}
  - {trigger: schoolgesprek, label: Schoolgesprek voeren, from: gesprek_school, to: gesprek_bestuur, roles: [coordinator]}
  - {trigger: bestuursgesprek, label: Bestuursgesprek voeren, from: gesprek_bestuur, to: orientatie, roles: [coordinator]}
  - {trigger: orienteren, label: Oriëntatie afronden, from: orientatie, to: besluit, roles: [coordinator]}
  - {trigger: toelaten, label: Toelaten, from: besluit, to: toegelaten, roles: [coordinator]}
  - {trigger: afwijzen, label: Afwijzen, from: "*", to: afgewezen, roles: [coordinator]}
"""

V2 = """\
id: overgang
version: 2
title: Toetreding met overgang
sectors: [vo]
roles: {coordinator: Coördinator, school: School}
initial: intake
migration:
  from: 1
  states:
    aanmelding: intake
    gesprek_school: gesprek
    gesprek_bestuur: gesprek
  removed:
    orientatie: de oriëntatie is vervallen; rond haar af in versie 1
states:
  intake:
    label: Intake
    deadlines:
      - name: reactie
        label: Reactie op de intake
        met_by: [aanmelden]
        due: {after: 10 werkdagen}
        remind: [{before: 2 days, to: [coordinator]}]
  gesprek:
    label: Gesprekken met school en bestuur
    deadlines:
      - {name: gesprekken, label: Gesprekken voeren, met_by: [gesprekken_voeren], due: {after: 4 weken}}
  besluit:
    label: Besluit van de stuurgroep
    deadlines:
      - {name: advies, label: Advies uitbrengen, met_by: [toelaten], due: {after: 2 weken}}
      - {name: voor_de_zomer, label: Besluit voor de zomer, met_by: [toelaten], due: {before: zomervakantie}}
  toegelaten: {label: Toegelaten, final: true}
  afgewezen: {label: Afgewezen, final: true}
transitions:
  - {trigger: aanmelden, label: Intake afronden, from: intake, to: gesprek, roles: [coordinator]}
  - {trigger: gesprekken_voeren, label: Gesprekken afronden, from: gesprek, to: besluit, roles: [coordinator]}
  - {trigger: toelaten, label: Toelaten, from: besluit, to: toegelaten, roles: [coordinator]}
  - {trigger: afwijzen, label: Afwijzen, from: "*", to: afgewezen, roles: [coordinator]}
"""

COORDINATOR = "carla@p2.nl"
SCHOOL_CONTACT = "sam@school1.nl"
# The trigger path from the initial state of version 1 to each state.
PATHS = {
    "aanmelding": (),
    "gesprek_school": ("aanmelden",),
    "gesprek_bestuur": ("aanmelden", "schoolgesprek"),
    "orientatie": ("aanmelden", "schoolgesprek", "bestuursgesprek"),
    "besluit": ("aanmelden", "schoolgesprek", "bestuursgesprek", "orienteren"),
    "toegelaten": ("aanmelden", "schoolgesprek", "bestuursgesprek", "orienteren", "toelaten"),
    "afgewezen": ("afwijzen",),
}


def protocols_folder(root: Path, *, with_v2: bool = True) -> Path:
    folder = root / "protocols"
    folder.mkdir(exist_ok=True)
    (folder / "overgang-v1.yaml").write_text(V1, encoding="utf-8")
    if with_v2:
        (folder / "overgang-v2.yaml").write_text(V2, encoding="utf-8")
    return folder


def partnership_with_schools(app: Toetreding, clock: FixedClock, count: int) -> None:
    """Partnership part2 with its coordinator Carla and schools SCH1 to SCH<count>."""
    summer_2026_entered(app)  # deadlines in working days count from just after it
    partnership = app.store.add_partnership("part2", "Partnerschap 2", clock.now())
    app.add_person("Carla", COORDINATOR, partnership_ref="part2", roles=("coordinator",))
    for number in range(1, count + 1):
        app.store.add_school(
            SchoolCreate(
                partnership_id=partnership.id or 0,
                name=f"School {number}",
                sector=Sector.VO,
                region=Region.MIDDEN,
                brin=f"SCH{number}",
            ),
            clock.now(),
        )


def case_per_state(
    app: Toetreding,
    clock: FixedClock,
    protocol: str,
    paths: Mapping[str, Sequence[str]],
    take: Callable[[int, str], None] | None = None,
    arrived: Callable[[int, str], None] | None = None,
) -> dict[str, int]:
    """A case on version 1 of ``protocol`` in each state of ``paths`` (the Nth at school
    SCH<N>), taken there along its triggers an hour apart: ``take(case_id, trigger)``, by
    default the coordinator fires the trigger; then ``arrived(case_id, state)``."""
    cases: dict[str, int] = {}
    for number, (state, path) in enumerate(paths.items(), start=1):
        case_id = app.open_case(
            school_ref=f"SCH{number}", protocol_id=protocol, version=1, actor_ref=COORDINATOR
        )
        for trigger in path:
            clock.advance(timedelta(hours=1))
            if take is None:
                app.fire(case_id, trigger, actor_ref=COORDINATOR)
            else:
                take(case_id, trigger)
        if arrived is not None:
            arrived(case_id, state)
        cases[state] = case_id
    return cases


def cases_in_every_state(app: Toetreding, clock: FixedClock) -> dict[str, int]:
    """Partnership part2 with a school per state of version 1 and a case in that state."""
    partnership_with_schools(app, clock, len(PATHS))
    cases = case_per_state(app, clock, "overgang", PATHS)
    app.add_person(
        "Sam", SCHOOL_CONTACT, partnership_ref="part2", roles=("school",), school_ref="SCH1"
    )
    clock.advance(timedelta(days=1))
    return cases
