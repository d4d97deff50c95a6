"""Cases: opening one, taking a step, reading one, and lists of cases."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Literal

from toetreding._exceptions import (
    AllowedTrigger,
    ConflictError,
    InvalidInputError,
    NotFoundError,
    TriggerNotAvailable,
)
from toetreding.clock import as_aware, local
from toetreding.deadlines import declared_deadline, due_text, latest_inputs, reads_calendar
from toetreding.definition import GroupLabels, ProtocolSpec, StateSpec
from toetreding.service.case_lookups import StoreLookups
from toetreding.service.corrections import WITHDRAWN, is_withdrawn, standing
from toetreding.service.files import FileService, new_files, staged_in
from toetreding.service.frames import FrameService
from toetreding.service.history_words import row_versions
from toetreding.store import (
    MEETING_KEY,
    CaseFilter,
    CaseRecord,
    DeadlineRecord,
    HistoryEntry,
    PartnershipPublic,
    SchoolPublic,
    is_id,
)
from toetreding.workflows import Actor, Decision, FireRequest


@dataclass(frozen=True)
class DeadlineLine:
    """A deadline of a case as people read it: the protocol author's label beside the
    computed date, said one way everywhere (``uiterlijk 31-03-2027``)."""

    deadline: DeadlineRecord
    label: str  # the protocol's label (the name, if the definition no longer has it)
    due: str  # 'uiterlijk 31-03-2027', or 'op 01-08-2027' when the protocol acts that day
    original: str | None  # the computed date the same way, when a person moved it


@dataclass(frozen=True)
class CaseView:
    """Everything a person needs to read one case."""

    case: CaseRecord
    school: SchoolPublic
    partnership: PartnershipPublic
    spec: ProtocolSpec
    state: StateSpec
    allowed: list[AllowedTrigger]
    history: list[HistoryEntry]
    deadlines: list[DeadlineRecord]
    deadline_lines: list[DeadlineLine]  # the same deadlines, in words
    # Per history row (seq) the versions it was written under, before and after it: a row
    # of an earlier version is read with that version's labels (a case moved since).
    row_specs: Mapping[int, tuple[ProtocolSpec, ProtocolSpec]] = field(default_factory=dict)
    withdrawn: bool = False  # opened by mistake and withdrawn: no step can be taken

    def specs_of(self, entry: HistoryEntry) -> tuple[ProtocolSpec, ProtocolSpec]:
        """The definitions of the row's states: the one it left and the one it entered."""
        return self.row_specs.get(entry.seq, (self.spec, self.spec))

    @property
    def input_labels(self) -> dict[str, str]:
        """The label of every input any version of this case asks (the newest wins)."""
        specs = [pair[0] for pair in self.row_specs.values()] + [self.spec]
        return {i.name: i.label for spec in specs for t in spec.transitions for i in t.inputs}

    @property
    def group_labels(self) -> GroupLabels:
        """The audit's conversation groups by label, also those only an earlier version of
        this case named (its interviews keep the group they were held with)."""
        return GroupLabels(self.spec, (pair[0] for pair in self.row_specs.values()))


