"""Schema migrations on SQLite and PostgreSQL: create, re-run, and match the table models."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, insert, inspect, text
from sqlmodel import SQLModel

from toetreding.clock import FixedClock, SystemClock
from toetreding.definition import ProtocolRegistry, ProtocolSpec, load_protocol_file
from toetreding.service import Toetreding, token_hash
from toetreding.store import (
    Store,
    definition_digest,
    make_engine,
    migrate,
    register_all_tables,
    schema_is_current,
)
from toetreding.store.audits import AuditStore
from toetreding.store.database import MIGRATIONS, schema_head
from toetreding.store.tables import (
    Case,
    Deadline,
    Event,
    ProtocolVersion,
    Reminder,
    SchoolCreate,
)

from .helpers import part2_with_noordik

TABLES = {
    "partnerships",
    "schools",
    "people",
    "memberships",
    "protocol_versions",
    "cases",
    "events",
    "deadlines",
    "frameworks",
    "advice_rules",
    "frame_choices",
    "protocol_uses",
    "audits",
    "audit_members",
    "audit_interviews",
    "findings",
    "reports",
    "corrections",
    "frame_answers",
    "reminders",
    "accounts",
    "case_files",
    "file_chunks",
    "web_sessions",
    "api_tokens",
    "sign_in_attempts",
    "idempotent_requests",
    "history_chain",
    "published_protocols",
    "school_vacations",
    "partnership_days_off",
    "calendar_changes",
    "meetings",
    "meeting_items",
    "meeting_pack_sendings",
}


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on an empty database (a fresh SQLite file or PostgreSQL schema)."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def differences(engine: Engine) -> list[Any]:
    register_all_tables()  # the tables of audits, frameworks, advice are defined when used
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        return list(compare_metadata(context, SQLModel.metadata))


def test_migrate_creates_the_schema_on_an_empty_database(engine: Engine) -> None:
    assert not inspect(engine).get_table_names()
    assert not schema_is_current(engine)
    migrate(engine)
    assert schema_is_current(engine)
    assert set(inspect(engine).get_table_names()) == TABLES | {"alembic_version"}


def test_migrate_twice_is_harmless(engine: Engine) -> None:
    migrate(engine)
    store = Store(engine)
    store.add_partnership("part2", "Partnerschap 2", datetime(2026, 9, 1, tzinfo=UTC))
    migrate(engine)
    assert schema_is_current(engine)
    assert [p.code for p in store.partnerships()] == ["part2"]
    with engine.connect() as connection:
        versions = connection.execute(text("select version_num from alembic_version")).all()
    assert len(versions) == 1


def test_migrated_schema_matches_the_table_models(engine: Engine) -> None:
    migrate(engine)
    assert differences(engine) == []


def test_schema_comparison_notices_a_missing_index(engine: Engine) -> None:
    # Guards the test above: the comparison really looks at this database.
    migrate(engine)
    with engine.begin() as connection:
        connection.execute(text("DROP INDEX ix_cases_school"))
    found = differences(engine)
    assert [(diff[0], diff[1].name) for diff in found] == [("add_index", "ix_cases_school")]


def _partial_indexes_in_database(engine: Engine) -> dict[str, str]:
    """Each partial index of the database and the condition of its rows."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            rows = connection.execute(
                text(
                    "SELECT name, sql FROM sqlite_master"
                    " WHERE type = 'index' AND sql LIKE '%WHERE%'"
                )
            ).all()
            return {name: sql.split(" WHERE ", 1)[1] for name, sql in rows}
        rows = connection.execute(
            text(
                "SELECT c.relname, pg_get_expr(i.indpred, i.indrelid) FROM pg_index i"
                " JOIN pg_class c ON c.oid = i.indexrelid"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE i.indpred IS NOT NULL AND n.nspname = current_schema()"
            )
        ).all()
        return {name: condition.removeprefix("(").removesuffix(")") for name, condition in rows}


