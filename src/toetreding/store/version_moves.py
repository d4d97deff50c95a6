"""Moving a running case onto a newer version of its protocol: the case's version and state,
its open deadlines (withdrawn, kept under the new state's name, new ones opened) and a history
row naming both versions, in one transaction guarded on the case's revision."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, insert, select, update
from sqlalchemy import case as when

from toetreding._exceptions import ConcurrentUpdateError
from toetreding.clock import local
from toetreding.deadlines.plan import NewDeadline
from toetreding.store._common import CASES, DEADLINES
from toetreding.store.history_chain import append_event
from toetreding.store.records import CaseRecord
from toetreding.store.tables import DeadlineStatus

MOVED = "versie_overzetten"  # the history row's trigger
FROM_VERSION = "van_versie"  # payload keys of that row
TO_VERSION = "naar_versie"


@dataclass(frozen=True)
class VersionMove:
    """What moving one case does: where it lands and what happens to its deadlines (by the
    ids of its open deadline rows)."""

    to_version: int
    to_state: str
    withdrawn: tuple[int, ...]
    kept: tuple[int, ...]
    new: Sequence[NewDeadline]
    note: str | None


class VersionMoveStore:
    engine: Engine

    def running_versions(self, protocol_id: str) -> list[int]:
        """The versions of the protocol that running (not closed) cases are on."""
        query = (
            select(CASES.c.protocol_version)
            .where(CASES.c.protocol_id == protocol_id, CASES.c.closed_at.is_(None))
            .distinct()
            .order_by(CASES.c.protocol_version)
        )
        with self.engine.connect() as connection:
            return [int(version) for version in connection.execute(query).scalars()]

    def move_version(
        self,
        case: CaseRecord,
        move: VersionMove,
        *,
        actor_id: int,
        role: str | None,
        at: datetime,
    ) -> int:
        """Apply ``move`` to ``case`` as loaded (its revision); returns the new row's seq.

        Raises :class:`ConcurrentUpdateError` and writes nothing when the case moved, closed
        or changed version since it was loaded, or one of its deadlines changed.
        """
        seq = case.revision + 1
        stale = ConcurrentUpdateError(
            f"dossier {case.id} is gewijzigd sinds het plan; er is niets aan veranderd, "
            "bekijk het plan opnieuw"
        )
        with self.engine.begin() as connection:
            moved = connection.execute(
                update(CASES)
                .where(
                    CASES.c.id == case.id,
                    CASES.c.revision == case.revision,
                    CASES.c.protocol_version == case.protocol_version,
                    CASES.c.closed_at.is_(None),
                )
                .values(
                    protocol_version=move.to_version,
                    state=move.to_state,
                    revision=seq,
                    updated_at=at,
                )
            )
            if moved.rowcount != 1:
                raise stale
            still_open = (DEADLINES.c.case_id == case.id) & (
                DEADLINES.c.status == DeadlineStatus.OPEN.value
            )
            if move.withdrawn:
                withdrawn = connection.execute(
                    update(DEADLINES)
                    .where(still_open, DEADLINES.c.id.in_(move.withdrawn))
                    .values(
                        status=DeadlineStatus.CANCELLED.value,
                        resolved_at=at,
                        resolved_by=actor_id,
                        reason=f"ingetrokken: overgezet naar versie {move.to_version}",
                        next_reminder_on=None,  # no reminder is sent for it any more
                    )
                )
                if withdrawn.rowcount != len(move.withdrawn):
                    raise stale
            if move.kept:
                kept = connection.execute(
                    update(DEADLINES)
                    .where(still_open, DEADLINES.c.id.in_(move.kept))
                    .values(
                        state=move.to_state,
                        # the new version's ladder is looked at again from today (the
                        # ledger keeps a reminder already sent from going out twice); none
                        # while the date is not known ("datum volgt")
                        next_reminder_on=when(
                            (DEADLINES.c.due_date.is_(None), None), else_=local(at).date()
                        ),
                    )
                )
                if kept.rowcount != len(move.kept):
                    raise stale
            for new in move.new:
                connection.execute(
                    insert(DEADLINES).values(
                        case_id=case.id,
                        state=new.state,
                        name=new.name,
                        due_date=new.due,
                        original_due_date=new.due,
                        waiting_for=new.waiting_for,
                        waiting_year=new.waiting_year,
                        waiting_region=new.waiting_region,
                        status=DeadlineStatus.OPEN.value,
                        created_at=at,
                        next_reminder_on=local(at).date() if new.due else None,
                    )
                )
            append_event(  # last: the chain's head stays locked briefly
                connection,
                {
                    "case_id": case.id,
                    "seq": seq,
                    "trigger": MOVED,
                    "from_state": case.state,
                    "to_state": move.to_state,
                    "actor_id": actor_id,
                    "role": role,
                    "at": at,
                    "note": move.note,
                    "payload": {FROM_VERSION: case.protocol_version, TO_VERSION: move.to_version},
                },
            )
        return seq
