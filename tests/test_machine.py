"""One protocol machine decided directly: refusals with exactly what and where, inputs
normalised, roles, guards tried in order, and the cache that shares one machine."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from toetreding import GuardFailed, MissingInput, RoleNotAllowed, TriggerNotAvailable
from toetreding._exceptions import AllowedTrigger
from toetreding.clock import LOCAL_TZ
from toetreding.definition import load_protocol_text
from toetreding.files import Attachment
from toetreding.workflows import Actor, FireRequest, MachineCache, ProtocolMachine

# A file given to a document input, as the service hands it to the machine.
STUK = Attachment("s.pdf", "application/pdf", 100, "a" * 64)
BESLUIT = Attachment("b.pdf", "application/pdf", 200, "b" * 64)

PROTOCOL = """\
id: machine
version: 1
title: Machine
sectors: [vo]
roles: {coordinator: Coördinator, school: School, stuurgroep: Stuurgroep}
initial: start
states:
  start: {label: Begin}
  verder: {label: Verder}
  groot: {label: Groot}
  klaar: {label: Klaar, final: true, outcome: partner}
  gestopt: {label: Gestopt, final: true}
transitions:
  - trigger: indienen
    label: Indienen
    from: start
    to: groot
    roles: [school, coordinator]
    guard: "input_at_most('aantal', 10) and not input_at_most('aantal', 5)"
    inputs:
      - {name: aantal, kind: number, label: Aantal}
      - {name: stuk, kind: document, label: Stuk}
  - trigger: indienen
    label: Indienen
    from: start
    to: verder
    roles: [school, coordinator]
    guard: "input_at_most('aantal', 5)"
    inputs:
      - {name: aantal, kind: number, label: Aantal}
      - {name: stuk, kind: document, label: Stuk}
  - trigger: akkoord
    label: Akkoord geven
    from: verder
    to: klaar
    roles: [stuurgroep]
    inputs:
      - {name: akkoord, kind: confirmation, label: Akkoord}
      - {name: datum, kind: date, label: Datum}
      - {name: toelichting, kind: note, label: Toelichting}
      - {name: jaar, kind: school_year, label: Schooljaar, required: false}
  - {trigger: stoppen, label: Stoppen, from: "*", to: gestopt, roles: [stuurgroep, school]}
