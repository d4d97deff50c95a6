"""The store contract, run on SQLite and on PostgreSQL (via the ``database_url`` fixture)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.exc import IntegrityError, StatementError

from toetreding._exceptions import (
    ConcurrentUpdateError,
    ConflictError,
    GuardFailed,
    InvalidInputError,
    MissingInput,
    NotFoundError,
    RoleNotAllowed,
    ToetredingError,
    TriggerNotAvailable,
)
from toetreding.calendar import Region
from toetreding.clock import FixedClock
from toetreding.definition import ProtocolRegistry, ProtocolSpec, Sector, load_protocol_text
from toetreding.service import Toetreding
from toetreding.store import HistoryEntry, Store, definition_digest, make_engine
from toetreding.store.tables import Partnership, Person, School, SchoolCreate

from .helpers import with_pdfs

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@dataclass(frozen=True)
class World:
    partnership: Partnership
    school: School
    coordinator: Person
    stuurgroep: Person
    contact: Person


def new_school(store: Store, partnership_id: int | None, name: str, brin: str | None) -> School:
    data = SchoolCreate(
        name=name, sector=Sector.VO, brin=brin, region=Region.NOORD, partnership_id=partnership_id
    )
    return store.add_school(data, datetime(2026, 8, 1, tzinfo=UTC))


@pytest.fixture
def world(store: Store, clock: FixedClock) -> World:
    at = clock.now()
    partnership = store.add_partnership("part2", "Partnerschap 2", at)
    assert partnership.id is not None
    school = new_school(store, partnership.id, "Erasmus College", "12AB")
    coordinator = store.add_person("Carla Coördinator", "carla@part2.nl", at)
    stuurgroep = store.add_person("Sem Stuurgroep", "sem@part2.nl", at)
    contact = store.add_person("Zoë School", "zoe@erasmus.nl", at)
    assert coordinator.id and stuurgroep.id and contact.id
    store.add_membership(coordinator.id, partnership.id, "coordinator")
    store.add_membership(stuurgroep.id, partnership.id, "stuurgroep")
    store.add_membership(contact.id, partnership.id, "school", school.id)
    return World(partnership, school, coordinator, stuurgroep, contact)


@pytest.fixture
def case_id(app: Toetreding, world: World) -> int:
    return app.open_case(
        school_ref=world.school.id or 0,
        protocol_id="partnerschap2",
        actor_ref="carla@part2.nl",
        note="eerste contact",
    )


def snapshot(store: Store, case_id: int) -> tuple[Any, list[HistoryEntry]]:
    return store.case(case_id), store.history(case_id)


def assert_aware_utc_instant(value: datetime, expected: datetime) -> None:
    assert value.tzinfo is not None and value.utcoffset() is not None, f"{value!r} is naive"
    assert value == expected


# --- partnerships, schools, people ---------------------------------------------------------


def test_partnership_by_code_and_by_id(store: Store, clock: FixedClock) -> None:
    added = store.add_partnership("part2", "Partnerschap 2", clock.now())
    assert added.id is not None
    for ref in ("part2", added.id, str(added.id)):
        found = store.partnership(ref)
        assert (found.id, found.code, found.name) == (added.id, "part2", "Partnerschap 2")
        assert_aware_utc_instant(found.created_at, clock.now())
    for unknown in ("part9", 999):
        with pytest.raises(NotFoundError):
            store.partnership(unknown)


def test_duplicate_partnership_code_is_a_conflict(store: Store, clock: FixedClock) -> None:
    store.add_partnership("part2", "Partnerschap 2", clock.now())
    with pytest.raises(ConflictError, match="part2"):
        store.add_partnership("part2", "Ander partnerschap", clock.now())
    store.add_partnership("part3", "Partnerschap 3", clock.now())  # the store still works
    assert [(p.code, p.name) for p in store.partnerships()] == [
        ("part2", "Partnerschap 2"),
        ("part3", "Partnerschap 3"),
    ]


def test_brin_is_unique_within_a_partnership(store: Store, clock: FixedClock) -> None:
    one = store.add_partnership("part1", "Eén", clock.now()).id
    two = store.add_partnership("part2", "Twee", clock.now()).id
    erasmus = new_school(store, one, "Erasmus", "12AB")
    elders = new_school(store, two, "Erasmus (andere regio)", "12AB")
    with pytest.raises(ConflictError, match="12AB"):
        new_school(store, one, "Dubbel", "12AB")
    new_school(store, one, "Zonder BRIN", None)
    new_school(store, one, "Ook zonder BRIN", None)

    assert store.school("12AB", one).id == erasmus.id
    assert store.school("12AB", two).id == elders.id
    assert store.school(erasmus.id or 0).name == "Erasmus"
    assert [s.name for s in store.schools(one)] == ["Erasmus", "Ook zonder BRIN", "Zonder BRIN"]
    assert [s.name for s in store.schools(two)] == ["Erasmus (andere regio)"]
    with pytest.raises(NotFoundError):
        store.school("99ZZ", one)


def test_school_needs_an_existing_partnership(store: Store) -> None:
    with pytest.raises(NotFoundError):
        new_school(store, 424242, "Nergens", "00XX")
    assert store.schools() == []


def test_email_is_unique_and_found_case_insensitively(store: Store, clock: FixedClock) -> None:
    anna = store.add_person("Anna", " Anna@Erasmus.NL ", clock.now())
    assert anna.email == "anna@erasmus.nl"
    with pytest.raises(ConflictError):
        store.add_person("Anna bis", "anna@ERASMUS.nl", clock.now())
    for ref in ("ANNA@erasmus.nl", "anna@erasmus.nl ", anna.id or 0):
        assert store.person(ref).id == anna.id
    with pytest.raises(NotFoundError):
        store.person("bob@erasmus.nl")
    assert [p.name for p, _ in store.people()] == ["Anna"]


def test_roles_are_per_partnership(store: Store, world: World, clock: FixedClock) -> None:
    other = store.add_partnership("part3", "Partnerschap 3", clock.now())
    assert other.id is not None and world.partnership.id is not None
    carla = world.coordinator.id or 0
    store.add_membership(carla, world.partnership.id, "stuurgroep")
    store.add_membership(carla, other.id, "kerngroep")

    assert store.roles_of(carla, world.partnership.id) == {"coordinator", "stuurgroep"}
    assert store.roles_of(carla, other.id) == {"kerngroep"}
    assert store.roles_of(world.contact.id or 0, other.id) == set()
    listed = {p.email: sorted(m.role for m in ms) for p, ms in store.people(other.id)}
    assert listed == {"carla@part2.nl": ["kerngroep"]}


def test_same_school_role_twice_is_a_conflict(store: Store, world: World) -> None:
    with pytest.raises(ConflictError):
        store.add_membership(
            world.contact.id or 0, world.partnership.id or 0, "school", world.school.id
        )


def test_same_role_twice_is_a_conflict(store: Store, world: World) -> None:
    # A role without a school (school_id NULL) must be refused a second time as well.
    with pytest.raises(ConflictError):
        store.add_membership(world.coordinator.id or 0, world.partnership.id or 0, "coordinator")
    roles = [
        [m.role for m in memberships]
        for person, memberships in store.people(world.partnership.id)
        if person.id == world.coordinator.id
    ]
    assert roles == [["coordinator"]]


# --- cases and history ---------------------------------------------------------------------


def test_open_case_writes_case_and_opening_event(
    store: Store, world: World, registry: ProtocolRegistry
) -> None:
    at = datetime(2026, 9, 2, 14, 30, 15, 250000, tzinfo=AMSTERDAM)
    spec = registry.get("partnerschap2", 2)
    case_id = store.open_case(
        partnership_id=world.partnership.id or 0,
        school_id=world.school.id or 0,
        spec=spec,
        actor_id=world.coordinator.id or 0,
        role="coordinator",
        at=at,
        note="eerste contact",
    )
    case = store.case(case_id)
    assert (case.partnership_id, case.school_id) == (world.partnership.id, world.school.id)
    assert (case.protocol_id, case.protocol_version) == ("partnerschap2", 2)
    assert (case.state, case.revision, case.closed_at) == ("orientatie", 1, None)
    assert_aware_utc_instant(case.opened_at, at)
    assert_aware_utc_instant(case.updated_at, at)
    assert store.open_case_of_school(world.school.id or 0) == case_id
    assert store.history(case_id) == [
        HistoryEntry(
            seq=1,
            trigger="openen",
            from_state=None,
            to_state="orientatie",
            actor_id=world.coordinator.id,
            actor_name="Carla Coördinator",
            role="coordinator",
            at=at,
            note="eerste contact",
            payload={},
        )
    ]
    with pytest.raises(NotFoundError):
        store.case(case_id + 1000)


def test_apply_moves_state_and_appends_one_event(store: Store, world: World, case_id: int) -> None:
    before = store.case(case_id)
    at = datetime(2026, 9, 15, 10, 0, 0, 123456, tzinfo=AMSTERDAM)
    payload = {"verslag_orientatie": "verslag.pdf", "paginas": 3, "akkoord": True}
    revision = store.apply(
        before,
        to_state="zelfevaluatie",
        final=False,
        trigger="orientatie_afronden",
        actor_id=world.stuurgroep.id,
        role="stuurgroep",
        at=at,
        note="goed gesprek",
        payload=payload,
    )
    after = store.case(case_id)
    assert revision == after.revision == before.revision + 1
    assert after.state == "zelfevaluatie"
    assert after.opened_at == before.opened_at
    assert_aware_utc_instant(after.updated_at, at)
    assert after.closed_at is None
    history = store.history(case_id)
    assert len(history) == 2
    assert history[-1] == HistoryEntry(
        seq=2,
        trigger="orientatie_afronden",
        from_state="orientatie",
        to_state="zelfevaluatie",
        actor_id=world.stuurgroep.id,
        actor_name="Sem Stuurgroep",
        role="stuurgroep",
        at=at,
        note="goed gesprek",
        payload=payload,
    )
    assert_aware_utc_instant(history[-1].at, at)


def test_final_state_closes_the_case(store: Store, world: World, case_id: int) -> None:
    at = datetime(2026, 9, 3, 9, 0, tzinfo=AMSTERDAM)
    store.apply(
        store.case(case_id),
        to_state="gestopt",
        final=True,
        trigger="stoppen",
        actor_id=world.contact.id,
        role="school",
        at=at,
        note="geen capaciteit",
        payload={},
    )
    case = store.case(case_id)
    assert case.closed_at is not None
    assert_aware_utc_instant(case.closed_at, at)
    assert store.open_case_of_school(world.school.id or 0) is None


def test_stale_revision_writes_nothing(store: Store, world: World, case_id: int) -> None:
    stale = store.case(case_id)
    common = {"actor_id": world.stuurgroep.id, "role": "stuurgroep", "note": None}
    store.apply(
        stale,
        to_state="zelfevaluatie",
        final=False,
        trigger="orientatie_afronden",
        at=datetime(2026, 9, 2, tzinfo=UTC),
        payload={"verslag_orientatie": "v.pdf"},
        **common,
    )
    before = snapshot(store, case_id)
    with pytest.raises(ConcurrentUpdateError):
        store.apply(
            stale,
            to_state="gestopt",
            final=True,
            trigger="stoppen",
            at=datetime(2026, 9, 3, tzinfo=UTC),
            payload={},
            **common,
        )
    assert snapshot(store, case_id) == before
    assert before[0].state == "zelfevaluatie"
    assert len(before[1]) == 2


def test_history_is_ordered_and_durable(
    app: Toetreding,
    store: Store,
    clock: FixedClock,
    database_url: str,
    world: World,
    case_id: int,
) -> None:
    clock.advance(timedelta(days=1))
    afronden = {"verslag_orientatie": "verslag.pdf"}
    app.fire(
        case_id,
        "orientatie_afronden",
        actor_ref="sem@part2.nl",
        inputs=with_pdfs(app, case_id, "orientatie_afronden", afronden),
    )
    clock.advance(timedelta(days=20))
    indienen = {"zelfevaluatie": "ze.pdf", "paginas": "8"}
    app.fire(
        case_id,
        "zelfevaluatie_indienen",
        actor_ref="zoe@erasmus.nl",
        inputs=with_pdfs(app, case_id, "zelfevaluatie_indienen", indienen),
    )
    clock.advance(timedelta(days=14))
    app.fire(
        case_id,
        "traject_inzetten",
        actor_ref="sem@part2.nl",
        inputs=with_pdfs(
            app,
            case_id,
            "traject_inzetten",
            {"besluit_stuurgroep": "besluit.pdf", "voorwaarden": "Twee werkplekbegeleiders"},
        ),
        note="Goede zelfevaluatie",
    )
    history = store.history(case_id)
    assert [(e.seq, e.trigger) for e in history] == [
        (1, "openen"),
        (2, "orientatie_afronden"),
        (3, "zelfevaluatie_indienen"),
        (4, "traject_inzetten"),
    ]
    assert [e.from_state for e in history[1:]] == [e.to_state for e in history[:-1]]
    assert [e.at for e in history] == sorted(e.at for e in history)
    assert history[2].payload["paginas"] == 8
    [self_evaluation] = history[2].payload["zelfevaluatie"]
    assert self_evaluation["name"] == "ze.pdf" and self_evaluation["version"] == 1
    assert self_evaluation["file_id"] == store.case_files(case_id)[-1].id
    assert history[3].note == "Goede zelfevaluatie"

    reopened = make_engine(database_url)
    try:
        again = Store(reopened)
        assert again.history(case_id) == history
        assert again.case(case_id) == store.case(case_id)
        assert again.case(case_id).state == "voorwaarden_gesteld"
    finally:
        reopened.dispose()


def to_zelfevaluatie(app: Toetreding, case_id: int) -> None:
    app.fire(
        case_id,
        "orientatie_afronden",
        actor_ref="carla@part2.nl",
        inputs=with_pdfs(
            app, case_id, "orientatie_afronden", {"verslag_orientatie": "verslag.pdf"}
        ),
    )


REFUSALS: dict[str, tuple[bool, str, str, dict[str, Any], type[ToetredingError]]] = {
    "unknown trigger": (False, "toetreden", "carla@part2.nl", {}, TriggerNotAvailable),
    "not from this step": (False, "besluit_partner", "sem@part2.nl", {}, TriggerNotAvailable),
    "wrong role": (
        False,
        "orientatie_afronden",
        "zoe@erasmus.nl",
        {"verslag_orientatie": "v.pdf"},
        RoleNotAllowed,
    ),
    "missing input": (False, "orientatie_afronden", "carla@part2.nl", {}, MissingInput),
    "malformed input": (
        True,
        "zelfevaluatie_indienen",
        "zoe@erasmus.nl",
        {"zelfevaluatie": "ze.pdf", "paginas": "tien"},
        MissingInput,
    ),
    "number out of range": (
        True,
        "zelfevaluatie_indienen",
        "zoe@erasmus.nl",
        {"zelfevaluatie": "ze.pdf", "paginas": "11"},
        MissingInput,
    ),
}


@pytest.mark.parametrize("why", REFUSALS)
def test_refused_fire_changes_nothing(
    app: Toetreding, store: Store, world: World, case_id: int, why: str
) -> None:
    advance, trigger, actor, inputs, refusal = REFUSALS[why]
    if advance:
        to_zelfevaluatie(app, case_id)
    before = snapshot(store, case_id)
    with pytest.raises(refusal):
        given = with_pdfs(app, case_id, trigger, inputs)
        app.fire(case_id, trigger, actor_ref=actor, inputs=given, note="poging")
    assert snapshot(store, case_id) == before


def test_refused_guard_changes_nothing(app: Toetreding, store: Store, world: World) -> None:
    # Version 2 limits the pages with a guard (version 3 declares the input's range instead).
    case_id = app.open_case(
        school_ref=world.school.id or 0,
        protocol_id="partnerschap2",
        version=2,
        actor_ref="carla@part2.nl",
    )
    to_zelfevaluatie(app, case_id)
    before = snapshot(store, case_id)
    with pytest.raises(GuardFailed):
        given = {"zelfevaluatie": "ze.pdf", "paginas": "11"}
        app.fire(
            case_id,
            "zelfevaluatie_indienen",
            actor_ref="zoe@erasmus.nl",
            inputs=with_pdfs(app, case_id, "zelfevaluatie_indienen", given),
            note="poging",
        )
    assert snapshot(store, case_id) == before


def test_fire_dated_before_the_last_event_changes_nothing(
    app: Toetreding, store: Store, world: World, case_id: int
) -> None:
    before = snapshot(store, case_id)
    with pytest.raises(InvalidInputError):
        app.fire(
            case_id,
            "orientatie_afronden",
            actor_ref="carla@part2.nl",
            inputs=with_pdfs(app, case_id, "orientatie_afronden", {"verslag_orientatie": "v.pdf"}),
            at=app.clock.now() - timedelta(hours=1),
        )
    assert snapshot(store, case_id) == before


def test_text_with_a_nul_character_is_refused_on_every_backend_and_changes_nothing(
    app: Toetreding, store: Store, world: World, case_id: int
) -> None:
    """PostgreSQL cannot store NUL in text; every backend refuses it before it is sent. The
    step's file, whose bytes were kept before the history row was refused, is gone again."""
    before = snapshot(store, case_id)
    inputs = with_pdfs(app, case_id, "orientatie_afronden", {"verslag_orientatie": "v.pdf"})
    with pytest.raises(InvalidInputError, match="NUL-teken"):
        app.fire(
            case_id, "orientatie_afronden", actor_ref="carla@part2.nl", inputs=inputs, note="a\x00"
        )
    assert snapshot(store, case_id) == before
    assert store.case_files(case_id) == [] and list(store.file_store.digests()) == []
    with pytest.raises(InvalidInputError, match="NUL-teken"):
        store.add_person("Nul\x00Persoon", "nul@part2.nl", app.clock.now())
    with pytest.raises(NotFoundError):
        store.person("nul@part2.nl")


