"""What the three definition editors (Protocolbeheer, Kaderbeheer, Adviesbeheer) share: the
text as the browser sent it, refused whole when it is too long (never cut: a cut text could
still load and be published without what was cut), the problems beside their lines, and the
next version's text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from toetreding._exceptions import DefinitionProblem

MAX_TEXT = 500_000  # characters; the shipped protocols are under 30,000
_VERSION_LINE = re.compile(r"^version:[ \t]*\d+[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class EditorText:
    """The editor's text with Unix line ends; ``too_long`` is the Dutch refusal when it
    exceeds :data:`MAX_TEXT` (then ``text`` is what fits, to show in the editor again)."""

    text: str
    too_long: str = ""


def editor_text(sent: str) -> EditorText:
    text = sent.replace("\r\n", "\n")
    if len(text) <= MAX_TEXT:
        return EditorText(text)
    refusal = (
        f"de tekst is te lang ({len(text):,} tekens, hoogstens {MAX_TEXT:,}); er is niets "
        "gecontroleerd of opgeslagen"
    ).replace(",", ".")
    return EditorText(text[:MAX_TEXT], refusal)


@dataclass(frozen=True)
class LineProblem:
    """A problem or warning with its line and that line's text, to show beside the editor."""

    line: int | None
    key: str
    message: str
    text: str


def with_lines(text: str, found: list[DefinitionProblem]) -> list[LineProblem]:
    lines = text.split("\n")
    return [
        LineProblem(
            p.line,
            p.key,
            p.message,
            lines[p.line - 1].strip() if p.line and p.line <= len(lines) else "",
        )
        for p in found
    ]


def next_version_text(text: str, version: int) -> str:
    """The text with its top-level ``version:`` line set to ``version`` (for the editor)."""
    return _VERSION_LINE.sub(f"version: {version}", text, count=1)
