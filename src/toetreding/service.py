"""The application service: what a coordinator, committee or school can do, in one place.

It ties the protocol registry, the shared machines and the store together. The CLI (and
later the web app) call this; nothing here prints or reads the wall clock.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from toetreding._exceptions import (
    AllowedTrigger,
    ConcurrentUpdateError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
)
from toetreding.calendar import SchoolCalendar
from toetreding.clock import Clock, as_aware, local
from toetreding.deadlines import DeadlinePlanner, latest_inputs
from toetreding.definition import ProtocolRegistry, ProtocolSpec, StateSpec
from toetreding.roles import ROLE_LABELS, SCHOOL_ROLE
from toetreding.rules import AuditFacts, PastEvent
from toetreding.settings import Settings
from toetreding.store import (
    CaseRecord,
    HistoryEntry,
    Store,
    definition_digest,
    make_engine,
    migrate,
)
from toetreding.store.audits import AuditStore
from toetreding.store.records import DeadlineRecord, Visibility
from toetreding.store.tables import Partnership, Person, School
from toetreding.workflows import Actor, Decision, FireRequest, WorkflowEngine


@dataclass(frozen=True)
class CaseView:
    """Everything a person needs to read one case."""

    case: CaseRecord
    school: School
    partnership: Partnership
    spec: ProtocolSpec
    state: StateSpec
    allowed: list[AllowedTrigger]
    history: list[HistoryEntry]
    deadlines: list[DeadlineRecord]


@dataclass(frozen=True)
class StepCount:
    protocol: ProtocolSpec
    state: str
    count: int


@dataclass(frozen=True)
class Consequence:
    """What a sweep did about one missed deadline."""

    deadline: DeadlineRecord
    action: str  # 'fire' or 'escalate'
    target: str  # the trigger fired, or the role escalated to


@dataclass(frozen=True)
class AgendaItem:
    """An open deadline as a steering group reads it."""

    deadline: DeadlineRecord
    label: str
    state_label: str
    who: tuple[str, ...]  # role labels of those who meet it
    days_left: int  # negative: overdue by that many days

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


# Shown as who acts on a deadline whose trigger the protocol fires itself on the due date.
AUTOMATIC = "automatisch op de datum"

# Who may extend or waive a deadline: the people who run the process, never the school.
DEADLINE_ROLES = ("coordinator", "stuurgroep")


@dataclass(frozen=True)
class _StoreLookups:
    """What guards of one case may read from the store (see :class:`CaseLookups`)."""

    store: Store
    case: CaseRecord

    def history(self) -> Sequence[PastEvent]:
        return self.store.history(self.case.id)

    def peers_with(self, name: str, value: Any) -> Sequence[str]:
        school = self.store.school(self.case.school_id)
        if not school.board:
            raise InvalidInputError(
                f"van {school.name} is geen schoolbestuur vastgelegd; leg dat eerst vast"
            ).with_hint(f"toetreding school edit {school.id} --board NAAM")
        wanted = str(value).strip().casefold()
        return [
            name_
            for name_, recorded in self.store.board_peers_with(self.case.id, name)
            if str(recorded).strip().casefold() == wanted
        ]

    def audit(self) -> AuditFacts | None:
        return AuditStore(self.store.engine).facts(self.case.id)


class Toetreding:
    """Facade over registry, engine and store. Time comes from the injected clock."""

    def __init__(
        self,
        store: Store,
        registry: ProtocolRegistry,
        clock: Clock,
        calendar: Callable[[], SchoolCalendar] = SchoolCalendar.load,
    ) -> None:
        self.store = store
        self.registry = registry
        self.clock = clock
        self.engine = WorkflowEngine()
        self.deadlines = DeadlinePlanner(calendar)
        self._pinned: dict[tuple[str, int], ProtocolSpec] = {}
        self._words: dict[tuple[str, int, str, str], tuple[str, str, tuple[str, ...]]] = {}

    @classmethod
    def from_settings(cls, settings: Settings, clock: Clock) -> Toetreding:
        registry = ProtocolRegistry.from_directory(settings.protocols_dir)
        engine = make_engine(settings.database_url)
        migrate(engine)
        return cls(Store(engine), registry, clock)

    # --- setup -------------------------------------------------------------------------

    def partnership_id(self, ref: str | int | None) -> int | None:
        """The id of a partnership given by code or id; None stays None (all partnerships)."""
        return None if ref is None else self.store.partnership(ref).id

    def known_roles(self) -> dict[str, str]:
        roles = dict(ROLE_LABELS)
        for spec in self.registry.all():
            for role, label in spec.roles.items():
                roles.setdefault(role, label)
        return roles

    def add_person(
        self,
        name: str,
        email: str,
        *,
        partnership_ref: str | int | None = None,
        roles: tuple[str, ...] = (),
        school_ref: str | None = None,
    ) -> Person:
        """Register a person with roles in one partnership; every role is checked first."""
        grants = [
            self._resolve_role(partnership_ref, role, school_ref if role == SCHOOL_ROLE else None)
            for role in roles
        ]
        person = self.store.add_person(name, email, self.clock.now())
        assert person.id is not None
        for partnership_id, role, school_id in grants:
            self.store.add_membership(person.id, partnership_id, role, school_id)
        return person

    def grant_role(
        self,
        person_ref: str | int,
        partnership_ref: str | int,
        role: str,
        school_ref: str | None = None,
    ) -> None:
        """Give a person a role in a partnership; a school contact is tied to a school."""
        partnership_id, role, school_id = self._resolve_role(partnership_ref, role, school_ref)
        person = self.store.person(person_ref)
        assert person.id is not None
        self.store.add_membership(person.id, partnership_id, role, school_id)

    def _resolve_role(
        self, partnership_ref: str | int | None, role: str, school_ref: str | None
    ) -> tuple[int, str, int | None]:
        roles = self.known_roles()
        if role not in roles:
            raise InvalidInputError(f"onbekende rol '{role}'; kies uit: {', '.join(roles)}")
        if partnership_ref is None:
            raise InvalidInputError("een rol hoort bij een partnerschap").with_hint(
                "--partnership CODE"
            )
        partnership = self.store.partnership(partnership_ref)
        assert partnership.id is not None
        if role != SCHOOL_ROLE:
            if school_ref is not None:
                raise InvalidInputError("alleen de rol 'school' hoort bij een school")
            return partnership.id, role, None
        if school_ref is None:
            raise InvalidInputError("de rol 'school' hoort bij een school").with_hint(
                "--school SCHOOL"
            )
        school = self.store.school(school_ref, partnership.id)
        if school.partnership_id != partnership.id:
            raise InvalidInputError(f"school '{school.name}' hoort niet bij {partnership.code}")
        return partnership.id, role, school.id

    # --- cases -------------------------------------------------------------------------

    def open_case(
        self,
        *,
        school_ref: str | int,
        protocol_id: str,
        actor_ref: str | int,
        version: int | None = None,
        partnership_ref: str | int | None = None,
        note: str | None = None,
        at: datetime | None = None,
    ) -> int:
        """Open an admission case for a school on the newest (or given) protocol version."""
        partnership_id = self.partnership_id(partnership_ref)
        school = self.store.school(school_ref, partnership_id)
        spec = self.registry.get(protocol_id, version)
        if school.sector not in spec.sectors:
            sectors = ", ".join(spec.sectors)
            raise InvalidInputError(
                f"protocol '{spec.id}' is voor {sectors}; {school.name} is {school.sector}"
            )
        existing = self.store.open_case_of_school(school.id or 0)
        if existing is not None:
            raise ConflictError(f"{school.name} heeft al een lopend dossier ({existing})")
        person = self.store.person(actor_ref)
        roles = self.store.roles_of(person.id or 0, school.partnership_id)
        role = next((r for r in spec.opened_by if r in roles), None)
        if role is None:
            raise InvalidInputError(
                f"alleen {', '.join(spec.opened_by)} mag een dossier openen; "
                f"{person.name} heeft: {', '.join(sorted(roles)) or 'geen rol'}"
            )
        moment = as_aware(at) if at else self.clock.now()
        deadlines = self.deadlines.opening(
            spec, spec.initial, moment, region=lambda: str(school.region), inputs=dict
        )
        self.store.pin_protocol(spec, moment)
        return self.store.open_case(
            partnership_id=school.partnership_id,
            school_id=school.id or 0,
            spec=spec,
            actor_id=person.id or 0,
            role=role,
            at=moment,
            note=note,
            deadlines=deadlines,
        )

    def fire(
        self,
        case_id: int,
        trigger: str,
        *,
        actor_ref: str | int,
        inputs: Mapping[str, Any] | None = None,
        note: str | None = None,
        role: str | None = None,
        at: datetime | None = None,
    ) -> Decision:
        """Fire ``trigger`` on a case as a person. Refusals raise and change nothing."""
        person_id = self.person_id(actor_ref)
        # Load, decide and apply on one pooled connection: one checkout per request. Only
        # the first request on a protocol version reads more of the store (to check the
        # version): that is done outside, so a request never holds two connections at once.
        # (With two, the pool hands them out in turn and SQLite's page cache, which is per
        # connection, would start cold on every request.)
        with self.store.request_scope():
            case, actor, moment = self._load_for_fire(case_id, person_id, at)
            spec = self._pinned.get((case.protocol_id, case.protocol_version))
            if spec is not None:
                return self._decide_and_apply(
                    case, actor, spec, trigger, moment, inputs, note, role
                )
        spec = self.spec_of(case)
        return self._decide_and_apply(case, actor, spec, trigger, moment, inputs, note, role)

    def _load_for_fire(
        self, case_id: int, person_id: int, at: datetime | None
    ) -> tuple[CaseRecord, Actor, datetime]:
        """The case, who acts on it with their roles for it, and the moment of acting."""
        loaded = self.store.case_for_actor(case_id, person_id)
        case = loaded.case
        moment = as_aware(at) if at else self.clock.now()
        if moment < case.updated_at:
            raise InvalidInputError(
                f"tijdstip {moment:%Y-%m-%d %H:%M} ligt vóór de laatste gebeurtenis van "
                f"dossier {case_id} ({case.updated_at:%Y-%m-%d %H:%M})"
            )
        return case, Actor(person_id, loaded.actor_name, loaded.roles), moment

    def _decide_and_apply(
        self,
        case: CaseRecord,
        actor: Actor,
        spec: ProtocolSpec,
        trigger: str,
        moment: datetime,
        inputs: Mapping[str, Any] | None,
        note: str | None,
        role: str | None,
        *,
        system: bool = False,
        missed: bool = False,
    ) -> Decision:
        """Check the trigger with the protocol's machine; apply it or raise the refusal."""
        request = FireRequest(
            trigger=trigger,
            actor=actor,
            at=moment,
            inputs=dict(inputs or {}),
            note=note,
            role=role,
            system=system,
        )
        decision = self.engine.machine(spec).decide(
            case.id, case.state, request, _StoreLookups(self.store, case)
        )
        plan = self.deadlines.transition(
            spec,
            from_state=decision.from_state,
            to_state=decision.to_state,
            trigger=decision.trigger,
            at=moment,
            region=lambda: str(self.store.school(case.school_id).region),
            inputs=lambda: latest_inputs(
                [*(h.payload for h in self.store.history(case.id)), decision.payload]
            ),
            missed=missed,
        )
        self.store.apply(
            case,
            to_state=decision.to_state,
            final=decision.final,
            trigger=decision.trigger,
            actor_id=actor.person_id,
            role=decision.role,
            at=moment,
            note=decision.note,
            payload=decision.payload,
            deadlines=plan,
        )
        return decision

    def agenda(
        self,
        *,
        today: date,
        partnership_ref: str | int | None = None,
        within_days: int | None = None,
        overdue_only: bool = False,
        visible: Visibility | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[AgendaItem]:
        """Open deadlines across cases (those ``visible``, when given), soonest first:
        overdue ones and those due within ``within_days`` (all open ones when None);
        ``limit`` and ``offset`` page them."""
        filters = self._agenda_filters(today, partnership_ref, within_days, overdue_only)
        records = self.store.deadlines(**filters, visible=visible, limit=limit, offset=offset)
        return [self._agenda_item(record, today) for record in records]

    def agenda_size(
        self,
        *,
        today: date,
        partnership_ref: str | int | None = None,
        within_days: int | None = None,
        overdue_only: bool = False,
        visible: Visibility | None = None,
    ) -> int:
        """How many items :meth:`agenda` has without a limit."""
        filters = self._agenda_filters(today, partnership_ref, within_days, overdue_only)
        return self.store.count_deadlines(**filters, visible=visible)

    def _agenda_filters(
        self,
        today: date,
        partnership_ref: str | int | None,
        within_days: int | None,
        overdue_only: bool,
    ) -> dict[str, Any]:
        return {
            "partnership_id": self.partnership_id(partnership_ref),
            "open_only": True,
            "due_before": today if overdue_only else None,
            "due_until": today + timedelta(days=within_days) if within_days is not None else None,
        }

    def _agenda_item(self, record: DeadlineRecord, today: date) -> AgendaItem:
        label, state_label, who = self._deadline_words(
            record.protocol_id, record.protocol_version, record.state, record.name
        )
        return AgendaItem(
            deadline=record,
            label=label,
            state_label=state_label,
            who=who,
            days_left=(record.due_date - today).days,
        )

    def _deadline_words(
        self, protocol_id: str, version: int, state_name: str, name: str
    ) -> tuple[str, str, tuple[str, ...]]:
        """What the agenda says of a deadline: its label, the step, and who acts on it."""
        key = (protocol_id, version, state_name, name)
        if key not in self._words:  # the agenda lists thousands of the same few deadlines
            self._words[key] = self._describe_deadline(*key)
        return self._words[key]

    def _describe_deadline(
        self, protocol_id: str, version: int, state_name: str, name: str
    ) -> tuple[str, str, tuple[str, ...]]:
        spec = self._spec(protocol_id, version)
        state = spec.states[state_name]
        found = next((d for d in state.deadlines if d.name == name), None)
        met_by = found.met_by if found else ()
        roles = dict.fromkeys(
            role for t in spec.transitions if t.trigger in met_by for role in t.roles
        )
        who = tuple(spec.roles.get(r, r) for r in roles)
        if found and found.automatic:
            who = (AUTOMATIC, *who)
        return (found.label if found else name, state.label, who)

    def sweep_deadlines(self, at: datetime | None = None) -> list[Consequence]:
        """Carry out what deadlines do when their day comes, each exactly once.

        On the due date ``on_due`` fires its trigger; after it, a missed deadline's
        ``on_missed.fire`` does. Both move the case as role 'systeem' (its guarded update
        makes a second sweeper lose, and leaving the state closes the deadline). ``escalate``
        is marked once, for the reminders to act on. Flag-only deadlines just show as overdue.
        """
        moment = as_aware(at) if at else self.clock.now()
        today = local(moment).date()
        done: list[Consequence] = []
        for record in self.store.deadlines(open_only=True, due_before=today + timedelta(days=1)):
            if record.consequence_at is None:
                consequence = self._carry_out(record, today, moment)
                if consequence is not None:
                    done.append(consequence)
        return done

    def _carry_out(
        self, record: DeadlineRecord, today: date, moment: datetime
    ) -> Consequence | None:
        spec = self._spec(record.protocol_id, record.protocol_version)
        deadline = next(d for d in spec.states[record.state].deadlines if d.name == record.name)
        if deadline.automatic is not None:
            note = f"Automatisch op {record.due_date:%d-%m-%Y}: {deadline.label}"
            if self._fire_consequence(record, deadline.automatic, note, moment, missed=False):
                return Consequence(record, "fire", deadline.automatic)
            return None
        action = deadline.on_missed
        if record.due_date >= today:
            return None
        if action.fire is not None:
            note = f"Termijn verstreken: {deadline.label} (uiterlijk {record.due_date:%d-%m-%Y})"
            if self._fire_consequence(record, action.fire, note, moment, missed=True):
                return Consequence(record, "fire", action.fire)
        elif action.escalate is not None and self.store.mark_consequence(record.id, moment):
            return Consequence(record, "escalate", action.escalate)
        return None

    def _fire_consequence(
        self, record: DeadlineRecord, trigger: str, note: str, moment: datetime, *, missed: bool
    ) -> bool:
        case = self.store.case(record.case_id)
        if case.state != record.state:
            return False
        system = Actor(None, "systeem", frozenset())
        try:
            self._decide_and_apply(
                case,
                system,
                self.spec_of(case),
                trigger,
                moment,
                {},
                note,
                None,
                system=True,
                missed=missed,
            )
        except ConcurrentUpdateError:
            return False  # someone moved the case first; nothing was written
        return True

    def extend_deadline(
        self,
        case_id: int,
        name: str,
        *,
        new_due: date,
        reason: str,
        actor_ref: str | int,
        at: datetime | None = None,
    ) -> DeadlineRecord:
        """Move an open deadline to a later date; who, when and why go into the history."""
        deadline = self._open_deadline(case_id, name)
        if new_due <= deadline.due_date:
            raise InvalidInputError(f"de nieuwe datum moet na {deadline.due_date:%d-%m-%Y} liggen")
        self._change_deadline(
            case_id, deadline, "termijn_verlengen", new_due, reason, actor_ref, at
        )
        return self._open_deadline(case_id, name)

    def waive_deadline(
        self,
        case_id: int,
        name: str,
        *,
        reason: str,
        actor_ref: str | int,
        at: datetime | None = None,
    ) -> None:
        """Set an open deadline aside; who, when and why go into the history."""
        deadline = self._open_deadline(case_id, name)
        self._change_deadline(
            case_id, deadline, "termijn_laten_vervallen", None, reason, actor_ref, at
        )

    def _open_deadline(self, case_id: int, name: str) -> DeadlineRecord:
        found = self.store.deadlines(case_id=case_id, open_only=True)
        match = next((d for d in found if d.name == name), None)
        if match is None:
            names = ", ".join(d.name for d in found) or "geen"
            raise NotFoundError(
                f"dossier {case_id} heeft geen lopende termijn '{name}' (lopend: {names})"
            )
        return match

    def _change_deadline(
        self,
        case_id: int,
        deadline: DeadlineRecord,
        trigger: str,
        new_due: date | None,
        reason: str,
        actor_ref: str | int,
        at: datetime | None,
    ) -> None:
        if not reason.strip():
            raise InvalidInputError("geef een reden").with_hint("--reason TEKST")
        person_id = self.person_id(actor_ref)
        loaded = self.store.case_for_actor(case_id, person_id)
        role = next((r for r in DEADLINE_ROLES if r in loaded.roles), None)
        if role is None:
            raise InvalidInputError(
                f"alleen {' of '.join(DEADLINE_ROLES)} mag termijnen aanpassen; "
                f"{loaded.actor_name} heeft: {', '.join(sorted(loaded.roles)) or 'geen rol'}"
            )
        moment = as_aware(at) if at else self.clock.now()
        self.store.change_deadline(
            loaded.case,
            deadline,
            trigger=trigger,
            new_due=new_due,
            actor_id=person_id,
            role=role,
            at=moment,
            reason=reason.strip(),
        )

    def view(self, case_id: int) -> CaseView:
        case = self.store.case(case_id)
        spec = self.spec_of(case)
        return CaseView(
            case=case,
            school=self.store.school(case.school_id),
            partnership=self.store.partnership(case.partnership_id),
            spec=spec,
            state=spec.states[case.state],
            allowed=self.engine.machine(spec).allowed(case.state),
            history=self.store.history(case_id),
            deadlines=self.store.deadlines(case_id=case_id),
        )

    def overview(self, partnership_ref: str | int | None = None) -> list[StepCount]:
        """Number of cases in each state, in protocol order (empty states included)."""
        partnership_id = self.partnership_id(partnership_ref)
        counts = {
            (pid, version, state): n
            for pid, version, state, n in self.store.count_by_state(partnership_id)
        }
        result = []
        for pid, version in sorted({(pid, v) for pid, v, _ in counts}):
            spec = self._spec(pid, version)
            for state in spec.states:
                result.append(StepCount(spec, state, counts.get((pid, version, state), 0)))
        return result

    def today(self) -> date:
        """Today's date in Dutch time, from the injected clock."""
        return local(self.clock.now()).date()

    def spec_of(self, case: CaseRecord) -> ProtocolSpec:
        return self._spec(case.protocol_id, case.protocol_version)

    def protocol(self, protocol_id: str, version: int) -> ProtocolSpec:
        """The exact definition cases on this version are decided by (see ``_spec``)."""
        return self._spec(protocol_id, version)

    # --- helpers -----------------------------------------------------------------------

    def _spec(self, protocol_id: str, version: int) -> ProtocolSpec:
        """The exact definition cases on this version started on.

        That is the file's, unless the file was changed without a version bump (or removed):
        then the definition stored when the first case started. Checked once per version.
        """
        key = (protocol_id, version)
        found = self._pinned.get(key)
        if found is not None:
            return found
        from_file = self.registry.find(protocol_id, version)
        stored = self.store.pinned_protocol(protocol_id, version)
        if stored is None:
            if from_file is None:
                raise NotFoundError(f"protocol '{protocol_id}' versie {version} is onbekend")
            spec = from_file
        elif from_file is not None and definition_digest(from_file) == stored[0]:
            spec = from_file
        else:
            spec = ProtocolSpec.model_validate(stored[1])
        self._pinned[key] = spec
        return spec

    def person_id(self, ref: str | int) -> int:
        """The id of a person given by id or e-mail address."""
        if isinstance(ref, int):
            return ref
        person = self.store.person(ref)
        assert person.id is not None
        return person.id