_TYPED_ESCAPE = {"verslag": "C:\\u0000 en \\\\u0000"}  # six characters, typed as text


@pytest.mark.parametrize(
    ("refused", "error", "retry"),
    [
        # NUL in a payload's value or key is refused before anything is written; the six
        # characters of its JSON escape, typed as text, are ordinary text and kept as typed.
        ({"verslag": ["a", {"b": "c\x00"}]}, InvalidInputError, _TYPED_ESCAPE),
        ({"ver\x00slag": "v.pdf"}, InvalidInputError, _TYPED_ESCAPE),
        # The case update succeeds, then the event cannot be written: neither may remain.
        (
            {"verslag_orientatie": object()},
            (TypeError, StatementError),
            {"verslag_orientatie": "v.pdf"},
        ),
    ],
    ids=["nul-in-a-value", "nul-in-a-key", "event-insert-fails"],
)
def test_a_refused_step_leaves_the_case_as_it_was_and_a_correct_retry_goes_through(
    store: Store,
    world: World,
    case_id: int,
    refused: dict[str, Any],
    error: type[Exception] | tuple[type[Exception], ...],
    retry: dict[str, Any],
) -> None:
    before = snapshot(store, case_id)
    move: dict[str, Any] = {
        "to_state": "zelfevaluatie",
        "final": False,
        "trigger": "orientatie_afronden",
        "actor_id": world.coordinator.id,
        "role": "coordinator",
        "at": datetime(2026, 9, 2, tzinfo=UTC),
        "note": None,
    }
    with pytest.raises(error, match="NUL-teken" if error is InvalidInputError else None):
        store.apply(before[0], **move, payload=refused)
    assert snapshot(store, case_id) == before
    # the loaded revision is still current, so a correct retry goes through, kept as sent
    assert store.apply(before[0], **move, payload=retry) == 2
    assert [e.trigger for e in store.history(case_id)] == ["openen", "orientatie_afronden"]
    assert store.history(case_id)[-1].payload == retry


