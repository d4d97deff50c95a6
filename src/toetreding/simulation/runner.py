"""Play a cohort script out on a virtual clock, in a throw-away database.

Every day of the simulation, in this order: the deadline sweep runs at 06:00 (automatic
triggers, missed-deadline consequences) and deadlines that passed yesterday are noted as
overdue; then cases due to open that day are opened and the scripted actions are fired from
10:00 on. A refused action is part of the story (e.g. a decision after 1 April), not an
error: it is printed with its reason and the simulation goes on.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from toetreding._exceptions import ToetredingError, TransitionRefused
from toetreding.clock import LOCAL_TZ, FixedClock, local
from toetreding.deadlines import declared_deadline
from toetreding.definition import InputKind, ProtocolRegistry, ProtocolSpec, outcome_label
from toetreding.files import sample_pdf
from toetreding.service import Consequence, Toetreding
from toetreding.simulation.script import ActionScript, CohortScript, SchoolScript
from toetreding.store import DeadlineRecord, SchoolCreate

SWEEP_AT = time(6, 0)
ACTIONS_FROM = time(10, 0)


@dataclass(frozen=True)
class TimelineEntry:
    day: date
    school: str
    kind: str  # geopend, handeling, automatisch, escalatie, verlopen, geweigerd
    text: str


#: A deadline met while its date still follows (calendar data missing): not on time, not late.
NOT_JUDGED = "nog niet te beoordelen (datum volgt)"


@dataclass(frozen=True)
class DeadlineOutcome:
    school: str
    label: str
    due: date | None  # None: datum volgt
    status: str  # op tijd, te laat, NOT_JUDGED, gemist, kwijtgescholden, vervallen, open, ...
    resolved: date | None


@dataclass(frozen=True)
class SchoolOutcome:
    school: str
    state: str
    outcome: str | None
    outcome_label: str | None  # what the table shows: the outcome in the protocol's words


@dataclass
class SimulationResult:
    protocol: ProtocolSpec
    start: date
    until: date
    timeline: list[TimelineEntry] = field(default_factory=list)
    deadlines: list[DeadlineOutcome] = field(default_factory=list)
    schools: list[SchoolOutcome] = field(default_factory=list)


def run_simulation(
    registry: ProtocolRegistry,
    protocol_id: str,
    script: CohortScript,
    start: date,
    database_url: str | None = None,
) -> SimulationResult:
    """Run ``script`` on ``protocol_id`` from ``start``; the database is temporary unless a
    ``database_url`` is given (to inspect the result with the other commands)."""
    spec = registry.get(protocol_id)
    until = script.until or date(start.year + 1, start.month, start.day) - timedelta(days=1)
    clock = FixedClock(_at(start, SWEEP_AT))
    with _service(database_url, registry, clock) as app:
        run = _Run(app, clock, spec, script, start)
        result = SimulationResult(spec, start, until)
        day = start
        while day <= until:
            result.timeline.extend(run.play_day(day))
            day += timedelta(days=1)
        result.deadlines = run.deadline_outcomes(until)
        result.schools = run.school_outcomes()
    return result


@contextmanager
def _service(
    url: str | None, registry: ProtocolRegistry, clock: FixedClock
) -> Iterator[Toetreding]:
    """The service over ``url``, or over a throw-away SQLite file."""
    with tempfile.TemporaryDirectory(prefix="toetreding-simulatie-") as folder:
        app = Toetreding.open(url or f"sqlite:///{Path(folder) / 'simulatie.db'}", registry, clock)
        try:
            yield app
        finally:
            app.close()


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=LOCAL_TZ)


class _Run:
    """The cast (partnership, one person per role, the schools) and the days played."""

    def __init__(
        self,
        app: Toetreding,
        clock: FixedClock,
        spec: ProtocolSpec,
        script: CohortScript,
        start: date,
    ) -> None:
        self.app = app
        self.clock = clock
        self.spec = spec
        self.script = script
        self.start = start
        self.cases: dict[str, int] = {}  # school name -> case id
        self._cast()

    def _cast(self) -> None:
        now = self.clock.now()
        partnership = self.app.add_partnership(
            self.script.partnership.code, self.script.partnership.name, at=now
        )
        self.partnership_id = partnership.id
        for role, label in self.spec.roles.items():
            if role != "school":
                self.app.add_person(
                    f"{label} (simulatie)",
                    _email(role),
                    partnership_ref=self.partnership_id,
                    roles=(role,),
                )
        for index, school in enumerate(self.script.schools):
            brin = _brin(school, index)
            self.app.add_school(
                SchoolCreate(
                    partnership_id=self.partnership_id,
                    name=school.name,
                    sector=self.spec.sectors[0],
                    region=school.region,
                    brin=brin,
                    board=school.board,
                ),
                at=now,
            )
            if "school" in self.spec.roles:
                self.app.add_person(
                    f"Contactpersoon {school.name}",
                    _email("school", index),
                    partnership_ref=self.partnership_id,
                    roles=("school",),
                    school_ref=brin,
                )

    def play_day(self, day: date) -> list[TimelineEntry]:
        self.clock.set(_at(day, SWEEP_AT))
        entries = [self._consequence(day, c) for c in self.app.sweep_deadlines()]
        entries += self._newly_overdue(day)
        self.clock.set(_at(day, ACTIONS_FROM))
        for index, school in enumerate(self.script.schools):
            if (school.opened or self.start) == day:
                entries.append(self._open(day, index, school))
        for index, school in enumerate(self.script.schools):
            for action in (a for a in school.actions if a.date == day):
                entries.append(self._act(day, index, school, action))
                self.clock.advance(timedelta(minutes=1))
        return entries

    def _open(self, day: date, index: int, school: SchoolScript) -> TimelineEntry:
        opener = self.spec.opened_by[0]
        case_id = self.app.open_case(
            school_ref=_brin(school, index),
            protocol_id=self.spec.id,
            actor_ref=_email(opener),
            partnership_ref=self.partnership_id,
        )
        self.cases[school.name] = case_id
        state = self.spec.states[self.spec.initial].label
        return TimelineEntry(day, school.name, "geopend", state)

    def _act(
        self, day: date, index: int, school: SchoolScript, action: ActionScript
    ) -> TimelineEntry:
        case_id = self.cases.get(school.name)
        if case_id is None:
            return TimelineEntry(day, school.name, "geweigerd", "het dossier is nog niet geopend")
        actor = _email("school", index) if action.as_role == "school" else _email(action.as_role)
        try:
            decision = self.app.fire(
                case_id,
                action.fire,
                actor_ref=actor,
                inputs=self._with_files(school, action),
                note=action.note,
                role=action.as_role,
            )
        except TransitionRefused as exc:
            label = self._trigger_label(exc.state, action.fire)
            return TimelineEntry(day, school.name, "geweigerd", f"{label}: {exc.reason}")
        except ToetredingError as exc:
            return TimelineEntry(day, school.name, "geweigerd", f"{action.fire}: {exc}")
        label = self._trigger_label(decision.from_state, decision.trigger)
        return TimelineEntry(
            day, school.name, "handeling", f"{label} → {self._state_label(decision.to_state)}"
        )

    def _with_files(self, school: SchoolScript, action: ActionScript) -> dict[str, Any]:
        """A script names documents; the simulator keeps a small generated PDF for each."""
        documents = {
            i.name
            for t in self.spec.transitions
            if t.trigger == action.fire
            for i in t.inputs
            if i.kind is InputKind.DOCUMENT
        }
        inputs: dict[str, Any] = dict(action.inputs)
        for name in documents & set(inputs):
            if isinstance(inputs[name], str):
                text = f"{school.name}: {inputs[name]} (simulatie, {self.clock.now():%d-%m-%Y})"
                inputs[name] = self.app.stage_bytes(inputs[name], sample_pdf(text))
        return inputs

    def _consequence(self, day: date, consequence: Consequence) -> TimelineEntry:
        record = consequence.deadline
        if consequence.action == "escalate":
            role = self.spec.roles.get(consequence.target, consequence.target)
            text = f"termijn '{self._deadline_label(record)}' verlopen: naar {role}"
            return TimelineEntry(day, record.school_name, "escalatie", text)
        label = self._trigger_label(record.state, consequence.target)
        case = self.app.case(record.case_id)
        text = f"{label} → {self._state_label(case.state)}"
        return TimelineEntry(day, record.school_name, "automatisch", text)

    def _newly_overdue(self, day: date) -> list[TimelineEntry]:
        yesterday = day - timedelta(days=1)
        return [
            TimelineEntry(
                day,
                item.deadline.school_name,
                "verlopen",
                f"{item.label} ({item.due})",
            )
            for item in self.app.agenda(
                today=day, partnership_ref=self.partnership_id, overdue_only=True
            )
            if item.deadline.due_date == yesterday
        ]

    def deadline_outcomes(self, until: date) -> list[DeadlineOutcome]:
        outcomes = []
        for school, case_id in self.cases.items():
            for record in self.app.case_deadlines(case_id):
                resolved = local(record.resolved_at).date() if record.resolved_at else None
                outcomes.append(
                    DeadlineOutcome(
                        school,
                        self._deadline_label(record),
                        record.due_date,
                        _status(record, resolved, until),
                        resolved,
                    )
                )
        return outcomes

    def school_outcomes(self) -> list[SchoolOutcome]:
        result = []
        for school in self.script.schools:
            case_id = self.cases.get(school.name)
            if case_id is None:
                result.append(SchoolOutcome(school.name, "geen dossier", None, None))
                continue
            state = self.spec.states[self.app.case(case_id).state]
            outcome = state.outcome
            label = outcome_label(self.spec, outcome) if outcome else None
            result.append(SchoolOutcome(school.name, state.label, outcome, label))
        return result

    def _trigger_label(self, state: str, trigger: str) -> str:
        found = (t.label for t in self.spec.transitions_from(state) if t.trigger == trigger)
        return next(found, trigger)

    def _state_label(self, state: str) -> str:
        return self.spec.states[state].label

    def _deadline_label(self, record: DeadlineRecord) -> str:
        declared = declared_deadline(self.spec, record.state, record.name)
        return declared.label if declared else record.name


def _brin(school: SchoolScript, index: int) -> str:
    return school.brin or f"SIM{index + 1:03d}"


def _email(role: str, index: int | None = None) -> str:
    who = role if index is None else f"{role}{index + 1}"
    return f"{who}@simulatie.invalid"


def _status(record: DeadlineRecord, resolved: date | None, until: date) -> str:
    if record.status == "met":
        due = record.due_date
        if due is None:  # its date waits for calendar data: on time or late cannot be said yet
            return NOT_JUDGED
        return "op tijd" if resolved is not None and resolved <= due else "te laat"
    if record.status == "open":
        return "open (verlopen)" if record.overdue_on(until) else "open"
    return {"missed": "gemist", "waived": "kwijtgescholden", "cancelled": "vervallen"}.get(
        record.status, record.status
    )
