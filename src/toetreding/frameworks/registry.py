"""Loading framework files, and the frameworks shipped in ``protocols/frameworks/``."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from toetreding._exceptions import NotFoundError
from toetreding.formats import (
    known_codes,
    load_document,
    load_document_file,
    load_versioned,
    yaml_files,
)
from toetreding.frameworks.checks import check_framework
from toetreding.frameworks.model import FrameworkSpec

FRAMEWORKS_FOLDER = "frameworks"  # below the protocols directory


def load_framework_file(path: str | Path) -> FrameworkSpec:
    """Read and validate one framework file; raises :class:`DefinitionError`."""
    return load_document_file(path, FrameworkSpec, check_framework)


def load_framework_text(text: str, filename: str = "<tekst>") -> FrameworkSpec:
    """Validate framework YAML given as text; ``filename`` is used in error messages."""
    return load_document(text, filename, FrameworkSpec, check_framework)


class FrameworkRegistry:
    """Framework definitions by id and version."""

    def __init__(self, specs: Iterable[FrameworkSpec] = ()) -> None:
        self._specs: dict[tuple[str, int], FrameworkSpec] = {}
        for spec in specs:
            self._specs[spec.key] = spec

    @classmethod
    def shipped(cls, protocols_dir: str | Path) -> FrameworkRegistry:
        """The frameworks in the ``frameworks`` folder of the protocols directory (if any)."""
        folder = Path(protocols_dir) / FRAMEWORKS_FOLDER
        return cls.from_directory(folder) if folder.is_dir() else cls()

    @classmethod
    def from_directory(cls, directory: str | Path) -> FrameworkRegistry:
        """Load every ``*.yaml`` in ``directory``; all problems of all files are reported."""
        found = load_versioned(
            yaml_files(directory),
            load_framework_file,
            "kader '{id}' versie {version} staat ook in {first}",
        )
        return cls(spec for spec, _ in found.values())

    def get(self, framework_id: str, version: int | None = None) -> FrameworkSpec:
        """A given version, or the newest when ``version`` is None."""
        if version is None:
            versions = [v for (fid, v) in self._specs if fid == framework_id]
            version = max(versions, default=0)
        spec = self._specs.get((framework_id, version))
        if spec is None:
            raise NotFoundError(unknown_framework(framework_id, version or None, self._specs))
        return spec

    def all(self) -> list[FrameworkSpec]:
        return [self._specs[key] for key in sorted(self._specs)]


def unknown_framework(
    framework_id: str, version: int | None, known: Iterable[tuple[str, int]]
) -> str:
    """The Dutch message for a framework that is not there, naming those that are."""
    names = known_codes(known)
    what = f"'{framework_id}'" + (f" versie {version}" if version is not None else "")
    return f"kader {what} is onbekend; bekend zijn: {names}"
