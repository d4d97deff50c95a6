"""What the pages and the JSON API both show, computed once: the steps a person may take
now in a case, and the checks of a protocol text before it is published. (``web.api``
never imports ``web.pages``; both import this.)"""

from __future__ import annotations

from dataclasses import dataclass

from toetreding._exceptions import AdminOnly, DefinitionProblem
from toetreding.definition import ProtocolSpec, TransitionSpec
from toetreding.definition.lints import lint_protocol_text
from toetreding.documents import letter_outcomes
from toetreding.files import ACCEPT_ATTRIBUTE, ACCEPTED_TEXT, describe_size
from toetreding.service import CaseView, Toetreding
from toetreding.web.access import Viewer
from toetreding.web.deps import WebContext


@dataclass(frozen=True)
class Action:
    """A trigger the signed-in person may fire now, with the form it needs."""

    trigger: str
    label: str
    role: str
    transition: TransitionSpec


def actions_for(service: Toetreding, me: Viewer, view: CaseView) -> list[Action]:
    """The triggers this person may fire now (the engine checks again when they do)."""
    if view.withdrawn:
        return []
    roles = service.roles_for_case(view.case.id, me.person_id)
    result: list[Action] = []
    for transition in view.spec.transitions_from(view.case.state):
        role = next((r for r in transition.roles if r in roles), None)
        if role is not None and not any(a.trigger == transition.trigger for a in result):
            result.append(Action(transition.trigger, transition.label, role, transition))
    return result


@dataclass(frozen=True)
class UploadHint:
    """What a file input tells people: which types, how large."""

    accept: str  # the input's accept= (a hint to the file picker)
    types: str  # Dutch, e.g. "PDF, Word (.docx, .doc), …"
    max_size: str  # Dutch, e.g. "25 MB"


def upload_hint(max_bytes: int) -> UploadHint:
    return UploadHint(ACCEPT_ATTRIBUTE, ACCEPTED_TEXT, describe_size(max_bytes))


def require_admin(me: Viewer, what: str = "protocollen publiceren") -> None:
    """Publishing protocols and keeping the school calendar are for administrators
    (partnerships share the protocols and the vacations)."""
    if not me.is_admin:
        raise AdminOnly(f"alleen een beheerder mag {what}")


def protocol_warnings(
    context: WebContext, text: str, filename: str
) -> tuple[ProtocolSpec, list[DefinitionProblem]]:
    """Load protocol text (raises ``DefinitionError``) with its domain warnings by line."""
    frameworks = {f.framework_id for f in context.desk.frameworks.list(None)}
    spec, warnings = lint_protocol_text(
        text, filename, letters=letter_outcomes(), frameworks=frameworks
    )
    context.service.check_against_earlier(spec, text, filename)
    return spec, warnings
