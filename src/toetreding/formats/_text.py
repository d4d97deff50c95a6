"""Stage 1 of loading, what needs no YAML parser: a definition file's text (refused above
``TOETREDING_MAX_YAML_KB`` before it is read), and where each value of a file sits.

PyYAML (``_yaml.py``) is loaded only when a text is parsed: a command that finds its protocols
already checked in the cache (``definition/cache.py``) reads their text, never parses it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from toetreding.formats._files import file_problem
from toetreding.settings import MAX_YAML_KB_ENV, max_yaml_bytes

# Where a value sits in a file: its keys and list positions, e.g. ("states", "besluit").
KeyPath = tuple[str | int, ...]


class YamlProblem(Exception):
    """A problem found while reading YAML: line (1-based) and key path."""

    def __init__(self, line: int | None, path: KeyPath, message: str) -> None:
        self.line = line
        self.path = path
        self.message = message
        super().__init__(message)


class PositionedData:
    """Plain data read from YAML, with the line on which each key path starts."""

    def __init__(self, data: Any, lines: dict[KeyPath, int]) -> None:
        self.data = data
        self._lines = lines

    def line_of(self, path: KeyPath) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            line = self._lines.get(path[:end])
            if line is not None:
                return line
        return None


def read_yaml_text(path: Path) -> str:
    """The text of the file at ``path``; a file above the size limit is refused unread."""
    limit = max_yaml_bytes()
    try:
        check_size(path.stat().st_size)
        with path.open("rb") as file:
            data = file.read(limit + 1)  # the file may have grown since stat()
        check_size(len(data))
        return data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise YamlProblem(None, (), f"kan het bestand niet lezen: {file_problem(exc)}") from exc


def read_yaml(text: str) -> PositionedData:
    """Parse one YAML document safely, keeping the line of every key and item."""
    from toetreding.formats._yaml import parse_yaml  # PyYAML: only now (see above)

    return parse_yaml(text)


def check_size(size: int) -> None:
    """Refuse a text of ``size`` bytes above the limit."""
    limit = max_yaml_bytes()
    if size > limit:
        raise YamlProblem(
            None,
            (),
            f"het bestand is {_kb(size)}; meer dan {_kb(limit)} wordt niet gelezen "
            f"(de grens staat in {MAX_YAML_KB_ENV})",
        )


def _kb(size: int) -> str:
    return f"{size / 1024:,.0f} kB".replace(",", ".")
