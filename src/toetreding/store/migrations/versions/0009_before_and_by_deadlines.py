"""before and by deadlines

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 10:00:00.000000

Issue 16: a deadline on a day in the year now says whether that day still counts
(``before: 1 april``: 31 March is the last day; ``by: 1 april``: 1 April is). Before this
revision protocol files wrote ``date: 1 april`` and every such deadline was computed as
*by*, also where the protocol said "vóór 1 april".

1. The definitions stored for pinned protocol versions (``protocol_versions``) are written
   in the new format, with the meaning the pinned definition itself states: a ``date: D``
   becomes ``before: D`` when the deadline's (or its state's) label says "vóór D", and
   ``by: D`` (what it was computed as) otherwise; ``before_summer_vacation: true`` becomes
   ``before: zomervakantie`` (unchanged meaning). A ``joins_in_time`` guard's bare day gets
   the same word as that day's deadline. The digest is recomputed over the new content, so
   a protocol whose content did not change (e.g. Partnerschap 2) still matches its file.
2. Open deadlines of those versions whose ``date`` became ``before`` are recomputed: the
   last day moves one day earlier (from 1 April to 31 March; with ``school_year: upcoming``
   to 31 March of the next year when the case entered the state on 1 April itself). Each
   change gets a history row on its case (next ``seq``, ``revision`` + 1) naming the old and
   new date, the reminder ladder is planned again from the new date, and reminders not yet
   sent for the old date are skipped. A deadline a person already extended keeps the date
   that person chose.

No tables change. Downgrading writes the stored definitions back in the old format (``before``
and ``by`` both as ``date``); recomputed due dates and their history rows stay.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LOCAL = ZoneInfo("Europe/Amsterdam")
SUMMER = "zomervakantie"
TRIGGER = "termijn_herberekenen"
_MONTHS = {
    "januari": 1, "februari": 2, "maart": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
    "augustus": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
}  # fmt: skip
_NAMES = {number: name for name, number in _MONTHS.items()}
_DAY = re.compile(r"^\s*(\d{1,2})[-/ ](\d{1,2}|[a-z]+)\s*$")
_BEFORE_IN_LABEL = re.compile(
    rf"\b(?:vóór|voor|before)\s+(\d{{1,2}})\s+({'|'.join(_MONTHS)})\b", re.IGNORECASE
)
_JOINS = re.compile(
    r"joins_in_time\(\s*(?P<q1>['\"])(?P<name>[^'\"]*)(?P=q1)\s*,"
    r"\s*(?P<q2>['\"])(?P<day>[^'\"]*)(?P=q2)\s*\)"
)
_WORDED = re.compile(r"^\s*(vóór|voor|before|uiterlijk|by)\s", re.IGNORECASE)
_UNWORDED = re.compile(
    r"(joins_in_time\(\s*['\"][^'\"]*['\"]\s*,\s*['\"])(?:vóór|voor|before|uiterlijk|by)\s+",
    re.IGNORECASE,
)

versions = sa.table(
    "protocol_versions",
    sa.column("protocol_id", sa.String),
    sa.column("version", sa.Integer),
    sa.column("digest", sa.String),
    sa.column("definition", sa.JSON),
)
cases = sa.table(
    "cases",
    sa.column("id", sa.Integer),
    sa.column("protocol_id", sa.String),
    sa.column("protocol_version", sa.Integer),
    sa.column("state", sa.String),
    sa.column("revision", sa.Integer),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)
events = sa.table(
    "events",
    sa.column("case_id", sa.Integer),
    sa.column("seq", sa.Integer),
    sa.column("trigger", sa.String),
    sa.column("from_state", sa.String),
    sa.column("to_state", sa.String),
    sa.column("actor_id", sa.Integer),
    sa.column("role", sa.String),
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("note", sa.String),
    sa.column("payload", sa.JSON),
)
deadlines = sa.table(
    "deadlines",
    sa.column("id", sa.Integer),
    sa.column("case_id", sa.Integer),
    sa.column("state", sa.String),
    sa.column("name", sa.String),
    sa.column("due_date", sa.Date),
    sa.column("original_due_date", sa.Date),
    sa.column("status", sa.String),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("next_reminder_on", sa.Date),
)
reminders = sa.table(
    "reminders",
    sa.column("deadline_id", sa.Integer),
    sa.column("due_date", sa.Date),
    sa.column("status", sa.String),
    sa.column("skip_reason", sa.String),
    sa.column("next_attempt_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    connection = op.get_bind()
    now = datetime.now(UTC)
    became_before: dict[tuple[str, int], dict[tuple[str, str], dict[str, Any]]] = {}
    for row in connection.execute(
        sa.select(versions.c.protocol_id, versions.c.version, versions.c.definition)
    ).all():
        definition = _loaded(row.definition)
        converted, before = _new_format(definition)
        if converted != definition:
            connection.execute(
                versions.update()
                .where(versions.c.protocol_id == row.protocol_id, versions.c.version == row.version)
                .values(definition=converted, digest=_digest(converted))
            )
        if before:
            became_before[(row.protocol_id, row.version)] = before
    for (protocol_id, version), declared in became_before.items():
        _recompute(connection, protocol_id, version, declared, now)


def downgrade() -> None:
    connection = op.get_bind()
    for row in connection.execute(
        sa.select(versions.c.protocol_id, versions.c.version, versions.c.definition)
    ).all():
        definition = _loaded(row.definition)
        restored = _old_format(definition)
        if restored != definition:
            connection.execute(
                versions.update()
                .where(versions.c.protocol_id == row.protocol_id, versions.c.version == row.version)
                .values(definition=restored, digest=_digest(restored))
            )


# --- the stored definitions -----------------------------------------------------------------


def _loaded(value: Any) -> dict[str, Any]:
    return json.loads(value) if isinstance(value, str) else dict(value)


def _copy(definition: dict[str, Any]) -> dict[str, Any]:
    copied: dict[str, Any] = json.loads(json.dumps(definition))
    return copied


def _digest(definition: dict[str, Any]) -> str:
    """As ``store.definition_digest`` computes it from the validated definition's dump."""
    return hashlib.sha256(json.dumps(definition, sort_keys=True).encode()).hexdigest()


