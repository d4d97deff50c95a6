"""The comments of every shipped file under protocols/ (protocols, frameworks, advice rules,
the calendar) are Dutch: an administrator who starts a new version from a shipped text keeps
them and reads them (the editor shows the file as shipped)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import PROTOCOLS

# Words of English that Dutch does not use (and, the, which, ...): one of them in a comment
# means a sentence was left in English (a command's option such as --from is no word).
ENGLISH = re.compile(
    r"(?<!-)\b(the|and|which|with|from|that|this|its|are|were|each|only|what|when|whose|where|"
    r"against|into|should|does|because|otherwise|first|source|format)\b",
    re.IGNORECASE,
)
SHIPPED = sorted(PROTOCOLS.rglob("*.yaml"))


def comments(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every comment: whole-line ones and those after a value."""
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = line.strip()
        if text.startswith("#"):
            found.append((number, text[1:]))
        elif " # " in line and not line.lstrip().startswith(("-", '"', "'")):
            found.append((number, line.split(" # ", 1)[1]))
    return found


def test_every_kind_of_shipped_file_is_looked_at() -> None:
    folders = {path.parent.name for path in SHIPPED}
    assert {"protocols", "frameworks", "advice", "calendar"} <= folders
    assert all(comments(path) for path in SHIPPED)  # each explains itself


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.name)
def test_the_comments_of_a_shipped_file_are_dutch(path: Path) -> None:
    english = [(line, text) for line, text in comments(path) if ENGLISH.search(text)]
    assert english == []
