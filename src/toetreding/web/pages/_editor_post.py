"""The one shape of the three editors' check-or-publish POST (Protocolbeheer, Kaderbeheer,
Adviesbeheer): a text too long is refused whole (413), a missing choice is refused before
anything is read (422), the loader's problems come back beside their lines (422), and a
refusal is said above the text with its status; the text typed is always shown again. Each
handler states only what differs: how its text is checked, how it is published, which
refusals it expects. ``editor_page`` shows the page: the text, its problems by line, the
status."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from fastapi import Request
from fastapi.responses import Response

from toetreding._exceptions import DefinitionError, DefinitionProblem
from toetreding.web.access import Viewer
from toetreding.web.deps import page
from toetreding.web.pages._editor import editor_text, with_lines


class Render(Protocol):
    """The editor page with ``text`` and an outcome (``refused``, ``problems``,
    ``checked``, ``status``, or what a handler's own publishing shows)."""

    def __call__(self, text: str, **outcome: Any) -> Response: ...


class Refused(Exception):
    """A handler's own refusal of the text, said above it (422)."""


def editor_post(
    tekst: str,
    render: Render,
    *,
    check: Callable[[str], object],
    publish: Callable[[str], Response] | None = None,
    refusals: Sequence[tuple[type[Exception], int]] = (),
    missing: str = "",
) -> Response:
    """Check the sent text (``check`` returns what the page shows as checked) or, given
    ``publish`` (the person asked to publish), publish it; ``missing``: the refusal when a
    choice the page needs was not made. ``refusals``: the errors said above the text, with
    their status (the first that matches)."""
    sent = editor_text(tekst)
    text = sent.text
    if sent.too_long:
        return render(text, refused=sent.too_long, status=413)
    if missing:
        return render(text, refused=missing, status=422)
    expected = tuple(kind for kind, _ in refusals)
    try:
        if publish is not None:
            return publish(text)
        checked = check(text)
    except DefinitionError as exc:
        return render(text, problems=exc.problems, status=422)
    except Refused as exc:
        return render(text, refused=str(exc), status=422)
    except expected as exc:
        status = next(code for kind, code in refusals if isinstance(exc, kind))
        return render(text, refused=str(exc), status=status)
    return render(text, checked=checked)


def editor_page(
    request: Request,
    me: Viewer,
    template: str,
    text: str,
    *,
    problems: list[DefinitionProblem] | None = None,
    status: int = 200,
    **values: Any,
) -> Response:
    """An editor's page ``template`` with ``text``, its ``problems`` beside their lines, and
    what else the page shows."""
    response = page(
        request, template, me, text=text, problems=with_lines(text, problems or []), **values
    )
    response.status_code = status
    return response