def _day(text: str) -> tuple[int, int] | None:
    match = _DAY.match(str(text).lower())
    if match is None:
        return None
    month = int(match[2]) if match[2].isdigit() else _MONTHS.get(match[2], 0)
    return (int(match[1]), month) if 1 <= month <= 12 else None


def _said_before(day: tuple[int, int], *labels: str) -> bool:
    """Whether a label says "vóór" that day: the pinned definition's own meaning."""
    return any(
        (int(m[1]), _MONTHS[m[2].lower()]) == day
        for label in labels
        for m in _BEFORE_IN_LABEL.finditer(label)
    )


def _new_format(
    definition: dict[str, Any],
) -> tuple[dict[str, Any], dict[tuple[str, str], dict[str, Any]]]:
    """The definition in the new format, and the deadlines whose ``date`` became ``before``
    (by state and name, with their new ``due``)."""
    result = _copy(definition)
    before: dict[tuple[str, str], dict[str, Any]] = {}
    before_days: set[tuple[int, int]] = set()
    for state_name, state in (result.get("states") or {}).items():
        for deadline in state.get("deadlines") or ():
            due = deadline.get("due")
            if not isinstance(due, dict) or (
                "date" not in due and "before_summer_vacation" not in due
            ):
                continue
            day_text = due.pop("date", None)
            summer = bool(due.pop("before_summer_vacation", False))
            due.setdefault("before", None)
            due.setdefault("by", None)
            if summer:
                due["before"] = SUMMER
            elif day_text is not None:
                day = _day(day_text)
                labels = (str(deadline.get("label", "")), str(state.get("label", "")))
                if day is not None and _said_before(day, *labels):
                    due["before"] = day_text
                    before[(state_name, str(deadline.get("name")))] = {
                        **due,
                        "label": deadline.get("label"),
                    }
                    before_days.add(day)
                else:
                    due["by"] = day_text
    for transition in result.get("transitions") or ():
        guard = transition.get("guard")
        if isinstance(guard, str):
            transition["guard"] = _JOINS.sub(lambda m: _worded(m, before_days), guard)
    return result, before


def _worded(match: re.Match[str], before_days: set[tuple[int, int]]) -> str:
    """``joins_in_time('x', '1 april')`` with the word its day now needs."""
    day = match["day"]
    if _WORDED.match(day) or _day(day) is None:
        return match[0]
    word = "vóór" if _day(day) in before_days else "uiterlijk"
    q1, q2 = match["q1"], match["q2"]
    return f"joins_in_time({q1}{match['name']}{q1}, {q2}{word} {day.strip()}{q2})"


