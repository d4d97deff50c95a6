"""Protocollen and kaders (read-only): the protocols with their diagram, a case's place in its
protocol, and the quality frameworks the person's partnerships use."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from toetreding._exceptions import NotFoundError
from toetreding.definition import guard_sentence
from toetreding.definition.model import (
    ALL_ACTIVE_STATES,
    DeadlineSpec,
    DueSpec,
    Duration,
    ProtocolSpec,
    ReminderSpec,
    TransitionSpec,
)
from toetreding.store import FrameworkPublic
from toetreding.web.access import Viewer, visible_case
from toetreding.web.deps import Me, WebContext, ctx, page
from toetreding.web.diagram import current_sentence, protocol_diagram

router = APIRouter(include_in_schema=False)

UNITS = {
    "years": ("jaar", "jaar"),
    "months": ("maand", "maanden"),
    "weeks": ("week", "weken"),
    "days": ("dag", "dagen"),
    "working_days": ("werkdag", "werkdagen"),
}
SCHOOL_YEARS = {
    "current": "in het schooljaar waarin de stap begon",
    "next": "in het schooljaar daarna",
    "upcoming": "de eerstvolgende",
}


@dataclass(frozen=True)
class DeadlineView:
    """A deadline of a state in words."""

    label: str
    due: str
    met_by: list[str]
    reminders: list[str]
    consequence: str
    description: str


@dataclass(frozen=True)
class TransitionView:
    """A transition with its states and roles in words."""

    spec: TransitionSpec
    sources: list[str]
    dest: str
    roles: str
    guard: str  # the guard as a sentence ("" when the transition has none)


# --- routes ---------------------------------------------------------------------------------


@router.get("/protocollen")
def protocol_list(request: Request, me: Me) -> Response:
    specs = ctx(request).service.visible_protocols(me.protocol_scope)
    return page(request, "protocols.html", me, specs=specs)


@router.get("/protocollen/{protocol_id}")
def newest_protocol(request: Request, protocol_id: str, me: Me) -> Response:
    ctx(request).service.require_visible_protocol(protocol_id, me.protocol_scope)
    spec = ctx(request).service.protocols().get(protocol_id)
    return RedirectResponse(f"/protocollen/{spec.id}/{spec.version}", status_code=303)


@router.get("/protocollen/{protocol_id}/{version}")
def protocol_page(request: Request, protocol_id: str, version: int, me: Me) -> Response:
    ctx(request).service.require_visible_protocol(protocol_id, me.protocol_scope)
    spec = ctx(request).service.protocol(protocol_id, version)
    words = ProtocolWords(spec)
    return page(
        request,
        "protocol.html",
        me,
        spec=spec,
        diagram=protocol_diagram(spec),
        deadlines={name: words.deadlines(name) for name in spec.states},
        transitions=[words.transition(t) for t in spec.transitions],
        case=None,
        mapping=ctx(request).service.state_mapping(spec),
        earlier=spec.migration.from_version if spec.migration else spec.version - 1,
    )


@router.get("/dossiers/{case_id}/protocol")
def case_protocol(request: Request, case_id: int, me: Me) -> Response:
    service = ctx(request).service
    case = visible_case(service, me, case_id)
    spec = service.spec_of(case)
    return page(
        request,
        "protocol.html",
        me,
        spec=spec,
        diagram=protocol_diagram(spec, current=case.state),
        case=case,
        school=service.school(case.school_id).name,
        sentence=current_sentence(spec, case.state),
    )


@router.get("/kaders")
def framework_list(request: Request, me: Me) -> Response:
    context = ctx(request)
    return page(
        request,
        "frameworks.html",
        me,
        frameworks=visible_frameworks(context, me),
        partnerships=_partnership_names(context),
        advice_admin=me.is_admin
        or any(context.desk.may_manage_advice(me.person_id, p) for p in me.partnerships),
    )


@router.get("/kaders/{framework_id}")
def framework_page(
    request: Request,
    framework_id: str,
    me: Me,
    versie: int | None = None,
    partnerschap: int | None = None,
) -> Response:
    context = ctx(request)
    versions = [f for f in visible_frameworks(context, me) if f.framework_id == framework_id]
    chosen = _choose(versions, versie, partnerschap)
    spec = context.desk.frameworks.get(chosen.partnership_id, framework_id, chosen.version)
    return page(
        request,
        "framework.html",
        me,
        spec=spec,
        entry=chosen,
        versions=versions,
        partnerships=_partnership_names(context),
    )


# --- frameworks -----------------------------------------------------------------------------


def framework_scope(context: WebContext, me: Viewer) -> list[int | None]:
    """The partnerships whose own frameworks the person sees (where they work, or where
    their school is); an empty scope still sees the shipped frameworks."""
    service = context.service
    if me.is_admin:
        ids = {p.id for p in service.partnerships()}
    else:
        ids = set(me.partnerships) | {service.school(s).partnership_id for s in me.schools}
    return [*sorted(ids)] or [None]


def visible_frameworks(context: WebContext, me: Viewer) -> list[FrameworkPublic]:
    """Shipped frameworks and the own ones of the person's partnerships, by id and version."""
    found: dict[tuple[str, int, int | None], FrameworkPublic] = {}
    for partnership_id in framework_scope(context, me):
        for entry in context.desk.frameworks.list(partnership_id):
            found[(entry.framework_id, entry.version, entry.partnership_id)] = entry
    return [found[key] for key in sorted(found, key=lambda k: (k[0], k[1], k[2] or 0))]


