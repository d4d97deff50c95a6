"""Moving the running cases of a protocol onto a newer version, with a plan first.

The newer version's ``migration`` says where each state of the earlier one goes (a state
with the same name goes there without being named); a removed state's cases cannot move.
:meth:`VersionMoveService.plan_move` is the dry run: per running case where it lands and
which of its open deadlines are withdrawn, kept or new (dated as on entering the state, at
the moment of the move; a date that waits for calendar data is "datum volgt", never a reason
not to move), and what its running audit keeps or why it stops the move
(:mod:`toetreding.service.audit_moves`). :meth:`VersionMoveService.apply_move` moves each
case in its own transaction, guarded on the revision the plan saw. Closed cases stay on
their version.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from toetreding._exceptions import (
    AdminOnly,
    ConcurrentUpdateError,
    InvalidInputError,
    NotFoundError,
)
from toetreding.clock import as_aware, local
from toetreding.deadlines import NewDeadline, declared_deadline, due_text, latest_inputs
from toetreding.definition import ProtocolSpec
from toetreding.service._base import ServiceBase
from toetreding.service.audit_moves import audit_on_move
from toetreding.service.corrections import standing
from toetreding.service.history_words import state_label
from toetreding.store import MOVED, CaseFilter, CaseRecord, DeadlineRecord, VersionMove

MOVE_ROLES = ("coordinator", "admin")  # who may move a partnership's cases (or an administrator)

Change = Literal["ingetrokken", "blijft", "nieuw"]


@dataclass(frozen=True)
class DeadlineChange:
    """What moving does to one deadline of a case, in words."""

    change: Change
    label: str
    due: str  # 'uiterlijk 31-03-2027', or 'datum volgt (…)'


@dataclass(frozen=True)
class PlannedMove:
    """One running case in the plan: where it lands, or why it cannot move."""

    case_id: int
    school_name: str
    revision: int  # the revision the plan saw; applying refuses a case that changed since
    from_state: str
    from_label: str
    to_state: str | None
    to_label: str | None
    refusal: str | None  # why the case cannot move (None: it can)
    deadlines: tuple[DeadlineChange, ...] = ()
    audit: str = ""  # what its running audit keeps, in words (service/audit_moves.py)

    @property
    def movable(self) -> bool:
        return self.refusal is None


@dataclass(frozen=True)
class MovePlan:
    """The dry run of moving the running cases of a protocol from one version to another."""

    protocol_id: str
    title: str
    from_version: int
    to_version: int
    moves: list[PlannedMove]

    @property
    def movable(self) -> list[PlannedMove]:
        return [m for m in self.moves if m.movable]

    @property
    def blocked(self) -> list[PlannedMove]:
        return [m for m in self.moves if not m.movable]


@dataclass(frozen=True)
class MoveOutcome:
    """What applying did to one case of the plan."""

    case_id: int
    school_name: str
    moved: bool
    reason: str  # the refusal, when not moved
    from_label: str
    to_label: str | None


@dataclass(frozen=True)
class _Prepared:
    planned: PlannedMove
    move: VersionMove | None


@dataclass(frozen=True)
class StateMapping:
    """Where a running state of the earlier version goes, in labels (the protocol page)."""

    old_label: str
    new_label: str | None  # None: removed
    reason: str  # why its cases cannot move (removed)


class VersionMoveService(ServiceBase):
    """Plans and applies moving running cases to a newer protocol version."""

    def move_versions(self, protocol_id: str, *, by: str | int) -> tuple[list[int], list[int]]:
        """The versions cases can move from (those running cases are on, their file there
        or not) and to (every known version), each in order; another partnership's protocol
        is unknown to ``by`` (the page would name it even with nothing to move)."""
        self._require_sees(protocol_id, by)
        known = sorted(s.version for s in self.protocols().all() if s.id == protocol_id)
        running = self.store.running_versions(protocol_id)
        if not known and not running:
            self.protocols().get(protocol_id)  # a Dutch 404 for an unknown protocol
        return running, known

    def state_mapping(self, spec: ProtocolSpec) -> list[StateMapping]:
        """How the running states of the version ``spec`` takes cases from map onto it
        (the version before it when it declares nothing); empty for a first version."""
        earlier_version = spec.migration.from_version if spec.migration else spec.version - 1
        try:  # a version whose file is gone is still known by the cases that started on it
            earlier = self.protocol(spec.id, earlier_version)
        except NotFoundError:
            return []
        rows = []
        for name, state in earlier.states.items():
            if state.final:
                continue
            target, refusal = _target(earlier, spec, name)
            rows.append(
                StateMapping(
                    state.label, state_label(spec, target) if target else None, refusal or ""
                )
            )
        return rows

    def plan_move(
        self,
        protocol_id: str,
        from_version: int,
        to_version: int,
        *,
        by: str | int,
        at: datetime | None = None,
    ) -> MovePlan:
        """The dry run for the running cases ``by`` may move (nothing is written)."""
        self._require_sees(protocol_id, by)
        moment = as_aware(at) if at else self.clock.now()
        old, new = self._versions(protocol_id, from_version, to_version)
        cases = self._cases_for(protocol_id, from_version, by)
        moves = [self._prepare(case, name, old, new, moment).planned for case, name in cases]
        return MovePlan(protocol_id, new.title, from_version, to_version, moves)

    def apply_move(
        self,
        protocol_id: str,
        from_version: int,
        to_version: int,
        *,
        by: str | int,
        expected: Mapping[int, int] | None = None,
        at: datetime | None = None,
    ) -> list[MoveOutcome]:
        """Move every movable case, each in its own transaction; the others are refused
        with the reason. ``expected``: case id → the revision its plan saw; a case that
        changed since, or was not in that plan, is refused (the others still move)."""
        self._require_sees(protocol_id, by)
        moment = as_aware(at) if at else self.clock.now()
        old, new = self._versions(protocol_id, from_version, to_version)
        person_id = self.person_id(by)
        cases = self._cases_for(protocol_id, from_version, by)
        self.store.pin_protocol(new, moment)  # the definition moved cases are decided by
        outcomes: list[MoveOutcome] = []
        for case, name in cases:
            prepared = self._prepare(case, name, old, new, moment)
            planned = prepared.planned
            reason = planned.refusal or _changed_since(case, expected)
            if not reason and moment < case.updated_at:
                reason = (
                    f"tijdstip {local(moment):%d-%m-%Y %H:%M} ligt vóór de laatste "
                    f"gebeurtenis van dossier {case.id}"
                )
            if not reason and prepared.move is not None:
                try:
                    self.store.move_version(
                        case,
                        prepared.move,
                        actor_id=person_id,
                        role=self._role(person_id, case.partnership_id),
                        at=moment,
                    )
                except ConcurrentUpdateError as exc:
                    reason = str(exc)
            outcomes.append(
                MoveOutcome(
                    case.id,
                    name,
                    not reason,
                    reason or "",
                    planned.from_label,
                    planned.to_label,
                )
            )
        listed = {case.id for case, _ in cases}
        outcomes += [
            MoveOutcome(case_id, "", False, _GONE.format(case_id=case_id), "", None)
            for case_id in sorted(set(expected or {}) - listed)
        ]
        return outcomes

    # --- the parts -----------------------------------------------------------------------

    def _versions(
        self, protocol_id: str, from_version: int, to_version: int
    ) -> tuple[ProtocolSpec, ProtocolSpec]:
        if to_version <= from_version:
            raise InvalidInputError(
                f"dossiers gaan alleen naar een nieuwere versie; versie {to_version} is niet "
                f"nieuwer dan versie {from_version}"
            )
        old = self.protocol(protocol_id, from_version)
        new = self.protocol(protocol_id, to_version)
        declared = new.migration
        if declared is not None and declared.from_version != from_version:
            raise InvalidInputError(
                f"versie {to_version} beschrijft de overgang van versie "
                f"{declared.from_version}, niet van versie {from_version}"
            )
        return old, new

    def _require_sees(self, protocol_id: str, by: str | int) -> None:
        """Another partnership's protocol is unknown to ``by`` (404, as on its page)."""
        person = self.store.person(by)
        account = self.store.accounts.account(person.id or 0)
        if account is not None and account.is_admin:
            return
        theirs = {p.id for p in self.store.partnerships() if self.store.roles_of(person.id, p.id)}
        self.require_visible_protocol(protocol_id, theirs)

    def _cases_for(
        self, protocol_id: str, version: int, by: str | int
    ) -> list[tuple[CaseRecord, str]]:
        """The running cases on this version in the partnerships ``by`` may move cases of."""
        person = self.store.person(by)
        account = self.store.accounts.account(person.id)
        everywhere = account is not None and account.is_admin
        allowed = {
            p.id
            for p in self.store.partnerships()
            if everywhere or set(MOVE_ROLES) & self.store.roles_of(person.id, p.id)
        }
        if not allowed:
            raise AdminOnly(
                f"{person.name} mag geen dossiers naar een andere versie overzetten: dat "
                "mogen de coördinator en de beheerder"
            )
        found = self.store.find_cases(CaseFilter(protocol_id=protocol_id, running=True))
        return sorted(
            (
                (case, name)
                for case, name in found
                if case.protocol_version == version and case.partnership_id in allowed
            ),
            key=lambda item: item[0].id,
        )

    def _role(self, person_id: int, partnership_id: int) -> str:
        roles = self.store.roles_of(person_id, partnership_id)
        return next((r for r in MOVE_ROLES if r in roles), "admin")

    def _prepare(
        self,
        case: CaseRecord,
        school_name: str,
        old: ProtocolSpec,
        new: ProtocolSpec,
        moment: datetime,
    ) -> _Prepared:
        """Where ``case`` lands on ``new`` and what happens to its deadlines."""
        from_label = state_label(old, case.state)
        target, refusal = _target(old, new, case.state)

        def planned(
            to: str | None,
            why: str | None,
            changes: tuple[DeadlineChange, ...] = (),
            audit: str = "",
        ) -> PlannedMove:
            label = state_label(new, to) if to else None
            return PlannedMove(
                case.id, school_name, case.revision, case.state, from_label, to, label, why,
                changes, audit,
            )  # fmt: skip

        if target is None:
            return _Prepared(planned(None, refusal), None)
        audit = audit_on_move(self.store, case, old, new, target, self.registry.root)
        if audit.refusal is not None:
            return _Prepared(planned(None, audit.refusal), None)
        history = self.store.history(case.id)
        entered = next(  # when it entered its state (an earlier move renamed, no new step)
            (h.at for h in reversed(history) if h.from_state != h.to_state and h.trigger != MOVED),
            case.opened_at,
        )
        current = [
            d
            for d in self.store.deadlines(case_id=case.id)
            if d.state == case.state
            and (d.status == "open" or (d.resolved_at is not None and d.resolved_at >= entered))
        ]
        declared = {d.name for d in new.states[target].deadlines}
        withdrawn = [d for d in current if d.status == "open" and d.name not in declared]
        kept = [d for d in current if d.status == "open" and d.name in declared]
        had = {d.name for d in current}
        opened = [
            d
            for d in self.deadlines.opening(
                new,
                target,
                moment,
                region=lambda: str(self.store.school(case.school_id).region),
                inputs=lambda: latest_inputs([h.payload for h in standing(history)]),
                days_off=self.days_off_of(case.partnership_id),
            )
            if d.name not in had
        ]
        changes = (
            *(DeadlineChange("ingetrokken", *_words(old, d.state, d)) for d in withdrawn),
            *(DeadlineChange("blijft", *_words(new, target, d)) for d in kept),
            *(DeadlineChange("nieuw", *_words(new, target, d)) for d in opened),
        )
        move = VersionMove(
            to_version=new.version,
            to_state=target,
            withdrawn=tuple(d.id for d in withdrawn),
            kept=tuple(d.id for d in kept),
            new=opened,
            note=_note(changes, audit.kept),
        )
        return _Prepared(planned(target, None, changes, audit.kept), move)