# --- protocol versions ---------------------------------------------------------------------


def pinned(spec: ProtocolSpec) -> tuple[str, dict[str, Any]]:
    """What the store keeps of a definition: its digest and its content."""
    return definition_digest(spec), spec.model_dump(mode="json", by_alias=True)


def edited(registry: ProtocolRegistry, old: str, new: str) -> ProtocolSpec:
    """partnerschap2's newest version as it would load after editing its file without a
    version bump."""
    source = registry.source_of(registry.get("partnerschap2"))
    assert source is not None
    with open(source, encoding="utf-8") as file:
        text = file.read()
    assert old in text
    return load_protocol_text(text.replace(old, new))


def test_pinned_definition_is_stored_when_a_case_opens(
    app: Toetreding, store: Store, registry: ProtocolRegistry, case_id: int
) -> None:
    spec = registry.get("partnerschap2")  # the newest: the case opened on it
    assert store.pinned_protocol("partnerschap2", spec.version) == pinned(spec)
    assert store.pinned_protocol("partnerschap2", spec.version - 1) is None
    assert store.pinned_protocol("partnerschap2", spec.version + 1) is None


def test_changed_definition_under_same_version_is_refused(
    app: Toetreding, store: Store, registry: ProtocolRegistry, world: World, case_id: int
) -> None:
    spec = registry.get("partnerschap2")
    # Layout and comments do not matter: the same definition pins again without complaint.
    relaid = edited(registry, "sectors: [vo, mbo]", "# herschikt\nsectors:\n  - vo\n  - mbo")
    store.pin_protocol(relaid, app.clock.now())

    changed = edited(registry, "min: 1, max: 10", "min: 1, max: 12")
    assert changed.key == spec.key
    with pytest.raises(ConflictError) as caught:
        store.pin_protocol(changed, app.clock.now())
    assert str(caught.value) == (
        f"protocol 'partnerschap2' versie {spec.version} is gewijzigd sinds er dossiers op zijn "
        "gestart; "
        "verhoog 'version' in het bestand zodat lopende dossiers hun oorspronkelijke versie houden"
    )

    # Opening a new case with the changed file is refused too, and opens nothing.
    other = new_school(store, world.partnership.id, "Tweede school", "34CD")
    edited_app = Toetreding(store, ProtocolRegistry([changed]), app.clock)
    with pytest.raises(ConflictError):
        edited_app.open_case(
            school_ref=other.id or 0, protocol_id="partnerschap2", actor_ref="carla@part2.nl"
        )
    assert store.open_case_of_school(other.id or 0) is None
    assert store.pinned_protocol("partnerschap2", spec.version) == pinned(spec)