def _choose(
    versions: list[FrameworkPublic], version: int | None, partnership_id: int | None
) -> FrameworkPublic:
    """The asked version (the newest when none) of the asked owner (any when none)."""
    fitting = [
        f
        for f in versions
        if (version is None or f.version == version)
        and (partnership_id is None or f.partnership_id == partnership_id)
    ]
    if not fitting:
        raise NotFoundError("dit kader bestaat niet (of niet voor uw partnerschap)")
    return max(fitting, key=lambda f: f.version)


def _partnership_names(context: WebContext) -> dict[int | None, str]:
    return {p.id: p.name for p in context.service.partnerships()}


# --- protocols in words ---------------------------------------------------------------------


def duration_text(text: str) -> str:
    """``10 working days`` -> ``10 werkdagen``; ``1 year`` -> ``1 jaar``."""
    duration = Duration.parse(text)
    one, many = UNITS[duration.unit]
    return f"{duration.count} {one if duration.count == 1 else many}"


@dataclass(frozen=True)
class ProtocolWords:
    """The parts of a protocol in Dutch sentences, for the protocol page."""

    spec: ProtocolSpec

    def role(self, name: str) -> str:
        return self.spec.roles.get(name, name)

    def roles(self, names: tuple[str, ...]) -> str:
        return ", ".join(self.role(name) for name in names)

    def trigger(self, name: str) -> str:
        return next((t.label for t in self.spec.transitions if t.trigger == name), name)

    def input_label(self, name: str) -> str:
        found = (t.input(name) for t in self.spec.transitions)
        return next((f"'{i.label}'" for i in found if i is not None), f"'{name}'")

    def state_label(self, name: str) -> str:
        if name == ALL_ACTIVE_STATES:
            return "elke lopende stap"
        return self.spec.states[name].label

    def transition(self, transition: TransitionSpec) -> TransitionView:
        return TransitionView(
            spec=transition,
            sources=[self.state_label(s) for s in transition.source],
            dest=self.state_label(transition.dest),
            roles=self.roles(transition.roles),
            guard=guard_sentence(self.spec, transition.guard) if transition.guard else "",
        )

    def deadlines(self, state: str) -> list[DeadlineView]:
        return [self.deadline(d) for d in self.spec.states[state].deadlines]

    def deadline(self, deadline: DeadlineSpec) -> DeadlineView:
        return DeadlineView(
            label=deadline.label,
            due=self.due(deadline.due),
            met_by=[self.trigger(name) for name in deadline.met_by],
            reminders=[self.reminder(r) for r in deadline.remind],
            consequence=self.consequence(deadline),
            description=deadline.description,
        )

    def due(self, due: DueSpec) -> str:
        if due.after is not None:
            start = (
                "binnenkomst in deze stap"
                if due.counted_from == "entered"
                else f"de datum {self.input_label(due.counted_from)}"
            )
            return f"{duration_text(due.after)} na {start}"
        if due.input is not None:
            return f"de datum die is ingevuld bij {self.input_label(due.input)}"
        year = SCHOOL_YEARS.get(due.school_year) or (
            f"in het schooljaar uit {self.input_label(due.school_year)}"
        )
        limit = due.limit
        if limit is None:
            when = "vóór de zomervakantie van de regio: de laatste schooldag ervoor"
        elif limit.before:
            when = f"vóór {limit.named}: de laatste dag is {limit.last_words}"
        else:
            when = f"uiterlijk {limit.named}"
        return f"{when} ({year})"

    def reminder(self, reminder: ReminderSpec) -> str:
        if reminder.before is not None:
            moment = f"{duration_text(reminder.before)} vooraf"
        elif reminder.after is not None:
            moment = f"{duration_text(reminder.after)} na de datum (escalatie)"
        else:
            moment = "op de datum zelf"
        return f"{moment}: {self.roles(reminder.to)}"

    def consequence(self, deadline: DeadlineSpec) -> str:
        if deadline.on_due is not None:
            return f"Op de datum gebeurt automatisch: {self.trigger(deadline.on_due.fire)}."
        if deadline.on_missed.fire is not None:
            return f"Gemist: daarna automatisch {self.trigger(deadline.on_missed.fire)}."
        if deadline.on_missed.escalate is not None:
            return f"Gemist: de {self.role(deadline.on_missed.escalate)} wordt ingeschakeld."
        return "Gemist: de termijn wordt als te laat gemarkeerd."
