"""The protocols known to a running toetreding: every version of every protocol file."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from toetreding._exceptions import DefinitionError, NotFoundError
from toetreding.definition.cache import SpecCache
from toetreding.definition.loader import load_protocol_file
from toetreding.definition.migration import earlier_problems
from toetreding.definition.model import ProtocolSpec
from toetreding.formats import YAML_SUFFIXES, known_codes, load_versioned

# Subfolders of the protocols folder that hold other data: quality frameworks, the calendar.
DATA_FOLDERS = frozenset({"frameworks", "calendar", "advice"})


class ProtocolRegistry:
    """Protocol definitions by id and version. Cheap to build: no per-case work."""

    def __init__(
        self, specs: Iterable[ProtocolSpec] = (), sources: dict[tuple[str, int], str] | None = None
    ) -> None:
        self._specs: dict[tuple[str, int], ProtocolSpec] = {}
        self._sources: dict[tuple[str, int], str] = dict(sources or {})
        self.root: Path | None = None  # the folder it was loaded from (its data folders)
        for spec in specs:
            self.add(spec)

    @classmethod
    def from_directory(
        cls, directory: str | Path, cache: SpecCache | None = None
    ) -> ProtocolRegistry:
        """Load every ``*.yaml`` below ``directory``; all problems of all files are reported.
        With ``cache``, a file checked at an earlier load is taken from it (see
        :mod:`.cache`)."""
        root = Path(directory)
        files = [
            p
            for p in sorted(root.rglob("*"))
            if p.suffix in YAML_SUFFIXES
            and not DATA_FOLDERS.intersection(p.relative_to(root).parts)
        ]
        registry = cls()
        registry.root = root
        loaded = load_versioned(
            files,
            cache.load if cache else load_protocol_file,
            "protocol '{id}' versie {version} staat ook in {first}",
        )
        if cache:
            cache.save()
        for spec, source in loaded.values():
            registry.add(spec, str(source))
        problems = [
            problem
            for spec in registry.all()
            if spec.migration is not None
            for problem in earlier_problems(
                spec,
                registry.find(spec.id, spec.migration.from_version),
                Path(registry._sources[spec.key]).read_text(encoding="utf-8"),
                registry._sources[spec.key],
            )
        ]
        if problems:
            raise DefinitionError(problems)
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
        known = known_codes(self._specs)
        what = f"'{protocol_id}'" + (f" versie {version}" if version is not None else "")
        return f"protocol {what} is onbekend; bekend zijn: {known}"
