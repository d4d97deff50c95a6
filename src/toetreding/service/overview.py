"""The overview: per partnership and protocol version, every step with its cases — one
computation for the web board, the API and ``toetreding overview``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from toetreding.clock import local
from toetreding.deadlines import DATE_FOLLOWS, declared_deadline, due_text
from toetreding.definition import ProtocolSpec
from toetreding.service._base import ServiceBase
from toetreding.store import BoardRow, CasePulse, PartnershipPublic, Visibility

NAMES_SHOWN = 12  # a column names this many schools and counts the rest


@dataclass(frozen=True)
class CaseTiming:
    """How long a case has waited in its step, and what its next deadline is."""

    since: date  # the day it entered the step (Dutch time)
    days: int  # whole days since then
    next_label: str | None  # the soonest open deadline's label (None: no open deadline)
    next_due: date | None  # None: no open deadline, or one whose date follows
    next_text: str | None  # 'uiterlijk 31-03-2027', 'datum volgt'
    next_late: bool  # its due date has passed

    @property
    def days_text(self) -> str:
        return "1 dag in deze stap" if self.days == 1 else f"{self.days} dagen in deze stap"


@dataclass(frozen=True)
class BoardCase:
    """A case named in a column: its number, school, whether a deadline passed, and how
    long it has been in the step with its next deadline."""

    case_id: int
    school: str
    late: bool
    timing: CaseTiming | None = None


@dataclass
class BoardColumn:
    """One state of a protocol on the board."""

    state: str
    label: str
    step: int | None
    final: bool
    outcome: str | None
    who: list[str]  # labels of the roles that act in this state
    count: int = 0
    overdue: int = 0
    cases: list[BoardCase] = field(default_factory=list)  # the first NAMES_SHOWN, by name


@dataclass
class Board:
    """The cases of one partnership on one protocol version, by state in protocol order
    (empty states included)."""

    partnership: PartnershipPublic
    protocol: ProtocolSpec
    columns: list[BoardColumn]

    @property
    def total(self) -> int:
        return sum(c.count for c in self.columns)


class OverviewService(ServiceBase):
    """Where every school is."""

    def board(
        self,
        *,
        today: date,
        visible: Visibility | None = None,
        partnership_id: int | None = None,
        sector: str | None = None,
        region: str | None = None,
        state: str | None = None,
    ) -> list[Board]:
        """The boards of the cases ``visible`` (None: all), optionally narrowed to one
        partnership, the schools of a sector or region, or one state; a case counts as
        late when one of its open deadlines passed before ``today``."""
        rows = self.store.board_rows(
            visible, partnership_id=partnership_id, sector=sector, region=region, state=state
        )
        overdue = self.store.overdue_per_case(today)
        partnerships = {p.id: p for p in self.store.partnerships()}
        grouped: dict[tuple[int, str, int], list[BoardRow]] = defaultdict(list)
        for row in rows:
            grouped[row[:3]].append(row)
        boards = [
            self._board(partnerships[pid], self._spec(protocol, version), cases, overdue)
            for (pid, protocol, version), cases in sorted(grouped.items())
        ]
        # only the cases named on a card get their timing: a few hundred, whatever the total
        named = {c.case_id: b.protocol for b in boards for col in b.columns for c in col.cases}
        timing = self.timings(named, today)
        for board in boards:
            for column in board.columns:
                column.cases = [
                    BoardCase(c.case_id, c.school, c.late, timing.get(c.case_id))
                    for c in column.cases
                ]
        return boards

    def timings(self, specs: Mapping[int, ProtocolSpec], today: date) -> dict[int, CaseTiming]:
        """Per case id of ``specs`` (each with the definition it is decided by): time in
        its step and its soonest open deadline, in the protocol's words."""
        return {
            case_id: _timing(specs[case_id], pulse, today)
            for case_id, pulse in self.store.case_pulse(specs.keys()).items()
        }

    def state_choices(self, visible: Visibility | None) -> list[tuple[str, list[tuple[str, str]]]]:
        """The states to filter on, per protocol version of the cases ``visible``:
        (protocol title, [(state, label)]). The title says "versie N" only when cases run on
        two versions of one protocol, where the groups would otherwise look the same."""
        in_use = self.store.protocol_versions_in_use(visible)
        protocols = [protocol for protocol, _ in in_use]
        choices = []
        for protocol, version in in_use:
            spec = self._spec(protocol, version)
            states = [
                (name, f"{state.label} (stap {state.step})" if state.step else state.label)
                for name, state in spec.states.items()
            ]
            twice = protocols.count(protocol) > 1
            choices.append((f"{spec.title}, versie {version}" if twice else spec.title, states))
        return choices

    def _board(
        self,
        partnership: PartnershipPublic,
        spec: ProtocolSpec,
        rows: list[BoardRow],
        overdue: dict[int, int],
    ) -> Board:
        machine = self.machines.machine(spec)
        columns = {
            name: BoardColumn(
                name,
                state.label,
                state.step,
                state.final,
                state.outcome,
                [] if state.final else [spec.roles.get(r, r) for r in machine.acting_roles(name)],
            )
            for name, state in spec.states.items()
        }
        for _, _, _, case_state, case_id, school in rows:
            column = columns[case_state]
            column.count += 1
            late = overdue.get(case_id, 0) > 0
            column.overdue += late
            if len(column.cases) < NAMES_SHOWN:
                column.cases.append(BoardCase(case_id, school, late))
        return Board(partnership, spec, list(columns.values()))


def _timing(spec: ProtocolSpec, pulse: CasePulse, today: date) -> CaseTiming:
    since = local(pulse.since).date()
    label = text = None
    if pulse.next_state and pulse.next_name:
        declared = declared_deadline(spec, pulse.next_state, pulse.next_name)
        label = declared.label if declared else pulse.next_name.replace("_", " ")
        automatic = declared is not None and declared.automatic is not None
        # 'datum volgt' short on a card; the case page says what it waits for
        text = due_text(pulse.next_due, automatic=automatic) if pulse.next_due else DATE_FOLLOWS
    late = pulse.next_due is not None and pulse.next_due < today
    return CaseTiming(since, max((today - since).days, 0), label, pulse.next_due, text, late)
