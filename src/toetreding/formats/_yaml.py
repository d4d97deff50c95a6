"""Stage 1 of loading: YAML text -> plain Python data plus the line of every key.

Two things the stock ``yaml.safe_load`` gets wrong for definition files:

* YAML 1.1 turns ``on``, ``off``, ``yes``, ``no`` (and ``y``/``n``) into booleans, so a state
  called ``no`` silently becomes ``False``. Only ``true`` and ``false`` are booleans here,
  as in YAML 1.2.
* A repeated key silently overwrites the first one. Here it is a problem with its line.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

# Where a value sits in a file: its keys and list positions, e.g. ("states", "besluit").
KeyPath = tuple[str | int, ...]


# libyaml's parser when PyYAML has it: parsing definition files at start-up is 5x faster.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictBoolLoader(_SafeLoader):  # type: ignore[valid-type,misc]
    """SafeLoader that only treats ``true``/``false`` as booleans."""


# Drop YAML 1.1's bool resolver (yes/no/on/off) and add the YAML 1.2 one.
_StrictBoolLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}
_StrictBoolLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


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


def read_yaml(text: str) -> PositionedData:
    """Parse one YAML document safely, keeping the line of every key and item."""
    loader = _StrictBoolLoader(text)
    try:
        root = loader.get_single_node()
        lines: dict[KeyPath, int] = {}
        data = _construct(loader, root, (), lines) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        raise YamlProblem(_error_line(exc), (), _error_text(exc)) from exc
    finally:
        loader.dispose()
    return PositionedData(data, lines)


def _error_line(exc: yaml.MarkedYAMLError) -> int | None:
    """Where the author should look: for an unclosed quote or bracket PyYAML only notices
    at the end of the file, so point at where the construct began instead."""
    mark = exc.problem_mark or exc.context_mark
    if exc.context_mark and exc.problem and "end of stream" in exc.problem:
        mark = exc.context_mark
    return mark.line + 1 if mark else None


def _error_text(exc: yaml.MarkedYAMLError) -> str:
    parts = [exc.context, exc.problem]
    return "geen geldige YAML: " + ("; ".join(p for p in parts if p) or str(exc))


def _construct(
    loader: yaml.SafeLoader, node: Node, path: KeyPath, lines: dict[KeyPath, int]
) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int) or isinstance(key, bool):
                raise YamlProblem(
                    key_node.start_mark.line + 1, path, f"sleutel {key!r} moet tekst zijn"
                )
            if key in result:
                raise YamlProblem(
                    key_node.start_mark.line + 1,
                    (*path, key),
                    f"sleutel '{key}' komt twee keer voor",
                )
            lines[(*path, key)] = key_node.start_mark.line + 1
            result[key] = _construct(loader, value_node, (*path, key), lines)
        return result
    if isinstance(node, SequenceNode):
        return [
            _construct(loader, item, (*path, index), lines) for index, item in enumerate(node.value)
        ]
    assert isinstance(node, ScalarNode)
    return loader.construct_object(node, deep=True)
