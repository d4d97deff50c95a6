"""What a state change does to a case's deadlines: which are met, closed and opened."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from toetreding._exceptions import MissingCalendarData
from toetreding.calendar import SchoolCalendar
from toetreding.clock import local
from toetreding.deadlines.compute import CaseFacts, due_date
from toetreding.deadlines.plan import DeadlinePlan, NewDeadline
from toetreding.definition.model import DeadlineSpec, ProtocolSpec

InputsLoader = Callable[[], Mapping[str, Any]]
DaysOffLoader = Callable[[], frozenset[date]]


class DeadlinePlanner:
    """Computes deadline plans for one protocol version; cheap when a state has none."""

    def __init__(self, calendar_loader: Callable[[], SchoolCalendar]) -> None:
        self._calendar_loader = calendar_loader
        self._calendar: SchoolCalendar | None = None

    @property
    def calendar(self) -> SchoolCalendar:
        if self._calendar is None:
            self._calendar = self._calendar_loader()
        return self._calendar

    def opening(
        self,
        spec: ProtocolSpec,
        state: str,
        at: datetime,
        region: Callable[[], str],
        inputs: InputsLoader,
        days_off: DaysOffLoader = frozenset,
    ) -> tuple[NewDeadline, ...]:
        """Deadlines that start when a case enters ``state`` at ``at``; ``days_off`` are the
        partnership's, read only when a deadline is counted in working days."""
        deadlines = spec.states[state].deadlines
        if not deadlines:
            return ()
        facts = _LazyFacts(at, region, inputs, days_off)
        return tuple(self._new(state, d, facts.for_(d), self.calendar) for d in deadlines)

    @staticmethod
    def _new(
        state: str, deadline: DeadlineSpec, facts: CaseFacts, calendar: SchoolCalendar
    ) -> NewDeadline:
        """The deadline with its date; without one ("datum volgt") when the calendar data
        it needs is missing: that never stops the step (an administrator enters it later)."""
        try:
            return NewDeadline(state, deadline.name, due_date(deadline, facts, calendar))
        except MissingCalendarData as missing:
            return NewDeadline(
                state, deadline.name, None, missing.missing, missing.school_year, missing.region
            )

    def date_waiting(
        self, deadline: DeadlineSpec, facts: CaseFacts, calendar: SchoolCalendar
    ) -> date | None:
        """The date of a deadline that waited for calendar data, if ``calendar`` has it now."""
        return self._new("", deadline, facts, calendar).due

    def transition(
        self,
        spec: ProtocolSpec,
        *,
        from_state: str,
        to_state: str,
        trigger: str,
        at: datetime,
        region: Callable[[], str],
        inputs: InputsLoader,
        days_off: DaysOffLoader = frozenset,
        missed: bool = False,
    ) -> DeadlinePlan | None:
        """The plan for moving from ``from_state`` to ``to_state``; None if nothing changes.

        ``missed``: the step is the system's consequence of a missed deadline (``on_missed``);
        it meets only deadlines not yet past due, so the one that passed stays missed."""
        leaving = spec.states[from_state].deadlines
        new = self.opening(spec, to_state, at, region, inputs, days_off)
        if not leaving and not new:
            return None
        met = tuple(d.name for d in leaving if trigger in d.met_by)
        today = local(at).date()
        met_from = today if missed else date.min
        return DeadlinePlan(today, met, met_from, close_rest=bool(leaving), new=new)


class _LazyFacts:
    """Region, inputs and days off are looked up only for deadlines that need them."""

    def __init__(
        self,
        at: datetime,
        region: Callable[[], str],
        inputs: InputsLoader,
        days_off: DaysOffLoader,
    ) -> None:
        self._at = at
        self._region = region
        self._inputs = inputs
        self._days_off = days_off

    def for_(self, deadline: DeadlineSpec) -> CaseFacts:
        due = deadline.due
        needs_inputs = (
            due.input is not None
            or due.counted_from != "entered"
            or due.school_year not in ("current", "next")
        )
        return CaseFacts(
            entered_at=self._at,
            region=self._region() if due.summer_vacation or due.in_working_days else "",
            inputs=self._inputs() if needs_inputs else {},
            days_off=self._days_off() if due.in_working_days else frozenset(),
        )


def latest_inputs(payloads: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The latest value of every input, oldest payload first."""
    merged: dict[str, Any] = {}
    for payload in payloads:
        merged.update(payload)
    return merged
