"""The protocols known to a running toetreding: every version of every protocol file."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol, TypeVar

from toetreding._exceptions import DefinitionError, DefinitionProblem, NotFoundError
from toetreding.definition.loader import load_protocol_file
from toetreding.definition.model import ProtocolSpec

PROTOCOL_SUFFIXES = (".yaml", ".yml")
# Subfolders of the protocols folder that hold other data: quality frameworks, the calendar.
DATA_FOLDERS = frozenset({"frameworks", "calendar", "advice"})


class Versioned(Protocol):
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
    return sorted(p for p in Path(directory).iterdir() if p.suffix in PROTOCOL_SUFFIXES)


class ProtocolRegistry:
    """Protocol definitions by id and version. Cheap to build: no per-case work."""

    def __init__(
        self, specs: Iterable[ProtocolSpec] = (), sources: dict[tuple[str, int], str] | None = None
    ) -> None:
        self._specs: dict[tuple[str, int], ProtocolSpec] = {}
        self._sources: dict[tuple[str, int], str] = dict(sources or {})
        for spec in specs:
            self.add(spec)

    @classmethod
    def from_directory(cls, directory: str | Path) -> ProtocolRegistry:
        """Load every ``*.yaml`` below ``directory``; all problems of all files are reported."""
        root = Path(directory)
        files = [
            p
            for p in sorted(root.rglob("*"))
            if p.suffix in PROTOCOL_SUFFIXES
            and not DATA_FOLDERS.intersection(p.relative_to(root).parts)
        ]
        registry = cls()
        for spec, source in load_versioned(
            files, load_protocol_file, "protocol '{id}' versie {version} staat ook in {first}"
        ).values():
            registry.add(spec, str(source))
        return registry

    def add(self, spec: ProtocolSpec, source: str | None = None) -> None:
        self._specs[spec.key] = spec
        if source:
            self._sources[spec.key] = source

    def get(self, protocol_id: str, version: int | None = None) -> ProtocolSpec:
        """A given version, or the newest when ``version`` is None."""
        if version is None:
            versions = [v for (pid, v) in self._specs if pid == protocol_id]
            if not versions:
                raise NotFoundError(self._unknown(protocol_id))
            version = max(versions)
        spec = self._specs.get((protocol_id, version))
        if spec is None:
            raise NotFoundError(self._unknown(protocol_id, version))
        return spec

    def find(self, protocol_id: str, version: int) -> ProtocolSpec | None:
        return self._specs.get((protocol_id, version))

    def source_of(self, spec: ProtocolSpec) -> str | None:
        return self._sources.get(spec.key)

    def all(self) -> list[ProtocolSpec]:
        return [self._specs[key] for key in sorted(self._specs)]

    def _unknown(self, protocol_id: str, version: int | None = None) -> str:
        known = ", ".join(f"{pid} v{v}" for pid, v in sorted(self._specs)) or "geen"
        what = f"'{protocol_id}'" + (f" versie {version}" if version is not None else "")
        return f"protocol {what} is onbekend; bekend zijn: {known}"