"""

AT = datetime(2027, 3, 1, 10, 0, tzinfo=LOCAL_TZ)
SCHOOL = Actor(5, "Sam", frozenset({"school"}))
NOBODY = Actor(6, "Nina", frozenset())
STEERING = Actor(7, "Stef", frozenset({"stuurgroep", "coordinator"}))


@pytest.fixture(scope="module")
def machine() -> ProtocolMachine:
    return ProtocolMachine(load_protocol_text(PROTOCOL))


def request(trigger: str, actor: Actor, **fields: Any) -> FireRequest:
    return FireRequest(trigger=trigger, actor=actor, at=AT, **fields)


def test_the_first_transition_whose_guard_holds_decides(machine: ProtocolMachine) -> None:
    small = machine.decide(
        3, "start", request("indienen", SCHOOL, inputs={"aantal": 4, "stuk": STUK})
    )
    assert (small.from_state, small.to_state, small.role, small.final) == (
        "start",
        "verder",
        "school",
        False,
    )
    assert small.payload == {"aantal": 4, "stuk": [STUK.entry()]}
    big = machine.decide(
        3, "start", request("indienen", SCHOOL, inputs={"aantal": "8", "stuk": STUK})
    )
    assert (big.to_state, big.payload) == ("groot", {"aantal": 8, "stuk": [STUK.entry()]})


def test_every_failed_guard_is_named_with_the_case_trigger_and_step(
    machine: ProtocolMachine,
) -> None:
    with pytest.raises(GuardFailed) as caught:
        machine.decide(3, "start", request("indienen", SCHOOL, inputs={"aantal": 12, "stuk": STUK}))
    refused = caught.value
    assert refused.reason == (
        "'Aantal' is 12, meer dan het maximum van 10; 'Aantal' is 12, meer dan het maximum van 5"
    )
    assert (refused.case_id, refused.trigger, refused.state) == (3, "indienen", "start")
    assert refused.allowed == [
        AllowedTrigger("indienen", "Indienen", ("school", "coordinator")),
        AllowedTrigger("stoppen", "Stoppen", ("stuurgroep", "school")),
    ]


def test_an_unknown_or_unavailable_trigger(machine: ProtocolMachine) -> None:
    with pytest.raises(TriggerNotAvailable) as unknown:
        machine.decide(3, "verder", request("vliegen", SCHOOL))
    assert unknown.value.reason == "'vliegen' bestaat niet in protocol 'Machine' versie 1"
    assert (unknown.value.trigger, unknown.value.state) == ("vliegen", "verder")
    with pytest.raises(TriggerNotAvailable) as elsewhere:
        machine.decide(None, "verder", request("indienen", SCHOOL))
    assert elsewhere.value.reason == "'Indienen' kan niet vanuit de stap 'Verder'"
    assert elsewhere.value.case_id is None


def test_who_may_fire_and_in_which_role(machine: ProtocolMachine) -> None:
    with pytest.raises(RoleNotAllowed) as nobody:
        machine.decide(3, "verder", request("akkoord", NOBODY))
    assert nobody.value.reason == "alleen Stuurgroep mag dit; Nina heeft voor dit dossier: geen"
    with pytest.raises(RoleNotAllowed) as school:
        machine.decide(3, "verder", request("akkoord", SCHOOL))
    assert school.value.reason == "alleen Stuurgroep mag dit; Sam heeft voor dit dossier: School"
    with pytest.raises(RoleNotAllowed) as not_held:
        machine.decide(3, "verder", request("stoppen", NOBODY, role="school"))
    assert not_held.value.reason == "Nina heeft de rol 'School' niet voor dit dossier (wel: geen)"
    with pytest.raises(RoleNotAllowed) as not_here:
        machine.decide(3, "start", request("indienen", STEERING, role="stuurgroep"))
    assert not_here.value.reason == (
        "alleen School, Coördinator mag dit; Stef heeft voor dit dossier: Coördinator, Stuurgroep"
    )
    chosen = machine.decide(
        3,
        "start",
        request("indienen", STEERING, role="coordinator", inputs={"aantal": 1, "stuk": STUK}),
    )
    assert chosen.role == "coordinator"
    system = machine.decide(3, "verder", request("stoppen", NOBODY, system=True))
    assert (system.role, system.to_state, system.final) == ("systeem", "gestopt", True)


def test_inputs_are_checked_all_at_once_with_how_to_give_them(machine: ProtocolMachine) -> None:
    with pytest.raises(MissingInput) as caught:
        machine.decide(3, "verder", request("akkoord", STEERING, inputs={"akkoord": "nee", "x": 1}))
    assert caught.value.reason == (
        "onbekende invoer 'x' (deze handeling vraagt: akkoord, datum, jaar, toelichting); "
        "'Akkoord': moet uitdrukkelijk bevestigd worden met 'ja'; 'Datum' ontbreekt; "
        "'Toelichting' ontbreekt"
    )
    assert caught.value.hint == "--input datum=WAARDE --note TEKST"
    with pytest.raises(MissingInput) as missing:
        machine.decide(3, "start", request("indienen", SCHOOL, inputs={"aantal": True}))
    assert missing.value.reason == "'Aantal': 'True' is geen geheel getal; 'Stuk' ontbreekt"
    assert missing.value.hint == "--doc stuk=PAD"
    with pytest.raises(MissingInput) as bad:
        machine.decide(
            3,
            "verder",
            request("akkoord", STEERING, inputs={"akkoord": True, "datum": "1-3-2027"}, note="n"),
        )
    assert bad.value.reason == "'Datum': '1-3-2027' is geen datum (gebruik JJJJ-MM-DD)"
    with pytest.raises(MissingInput) as none:
        machine.decide(3, "start", request("stoppen", SCHOOL, inputs={"x": "1"}))
    assert none.value.reason == "onbekende invoer 'x' (deze handeling vraagt: geen invoer)"


def test_inputs_are_normalised_for_the_history(machine: ProtocolMachine) -> None:
    decision = machine.decide(
        3,
        "verder",
        request(
            "akkoord",
            STEERING,
            inputs={"akkoord": " JA ", "datum": date(2027, 3, 1), "jaar": " 2027-2028 "},
            note="  goed  ",
        ),
    )
    assert decision.payload == {"akkoord": True, "datum": "2027-03-01", "jaar": "2027-2028"}
    assert (decision.note, decision.to_state, decision.final) == ("  goed  ", "klaar", True)
    confirmed = machine.decide(
        3,
        "verder",
        request("akkoord", STEERING, inputs={"akkoord": True, "datum": " 2027-03-02 "}, note="n"),
    )
    assert confirmed.payload == {"akkoord": True, "datum": "2027-03-02"}


def test_allowed_and_acting_roles_per_step(machine: ProtocolMachine) -> None:
    assert machine.allowed("verder") == [
        AllowedTrigger("akkoord", "Akkoord geven", ("stuurgroep",)),
        AllowedTrigger("stoppen", "Stoppen", ("stuurgroep", "school")),
    ]
    assert machine.acting_roles("start") == ["school", "coordinator"]  # stopping does not count
    assert machine.acting_roles("verder") == ["stuurgroep"]
    assert machine.acting_roles("groot") == ["stuurgroep", "school"]  # only stopping is left


def test_one_machine_per_protocol_version_rebuilt_for_a_new_definition() -> None:
    cache = MachineCache()
    spec = load_protocol_text(PROTOCOL)
    first = cache.machine(spec)
    assert cache.machine(spec) is first and len(cache) == 1
    changed = load_protocol_text(PROTOCOL.replace("title: Machine", "title: Anders"))
    second = cache.machine(changed)
    assert second is not first and second.spec is changed and len(cache) == 1
    assert cache.machine(changed) is second
    other = load_protocol_text(PROTOCOL.replace("version: 1", "version: 2"))
    assert cache.machine(other) is not second and len(cache) == 2


ALTERNATIVES = """\
id: keuze
version: 1
title: Keuze
sectors: [vo]
roles: {school: School, stuurgroep: Stuurgroep}
opened_by: [stuurgroep]
initial: start
states:
  start: {label: Begin}
  school_klaar: {label: School klaar, final: true}
  stuurgroep_klaar: {label: Stuurgroep klaar, final: true}
