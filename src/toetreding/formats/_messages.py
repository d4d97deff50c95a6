"""Problems in the author's words: pydantic's errors as Dutch messages, and key paths as the
author reads them (``transitions[3] (besluit_partner).roles[0]``)."""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel
from pydantic_core.core_schema import ErrorType

from toetreding.formats._spec import Spec
from toetreding.formats._text import KeyPath

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


def dutch_message(error: Any, loc: KeyPath, model: type[BaseModel]) -> str:
    """pydantic's ``error`` at ``loc`` below ``model``, as a Dutch sentence for the author."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        allowed = ", ".join(allowed_keys(model, loc[:-1]))
        message = f"onbekende sleutel '{loc[-1]}'; toegestaan zijn: {allowed}"
        found = model_at(model, loc[:-1])
        hint = found.retired_key(str(loc[-1]), error.get("input")) if found else None
        return f"{message}; {hint}" if hint else message
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


def allowed_keys(root: type[BaseModel], loc: KeyPath) -> list[str]:
    """The keys the model at ``loc`` below ``root`` accepts (by their names in the file)."""
    found = _model_at(root, loc)
    if found is not None:
        return [field.alias or name for name, field in found.model_fields.items()]
    return []


def model_at(root: type[BaseModel], loc: KeyPath) -> type[Spec] | None:
    """The file format's model at ``loc`` below ``root``, if it is one."""
    found = _model_at(root, loc)
    return found if found is not None and issubclass(found, Spec) else None


def _model_at(root: type[BaseModel], loc: KeyPath) -> type[BaseModel] | None:
    model: Any = root
    for part in loc:
        model = _inner(model, part)
    # An optional section (``audit: AuditSpec | None``) is the model inside the union.
    candidates = [model, *_type_args(model)]
    return next((m for m in candidates if isinstance(m, type) and issubclass(m, BaseModel)), None)


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


def display_key(path: KeyPath, data: Any) -> str:
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


# pydantic's checks of a value given by a person (a request's part, a command's argument),
# in Dutch; whoever shows it names the part before it
_PROBLEMS = {
    "missing": "ontbreekt",
    "int_parsing": "is geen geheel getal",
    "int_type": "moet een geheel getal zijn",
    "int_from_float": "moet een geheel getal zijn",
    "float_parsing": "is geen getal",
    "bool_parsing": "moet ja of nee (true of false) zijn",
    "bool_type": "moet ja of nee (true of false) zijn",
    "string_type": "moet tekst zijn",
    "string_too_short": "is te kort of leeg",
    "string_too_long": "is te lang",
    "date_parsing": "is geen datum (JJJJ-MM-DD)",
    "date_from_datetime_parsing": "is geen datum (JJJJ-MM-DD)",
    "date_type": "is geen datum (JJJJ-MM-DD)",
    "datetime_parsing": "is geen tijdstip (JJJJ-MM-DDTUU:MM)",
    "datetime_from_date_parsing": "is geen tijdstip (JJJJ-MM-DDTUU:MM)",
    "json_invalid": "is geen leesbare JSON",
    "list_type": "moet een lijst zijn",
    "dict_type": "moet een object (sleutel: waarde) zijn",
    "model_attributes_type": "moet een object (sleutel: waarde) zijn",
    "extra_forbidden": "is hier onbekend",
}


_PYDANTIC_TYPES = frozenset(typing.get_args(ErrorType))


def value_problem(error: Any) -> str:
    """One of pydantic's errors about a value a person gave, as a Dutch phrase (without
    saying where: the caller names the field, argument or option)."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind not in _PYDANTIC_TYPES and error.get("msg"):  # toetreding's own: already Dutch
        return str(error["msg"])
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"]).removeprefix("Value error, ")
    if kind in ("greater_than_equal", "greater_than"):
        return f"moet minstens {ctx.get('ge', ctx.get('gt'))} zijn"
    if kind in ("less_than_equal", "less_than"):
        return f"mag hoogstens {ctx.get('le', ctx.get('lt'))} zijn"
    if kind in ("enum", "literal_error"):
        return (
            f"is niet toegestaan; kies uit {str(ctx.get('expected', '')).replace(' or ', ' of ')}"
        )
    if kind in _PROBLEMS:
        return _PROBLEMS[kind]
    return "is ongeldig"


def version_words(title: str, version: int, code: str | None = None) -> str:
    """A version of a protocol, framework or advice rules as people read it: its title and
    ``versie 3``; with ``code``, the identifier a command asks for after it, as the CLI
    shows it where one must be typed (``(code: mbo-aansluiting)``), never ``id v3``."""
    named = f"'{title}' versie {version}"
    return f"{named} (code: {code})" if code else named


def known_codes(keys: Iterable[tuple[str, int]]) -> str:
    """What a refusal of an unknown code lists as known: each code to type once, with its
    versions in words (``mbo-aansluiting (versie 1, 2), po-groningen (versie 1)``)."""
    versions: dict[str, list[int]] = {}
    for code, version in sorted(keys):
        versions.setdefault(code, []).append(version)
    return (
        ", ".join(
            f"{code} (versie {', '.join(str(v) for v in found)})"
            for code, found in versions.items()
        )
        or "geen"
    )
