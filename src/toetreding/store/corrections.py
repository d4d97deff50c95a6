"""Correcting a case's newest standing step: the case back to the state before it, the
step's deadlines withdrawn (their waiting reminders skipped) and the ones it closed open
again (their ladder looked at again), with a history row, in one transaction. The mistaken
row stays (append-only); the correction names it. Taking back the opening withdraws the
case (``withdraw_case``). Which rows still stand is decided here
(``corrected_rows``, ``standing``), for the service and for the store's own readers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import Connection, Engine, select, update

from toetreding._exceptions import ConcurrentUpdateError
from toetreding.clock import local
from toetreding.store._common import CASES, DEADLINES, REMINDERS
from toetreding.store.history_chain import append_event
from toetreding.store.ledger import WAITING
from toetreding.store.records import CaseRecord, HistoryEntry
from toetreding.store.tables import DeadlineStatus, ReminderStatus

CORRECTION = "correctie"  # the history row's trigger
CORRECTED = "gecorrigeerd"  # the payload key naming the corrected row


class _Row(Protocol):
    @property
    def seq(self) -> int: ...
    @property
    def trigger(self) -> str: ...
    @property
    def payload(self) -> dict[str, Any]: ...


Row = TypeVar("Row", bound=_Row)


def corrected_rows(history: Iterable[_Row]) -> dict[int, int]:
    """Per corrected row's seq, the seq of the row that corrected it."""
    return {
        int(entry.payload[CORRECTED]): entry.seq
        for entry in history
        if entry.trigger == CORRECTION and CORRECTED in entry.payload
    }


def standing(history: Sequence[Row]) -> list[Row]:
    """The rows that still count for guards and deadlines: without corrected steps and
    the corrections themselves."""
    undone = corrected_rows(history)
    return [
        entry
        for entry in history
        if entry.seq not in undone
        and not (entry.trigger == CORRECTION and CORRECTED in entry.payload)
    ]


class CorrectionStore:
    engine: Engine

    def correct_step(
        self,
        case: CaseRecord,
        mistaken: HistoryEntry,
        *,
        actor_id: int,
        role: str,
        at: datetime,
        reason: str,
    ) -> int:
        """Undo ``mistaken`` (the case's newest standing step: the case is in the state
        it entered) as described above; the new row's seq."""
        assert mistaken.from_state is not None and mistaken.to_state == case.state
        seq = case.revision + 1
        with self.engine.begin() as connection:
            _move(connection, case, at, state=mistaken.from_state, closed_at=None)
            # Both sets are read before either changes: after a step that stayed in its
            # state (from == to) the ones it closed and the ones it opened have one name.
            # The ones it opened: withdrawn (they leave the agenda, their waiting
            # reminders are skipped).
            withdrawn = _ids(
                connection,
                DEADLINES.c.case_id == case.id,
                DEADLINES.c.state == mistaken.to_state,
                DEADLINES.c.created_at == mistaken.at,
                DEADLINES.c.status == DeadlineStatus.OPEN.value,
            )
            # The ones the step met or closed when it left its state: open again.
            reopened = _ids(
                connection,
                DEADLINES.c.case_id == case.id,
                DEADLINES.c.state == mistaken.from_state,
                DEADLINES.c.resolved_at == mistaken.at,
                DEADLINES.c.status != DeadlineStatus.WAIVED.value,
            )
            _withdraw(connection, withdrawn, at, actor_id, f"stap {mistaken.seq} gecorrigeerd")
            if reopened:
                # The reminder ladder is looked at again from today: a rung that came while
                # the deadline was closed goes out (once), a rung sent before is not sent
                # again (the ledger's key), a rung dropped because the deadline had closed
                # is planned again (``PlanningBatch.record``).
                connection.execute(
                    update(DEADLINES)
                    .where(DEADLINES.c.id.in_(reopened))
                    .values(
                        status=DeadlineStatus.OPEN.value,
                        resolved_at=None,
                        resolved_by=None,
                        next_reminder_on=local(at).date(),
                    )
                )
            _append(connection, case, mistaken, mistaken.from_state, actor_id, role, at, reason)
        return seq

    def withdraw_case(
        self,
        case: CaseRecord,
        opening: HistoryEntry,
        *,
        actor_id: int,
        role: str,
        at: datetime,
        reason: str,
    ) -> int:
        """Take back ``opening`` (the only row that still stands): the case is closed in
        the state it is in (a closed case in a state that is not final: withdrawn), its
        open deadlines withdrawn and their waiting reminders skipped; the new row's seq.
        The school's next case can be opened: it has no open one any more."""
        assert opening.from_state is None and case.closed_at is None
        seq = case.revision + 1
        with self.engine.begin() as connection:
            _move(connection, case, at, closed_at=at)
            open_ones = _ids(
                connection,
                DEADLINES.c.case_id == case.id,
                DEADLINES.c.status == DeadlineStatus.OPEN.value,
            )
            _withdraw(connection, open_ones, at, actor_id, "dossier ten onrechte geopend")
            _append(connection, case, opening, case.state, actor_id, role, at, reason)
        return seq


def _move(connection: Connection, case: CaseRecord, at: datetime, **values: Any) -> None:
    """The guarded update of the case (its revision as loaded) to its next revision."""
    moved = connection.execute(
        update(CASES)
        .where(CASES.c.id == case.id, CASES.c.revision == case.revision)
        .values(revision=case.revision + 1, updated_at=at, **values)
    )
    if moved.rowcount != 1:
        raise ConcurrentUpdateError(
            f"dossier {case.id} is intussen door iemand anders gewijzigd; "
            "er is niets opgeslagen, probeer het opnieuw"
        )


def _append(
    connection: Connection,
    case: CaseRecord,
    corrected: HistoryEntry,
    to_state: str,
    actor_id: int,
    role: str,
    at: datetime,
    reason: str,
) -> None:
    """The correction's history row (chained as every row), naming the row it corrects."""
    append_event(
        connection,
        {
            "case_id": case.id,
            "seq": case.revision + 1,
            "trigger": CORRECTION,
            "from_state": case.state,
            "to_state": to_state,
            "actor_id": actor_id,
            "role": role,
            "at": at,
            "note": reason,
            "payload": {CORRECTED: corrected.seq},
        },
    )


def _ids(connection: Connection, *where: Any) -> list[int]:
    return list(connection.execute(select(DEADLINES.c.id).where(*where)).scalars())


def _withdraw(
    connection: Connection, ids: list[int], at: datetime, actor_id: int, why: str
) -> None:
    """Withdraw these open deadlines and skip their reminders not yet sent."""
    if not ids:
        return
    connection.execute(
        update(DEADLINES)
        .where(DEADLINES.c.id.in_(ids))
        .values(
            status=DeadlineStatus.CANCELLED.value,
            resolved_at=at,
            resolved_by=actor_id,
            reason=f"ingetrokken: {why}",
            next_reminder_on=None,
        )
    )
    connection.execute(
        update(REMINDERS)
        .where(REMINDERS.c.deadline_id.in_(ids), REMINDERS.c.status.in_(WAITING))
        .values(
            status=ReminderStatus.SKIPPED.value,
            skip_reason=f"de termijn is ingetrokken: {why}",
            next_attempt_at=None,
        )
    )