def test_running_case_keeps_its_definition_when_the_file_changes(
    app: Toetreding, store: Store, registry: ProtocolRegistry, world: World, case_id: int
) -> None:
    spec = registry.get("partnerschap2")
    changed = edited(registry, 'label: "Oriënterend gesprek"\n', 'label: "Kennismaking"\n')
    edited_app = Toetreding(store, ProtocolRegistry([changed]), app.clock)
    view = edited_app.view(case_id)
    assert view.spec == spec
    assert view.state.label == "Oriënterend gesprek"


def test_case_stays_readable_when_its_protocol_file_is_gone(
    app: Toetreding, store: Store, registry: ProtocolRegistry, world: World, case_id: int
) -> None:
    spec = registry.get("partnerschap2")
    without_files = Toetreding(store, ProtocolRegistry(), app.clock)
    with pytest.raises(NotFoundError):
        without_files.registry.get("partnerschap2")
    view = without_files.view(case_id)
    assert view.spec == spec
    assert view.case.state == "orientatie"
    assert view.state.label == "Oriënterend gesprek"
    assert [a.trigger for a in view.allowed] == ["orientatie_afronden", "stoppen"]
    assert [e.trigger for e in view.history] == ["openen"]
    assert (view.school.name, view.partnership.code) == ("Erasmus College", "part2")

    # ... and the case can still move on under its pinned definition
    without_files.fire(
        case_id,
        "orientatie_afronden",
        actor_ref="carla@part2.nl",
        inputs=with_pdfs(
            without_files, case_id, "orientatie_afronden", {"verslag_orientatie": "v.pdf"}
        ),
    )
    assert store.case(case_id).state == "zelfevaluatie"


