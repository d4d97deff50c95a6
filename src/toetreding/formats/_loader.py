"""Load a definition file in stages: YAML -> validated model -> cross-checked model.

The stages work for any pydantic root model (protocols, quality frameworks, advice rules,
cohort scripts): every problem is reported with the file, the line and the key (or state,
or trigger) it is about; all problems of a stage are reported together so an author fixes
them in one pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from toetreding._exceptions import DefinitionError, DefinitionProblem
from toetreding.formats._messages import display_key, dutch_message
from toetreding.formats._text import (
    KeyPath,
    PositionedData,
    YamlProblem,
    read_yaml,
    read_yaml_text,
)

M = TypeVar("M", bound=BaseModel)
# Stage 3 of a document type: ``(key path, Dutch message)`` for every cross-check that fails.
CrossCheck = Callable[[M], Iterable[tuple[KeyPath, str]]]


def load_document_file(path: str | Path, model: type[M], cross_check: CrossCheck[M]) -> M:
    """Read one file and load it as ``model`` (see :func:`load_document`)."""
    return load_document(read_document_text(path), str(path), model, cross_check)


def read_document_text(path: str | Path) -> str:
    """The text of a definition file, refused above the size limit before it is read, and
    a :class:`DefinitionError` in Dutch when it cannot be read (missing, a folder, not
    UTF-8 text)."""
    file = Path(path)
    try:
        return read_yaml_text(file)
    except YamlProblem as exc:
        raise DefinitionError([DefinitionProblem(str(file), None, "-", exc.message)]) from exc


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
        DefinitionProblem(
            filename, positioned.line_of(path), display_key(path, positioned.data), msg
        )
        for path, msg in cross_check(spec)
    ]
    if problems:
        raise DefinitionError(problems)
    return spec


def locate(
    text: str, filename: str, found: Iterable[tuple[KeyPath, str]]
) -> list[DefinitionProblem]:
    """Put file, line and key to ``(key path, message)`` pairs about ``text`` that loaded
    (e.g. a format's warnings, which do not stop loading)."""
    positioned = _read(text, filename)
    return [
        DefinitionProblem(
            filename, positioned.line_of(path), display_key(path, positioned.data), msg
        )
        for path, msg in found
    ]


def _read(text: str, filename: str) -> PositionedData:
    try:
        return read_yaml(text)
    except YamlProblem as exc:
        key = display_key(exc.path, None) if exc.path else "-"
        raise DefinitionError([DefinitionProblem(filename, exc.line, key, exc.message)]) from exc


def _problem_from_pydantic(
    error: Any, positioned: PositionedData, filename: str, model: type[BaseModel]
) -> DefinitionProblem:
    loc: KeyPath = tuple(part for part in error["loc"] if isinstance(part, str | int))
    return DefinitionProblem(
        file=filename,
        line=positioned.line_of(loc),
        key=display_key(loc, positioned.data),
        message=dutch_message(error, loc, model),
    )