def test_the_table_models_know_the_condition_of_each_partial_index(engine: Engine) -> None:
    # The comparison above does not look at an index's WHERE; the models add it only when
    # all tables are registered (tables/_base.py: partial_index), so it is checked here.
    migrate(engine)
    register_all_tables()
    dialect = engine.dialect.name
    in_models = {
        index.name: str(index.dialect_options[dialect]["where"])
        for table in SQLModel.metadata.tables.values()
        for index in table.indexes
        if index.dialect_options[dialect]["where"] is not None
    }
    assert in_models == _partial_indexes_in_database(engine)
    assert len(in_models) == 7  # memberships 2, frameworks 2, advice rules 2, cases 1


def test_the_quick_schema_check_knows_the_same_head_as_alembic(engine: Engine) -> None:
    # migrate() skips alembic when the database is at schema_head(); both must agree.
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    assert ScriptDirectory.from_config(config).get_heads() == [schema_head()]
    migrate(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    assert not schema_is_current(engine)  # an older database is upgraded, not skipped


# --- 0008: an audit's interviews were called sessions -------------------------------------


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    config.attributes["engine"] = engine
    return config


CARLA = "carla@p2.nl"


def old_table(name: str, *columns: str) -> sa.TableClause:
    """A table as the 0007 schema has it, for writing rows the current models cannot."""
    typed = {"attendees": sa.JSON(), "content": sa.JSON()}
    return sa.table(name, *(sa.column(column, typed.get(column)) for column in columns))


def audit_at_0007(engine: Engine, app: Toetreding) -> int:
    """An audit written by the 0007 schema: an interview (then a 'session'), a finding that
    names it and a draft report whose frozen findings name its group; the audit's id."""
    part2_with_noordik(app, "sam@noordik.nl")
    app.add_person("Carla", CARLA, partnership_ref="part2", roles=("coordinator",))
    by, at = app.person_id(CARLA), app.clock.now()
    school = app.school("NOORD1")
    case = {"partnership_id": school.partnership_id, "school_id": school.id, "revision": 1}
    case |= {"protocol_id": "partnerschap2", "protocol_version": 2, "state": "orientatie"}
    case |= {"opened_at": at, "updated_at": at}
    with engine.begin() as connection:  # the case as the 0007 store opened it
        added = old_table("cases", "id", *case).insert().values(**case).returning(sa.column("id"))
        case_id = connection.execute(added).scalar_one()
    audit = {"id": 7, "case_id": case_id, "framework_id": "nvao-opleidingsschool-2009"}
    audit |= {"framework_version": 1, "partnership_framework": False}
    session = {"id": 3, "audit_id": 7, "group_name": "management", "held_on": at.date()}
    finding = {"audit_id": 7, "criterion_id": "1.1", "revision": 1, "level": "goed"}
    finding |= {"evidence": "Gezien", "session_id": 3, "recorded_by": by, "recorded_at": at}
    frozen = {"level": "goed", "revision": 1, "evidence": "Gezien", "session": "management"}
    content = {"findings": {"1.1": frozen, "1.2": None}, "advice": {"label": "Partner"}}
    report = {"audit_id": 7, "version": 1, "final": False, "advice_outcome": "partner"}
    report |= {"content": content, "created_at": at, "created_by": by}
    with engine.begin() as connection:
        for name, row in (
            ("audits", audit | {"opened_at": at, "opened_by": by}),
            ("audit_sessions", session | {"attendees": ["Directie"], "notes": None}),
            ("findings", finding),
            ("reports", report),
        ):
            connection.execute(old_table(name, *row).insert().values(**row))
    return 7


def test_an_audit_written_before_0008_reads_the_same_afterwards(
    engine: Engine, registry: ProtocolRegistry, clock: FixedClock
) -> None:
    command.upgrade(alembic_config(engine), "0007")
    audit_id = audit_at_0007(engine, Toetreding(Store(engine), registry, clock))

    migrate(engine)
    audits = AuditStore(engine)
    [interview] = audits.interviews(audit_id)
    assert (interview.group_name, interview.attendees) == ("management", ["Directie"])
    assert audits.findings(audit_id)["1.1"].interview_id == interview.id == 3
    [report] = audits.reports(audit_id)
    frozen = report.content["findings"]
    assert frozen["1.1"] == {
        "level": "goed",
        "revision": 1,
        "evidence": "Gezien",
        "interview": "management",
    }
    assert frozen["1.2"] is None
    assert differences(engine) == []

    command.downgrade(alembic_config(engine), "0007")  # a rollback gets the old names back
    with engine.connect() as connection:
        finding = connection.execute(text("SELECT session_id FROM findings")).scalar_one()
        content = connection.execute(sa.select(old_table("reports", "content"))).scalar_one()
    assert finding == 3
    assert content["findings"]["1.1"]["session"] == "management"


# --- 0009: deadlines before or by a day (issue 16) -------------------------------------------

DATA = Path(__file__).resolve().parent / "data"
PROTOCOLS = Path(__file__).resolve().parent.parent / "protocols"
MIGRATED_AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def stored(name: str) -> dict[str, Any]:
    """A definition as the code before revision 0009 stored it (``date:``, one meaning)."""
    data: dict[str, Any] = json.loads((DATA / f"{name}.stored.json").read_text(encoding="utf-8"))
    return data


def alembic(engine: Engine, revision: str, *, down: bool = False) -> None:
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    config.attributes["engine"] = engine
    (command.downgrade if down else command.upgrade)(config, revision)


def po_case(
    store: Store,
    school: str,
    *,
    entered: datetime,
    due: date,
    original: date | None = None,
    status: str = "open",
) -> int:
    """A po-groningen v2 case at the school's decision, as revision 0007 left it: four
    history rows, and the decision deadline computed the old way (1 April itself)."""
    partnership = store.partnership("groningen")
    created = store.add_school(
        SchoolCreate(partnership_id=partnership.id or 0, name=school, sector="po", region="noord"),
        entered,
    )
    states = ["gesprek_bestuurder", "gesprek_directeur", "besluit_school"]
    with store.engine.begin() as connection:
        case_id = connection.execute(
            insert(Case).values(
                partnership_id=partnership.id,
                school_id=created.id,
                protocol_id="po-groningen",
                protocol_version=2,
                state="besluit_school",
                revision=3,
                opened_at=entered - timedelta(days=30),
                updated_at=entered,
            )
        ).inserted_primary_key[0]
        for seq, (before, after) in enumerate(zip([None, *states], states, strict=False), 1):
            connection.execute(
                insert(Event).values(
                    case_id=case_id,
                    seq=seq,
                    trigger="openen" if before is None else "stap",
                    from_state=before,
                    to_state=after,
                    at=entered - timedelta(days=30) + timedelta(days=seq),
                    payload={},
                )
            )
        connection.execute(
            insert(Deadline).values(
                case_id=case_id,
                state="besluit_school",
                name="besluit_voor_1_april",
                due_date=due,
                original_due_date=original or due,
                status=status,
                created_at=entered,
                next_reminder_on=None,
            )
        )
    return int(case_id)


@pytest.fixture
def at_0007(engine: Engine) -> Store:
    """A database at revision 0007 holding po-groningen v2 and Partnerschap 2 v2 as stored
    then, and po cases whose deadline "vóór 1 april" was computed as 1 April."""
    alembic(engine, "0007")
    store = Store(engine)
    store.add_partnership("groningen", "Po Groningen", MIGRATED_AT)
    with engine.begin() as connection:
        for name in ("po-groningen-v2", "partnerschap2-v2"):
            pinned = stored(name)
            connection.execute(
                insert(ProtocolVersion).values(
                    protocol_id=pinned["protocol_id"],
                    version=pinned["version"],
                    digest=pinned["digest"],
                    definition=pinned["definition"],
                    registered_at=MIGRATED_AT,
                )
            )
    return store


def deadline_id(store: Store, case_id: int) -> int:
    """The case's one deadline, read with the columns of an old revision."""
    with store.engine.connect() as connection:
        query = text("SELECT id FROM deadlines WHERE case_id = :case_id")
        return int(connection.execute(query, {"case_id": case_id}).scalar_one())


def deadline_of(store: Store, case_id: int) -> Any:
    [found] = store.deadlines(case_id=case_id)
    return found


def test_0009_moves_an_open_before_1_april_deadline_to_31_march_with_a_history_row(
    at_0007: Store,
) -> None:
    store = at_0007
    wilg = po_case(store, "OBS De Wilg", entered=MIGRATED_AT, due=date(2027, 4, 1))
    with store.engine.begin() as connection:  # a reminder the old date planned, not yet sent
        person = store.add_person("Sam", "sam@wilg.example", MIGRATED_AT)
        connection.execute(
            insert(Reminder).values(
                deadline_id=deadline_id(store, wilg),
                rung=0,
                person_id=person.id,
                role="school",
                due_date=date(2027, 4, 1),
                send_on=date(2027, 3, 2),
                escalation=False,
                status="pending",
                attempts=0,
                created_at=MIGRATED_AT,
            )
        )

    migrate(store.engine)

    moved = deadline_of(store, wilg)
    assert (moved.due_date, moved.original_due_date) == (date(2027, 3, 31), date(2027, 3, 31))
    assert moved.status == "open" and moved.next_reminder_on is not None
    case = store.case(wilg)
    history = store.history(wilg)
    assert (case.revision, [h.seq for h in history]) == (4, [1, 2, 3, 4])
    last = history[-1]
    assert (last.trigger, last.role, last.actor_id, last.from_state, last.to_state) == (
        "termijn_herberekenen",
        "systeem",
        None,
        "besluit_school",
        "besluit_school",
    )
    assert last.payload == {
        "termijn": "besluit_voor_1_april",
        "oude_datum": "2027-04-01",
        "nieuwe_datum": "2027-03-31",
    }
    assert last.note == (
        "Termijn 'Besluit over aansluiten doorgeven (vóór 1 april)' herberekend: 'vóór 1 april' "
        "betekent dat 31 maart de laatste dag is. Was uiterlijk 01-04-2027, nu uiterlijk "
        "31-03-2027."
    )
    with store.engine.connect() as connection:
        skipped = connection.execute(text("SELECT status, skip_reason FROM reminders")).one()
    assert tuple(skipped) == (
        "skipped",
        "de termijn is herberekend (was uiterlijk 01-04-2027)",
    )


def test_0009_leaves_extended_and_closed_deadlines_alone(at_0007: Store) -> None:
    store = at_0007
    # Extended by a person, even to another 1 April: that person chose the date.
    extended = po_case(
        store, "CBS Verlengd", entered=MIGRATED_AT, due=date(2028, 4, 1), original=date(2027, 4, 1)
    )
    met = po_case(store, "OBS Gehaald", entered=MIGRATED_AT, due=date(2027, 4, 1), status="met")
    before = {case_id: store.history(case_id) for case_id in (extended, met)}

    migrate(store.engine)

    assert deadline_of(store, extended).due_date == date(2028, 4, 1)
    assert deadline_of(store, extended).original_due_date == date(2027, 4, 1)
    assert deadline_of(store, met).due_date == date(2027, 4, 1)  # closed: history
    assert {case_id: store.history(case_id) for case_id in (extended, met)} == before


def test_0009_a_case_that_reached_the_decision_on_1_april_is_due_the_next_31_march(
    at_0007: Store,
) -> None:
    # With school_year 'upcoming', entering on 1 April gave 1 April itself; that day is no
    # longer in time, so the deadline is the next year's last day.
    entered = datetime(2026, 4, 1, 8, 0, tzinfo=UTC)
    case_id = po_case(at_0007, "OBS Laat", entered=entered, due=date(2026, 4, 1))
    migrate(at_0007.engine)
    assert deadline_of(at_0007, case_id).due_date == date(2027, 3, 31)
    assert at_0007.history(case_id)[-1].payload["nieuwe_datum"] == "2027-03-31"


def test_0009_writes_pinned_definitions_in_the_new_format_with_their_own_meaning(
    at_0007: Store,
) -> None:
    migrate(at_0007.engine)
    digest, definition = at_0007.pinned_protocol("po-groningen", 2) or ("", {})
    spec = ProtocolSpec.model_validate(definition)  # readable by today's model
    assert definition_digest(spec) == digest  # and digested as today's code digests it
    dues = {
        d.name: (d.due.before, d.due.by, d.due.school_year)
        for state in spec.states.values()
        for d in state.deadlines
    }
    assert dues == {
        "besluit_voor_1_april": ("1 april", None, "upcoming"),  # its label says "vóór 1 april"
        "schoolopleider_voor_zomervakantie": ("zomervakantie", None, "current"),
        "start_als_partnerschool": (None, "1 augustus", "schooljaar_aansluiting"),  # as computed
    }
    [guard] = [t.guard for t in spec.transitions if t.trigger == "aansluiten_melden"]
    assert guard == "joins_in_time('schooljaar_aansluiting', 'vóór 1 april')"
    assert spec.states["besluit_school"].label == "School beslist over aansluiten (vóór 1 april)"

    # Partnerschap 2 did not change: its stored digest matches the file again, so a new case
    # can still open on version 2.
    p2 = at_0007.pinned_protocol("partnerschap2", 2)
    assert p2 is not None
    assert p2[0] == definition_digest(load_protocol_file(PROTOCOLS / "partnerschap2-v2.yaml"))


def test_0009_a_pinned_v2_case_reads_its_deadline_as_the_agenda_shows_it(at_0007: Store) -> None:
    case_id = po_case(at_0007, "OBS De Wilg", entered=MIGRATED_AT, due=date(2027, 4, 1))
    migrate(at_0007.engine)
    app = Toetreding(
        at_0007, ProtocolRegistry.from_directory(PROTOCOLS), FixedClock(datetime(2027, 3, 1))
    )
    [item] = app.agenda(today=date(2027, 3, 1))
    assert (item.deadline.case_id, item.label, item.due) == (
        case_id,
        "Besluit over aansluiten doorgeven (vóór 1 april)",  # version 2's own label
        "uiterlijk 31-03-2027",
    )
    assert app.view(case_id).spec.version == 2


def test_0009_downgrades_the_stored_definitions_to_the_old_format(at_0007: Store) -> None:
    migrate(at_0007.engine)
    alembic(at_0007.engine, "0007", down=True)
    digest, definition = at_0007.pinned_protocol("po-groningen", 2) or ("", {})
    assert definition == stored("po-groningen-v2")["definition"]
    assert digest == stored("po-groningen-v2")["digest"]


# --- 0010: the files of a dossier ---------------------------------------------------------


def test_document_names_recorded_before_0010_stay_visible_as_names_without_a_file(
    engine: Engine, registry: ProtocolRegistry, clock: FixedClock
) -> None:
    migrate(engine)
    app = Toetreding(Store(engine), registry, clock)
    part2_with_noordik(app, "sam@noordik.nl")
    app.add_person("Carla", CARLA, partnership_ref="part2", roles=("coordinator",))
    case_id = app.open_case(school_ref="NOORD1", protocol_id="partnerschap2", actor_ref=CARLA)
    payload = {"verslag_orientatie": "verslag-gesprek.pdf"}  # what --doc recorded then
    app.store.apply(  # as the store wrote a step at 0009: no file, a name
        app.case(case_id),
        to_state="zelfevaluatie",
        final=False,
        trigger="orientatie_afronden",
        actor_id=app.person_id(CARLA),
        role="coordinator",
        at=clock.now(),
        note="Goed gesprek",
        payload=payload,
    )
    command.downgrade(alembic_config(engine), "0009")  # the rows as a database at 0009 has them
    before = app.history(case_id)

    migrate(engine)
    assert app.history(case_id) == before  # the migration loses nothing
    assert before[-1].payload == payload
    [group] = app.dossier_files(case_id)
    assert (group.artefact, group.files) == ("verslag_orientatie", [])
    assert [n.entry.name for n in group.names_only] == ["verslag-gesprek.pdf"]
    assert group.names_only[0].entry.name_only
    assert differences(engine) == []

    command.downgrade(alembic_config(engine), "0009")  # a rollback drops only the new tables
    assert "case_files" not in inspect(engine).get_table_names()
    assert Store(engine).history(case_id) == before


# --- 0011: API tokens of their own, sessions on the server -----------------------------------


def test_an_api_token_made_before_0011_works_afterwards_for_90_days(
    engine: Engine, registry: ProtocolRegistry, clock: FixedClock
) -> None:
    command.upgrade(alembic_config(engine), "0010")
    app = Toetreding(Store(engine), registry, clock)
    part2_with_noordik(app, "sam@noordik.nl")
    person_id = app.person_id("sam@noordik.nl")
    old_hash = token_hash("een-oud-token")
    account = {"person_id": person_id, "password_hash": "x", "is_admin": False}
    account |= {"api_token_hash": old_hash, "created_at": clock.now()}
    account |= {"password_changed_at": clock.now()}
    with engine.begin() as connection:
        connection.execute(old_table("accounts", *account).insert().values(**account))

    migrate(engine)
    assert differences(engine) == []
    running = app.with_clock(SystemClock())  # the migration counts 90 days from its own day
    assert running.accounts.person_for_api_token("een-oud-token") == person_id
    [moved] = running.accounts.api_tokens(person_id)
    assert moved.name == "API-token"
    assert 89 <= (moved.expires_at - SystemClock().now()).days <= 90

    command.downgrade(alembic_config(engine), "0010")  # a rollback gives the account it back
    with engine.connect() as connection:
        kept = connection.execute(text("SELECT api_token_hash FROM accounts")).scalar_one()
    assert kept == old_hash


# --- 0014: the school calendar in the database; deadlines that wait for it --------------------


def test_0014_keeps_deadlines_and_their_reminders_and_a_rollback_dates_waiting_ones(
    engine: Engine,
) -> None:
    alembic(engine, "0011")
    store = Store(engine)
    store.add_partnership("groningen", "Po Groningen", MIGRATED_AT)
    wilg = po_case(store, "OBS De Wilg", entered=MIGRATED_AT, due=date(2027, 3, 31))
    person = store.add_person("Sam", "sam@wilg.example", MIGRATED_AT)
    reminder = {"deadline_id": deadline_id(store, wilg), "rung": 0, "person_id": person.id}
    reminder |= {"role": "school", "due_date": date(2027, 3, 31), "send_on": date(2027, 3, 1)}
    reminder |= {"escalation": False, "status": "pending", "attempts": 0}
    with engine.begin() as connection:  # the columns of 0011, by name
        connection.execute(
            old_table("reminders", *reminder, "created_at").insert(),
            {**reminder, "created_at": MIGRATED_AT},
        )

    migrate(engine)  # on SQLite the due-date columns are replaced, the reminders' keys kept
    assert differences(engine) == []
    kept = deadline_of(store, wilg)
    assert (kept.due_date, kept.original_due_date, kept.waiting_for) == (
        date(2027, 3, 31),
        date(2027, 3, 31),
        None,
    )
    assert [v.school_year for v in store.summer_vacations()] == ["2027-2028"] * 3
    with engine.begin() as connection:  # a deadline waiting for its date
        connection.execute(
            text(
                "UPDATE deadlines SET due_date = NULL, original_due_date = NULL, "
                "waiting_for = 'zomervakantie 2026-2027 van regio noord'"
            )
        )

    alembic(engine, "0013", down=True)  # a rollback: the waiting deadline gets its opening day
    with engine.connect() as connection:
        row = connection.execute(text("SELECT due_date, original_due_date FROM deadlines")).one()
        reminders = connection.execute(text("SELECT count(*) FROM reminders")).scalar_one()
    assert [str(day) for day in row] == [str(MIGRATED_AT.date())] * 2
    assert reminders == 1
    migrate(engine)
    assert differences(engine) == []


# --- 0022: a published protocol belongs to a partnership --------------------------------------


def test_a_version_published_before_0022_stays_shared_by_all(
    engine: Engine, registry: ProtocolRegistry, clock: FixedClock
) -> None:
    alembic(engine, "0021")
    text_ = (PROTOCOLS / "partnerschap2.yaml").read_text(encoding="utf-8")
    text_ = text_.replace("version: 3\n", "version: 4\n", 1)
    row = {"protocol_id": "partnerschap2", "version": 4, "text": text_, "digest": "x" * 64}
    with engine.begin() as connection:
        table = old_table("published_protocols", *row, "published_at")
        connection.execute(table.insert().values(**row, published_at=MIGRATED_AT))
    migrate(engine)
    app = Toetreding(Store(engine), registry, clock)
    other = app.store.add_partnership("ander", "Ander", MIGRATED_AT).id or 0
    assert ("partnerschap2", 4) in {s.key for s in app.visible_protocols({other})}
    assert differences(engine) == []


# --- 0024: what a waiting deadline waits for, as data ------------------------------------------


def test_deadlines_waiting_before_0024_carry_their_year_and_region_afterwards(
    engine: Engine, registry: ProtocolRegistry, clock: FixedClock
) -> None:
    alembic(engine, "0023")
    store = Store(engine)
    store.add_partnership("groningen", "Po Groningen", MIGRATED_AT)
    wilg = po_case(store, "OBS De Wilg", entered=MIGRATED_AT, due=date(2027, 3, 31))
    es = po_case(store, "OBS De Es", entered=MIGRATED_AT, due=date(2027, 3, 31))
    with engine.begin() as connection:  # both wait for their date, as 0023 wrote it in words
        for case_id, words in [
            (wilg, "zomervakantie 2026-2027 van regio noord"),
            (es, "de vakantie van het noorden"),  # words no revision wrote: left as they are
        ]:
            connection.execute(
                text(
                    "UPDATE deadlines SET due_date = NULL, original_due_date = NULL, "
                    "waiting_for = :words WHERE case_id = :case_id"
                ),
                {"words": words, "case_id": case_id},
            )
    migrate(engine)
    assert differences(engine) == []
    waiting = {d.case_id: (d.waiting_year, d.waiting_region) for d in store.waiting_deadlines()}
    assert waiting == {wilg: ("2026-2027", "noord"), es: (None, None)}
    # doctor names the year and region of the one, and the words of the other
    problems = [f.problem for f in Toetreding(store, registry, clock).doctor(date(2026, 11, 23))]
    assert "1 termijn wacht op de zomervakantie 2026-2027 van regio noord (datum volgt)" in problems
    assert "1 termijn wacht op: de vakantie van het noorden (datum volgt)" in problems
    alembic(engine, "0023", down=True)
    assert "waiting_year" not in {c["name"] for c in inspect(engine).get_columns("deadlines")}
    migrate(engine)
    assert differences(engine) == []
