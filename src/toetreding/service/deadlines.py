"""Deadlines across cases: the agenda, carrying out what passed deadlines do, and
extending or waiving one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from toetreding._exceptions import ConcurrentUpdateError, InvalidInputError, NotFoundError
from toetreding.clock import as_aware, local
from toetreding.deadlines import declared_deadline, due_text
from toetreding.service.cases import CaseService
from toetreding.store import AgendaDeadline, DeadlineRecord, Visibility
from toetreding.workflows import Actor


@dataclass(frozen=True)
class Consequence:
    """What a sweep did about one missed deadline."""

    deadline: DeadlineRecord
    action: str  # 'fire' or 'escalate'
    target: str  # the trigger fired, or the role escalated to
    label: str = ""  # the deadline's label, as the case history names it
    target_label: str = ""  # the trigger's label, or the role's


class AgendaItem(NamedTuple):
    """An open deadline as a steering group reads it (a tuple: the agenda lists thousands)."""

    deadline: AgendaDeadline
    label: str  # the protocol author's words: what must happen
    due: str  # the computed date, shown beside the label: 'uiterlijk 31-03-2027'
    state_label: str
    who: tuple[str, ...]  # role labels of those who meet it
    days_left: int | None  # negative: overdue by that many days; None: datum volgt

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0


@dataclass(frozen=True)
class _Words:
    """What the agenda says of one declared deadline (the same for all its cases)."""

    label: str
    state_label: str
    who: tuple[str, ...]
    automatic: bool  # the protocol fires its trigger itself on the date


# Shown as who acts on a deadline whose trigger the protocol fires itself on the due date.
AUTOMATIC = "automatisch op de datum"

# Who may extend or waive a deadline: the people who run the process, never the school.
DEADLINE_ROLES = ("coordinator", "stuurgroep")


class DeadlineService(CaseService):
    """The agenda and what deadlines do when their day comes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._words: dict[tuple[str, int, str, str], _Words] = {}

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
        records = self.store.agenda_deadlines(
            **filters, visible=visible, limit=limit, offset=offset
        )
        # What an item says besides its record is the same for every deadline of one
        # declared deadline due on one day: worked out once per call, not per row.
        said: dict[tuple[Any, ...], tuple[str, str, str, tuple[str, ...], int | None]] = {}
        items = []
        for record in records:
            key = (
                record.protocol_id,
                record.protocol_version,
                record.state,
                record.name,
                record.due_date,
                record.waiting_for,
            )
            words = said.get(key)
            if words is None:
                words = said[key] = self._agenda_words(record, today)
            items.append(AgendaItem(record, *words))
        return items

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
        return self.store.count_deadlines(**filters, open_only=True, visible=visible)

    def _agenda_filters(
        self,
        today: date,
        partnership_ref: str | int | None,
        within_days: int | None,
        overdue_only: bool,
    ) -> dict[str, Any]:
        return {
            "partnership_id": self.partnership_id(partnership_ref),
            "due_before": today if overdue_only else None,
            "due_until": today + timedelta(days=within_days) if within_days is not None else None,
        }

    def _agenda_words(
        self, record: AgendaDeadline, today: date
    ) -> tuple[str, str, str, tuple[str, ...], int | None]:
        """An agenda item's fields after its record: label, due, state label, who, days left."""
        words = self._deadline_words(
            record.protocol_id, record.protocol_version, record.state, record.name
        )
        due = due_text(record.due_date, automatic=words.automatic, waiting_for=record.waiting_for)
        days_left = None if record.due_date is None else (record.due_date - today).days
        return words.label, due, words.state_label, words.who, days_left

    def _deadline_words(self, protocol_id: str, version: int, state_name: str, name: str) -> _Words:
        """What the agenda says of a deadline: its label, the step, and who acts on it."""
        key = (protocol_id, version, state_name, name)
        if key not in self._words:  # the agenda lists thousands of the same few deadlines
            self._words[key] = self._describe_deadline(*key)
        return self._words[key]

    def _describe_deadline(
        self, protocol_id: str, version: int, state_name: str, name: str
    ) -> _Words:
        spec = self._spec(protocol_id, version)
        state = spec.states[state_name]
        found = declared_deadline(spec, state_name, name)
        met_by = found.met_by if found else ()
        roles = dict.fromkeys(
            role for t in spec.transitions if t.trigger in met_by for role in t.roles
        )
        who = tuple(spec.roles.get(r, r) for r in roles)
        automatic = found is not None and found.automatic is not None
        if automatic:
            who = (AUTOMATIC, *who)
        label = found.label if found else name.replace("_", " ")
        return _Words(label, state.label, who, automatic)

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
        deadline = declared_deadline(spec, record.state, record.name)
        if deadline is None:  # a pinned definition always declares what it opened
            return None
        if record.due_date is None:  # datum volgt: nothing is due yet
            return None
        if deadline.automatic is not None:
            note = f"Automatisch op {record.due_date:%d-%m-%Y}: {deadline.label}"
            if self._fire_consequence(record, deadline.automatic, note, moment, missed=False):
                trigger = spec.trigger_label(deadline.automatic, record.state)
                return Consequence(record, "fire", deadline.automatic, deadline.label, trigger)
            return None
        action = deadline.on_missed
        if record.due_date >= today:
            return None
        if action.fire is not None:
            note = f"Termijn verstreken: {deadline.label} ({due_text(record.due_date)})"
            if self._fire_consequence(record, action.fire, note, moment, missed=True):
                trigger = spec.trigger_label(action.fire, record.state)
                return Consequence(record, "fire", action.fire, deadline.label, trigger)
        elif action.escalate is not None and self.store.mark_consequence(record.id, moment):
            role = spec.role_label(action.escalate)
            return Consequence(record, "escalate", action.escalate, deadline.label, role)
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
        if deadline.due_date is not None and new_due <= deadline.due_date:
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