class CaseService(FileService, FrameService):
    """Opening cases, taking steps, reading cases."""

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
        # One pooled connection for the look-ups and the insert (as for a step).
        with self.store.request_scope():
            return self._open_case(
                school_ref, protocol_id, actor_ref, version, partnership_id, note, at
            )

    def _open_case(
        self,
        school_ref: str | int,
        protocol_id: str,
        actor_ref: str | int,
        version: int | None,
        partnership_id: int | None,
        note: str | None,
        at: datetime | None,
    ) -> int:
        # By numbers (as the web app and scripts give them) the look-ups below are one
        # query; otherwise, or when one is missing, they are made one by one.
        found = None
        if is_id(school_ref) and is_id(actor_ref):
            found = self.store.opening(int(school_ref), int(actor_ref))
        school = found.school if found else self.store.school(school_ref, partnership_id)
        registry, owners = self.protocols_and_owners(found.published if found else None)
        owner = owners.get(protocol_id)
        try:
            spec = registry.get(protocol_id, version)
            if owner not in (None, school.partnership_id):
                raise NotFoundError(protocol_id)
        except NotFoundError:
            # another partnership's protocol is refused as if unknown: nothing about it shows
            raise self.unknown_protocol(protocol_id, version, school.partnership_id) from None
        if owner is None:
            self.require_used(spec, school.partnership_id, found.choices if found else None)
        if school.sector not in spec.sectors:
            sectors = ", ".join(spec.sectors)
            raise InvalidInputError(
                f"protocol '{spec.title}' is voor {sectors}; {school.name} is {school.sector}"
            )
        existing = found.open_case if found else self.store.open_case_of_school(school.id)
        if existing is not None:
            raise ConflictError(f"{school.name} heeft al een lopend dossier ({existing})")
        person = found.person if found else self.store.person(actor_ref)
        roles = found.roles if found else self.store.roles_of(person.id, school.partnership_id)
        role = next((r for r in spec.opened_by if r in roles), None)
        if role is None:
            may = " of ".join(spec.role_label(r) for r in spec.opened_by)
            held = ", ".join(sorted(spec.role_label(r) for r in roles)) or "geen rol"
            raise InvalidInputError(
                f"alleen {may} mag een dossier openen; {person.name} heeft: {held}"
            )
        moment = as_aware(at) if at else self.clock.now()
        key = (spec.id, spec.version)
        if self._pinned.get(key) is not spec:  # once per loaded version, not per case
            self.store.pin_protocol(spec, moment)
            self._pinned[key] = spec  # what _spec finds for it from now on, checked
        return self.store.open_case(
            partnership_id=school.partnership_id,
            school_id=school.id,
            spec=spec,
            actor_id=person.id,
            role=role,
            at=moment,
            note=note,
            # counted inside the transaction, under the calendar's locks when they read it
            deadlines=lambda: self.deadlines.opening(
                spec,
                spec.initial,
                moment,
                region=lambda: str(school.region),
                inputs=dict,
                days_off=self.days_off_of(school.partnership_id),
            ),
            calendar_lock=reads_calendar(spec.states[spec.initial].deadlines),
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
        meeting: int | None = None,
    ) -> Decision:
        """Fire ``trigger`` on a case as a person. Refusals raise and change nothing.
        ``meeting``: the meeting it was decided in, named in the history row.

        A ``document`` input takes uploads (:class:`~toetreding.files.StagedFile`, one or a
        list) or numbers of files already in this dossier; the uploads are kept with the
        step, in its transaction, and are discarded from staging either way.
        """
        try:
            return self._fire(case_id, trigger, actor_ref, inputs, note, role, at, meeting)
        finally:
            for file in staged_in(inputs):
                file.discard()

    def _fire(
        self,
        case_id: int,
        trigger: str,
        actor_ref: str | int,
        inputs: Mapping[str, Any] | None,
        note: str | None,
        role: str | None,
        at: datetime | None,
        meeting: int | None = None,
    ) -> Decision:
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
                    case, actor, spec, trigger, moment, inputs, note, role, meeting=meeting
                )
        spec = self.spec_of(case)
        return self._decide_and_apply(
            case, actor, spec, trigger, moment, inputs, note, role, meeting=meeting
        )

    def _load_for_fire(
        self, case_id: int, person_id: int, at: datetime | None
    ) -> tuple[CaseRecord, Actor, datetime]:
        """The case, who acts on it with their roles for it, and the moment of acting."""
        loaded = self.store.case_for_actor(case_id, person_id)
        case = loaded.case
        moment = as_aware(at) if at else self.clock.now()
        if moment < case.updated_at:
            raise InvalidInputError(
                f"tijdstip {local(moment):%d-%m-%Y %H:%M} ligt vóór de laatste gebeurtenis "
                f"van dossier {case_id} ({local(case.updated_at):%d-%m-%Y %H:%M}, "
                "Nederlandse tijd)"
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
        meeting: int | None = None,
    ) -> Decision:
        """Check the trigger with the protocol's machine; apply it or raise the refusal."""
        if is_withdrawn(spec, case):
            raise TriggerNotAvailable(
                "het dossier is ingetrokken; er kan geen stap meer worden gezet",
                case_id=case.id,
                trigger=trigger,
                state=case.state,
                label=spec.trigger_label(trigger, case.state),
                state_label=WITHDRAWN,
            )
        given = self.attachments(case, spec, trigger, inputs or {})
        request = FireRequest(
            trigger=trigger,
            actor=actor,
            at=moment,
            inputs=given,
            note=note,
            role=role,
            system=system,
        )
        decision = self.machines.machine(spec).decide(
            case.id,
            case.state,
            request,
            StoreLookups(
                self.store, case, lambda v: self.protocol(case.protocol_id, v), self.frame_facts
            ),
        )
        plan = self.deadlines.transition(
            spec,
            from_state=decision.from_state,
            to_state=decision.to_state,
            trigger=decision.trigger,
            at=moment,
            region=lambda: str(self.store.school(case.school_id).region),
            inputs=lambda: latest_inputs(
                [*(h.payload for h in standing(self.store.history(case.id))), decision.payload]
            ),
            days_off=self.days_off_of(case.partnership_id),
            missed=missed,
        )
        payload = decision.payload
        if meeting is not None:
            payload = {**payload, MEETING_KEY: meeting}
        self.store.apply(
            case,
            to_state=decision.to_state,
            final=decision.final,
            trigger=decision.trigger,
            actor_id=actor.person_id,
            role=decision.role,
            at=moment,
            note=decision.note,
            payload=payload,
            deadlines=plan,
            files=new_files(given, payload),
        )
        return decision

    def view(self, case_id: int) -> CaseView:
        case = self.store.case(case_id)
        spec = self.spec_of(case)
        deadlines = self.store.deadlines(case_id=case_id)
        history = self.store.history(case_id)
        versions = row_versions(case.protocol_version, history)
        row_specs = {
            seq: (self.protocol(case.protocol_id, a), self.protocol(case.protocol_id, b))
            for seq, (a, b) in versions.items()
        }
        older = [pair[0] for pair in row_specs.values() if pair[0] is not spec]
        withdrawn = is_withdrawn(spec, case)
        return CaseView(
            case=case,
            school=self.store.school(case.school_id),
            partnership=self.store.partnership(case.partnership_id),
            spec=spec,
            state=spec.states[case.state],
            allowed=[] if withdrawn else self.machines.machine(spec).allowed(case.state),
            history=history,
            deadlines=deadlines,
            deadline_lines=[deadline_line(spec, record, older) for record in deadlines],
            row_specs=row_specs,
            withdrawn=withdrawn,
        )

    def case(self, case_id: int) -> CaseRecord:
        return self.store.case(case_id)

    def history(self, case_id: int) -> list[HistoryEntry]:
        """The case's history rows, oldest first."""
        return self.store.history(case_id)

    def case_deadlines(self, case_id: int) -> list[DeadlineRecord]:
        """Every deadline the case had or has, soonest due first."""
        return self.store.deadlines(case_id=case_id)

    def roles_for_case(self, case_id: int, person_id: int) -> frozenset[str]:
        """The roles the person holds for this case (a school contact's only for their
        own school's cases)."""
        return self.store.case_for_actor(case_id, person_id).roles

    def find_cases(
        self,
        wanted: CaseFilter,
        *,
        limit: int | None = None,
        offset: int = 0,
        by_deadline: bool = False,
    ) -> list[tuple[CaseRecord, str]]:
        """The cases ``wanted`` describes with their school's name, newest activity first
        (``by_deadline``: soonest open deadline first); ``limit`` and ``offset`` page them."""
        order: Literal["recent", "deadline"] = "deadline" if by_deadline else "recent"
        wanted = self._known_state(wanted)
        return self.store.find_cases(wanted, limit=limit, offset=offset, order=order)

    def count_cases(self, wanted: CaseFilter) -> int:
        return self.store.count_cases(self._known_state(wanted))

    def _known_state(self, wanted: CaseFilter) -> CaseFilter:
        """``wanted`` with its step as a state of the protocols (given by name or by label,
        as the refusal lists them); a step no protocol has is refused, not an empty list."""
        specs = [s for s in self.registry.all() if wanted.protocol_id in (None, s.id)]
        states = {name: st.label for spec in specs for name, st in spec.states.items()}
        if wanted.state is None or wanted.state in states:
            return wanted
        named = {n for n, label in states.items() if label.lower() == wanted.state.lower()}
        if len(named) == 1:
            return replace(wanted, state=named.pop())
        known = ", ".join(sorted(set(states.values()), key=str.lower))
        raise InvalidInputError(f"stap '{wanted.state}' bestaat niet; bekende stappen: {known}")


