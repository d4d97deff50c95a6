"""Correcting a case's newest step: the case back to the state before it, the step's
deadlines withdrawn and the ones it closed open again, with a history row, in one
transaction. The mistaken row stays (append-only); the correction names it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, update

from toetreding._exceptions import ConcurrentUpdateError
from toetreding.clock import local
from toetreding.store._common import CASES, DEADLINES
from toetreding.store.history_chain import append_event
from toetreding.store.records import CaseRecord, HistoryEntry
from toetreding.store.tables import DeadlineStatus

CORRECTION = "correctie"  # the history row's trigger
CORRECTED = "gecorrigeerd"  # the payload key naming the corrected row


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
        """Undo ``mistaken`` (the case's newest row) as described above; the new row's seq."""
        assert mistaken.from_state is not None and mistaken.seq == case.revision
        seq = case.revision + 1
        with self.engine.begin() as connection:
            moved = connection.execute(
                update(CASES)
                .where(CASES.c.id == case.id, CASES.c.revision == case.revision)
                .values(state=mistaken.from_state, revision=seq, updated_at=at, closed_at=None)
            )
            if moved.rowcount != 1:
                raise ConcurrentUpdateError(
                    f"dossier {case.id} is intussen door iemand anders gewijzigd; "
                    "er is niets opgeslagen, probeer het opnieuw"
                )
            # The ones the step met or closed when it left its state: open again, the
            # reminder ladder looked at from today (the ledger keeps sent ones from repeating).
            connection.execute(
                update(DEADLINES)
                .where(
                    DEADLINES.c.case_id == case.id,
                    DEADLINES.c.state == mistaken.from_state,
                    DEADLINES.c.resolved_at == mistaken.at,
                    DEADLINES.c.status != DeadlineStatus.WAIVED.value,
                )
                .values(
                    status=DeadlineStatus.OPEN.value,
                    resolved_at=None,
                    resolved_by=None,
                    next_reminder_on=local(at).date(),
                )
            )
            # The ones it opened: withdrawn (they leave the agenda and get no reminders).
            connection.execute(
                update(DEADLINES)
                .where(
                    DEADLINES.c.case_id == case.id,
                    DEADLINES.c.state == mistaken.to_state,
                    DEADLINES.c.created_at == mistaken.at,
                    DEADLINES.c.status == DeadlineStatus.OPEN.value,
                )
                .values(
                    status=DeadlineStatus.CANCELLED.value,
                    resolved_at=at,
                    resolved_by=actor_id,
                    reason=f"ingetrokken: stap {mistaken.seq} gecorrigeerd",
                    next_reminder_on=None,
                )
            )
            append_event(
                connection,
                {
                    "case_id": case.id,
                    "seq": seq,
                    "trigger": CORRECTION,
                    "from_state": case.state,
                    "to_state": mistaken.from_state,
                    "actor_id": actor_id,
                    "role": role,
                    "at": at,
                    "note": reason,
                    "payload": {CORRECTED: mistaken.seq},
                },
            )
        return seq
