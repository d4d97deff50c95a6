"""Stage 1 of loading: YAML text -> plain Python data plus the line of every key.

Two things the stock ``yaml.safe_load`` gets wrong for definition files:

* YAML 1.1 turns ``on``, ``off``, ``yes``, ``no`` (and ``y``/``n``) into booleans, so a state
  called ``no`` silently becomes ``False``. Only ``true`` and ``false`` are booleans here,
  as in YAML 1.2.
* A repeated key silently overwrites the first one. Here it is a problem with its line.

And it reads a hostile file safely: a file above ``TOETREDING_MAX_YAML_KB`` is refused before
it is read (``_text.py``), and an "alias bomb" (a few lines whose aliases name lists of
lists of ... that expand to billions of values), a recursive alias or absurd nesting is
refused after a bounded amount of work, with the line where the budget ran out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from toetreding.formats._text import KeyPath, PositionedData, YamlProblem, check_size
from toetreding.formats._yaml_errors import reader_message, syntax_message

# The shipped protocols hold about 600 values, nested 8 deep: these budgets leave ample room
# and stop an alias bomb after a fraction of a second.
MAX_VALUES = 100_000
MAX_DEPTH = 50

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


def parse_yaml(text: str) -> PositionedData:
    """Parse one YAML document safely, keeping the line of every key and item (the size
    limit checked again: ``text`` may not come from a file)."""
    check_size(len(text.encode("utf-8")))
    loader = _StrictBoolLoader(text)
    try:
        root = loader.get_single_node()
        lines: dict[KeyPath, int] = {}
        budget = _Budget(lines)
        data = budget.construct(loader, root, ()) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = _error_mark(exc)
        line = mark.line + 1 if mark else None
        raise YamlProblem(line, (), syntax_message(exc, mark, text)) from exc
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise YamlProblem(line, (), reader_message(exc)) from exc
    finally:
        loader.dispose()
    return PositionedData(data, lines)


def _error_mark(exc: yaml.MarkedYAMLError) -> yaml.Mark | None:
    """Where the author should look: for an unclosed quote or bracket PyYAML only notices
    at the end of the file, so point at where the construct began instead."""
    mark = exc.problem_mark or exc.context_mark
    if exc.context_mark and exc.problem and "end of stream" in exc.problem:
        mark = exc.context_mark
    return mark


@dataclass
class _Budget:
    """Builds plain data from the node tree, counting every value it makes: an alias is
    expanded where it is used, so the count is what the file really amounts to."""

    lines: dict[KeyPath, int]
    values: int = 0

    def construct(
        self,
        loader: yaml.SafeLoader,
        node: Node,
        path: KeyPath,
        parents: frozenset[int] = frozenset(),
    ) -> Any:
        line = node.start_mark.line + 1
        self.values += 1
        if self.values > MAX_VALUES:
            raise YamlProblem(
                line,
                path,
                f"het bestand wordt te groot: meer dan {MAX_VALUES:,} waarden (door aliassen "
                "die naar lijsten van lijsten verwijzen?)".replace(",", "."),
            )
        if id(node) in parents:
            raise YamlProblem(
                line, path, "een alias verwijst naar een waarde waar hij zelf in staat"
            )
        if len(path) > MAX_DEPTH:
            raise YamlProblem(line, path, f"de waarden zijn dieper dan {MAX_DEPTH} niveaus genest")
        self.lines.setdefault(path, line)
        if isinstance(node, MappingNode):
            return self._mapping(loader, node, path, parents | {id(node)})
        if isinstance(node, SequenceNode):
            inner = parents | {id(node)}
            return [
                self.construct(loader, item, (*path, index), inner)
                for index, item in enumerate(node.value)
            ]
        assert isinstance(node, ScalarNode)
        return _scalar(loader, node, path)

    def _mapping(
        self, loader: yaml.SafeLoader, node: MappingNode, path: KeyPath, parents: frozenset[int]
    ) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            key = _scalar(loader, key_node, path) if isinstance(key_node, ScalarNode) else None
            if not isinstance(key, str | int) or isinstance(key, bool):
                shown = repr(key) if isinstance(key_node, ScalarNode) else "(een lijst of mapping)"
                raise YamlProblem(line, path, f"sleutel {shown} moet tekst zijn")
            if key in result:
                raise YamlProblem(line, (*path, key), f"sleutel '{key}' komt twee keer voor")
            self.lines[(*path, key)] = line
            result[key] = self.construct(loader, value_node, (*path, key), parents)
        return result


def _scalar(loader: yaml.SafeLoader, node: ScalarNode, path: KeyPath) -> Any:
    """One scalar; a value Python cannot hold (a date 2025-13-40, a number of 5,000 digits)
    is a problem on its line, not a crash."""
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, OverflowError) as exc:
        raise YamlProblem(
            node.start_mark.line + 1, path, f"waarde '{node.value[:40]}' is onbruikbaar: {exc}"
        ) from exc