# --- time ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 7, 1, 12, 0, tzinfo=UTC),
        datetime(2026, 7, 1, 23, 30, 0, 999999, tzinfo=AMSTERDAM),  # summer, UTC+2
        datetime(2026, 12, 31, 23, 59, 59, 1, tzinfo=AMSTERDAM),  # winter, UTC+1
        datetime(2026, 3, 29, 1, 30, tzinfo=AMSTERDAM),  # just before the clocks go forward
        datetime(2026, 1, 1, 0, 15, tzinfo=timezone(timedelta(hours=-3))),
    ],
    ids=["utc", "summer", "winter", "dst-eve", "minus-3"],
)
def test_times_round_trip_as_aware_instants(
    store: Store, world: World, registry: ProtocolRegistry, moment: datetime
) -> None:
    person = store.add_person("Tijd", "tijd@part2.nl", moment)
    assert_aware_utc_instant(store.person(person.id or 0).created_at, moment)
    case_id = store.open_case(
        partnership_id=world.partnership.id or 0,
        school_id=world.school.id or 0,
        spec=registry.get("partnerschap2", 2),
        actor_id=person.id or 0,
        role="coordinator",
        at=moment,
        note=None,
    )
    case = store.case(case_id)
    assert_aware_utc_instant(case.opened_at, moment)
    assert_aware_utc_instant(store.history(case_id)[0].at, moment)


