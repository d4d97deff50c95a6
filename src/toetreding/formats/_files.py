"""Finding definition files in a folder and loading every version of them; why a file
could not be read, in Dutch."""

from __future__ import annotations

import errno
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol, TypeVar

from toetreding._exceptions import DefinitionError, DefinitionProblem

YAML_SUFFIXES = (".yaml", ".yml")

_OS_REASONS = {
    errno.ENOENT: "bestaat niet (of de map erboven niet)",
    errno.EACCES: "geen toegang",
    errno.EPERM: "geen toestemming",
    errno.EISDIR: "is een map, geen bestand",
    errno.ENOTDIR: "een deel van het pad is geen map",
    errno.ENOSPC: "de schijf is vol",
    errno.EROFS: "staat op een schijf die alleen gelezen kan worden",
    errno.EEXIST: "bestaat al",
}


def file_problem(exc: OSError | UnicodeDecodeError) -> str:
    """Why a file could not be read or written, in Dutch (never Python's English)."""
    if isinstance(exc, UnicodeDecodeError):
        return "is geen tekstbestand in UTF-8 (een Word- of PDF-bestand?)"
    if exc.errno in _OS_REASONS:
        return _OS_REASONS[exc.errno]
    return f"systeemfout {exc.errno}" if exc.errno else "onbekende systeemfout"


class Versioned(Protocol):
    """A loaded file that is one version of something with an id."""

    @property
    def id(self) -> str: ...
    @property
    def version(self) -> int: ...
    @property
    def key(self) -> tuple[str, int]: ...


S = TypeVar("S", bound=Versioned)


def load_versioned(
    files: Iterable[Path], load: Callable[[Path], S], duplicate: str
) -> dict[tuple[str, int], tuple[S, Path]]:
    """Load every file with ``load``; two files with the same id and version are a problem,
    told with ``duplicate`` (a format string with ``{id}``, ``{version}`` and ``{first}``).
    All problems of all files are raised together (:class:`DefinitionError`)."""
    found: dict[tuple[str, int], tuple[S, Path]] = {}
    problems: list[DefinitionProblem] = []
    for file in files:
        try:
            spec = load(file)
        except DefinitionError as exc:
            problems.extend(exc.problems)
            continue
        if spec.key in found:
            first = found[spec.key][1]
            message = duplicate.format(id=spec.id, version=spec.version, first=first)
            problems.append(DefinitionProblem(str(file), None, "version", message))
            continue
        found[spec.key] = (spec, file)
    if problems:
        raise DefinitionError(problems)
    return found


def yaml_files(directory: str | Path) -> list[Path]:
    """The YAML files directly in ``directory``, by name."""
    return sorted(p for p in Path(directory).iterdir() if p.suffix in YAML_SUFFIXES)
