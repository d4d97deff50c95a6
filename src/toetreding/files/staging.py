"""Uploads on their way in: streamed into a temporary file, counted, hashed, checked.

Whoever receives a file (a web form, the API, the command line, the demo) writes it chunk by
chunk through a :class:`StagingWriter`. It counts while writing and stops at the limit, so a
file that is too large is never held whole, neither in memory nor on disk; it hashes while
writing (SHA-256), and at the end tells the kind from the bytes (:func:`kinds.sniff`). What
comes out is a :class:`StagedFile`: a temporary file that a file store keeps (or that is
thrown away when the step is refused). Nothing here touches the database.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from toetreding._exceptions import FileRefused, FileTooLarge
from toetreding.files.kinds import FileKind, sniff
from toetreding.files.names import safe_name

CHUNK = 1 << 16
DEFAULT_MAX_MB = 25
STAGING_PREFIX = ".upload-"


def describe_size(size: int) -> str:
    """A size as people read it: ``830 bytes``, ``12 kB``, ``1,4 MB``."""
    if size < 1000:
        return f"{size} bytes"
    if size < 1_000_000:
        return f"{size / 1000:.0f} kB"
    return f"{size / 1_000_000:.1f}".removesuffix(".0").replace(".", ",") + " MB"


def too_large(name: str, max_bytes: int) -> FileTooLarge:
    return FileTooLarge(
        f"'{name}' is groter dan {describe_size(max_bytes)}, de grens per bestand; "
        "er is niets van bewaard"
    )


@dataclass(frozen=True)
class StagedFile:
    """An upload written to a temporary file and checked: ready to be kept."""

    path: Path
    name: str  # safe for storing and handing out, extension fitting the kind
    kind: FileKind
    size: int
    sha256: str

    @property
    def media_type(self) -> str:
        return self.kind.media_type

    def discard(self) -> None:
        """Remove the temporary file (a file store may have moved it already)."""
        self.path.unlink(missing_ok=True)


class StagingWriter:
    """Writes one upload into ``folder``; ``finish`` checks it, ``discard`` drops it."""

    def __init__(self, folder: Path, name: str, max_bytes: int) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.given_name = name
        self.max_bytes = max_bytes
        self.size = 0
        self._hash = hashlib.sha256()
        handle, path = tempfile.mkstemp(prefix=STAGING_PREFIX, dir=folder)
        self.path = Path(path)
        self._file: BinaryIO | None = os.fdopen(handle, "wb")

    def write(self, chunk: bytes) -> None:
        """Add ``chunk``; past the limit the file is dropped and FileTooLarge raised."""
        if self._file is None:
            raise ValueError("this upload is finished or discarded")
        self.size += len(chunk)
        if self.size > self.max_bytes:
            self.discard()
            raise too_large(self.given_name, self.max_bytes)
        self._hash.update(chunk)
        self._file.write(chunk)

    def finish(self) -> StagedFile:
        """The checked file; FileRefused (and nothing kept) when its kind is not accepted."""
        if self._file is None:
            raise ValueError("this upload is finished or discarded")
        self._file.close()
        self._file = None
        try:
            kind = sniff(self.path, self.given_name)
        except FileRefused:
            self.path.unlink(missing_ok=True)
            raise
        name = safe_name(self.given_name, kind)
        return StagedFile(self.path, name, kind, self.size, self._hash.hexdigest())

    def discard(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self.path.unlink(missing_ok=True)


def stage_chunks(folder: Path, name: str, chunks: Iterable[bytes], max_bytes: int) -> StagedFile:
    """Stage an upload given as chunks (bytes: ``[data]``)."""
    writer = StagingWriter(folder, name, max_bytes)
    try:
        for chunk in chunks:
            writer.write(chunk)
    except BaseException:
        writer.discard()
        raise
    return writer.finish()


def stage_path(folder: Path, path: Path, max_bytes: int, name: str | None = None) -> StagedFile:
    """Stage the file at ``path``; its size is checked before a byte is read."""
    if not path.is_file():
        raise FileRefused(f"'{path}' bestaat niet of is geen bestand")
    if path.stat().st_size > max_bytes:
        raise too_large(path.name, max_bytes)
    with path.open("rb") as stream:
        return stage_chunks(
            folder, name or path.name, iter(lambda: stream.read(CHUNK), b""), max_bytes
        )