def deadline_line(
    spec: ProtocolSpec, record: DeadlineRecord, older: Sequence[ProtocolSpec] = ()
) -> DeadlineLine:
    """``record`` in the words of ``spec``, the definition its case is decided by (or of an
    ``older`` version the case ran on, for a deadline of a state it had there)."""
    declared = next(
        (
            found
            for version in (spec, *older)
            if (found := declared_deadline(version, record.state, record.name)) is not None
        ),
        None,
    )
    automatic = declared is not None and declared.automatic is not None
    moved = record.due_date != record.original_due_date
    return DeadlineLine(
        deadline=record,
        label=declared.label if declared else record.name.replace("_", " "),
        due=due_text(record.due_date, automatic=automatic, waiting_for=record.waiting_for),
        original=due_text(record.original_due_date, automatic=automatic) if moved else None,
    )


def deadline_status(record: DeadlineRecord, today: date) -> str:
    """A deadline's state in words, the same on every page and in the CLI; a deadline met
    after its due date was met late, and says so."""
    if record.overdue_on(today):
        return "te laat"
    if record.status == "met":
        late = (
            record.resolved_at is not None
            and record.due_date is not None
            and local(record.resolved_at).date() > record.due_date
        )
        return "te laat gehaald" if late else "gehaald"
    reason = record.reason or ""
    if record.status == "cancelled" and reason.startswith(_WITHDRAWN_PREFIX):
        # withdrawn by a correction or a move: 'ingetrokken (stap 12 gecorrigeerd)'
        return f"ingetrokken ({reason.removeprefix(_WITHDRAWN_PREFIX)})"
    return _STATUS_WORDS.get(record.status, record.status)


_WITHDRAWN_PREFIX = "ingetrokken: "  # the reason a withdrawn deadline's row carries


_STATUS_WORDS = {
    "open": "loopt",
    "missed": "gemist",
    "waived": "vervallen (kwijtgescholden)",
    "cancelled": "vervallen",
}