@pytest.mark.parametrize("ref", ["²", "99999999999999999999"])
def test_a_reference_that_only_looks_like_a_number_is_not_found_cleanly(
    store: Store, ref: str
) -> None:
    with pytest.raises(NotFoundError):
        store.partnership(ref)
    with pytest.raises(NotFoundError):
        store.school(ref)


def test_a_case_for_an_actor_holds_exactly_their_name_and_roles_for_it(
    app: Toetreding, store: Store, world: World, case_id: int
) -> None:
    loaded = store.case_for_actor(case_id, world.contact.id or 0)
    assert (loaded.case.id, loaded.actor_name, loaded.roles) == (
        case_id,
        "Zoë School",
        frozenset({"school"}),
    )
    staff = store.case_for_actor(case_id, world.stuurgroep.id or 0)
    assert (staff.actor_name, staff.roles) == ("Sem Stuurgroep", frozenset({"stuurgroep"}))
    with pytest.raises(NotFoundError) as no_case:
        store.case_for_actor(999, world.contact.id or 0)
    assert str(no_case.value) == "dossier 999 bestaat niet"
    with pytest.raises(NotFoundError) as no_person:
        store.case_for_actor(case_id, 999)
    assert str(no_person.value) == "persoon 999 bestaat niet"
    with pytest.raises(NotFoundError) as unknown:
        store.case(998)
    assert str(unknown.value) == "dossier 998 bestaat niet"