transitions:
  - {trigger: afronden, label: Afronden, from: start, to: school_klaar, roles: [school]}
  - {trigger: afronden, label: Afronden, from: start, to: stuurgroep_klaar, roles: [stuurgroep]}
  - trigger: melden
    label: Melden met verslag
    from: start
    to: school_klaar
    roles: [school]
    inputs: [{name: verslag, kind: document, label: Verslag}]
  - trigger: melden
    label: Melden met besluit
    from: start
    to: school_klaar
    roles: [school]
    inputs: [{name: besluit, kind: document, label: Besluit}]
"""


def test_the_role_picks_the_transition_and_the_inputs_pick_the_payload() -> None:
    machine = ProtocolMachine(load_protocol_text(ALTERNATIVES))
    steering = Actor(7, "Stef", frozenset({"stuurgroep"}))
    assert machine.decide(1, "start", request("afronden", steering)).to_state == "stuurgroep_klaar"
    assert machine.decide(1, "start", request("afronden", SCHOOL)).to_state == "school_klaar"
    second = machine.decide(1, "start", request("melden", SCHOOL, inputs={"besluit": BESLUIT}))
    assert (second.to_state, second.payload) == ("school_klaar", {"besluit": [BESLUIT.entry()]})


def test_a_role_not_held_names_every_role_held(machine: ProtocolMachine) -> None:
    with pytest.raises(RoleNotAllowed) as caught:
        machine.decide(3, "start", request("stoppen", STEERING, role="school"))
    assert caught.value.reason == (
        "Stef heeft de rol 'School' niet voor dit dossier "
        "(wel: Coördinator, Stuurgroep)"  # names, never role codes
    )