_GONE = (
    "dossier {case_id} loopt niet meer op deze versie (afgesloten of al overgezet); er is "
    "niets aan veranderd"
)


def _changed_since(case: CaseRecord, expected: Mapping[int, int] | None) -> str:
    if expected is None:
        return ""
    seen = expected.get(case.id)
    if seen is None:
        return (
            f"dossier {case.id} stond niet in het plan (het is daarna geopend); er is niets "
            "aan veranderd, bekijk het plan opnieuw"
        )
    if seen != case.revision:
        return (
            f"dossier {case.id} is gewijzigd sinds het plan (nu {case.revision - seen} "
            "rij(en) in de geschiedenis erbij); er is niets aan veranderd, bekijk het plan "
            "opnieuw"
        )
    return ""


def _target(old: ProtocolSpec, new: ProtocolSpec, state: str) -> tuple[str | None, str | None]:
    """The state of ``new`` a case in ``state`` of ``old`` lands in, or why it cannot move."""
    label = state_label(old, state)
    migration = new.migration
    if migration is not None and state in migration.removed:
        reason = migration.removed[state]
        return None, f"stap '{label}' vervalt in versie {new.version}: {reason}"
    target = migration.target(state) if migration is not None else state
    if target is None or target not in new.states:
        return None, (
            f"stap '{label}' bestaat niet in versie {new.version} en die versie zegt niet "
            "waar haar dossiers heen gaan"
        )
    if new.states[target].final:
        return None, (
            f"stap '{label}' is in versie {new.version} een eindtoestand; een lopend dossier "
            "wordt niet naar een einde overgezet"
        )
    return target, None


def _words(
    spec: ProtocolSpec, state: str, deadline: DeadlineRecord | NewDeadline
) -> tuple[str, str]:
    """A deadline's label and due date in the words of ``spec`` (its ``state``): a stored
    one the move keeps or withdraws, or one the move opens."""
    declared = declared_deadline(spec, state, deadline.name)
    automatic = declared is not None and declared.automatic is not None
    due = deadline.due if isinstance(deadline, NewDeadline) else deadline.due_date
    return (
        declared.label if declared else deadline.name.replace("_", " "),
        due_text(due, automatic=automatic, waiting_for=deadline.waiting_for),
    )


def _note(changes: tuple[DeadlineChange, ...], audit: str) -> str | None:
    """The history row's note: the deadlines that changed and what the running audit
    keeps, in words."""
    parts = [f"'{c.label}' {c.change} ({c.due})" for c in changes]
    lines = (["Termijnen: " + "; ".join(parts) + "."] if parts else []) + (
        [audit + "."] if audit else []
    )
    return " ".join(lines) or None