def _old_format(definition: dict[str, Any]) -> dict[str, Any]:
    result = _copy(definition)
    for state in (result.get("states") or {}).values():
        for deadline in state.get("deadlines") or ():
            due = deadline.get("due")
            if not isinstance(due, dict) or ("before" not in due and "by" not in due):
                continue
            before, by = due.pop("before", None), due.pop("by", None)
            due["before_summer_vacation"] = before == SUMMER
            due["date"] = by if by is not None else (None if before == SUMMER else before)
    for transition in result.get("transitions") or ():
        guard = transition.get("guard")
        if isinstance(guard, str):
            transition["guard"] = _UNWORDED.sub(r"\1", guard)
    return result


# --- the open deadlines -----------------------------------------------------------------------


def _recompute(
    connection: sa.Connection,
    protocol_id: str,
    version: int,
    declared: dict[tuple[str, str], dict[str, Any]],
    now: datetime,
) -> None:
    """Move each open deadline of ``declared`` (computed as *by* its day) to the day before,
    with a history row on its case."""
    rows = connection.execute(
        sa.select(
            deadlines.c.id,
            deadlines.c.case_id,
            deadlines.c.state,
            deadlines.c.name,
            deadlines.c.due_date,
            deadlines.c.original_due_date,
            deadlines.c.created_at,
            cases.c.state.label("case_state"),
        )
        .join(cases, cases.c.id == deadlines.c.case_id)
        .where(
            cases.c.protocol_id == protocol_id,
            cases.c.protocol_version == version,
            deadlines.c.status == "open",
        )
        .order_by(deadlines.c.case_id, deadlines.c.id)
    ).all()
    for row in rows:
        due = declared.get((row.state, row.name))
        if due is None or row.due_date != row.original_due_date:
            continue  # not a before-day, or a person chose the date (extended)
        new_due = _day_before(row.due_date, due, _local_day(row.created_at))
        if new_due is None or new_due == row.due_date:
            continue
        _move(connection, row, new_due, str(due.get("label") or row.name), due["before"], now)


def _day_before(old: date, due: dict[str, Any], entered: date) -> date | None:
    """The last day for ``before: D``, given the date the old way computed for ``D`` itself."""
    day = _day(due["before"])
    if day is None or (old.day, old.month) != day:
        return None  # not a date this deadline's day gave: leave it
    new = old - timedelta(days=1)
    if due.get("school_year") == "upcoming" and new < entered:
        new = date(old.year + 1, old.month, old.day) - timedelta(days=1)
    return new


def _local_day(moment: datetime) -> date:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(LOCAL).date()


def _move(
    connection: sa.Connection, row: Any, new_due: date, label: str, day_text: str, now: datetime
) -> None:
    day = _day(day_text)
    assert day is not None
    last = new_due
    note = (
        f"Termijn '{label}' herberekend: 'vóór {day[0]} {_NAMES[day[1]]}' betekent dat "
        f"{last.day} {_NAMES[last.month]} de laatste dag is. Was uiterlijk "
        f"{row.due_date:%d-%m-%Y}, nu uiterlijk {new_due:%d-%m-%Y}."
    )
    revision = connection.execute(
        sa.select(cases.c.revision).where(cases.c.id == row.case_id)
    ).scalar_one()
    connection.execute(
        deadlines.update()
        .where(deadlines.c.id == row.id)
        .values(due_date=new_due, original_due_date=new_due, next_reminder_on=_local_day(now))
    )
    connection.execute(
        reminders.update()
        .where(
            reminders.c.deadline_id == row.id,
            reminders.c.due_date == row.due_date,
            reminders.c.status.in_(["pending", "failed"]),
        )
        .values(
            status="skipped",
            skip_reason=f"de termijn is herberekend (was uiterlijk {row.due_date:%d-%m-%Y})",
            next_attempt_at=None,
        )
    )
    connection.execute(
        cases.update()
        .where(cases.c.id == row.case_id)
        .values(revision=revision + 1, updated_at=now)
    )
    connection.execute(
        events.insert().values(
            case_id=row.case_id,
            seq=revision + 1,
            trigger=TRIGGER,
            from_state=row.case_state,
            to_state=row.case_state,
            actor_id=None,
            role="systeem",
            at=now,
            note=note,
            payload={
                "termijn": row.name,
                "oude_datum": row.due_date.isoformat(),
                "nieuwe_datum": new_due.isoformat(),
            },
        )
    )