def test_a_lost_race_says_so_exactly(app: Toetreding, store: Store, case_id: int) -> None:
    stale = store.case(case_id)
    app.fire(case_id, "stoppen", actor_ref="sem@part2.nl", note="weg")
    with pytest.raises(ConcurrentUpdateError) as caught:
        store.apply(
            stale,
            to_state="gestopt",
            final=True,
            trigger="stoppen",
            actor_id=None,
            role="stuurgroep",
            at=app.clock.now(),
            note="ook weg",
            payload={},
        )
    assert str(caught.value) == (
        f"dossier {case_id} is intussen door iemand anders gewijzigd; "
        "er is niets opgeslagen, probeer het opnieuw"
    )


def test_a_statement_the_database_refuses_raises_as_sqlalchemy_would(
    store: Store, world: World, case_id: int
) -> None:
    before = snapshot(store, case_id)
    with pytest.raises(IntegrityError) as caught:
        store.apply(
            before[0],
            to_state="zelfevaluatie",
            final=False,
            trigger="orientatie_afronden",
            actor_id=987654,  # nobody: the history row's foreign key refuses it
            role="coordinator",
            at=datetime(2026, 9, 2, tzinfo=UTC),
            note=None,
            payload={},
        )
    error = caught.value
    assert isinstance(error.orig, store.engine.dialect.loaded_dbapi.Error)
    assert "INSERT INTO events" in str(error.statement)
    assert isinstance(error.params, dict) and 987654 in error.params.values()
    assert "987654" in str(error)  # the parameters are shown, as SQLAlchemy shows them
    assert snapshot(store, case_id) == before
