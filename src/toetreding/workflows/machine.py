"""One shared ``transitions`` machine per protocol version, and how a trigger is decided.

The machine holds no case: a case is a tiny model object made for one decision and
thrown away, so 10,000 cases cost no more machines than one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from transitions import EventData, Machine

from toetreding._exceptions import (
    AllowedTrigger,
    GuardFailed,
    MissingInput,
    RoleNotAllowed,
    TransitionRefused,
    TriggerNotAvailable,
)
from toetreding.definition.model import InputKind, ProtocolSpec, TransitionSpec
from toetreding.formats import version_words
from toetreding.rules import (
    NO_WORDS,
    AuditFacts,
    CaseLookups,
    FrameFacts,
    Guard,
    NoLookups,
    PastEvent,
    Verdict,
    Words,
    parse_guard,
)
from toetreding.workflows.inputs import InputProblems, normalise_inputs


@dataclass(frozen=True)
class Actor:
    """Who fires a trigger, with the roles they hold for this particular case."""

    person_id: int | None  # None: the system itself (a deadline's consequence)
    name: str
    roles: frozenset[str]


SYSTEM_ROLE = "systeem"  # the role recorded when the protocol itself fires a trigger


@dataclass(frozen=True)
class FireRequest:
    trigger: str
    actor: Actor
    at: datetime
    inputs: Mapping[str, Any] = field(default_factory=dict)
    note: str | None = None
    role: str | None = None  # the role to act in, when the actor holds several
    system: bool = False  # a consequence of the protocol itself (a missed deadline): no role check


@dataclass(frozen=True)
class Decision:
    """What firing a trigger does: the new state and the history row to write."""

    trigger: str
    from_state: str
    to_state: str
    role: str
    note: str | None
    payload: dict[str, Any]
    final: bool


def _words_per_trigger(spec: ProtocolSpec) -> dict[str, Words]:
    """The labels a refusal of each trigger uses: its own inputs' labels first (an input
    name may carry another label in another step), then those of the rest of the protocol."""
    states = {name: state.label for name, state in spec.states.items()}
    steps = {t.trigger: t.label for t in reversed(spec.transitions)}  # the first one wins
    everywhere = {i.name: i.label for t in reversed(spec.transitions) for i in t.inputs}
    own: dict[str, dict[str, str]] = {}
    for t in spec.transitions:
        own.setdefault(t.trigger, {}).update({i.name: i.label for i in t.inputs})
    return {
        trigger: Words({**everywhere, **labels}, states, steps) for trigger, labels in own.items()
    }


class _CaseModel:
    """The throw-away model the shared machine moves for one decision."""

    __slots__ = ("state",)

    def __init__(self, state: str) -> None:
        self.state = state


@dataclass
class _GuardContext:
    state: str
    inputs: Mapping[str, Any]
    now: datetime
    lookups: CaseLookups
    words: Words = NO_WORDS
    _history: Sequence[PastEvent] | None = None

    def history(self) -> Sequence[PastEvent]:
        if self._history is None:  # several rules of one guard may ask
            self._history = self.lookups.history()
        return self._history

    def peers_with(self, name: str, value: Any) -> Sequence[str]:
        return self.lookups.peers_with(name, value)

    def audit(self) -> AuditFacts | None:
        return self.lookups.audit()

    def frame(self, state: str) -> FrameFacts | None:
        return self.lookups.frame(state)

    def earlier_step(self, trigger: str) -> str | None:
        return self.lookups.earlier_step(trigger)


@dataclass
class _Attempt:
    """What one firing allows and what the guards said, shared with the conditions."""

    payloads: dict[int, dict[str, Any]]  # normalised inputs per candidate transition
    context: _GuardContext
    refusals: list[str] = field(default_factory=list)
    open_frame: bool = False  # a refusal names unanswered questions of the step's frame


class ProtocolMachine:
    """The runtime form of one protocol version, shared by all its cases."""

    def __init__(self, spec: ProtocolSpec) -> None:
        self.spec = spec
        self._guards: dict[int, Guard] = {
            index: parse_guard(t.guard) for index, t in enumerate(spec.transitions) if t.guard
        }
        self.machine = Machine(
            model=None,
            states=list(spec.states),
            initial=spec.initial,
            transitions=[self._transition(i, t) for i, t in enumerate(spec.transitions)],
            send_event=True,
            auto_transitions=False,
        )
        # Lookups a decision needs, derived once from the immutable spec.
        self._index: dict[tuple[str, str], list[tuple[int, TransitionSpec]]] = {}
        for i, t in enumerate(spec.transitions):
            for source in spec.expand_sources(t):
                self._index.setdefault((t.trigger, source), []).append((i, t))
        self._allowed = {state: self.allowed(state) for state in spec.states}
        self._words = _words_per_trigger(spec)
        self._documents: dict[str, frozenset[str]] = {
            trigger: frozenset(
                i.name
                for t in spec.transitions
                if t.trigger == trigger
                for i in t.inputs
                if i.kind is InputKind.DOCUMENT
            )
            for trigger in {t.trigger for t in spec.transitions}
        }

    def document_inputs(self, trigger: str) -> frozenset[str]:
        """The names of the ``document`` inputs of ``trigger``'s transitions."""
        return self._documents.get(trigger, frozenset())

    def _transition(self, index: int, transition: TransitionSpec) -> dict[str, Any]:
        return {
            "trigger": transition.trigger,
            "source": list(self.spec.expand_sources(transition)),
            "dest": transition.dest,
            "conditions": [self._condition(index)],
        }

    def _condition(self, index: int) -> Callable[[EventData], bool]:
        guard = self._guards.get(index)

        def condition(event: EventData) -> bool:
            attempt: _Attempt = event.kwargs["attempt"]
            if index not in attempt.payloads:
                return False
            if guard is None:
                return True
            attempt.context.inputs = attempt.payloads[index]
            verdict: Verdict = guard.evaluate(attempt.context)
            if not verdict.holds:
                attempt.refusals.append(verdict.fact)
                attempt.open_frame = attempt.open_frame or verdict.open_frame
            return verdict.holds

        return condition

    def allowed(self, state: str) -> list[AllowedTrigger]:
        """Triggers that can fire from ``state``, with the roles that may fire each."""
        by_trigger: dict[str, tuple[str, list[str]]] = {}
        for transition in self.spec.transitions_from(state):
            _, roles = by_trigger.setdefault(transition.trigger, (transition.label, []))
            roles.extend(r for r in transition.roles if r not in roles)
        return [AllowedTrigger(t, label, tuple(roles)) for t, (label, roles) in by_trigger.items()]

    def acting_roles(self, state: str) -> list[str]:
        """Roles that move a case on from ``state``; leaving without an outcome does not count."""
        onward = [
            t
            for t in self.spec.transitions_from(state)
            if not (self.spec.states[t.dest].final and self.spec.states[t.dest].outcome is None)
        ] or self.spec.transitions_from(state)
        return list(dict.fromkeys(role for t in onward for role in t.roles))

    def decide(
        self,
        case_id: int | None,
        state: str,
        request: FireRequest,
        lookups: CaseLookups | None = None,
    ) -> Decision:
        """Check ``request`` against the protocol; raise a refusal or return the decision."""
        trigger = request.trigger
        refuse = _Refuser(case_id, trigger, state, self)  # the allowed list only on refusal
        options = self._options(trigger, state)
        if not options:
            raise refuse(TriggerNotAvailable, self._why_unavailable(request.trigger, state))
        role, options = self._pick_role(request, options, refuse)
        payloads = self._check_inputs(options, request, refuse)
        context = _GuardContext(
            state, {}, request.at, lookups or NoLookups(), self._words.get(trigger, NO_WORDS)
        )
        attempt = _Attempt(payloads, context)
        to_state = self._first_passing(trigger, state, attempt)
        if to_state is None:
            refused = refuse(GuardFailed, "; ".join(attempt.refusals) or "een regel weigert")
            refused.open_frame = attempt.open_frame
            raise refused
        fired = next(i for i, t in options if i in payloads and t.dest == to_state)
        return Decision(
            trigger=trigger,
            from_state=state,
            to_state=to_state,
            role=role,
            note=request.note,
            payload=payloads[fired],
            final=self.spec.states[to_state].final,
        )

    def _first_passing(self, trigger: str, state: str, attempt: _Attempt) -> str | None:
        """Where the shared machine takes ``trigger`` from ``state``; None if no guard holds.

        Walks the machine's transitions from ``state`` in order and checks their conditions,
        as ``Event.trigger`` does, but without its callback, logging and state-setting layers
        (this machine registers no callbacks): a third of the cost of a decision otherwise.
        """
        machine = self.machine
        event = machine.events[trigger]
        data = EventData(
            machine.get_state(state), event, machine, _CaseModel(state), (), {"attempt": attempt}
        )
        for transition in event.transitions.get(state, ()):
            data.transition = transition
            if all(condition.check(data) for condition in transition.conditions):
                return str(transition.dest)
        return None

    def _allowed_from(self, state: str) -> list[AllowedTrigger]:
        """:meth:`allowed`, worked out once per state; a fresh list for each caller."""
        return list(self._allowed[state])

    def _options(self, trigger: str, state: str) -> list[tuple[int, TransitionSpec]]:
        """The transitions ``trigger`` may take from ``state`` (index into the spec, spec)."""
        return self._index.get((trigger, state), [])

    def _why_unavailable(self, trigger: str, state: str) -> str:
        label = self.spec.states[state].label if state in self.spec.states else state
        if trigger not in self.spec.triggers():
            named = version_words(self.spec.title, self.spec.version)
            return f"'{trigger}' bestaat niet in protocol {named}"
        return f"'{self.spec.trigger_label(trigger, state)}' kan niet vanuit de stap '{label}'"

    def _pick_role(
        self,
        request: FireRequest,
        options: list[tuple[int, TransitionSpec]],
        refuse: _Refuser,
    ) -> tuple[str, list[tuple[int, TransitionSpec]]]:
        if request.system:
            return SYSTEM_ROLE, options
        may = [r for _, t in options for r in t.roles]
        held = request.actor.roles
        if request.role is not None and request.role not in held:
            mine = ", ".join(sorted(self.spec.role_label(r) for r in held)) or "geen"
            raise refuse(
                RoleNotAllowed,
                f"{request.actor.name} heeft de rol '{self.spec.role_label(request.role)}' "
                "niet voor dit dossier "
                f"(wel: {mine})",
            )
        wanted = [request.role] if request.role else [r for r in may if r in held]
        role = next((r for r in wanted if r in may), None)
        if role is None:
            words = self.spec.roles  # the protocol's names of the roles, not identifiers
            mine = ", ".join(words.get(r, r) for r in sorted(held)) or "geen"
            raise refuse(
                RoleNotAllowed,
                f"alleen {', '.join(words.get(r, r) for r in dict.fromkeys(may))} mag dit; "
                f"{request.actor.name} heeft voor dit dossier: {mine}",
            )
        return role, [(i, t) for i, t in options if role in t.roles]

    def _check_inputs(
        self,
        options: list[tuple[int, TransitionSpec]],
        request: FireRequest,
        refuse: _Refuser,
    ) -> dict[int, dict[str, Any]]:
        payloads: dict[int, dict[str, Any]] = {}
        problems: list[str] = []
        hints: list[str] = []
        for index, transition in options:
            try:
                payloads[index] = normalise_inputs(transition, request.inputs, request.note)
            except InputProblems as exc:
                problems.extend(p for p in exc.problems if p not in problems)
                hints.extend(h for h in exc.hints if h not in hints)
        if not payloads:
            raise refuse(MissingInput, "; ".join(problems)).with_hint(" ".join(hints))
        return payloads


@dataclass(frozen=True)
class _Refuser:
    case_id: int | None
    trigger: str
    state: str
    machine: ProtocolMachine  # what is allowed, and the labels said instead of identifiers

    def __call__(
        self,
        kind: type[TriggerNotAvailable]
        | type[RoleNotAllowed]
        | type[MissingInput]
        | type[GuardFailed],
        reason: str,
    ) -> TransitionRefused:
        spec = self.machine.spec
        return kind(
            reason,
            case_id=self.case_id,
            trigger=self.trigger,
            state=self.state,
            allowed=self.machine._allowed_from(self.state),
            label=spec.trigger_label(self.trigger, self.state),
            state_label=getattr(spec.states.get(self.state), "label", self.state),
            role_labels=spec.roles,
        )
