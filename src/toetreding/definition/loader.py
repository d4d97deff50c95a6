"""Load a protocol file in stages: YAML -> validated definition -> cross-checked definition.

Every problem is reported with the file, the line and the key (or state, or trigger) it is
about; all problems of a stage are reported together so an author fixes them in one pass.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable
from pathlib import Path as FsPath
from typing import Any

from pydantic import BaseModel, ValidationError

from toetreding._exceptions import DefinitionError, DefinitionProblem
from toetreding.definition._yaml import Path, PositionedData, YamlProblem, read_yaml
from toetreding.definition.checks import check_protocol
from toetreding.definition.model import ProtocolSpec


def load_protocol_file(path: str | FsPath) -> ProtocolSpec:
    """Read and validate one protocol file; raises :class:`DefinitionError`."""
    file = FsPath(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problem = DefinitionProblem(str(file), None, "-", f"kan het bestand niet lezen: {exc}")
        raise DefinitionError([problem]) from exc
    return load_protocol_text(text, str(file))


def load_protocol_text(text: str, filename: str = "<tekst>") -> ProtocolSpec:
    """Validate protocol YAML given as text; ``filename`` is used in error messages."""
    positioned = _read(text, filename)
    if not isinstance(positioned.data, dict):
        raise DefinitionError(
            [
                DefinitionProblem(
                    filename, 1, "-", "het bestand moet een mapping (sleutel: waarde) zijn"
                )
            ]
        )
    try:
        spec = ProtocolSpec.model_validate(positioned.data)
    except ValidationError as exc:
        raise DefinitionError(
            [
                _problem_from_pydantic(error, positioned, filename)
                for error in exc.errors()
                # pydantic also calls a list "too short" when its items failed: not a problem
                if error["type"] != "too_short" or len(error["input"]) < error["ctx"]["min_length"]
            ]
        ) from exc
    problems = [
        DefinitionProblem(filename, positioned.line_of(path), _display(path, positioned.data), msg)
        for path, msg in check_protocol(spec)
    ]
    if problems:
        raise DefinitionError(problems)
    return spec


def _read(text: str, filename: str) -> PositionedData:
    try:
        return read_yaml(text)
    except YamlProblem as exc:
        key = _display(exc.path, None) if exc.path else "-"
        raise DefinitionError([DefinitionProblem(filename, exc.line, key, exc.message)]) from exc


def _problem_from_pydantic(
    error: Any, positioned: PositionedData, filename: str
) -> DefinitionProblem:
    loc: Path = tuple(part for part in error["loc"] if isinstance(part, str | int))
    return DefinitionProblem(
        file=filename,
        line=positioned.line_of(loc),
        key=_display(loc, positioned.data),
        message=_dutch_message(error, loc),
    )


_MESSAGES = {
    "missing": "verplichte sleutel ontbreekt",
    "string_too_short": "mag niet leeg zijn",
    "string_type": "moet tekst zijn",
    "int_type": "moet een geheel getal zijn",
    "int_parsing": "moet een geheel getal zijn",
    "int_from_float": "moet een geheel getal zijn",
    "bool_type": "moet true of false zijn",
    "bool_parsing": "moet true of false zijn",
    "list_type": "moet een lijst zijn",
    "tuple_type": "moet een lijst zijn",
    "dict_type": "moet een mapping (sleutel: waarde) zijn",
    "model_type": "moet een mapping (sleutel: waarde) zijn",
    "model_attributes_type": "moet een mapping (sleutel: waarde) zijn",
}


def _dutch_message(error: Any, loc: Path) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        allowed = ", ".join(_allowed_keys(loc[:-1]))
        return f"onbekende sleutel '{loc[-1]}'; toegestaan zijn: {allowed}"
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])
    if kind == "string_pattern_mismatch":
        return (
            f"'{error['input']}' is geen geldige naam: gebruik kleine letters, cijfers en '_', "
            "beginnend met een letter"
        )
    if kind in ("enum", "literal_error"):
        expected = str(ctx.get("expected", "")).replace(" or ", " of ")
        return f"'{error['input']}' is niet toegestaan; kies uit: {expected}"
    if kind == "too_short":
        return "mag niet leeg zijn"
    if kind in ("greater_than_equal", "greater_than"):
        limit = ctx.get("ge", ctx.get("gt"))
        return f"moet minstens {limit} zijn (is {error['input']!r})"
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    return str(error["msg"])


def _allowed_keys(loc: Path) -> list[str]:
    """The keys the model at ``loc`` accepts (by their names in the file)."""
    model: Any = ProtocolSpec
    for part in loc:
        model = _inner(model, part)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return [field.alias or name for name, field in model.model_fields.items()]
    return []


def _inner(annotation: Any, part: str | int) -> Any:
    """Step from a model or container annotation to the one at ``part``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        for name, field in annotation.model_fields.items():
            if part in (name, field.alias):
                return field.annotation
        return None
    for arg in _type_args(annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def _type_args(annotation: Any) -> Iterable[Any]:
    origin = typing.get_origin(annotation)
    if origin is None and not isinstance(annotation, types.UnionType):
        return ()
    args: list[Any] = []
    for arg in typing.get_args(annotation):
        args.extend([arg, *_type_args(arg)])
    return args


def _display(path: Path, data: Any) -> str:
    """Human key path, e.g. ``transitions[3] (besluit_partner).roles[0]``."""
    text = ""
    node = data
    for part in path:
        if isinstance(part, int):
            if not isinstance(node, list) and data is not None:
                continue  # a single value written where a list is allowed
            text += f"[{part}]"
            trigger = _trigger_of(node, part)
            if trigger:
                text += f" ({trigger})"
        else:
            text += f".{part}" if text else str(part)
        node = node[part] if _indexable(node, part) else None
    return text or "-"


def _trigger_of(node: Any, index: int) -> str | None:
    if isinstance(node, list) and index < len(node) and isinstance(node[index], dict):
        trigger = node[index].get("trigger") or node[index].get("name")
        return str(trigger) if trigger else None
    return None


def _indexable(node: Any, part: str | int) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and part < len(node)
