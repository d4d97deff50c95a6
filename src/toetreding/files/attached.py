"""What a step's ``document`` input holds: files, each a new upload or one already in the
dossier, and how they are written into (and read back from) the step's history row.

In the history row a document input is a list of entries, one per file::

    {"file_id": 12, "artefact": "zelfevaluatie", "version": 2, "name": "ze.pdf",
     "media_type": "application/pdf", "size": 81234, "sha256": "ab12…"}

A history row written before files were kept holds just the name the person typed (a
string): :func:`entries_of` gives it as an entry without ``file_id`` ("alleen naam, geen
bestand").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from toetreding.files.staging import StagedFile


@dataclass(frozen=True)
class Attachment:
    """A file given to a document input: a new upload (``staged``) or a file of the
    dossier (``file_id``), with the facts the history row keeps."""

    name: str
    media_type: str
    size: int
    sha256: str
    staged: StagedFile | None = None
    file_id: int | None = None
    artefact: str | None = None
    version: int | None = None

    @classmethod
    def new(cls, staged: StagedFile) -> Attachment:
        return cls(staged.name, staged.media_type, staged.size, staged.sha256, staged=staged)

    def entry(self) -> dict[str, Any]:
        """The history row's entry (``file_id`` and ``version`` of a new upload are filled in
        when it is kept)."""
        return {
            "file_id": self.file_id,
            "artefact": self.artefact,
            "version": self.version,
            "name": self.name,
            "media_type": self.media_type,
            "size": self.size,
            "sha256": self.sha256,
        }


@dataclass(frozen=True)
class NoSuchFile:
    """A file a step was given that the dossier does not hold (or not as this artefact):
    the protocol's input check refuses the step with ``reason``."""

    reason: str


@dataclass(frozen=True)
class FileEntry:
    """One file of a document input as a history row recorded it."""

    name: str
    file_id: int | None = None  # None: only a name was recorded (before files were kept)
    artefact: str | None = None
    version: int | None = None
    media_type: str | None = None
    size: int | None = None
    sha256: str | None = None

    @property
    def name_only(self) -> bool:
        return self.file_id is None

    @property
    def short_hash(self) -> str:
        return (self.sha256 or "")[:12]


def entries_of(value: Any) -> list[FileEntry] | None:
    """The files a history row's value of a document input names; None when the value is
    not a document input's (a date, a number, a text)."""
    if isinstance(value, list) and value and all(_is_entry(v) for v in value):
        return [_entry(v) for v in value]
    return None


def legacy_name(value: Any) -> FileEntry | None:
    """A document name typed before files were kept, as an entry without file."""
    if isinstance(value, str) and value.strip():
        return FileEntry(name=value.strip())
    return None


def _is_entry(value: Any) -> bool:
    return isinstance(value, Mapping) and "sha256" in value and "name" in value


def _entry(value: Mapping[str, Any]) -> FileEntry:
    def number(key: str) -> int | None:
        found = value.get(key)
        return found if isinstance(found, int) and not isinstance(found, bool) else None

    return FileEntry(
        name=str(value.get("name") or ""),
        file_id=number("file_id"),
        artefact=value.get("artefact") if isinstance(value.get("artefact"), str) else None,
        version=number("version"),
        media_type=str(value.get("media_type") or "") or None,
        size=number("size"),
        sha256=str(value.get("sha256") or "") or None,
    )
