"""Load a definition file in stages: YAML -> validated model -> cross-checked model.

The stages work for any pydantic root model (protocols, quality frameworks): every problem
is reported with the file, the line and the key (or state, or trigger) it is about; all
problems of a stage are reported together so an author fixes them in one pass.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Iterable
from pathlib import Path as FsPath
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from toetreding._exceptions import DefinitionError, DefinitionProblem
from toetreding.definition._yaml import Path, PositionedData, YamlProblem, read_yaml
from toetreding.definition.checks import check_protocol
from toetreding.definition.model import ProtocolSpec

M = TypeVar("M", bound=BaseModel)
# Stage 3 of a document type: ``(key path, Dutch message)`` for every cross-check that fails.
CrossCheck = Callable[[M], Iterable[tuple[Path, str]]]


def load_protocol_file(path: str | FsPath) -> ProtocolSpec:
    """Read and validate one protocol file; raises :class:`DefinitionError`."""
    return load_document_file(path, ProtocolSpec, check_protocol)


def load_protocol_text(text: str, filename: str = "<tekst>") -> ProtocolSpec:
    """Validate protocol YAML given as text; ``filename`` is used in error messages."""
    return load_document(text, filename, ProtocolSpec, check_protocol)


def load_document_file(path: str | FsPath, model: type[M], cross_check: CrossCheck[M]) -> M:
    """Read one file and load it as ``model`` (see :func:`load_document`)."""
    file = FsPath(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problem = DefinitionProblem(str(file), None, "-", f"kan het bestand niet lezen: {exc}")
        raise DefinitionError([problem]) from exc
    return load_document(text, str(file), model, cross_check)


def load_document(text: str, filename: str, model: type[M], cross_check: CrossCheck[M]) -> M:
    """YAML text -> ``model`` (extra keys forbidden) -> ``cross_check``; a later stage runs
    only when the earlier one passed. Raises :class:`DefinitionError` with every problem."""
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
        spec = model.model_validate(positioned.data)
    except ValidationError as exc:
        raise DefinitionError(
            [
                _problem_from_pydantic(error, positioned, filename, model)
                for error in exc.errors()
                # pydantic also calls a list "too short" when its items failed: not a problem
                if error["type"] != "too_short" or len(error["input"]) < error["ctx"]["min_length"]
            ]
        ) from exc
    problems = [
        DefinitionProblem(filename, positioned.line_of(path), _display(path, positioned.data), msg)
        for path, msg in cross_check(spec)
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
    error: Any, positioned: PositionedData, filename: str, model: type[BaseModel]
) -> DefinitionProblem:
    loc: Path = tuple(part for part in error["loc"] if isinstance(part, str | int))
    return DefinitionProblem(
        file=filename,
        line=positioned.line_of(loc),
        key=_display(loc, positioned.data),
        message=_dutch_message(error, loc, model),
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


def _dutch_message(error: Any, loc: Path, model: type[BaseModel]) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        allowed = ", ".join(_allowed_keys(model, loc[:-1]))
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


def _allowed_keys(root: type[BaseModel], loc: Path) -> list[str]:
    """The keys the model at ``loc`` below ``root`` accepts (by their names in the file)."""
    model: Any = root
    for part in loc:
        model = _inner(model, part)
    # An optional section (``audit: AuditSpec | None``) is the model inside the union.
    candidates = [model, *_type_args(model)]
    found = next((m for m in candidates if isinstance(m, type) and issubclass(m, BaseModel)), None)
    if found is not None:
        return [field.alias or name for name, field in found.model_fields.items()]
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
            trigger = _item_label(node, part)
            if trigger:
                text += f" ({trigger})"
        else:
            text += f".{part}" if text else str(part)
        node = node[part] if _indexable(node, part) else None
    return text or "-"


def _item_label(node: Any, index: int) -> str | None:
    if isinstance(node, list) and index < len(node) and isinstance(node[index], dict):
        item = node[index]
        # Transitions are named by trigger; inputs, levels and fields by name; criteria by id.
        label = item.get("trigger") or item.get("name") or item.get("id")
        return str(label) if label else None
    return None


def _indexable(node: Any, part: str | int) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and part < len(node)
