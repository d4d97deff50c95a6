"""Meetings of a partnership's bodies: the meeting, its agenda (cases in order, each with
its reason), the history rows of decisions taken in it, and the meeting pack sent to the
members (a row per member per request)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time

from sqlalchemy import Connection, Engine, delete, func, insert, select, update

from toetreding._exceptions import ConflictError, InvalidInputError, NotFoundError
from toetreding.store._common import CASES, EVENTS, PEOPLE, SCHOOLS, core_table
from toetreding.store.meeting_records import (
    MEETING_KEY,
    MeetingDecision,
    MeetingItemRecord,
    MeetingRecord,
    PackSendingRecord,
)
from toetreding.store.records import HistoryEntry
from toetreding.store.tables import Meeting, MeetingItem, MeetingPackSending

# Defined when this module is loaded (``Store.meetings`` on first use), not by every command.
MEETINGS = core_table(Meeting)
MEETING_ITEMS = core_table(MeetingItem)
MEETING_PACK_SENDINGS = core_table(MeetingPackSending)


class MeetingStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create(
        self,
        *,
        partnership_id: int,
        body: str,
        day: date,
        starts_at: time,
        place: str,
        present: Sequence[int],
        created_by: int,
        at: datetime,
        items: Sequence[tuple[int, str]],
    ) -> int:
        """A new meeting with its agenda (case id, reason), in one transaction."""
        with self.engine.begin() as connection:
            meeting_id = connection.execute(
                insert(MEETINGS)
                .values(
                    partnership_id=partnership_id,
                    body=body,
                    day=day,
                    starts_at=starts_at,
                    place=place,
                    present=list(present),
                    created_by=created_by,
                    created_at=at,
                    pack_version=0,
                )
                .returning(MEETINGS.c.id)
            ).scalar_one()
            _insert_items(connection, meeting_id, items)
        return int(meeting_id)

    def meeting(self, meeting_id: int) -> MeetingRecord:
        with self.engine.connect() as connection:
            row = connection.execute(select(MEETINGS).where(MEETINGS.c.id == meeting_id)).first()
        if row is None:
            raise NotFoundError(f"vergadering {meeting_id} bestaat niet")
        return MeetingRecord(**row._asdict())

    def meetings(
        self, partnership_ids: frozenset[int] | None, *, body: str | None = None
    ) -> list[MeetingRecord]:
        """The meetings of these partnerships (None: all), newest day first."""
        query = select(MEETINGS).order_by(
            MEETINGS.c.day.desc(), MEETINGS.c.starts_at.desc(), MEETINGS.c.id.desc()
        )
        if partnership_ids is not None:
            query = query.where(MEETINGS.c.partnership_id.in_(partnership_ids))
        if body is not None:
            query = query.where(MEETINGS.c.body == body)
        with self.engine.connect() as connection:
            return [MeetingRecord(**row._asdict()) for row in connection.execute(query)]

    def items(self, meeting_id: int) -> list[MeetingItemRecord]:
        query = (
            select(
                MEETING_ITEMS.c.case_id,
                MEETING_ITEMS.c.position,
                MEETING_ITEMS.c.reason,
                SCHOOLS.c.name,
            )
            .join(CASES, CASES.c.id == MEETING_ITEMS.c.case_id)
            .join(SCHOOLS, SCHOOLS.c.id == CASES.c.school_id)
            .where(MEETING_ITEMS.c.meeting_id == meeting_id)
            .order_by(MEETING_ITEMS.c.position)
        )
        with self.engine.connect() as connection:
            return [MeetingItemRecord(*row) for row in connection.execute(query)]

    def replace_items(self, meeting_id: int, items: Sequence[tuple[int, str]]) -> None:
        """The agenda becomes ``items`` (case id, reason), in this order."""
        with self.engine.begin() as connection:
            found = connection.execute(
                select(MEETINGS.c.id).where(MEETINGS.c.id == meeting_id).with_for_update()
            ).first()
            if found is None:
                raise NotFoundError(f"vergadering {meeting_id} bestaat niet")
            connection.execute(
                delete(MEETING_ITEMS).where(MEETING_ITEMS.c.meeting_id == meeting_id)
            )
            _insert_items(connection, meeting_id, items)

    def set_present(self, meeting_id: int, present: Sequence[int]) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                update(MEETINGS).where(MEETINGS.c.id == meeting_id).values(present=list(present))
            )

    def start_pack_sending(
        self,
        meeting_id: int,
        *,
        seen_version: int,
        requested_by: int,
        at: datetime,
        recipients: Sequence[tuple[int, str | None]],
    ) -> int:
        """Record a request to send the pack to ``recipients`` (person, address or None):
        the meeting's ``pack_version`` goes up by one, guarded on ``seen_version`` (a
        request seen meanwhile by someone else is refused), with a row per member
        (``pending``, or ``no_address``), in one transaction. The new version."""
        with self.engine.begin() as connection:
            moved = connection.execute(
                update(MEETINGS)
                .where(MEETINGS.c.id == meeting_id, MEETINGS.c.pack_version == seen_version)
                .values(pack_version=MEETINGS.c.pack_version + 1)
            ).rowcount
            if moved != 1:
                raise ConflictError(
                    "de vergaderstukken zijn intussen door iemand anders verstuurd; er is "
                    "niets verzonden, bekijk de vergadering opnieuw"
                )
            version = seen_version + 1
            if not recipients:
                return version
            connection.execute(
                insert(MEETING_PACK_SENDINGS),
                [
                    {
                        "meeting_id": meeting_id,
                        "pack_version": version,
                        "person_id": person_id,
                        "email": email or "",
                        "requested_by": requested_by,
                        "requested_at": at,
                        "status": "pending" if email else "no_address",
                        "finished_at": None if email else at,
                        "problem": None,
                    }
                    for person_id, email in recipients
                ],
            )
        return version

    def finish_pack_sending(
        self, meeting_id: int, version: int, person_id: int, at: datetime, problem: str | None
    ) -> None:
        """The pack went to the member (``problem`` None), or not, and why."""
        with self.engine.begin() as connection:
            connection.execute(
                update(MEETING_PACK_SENDINGS)
                .where(
                    MEETING_PACK_SENDINGS.c.meeting_id == meeting_id,
                    MEETING_PACK_SENDINGS.c.pack_version == version,
                    MEETING_PACK_SENDINGS.c.person_id == person_id,
                )
                .values(
                    status="sent" if problem is None else "failed",
                    finished_at=at,
                    problem=None if problem is None else problem[:1000],
                )
            )

    def pack_sendings(self, meeting_id: int) -> list[PackSendingRecord]:
        """Every member's row of every request to send the pack, newest request first."""
        member, requester = PEOPLE.alias("member"), PEOPLE.alias("requester")
        table = MEETING_PACK_SENDINGS
        query = (
            select(
                table.c.pack_version,
                table.c.person_id,
                member.c.name,
                table.c.email,
                requester.c.name,
                table.c.requested_at,
                table.c.status,
                table.c.finished_at,
                table.c.problem,
            )
            .join(member, member.c.id == table.c.person_id)
            .join(requester, requester.c.id == table.c.requested_by)
            .where(table.c.meeting_id == meeting_id)
            .order_by(table.c.pack_version.desc(), member.c.name, table.c.id)
        )
        with self.engine.connect() as connection:
            return [PackSendingRecord(*row) for row in connection.execute(query)]

    def decisions(self, meeting_id: int) -> list[MeetingDecision]:
        """The history rows that name this meeting, in the order they were written."""
        query = (
            select(
                EVENTS.c.case_id,
                SCHOOLS.c.name,
                EVENTS.c.seq,
                EVENTS.c.trigger,
                EVENTS.c.from_state,
                EVENTS.c.to_state,
                EVENTS.c.actor_id,
                PEOPLE.c.name.label("actor_name"),
                EVENTS.c.role,
                EVENTS.c.at,
                EVENTS.c.note,
                EVENTS.c.payload,
            )
            .join(CASES, CASES.c.id == EVENTS.c.case_id)
            .join(SCHOOLS, SCHOOLS.c.id == CASES.c.school_id)
            .outerjoin(PEOPLE, PEOPLE.c.id == EVENTS.c.actor_id)
            .where(
                EVENTS.c.case_id.in_(
                    select(MEETING_ITEMS.c.case_id).where(MEETING_ITEMS.c.meeting_id == meeting_id)
                )
            )
            .order_by(EVENTS.c.at, EVENTS.c.id)
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return [
            MeetingDecision(row[0], row[1], HistoryEntry(*row[2:]))  # type: ignore[call-arg]
            for row in rows
            if row.payload.get(MEETING_KEY) == meeting_id
        ]

    def count(self) -> int:
        with self.engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(MEETINGS)).scalar_one())


def _insert_items(
    connection: Connection, meeting_id: int, items: Sequence[tuple[int, str]]
) -> None:
    seen: set[int] = set()
    rows: list[dict[str, object]] = []
    for case_id, reason in items:
        if case_id in seen:
            raise InvalidInputError(f"dossier {case_id} staat twee keer op de agenda")
        seen.add(case_id)
        rows.append(
            {
                "meeting_id": meeting_id,
                "case_id": case_id,
                "position": len(rows) + 1,
                "reason": reason[:400],
            }
        )
    if rows:
        connection.execute(insert(MEETING_ITEMS), rows)
