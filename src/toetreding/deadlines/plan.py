"""What a state change does to a case's deadlines, as the store applies it in the same
transaction as the state change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from toetreding.definition.model import DeadlineSpec, ProtocolSpec


@dataclass(frozen=True)
class NewDeadline:
    state: str
    name: str
    due: date


@dataclass(frozen=True)
class DeadlinePlan:
    """How a transition changes the case's deadlines, applied in the same transaction:
    ``met`` are met by the trigger (those due before ``met_from`` only when the trigger is
    the system's consequence of missing them: they stay missed); with ``close_rest`` the
    others of the state it leaves close (missed if already past due on ``today``, else
    cancelled); ``new`` are opened."""

    today: date
    met: tuple[str, ...] = ()
    met_from: date = date.min
    close_rest: bool = False
    new: tuple[NewDeadline, ...] = ()


def declared_deadline(spec: ProtocolSpec, state: str, name: str) -> DeadlineSpec | None:
    """The deadline ``name`` that ``state`` declares, if the protocol (still) has it."""
    found = spec.states.get(state)
    if found is None:
        return None
    return next((d for d in found.deadlines if d.name == name), None)
