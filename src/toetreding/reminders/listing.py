"""The reminder ledger as people read it: each row says what it is about in the protocol's
words (the deadline's label, or the step a hand-over announced), never an internal name."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from toetreding._exceptions import NotFoundError
from toetreding.deadlines import declared_deadline
from toetreding.service import Toetreding


def ledger_rows(
    app: Toetreding, statuses: Sequence[str] | None = None, limit: int = 200
) -> list[dict[str, Any]]:
    """The ledger's rows, newest first, each with ``about``: what it reminds of."""
    rows = app.reminder_ledger.rows(statuses, limit=limit)
    for row in rows:
        row["about"] = _about(app, row)
    return rows


def _about(app: Toetreding, row: dict[str, Any]) -> str:
    try:
        spec = app.protocol(row["protocol_id"], row["protocol_version"])
    except NotFoundError:  # a version whose file is gone: say what kind of row it is
        return "termijn" if row["deadline_name"] else "overdracht (aan de beurt)"
    if row["deadline_name"] is None:
        state = spec.states.get(row["handover_state"] or "")
        return f"overdracht (aan de beurt): {state.label}" if state else "overdracht (aan de beurt)"
    declared = declared_deadline(spec, row["deadline_state"], row["deadline_name"])
    return declared.label if declared else "termijn"
