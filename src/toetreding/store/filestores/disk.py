"""Files on disk (the default): ``<folder>/ab/cd/<sha256>``, written atomically.

An upload is staged in ``<folder>/.staging/`` (same file system), so keeping it is a rename:
the staged file is flushed to disk (fsync), renamed to its digest's name (atomic: a reader
sees the whole file or none) and the directory entry is flushed too. A digest that is
already kept is not written again.

Removal only happens for bytes of a step that did not commit, and only when no row names
them. So that a second request keeping the same content at that moment is never robbed of
it, keeping holds a shared lock on the digest's stripe (``.locks/ab.lock``, one of 256)
until its transaction has ended, and removal takes the exclusive lock of the stripe before it
asks the database whether a row names the digest. The locks are ``flock`` locks: they work
between threads and between processes on this machine (the web app and the scheduler).
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from toetreding.files import CHUNK, StagedFile
from toetreding.store.filestores.base import FileStore, Unreferenced, check_digest, missing_bytes

STAGING = ".staging"
LOCKS = ".locks"


class DiskFileStore(FileStore):
    """Bytes as files under ``folder``, named by their SHA-256."""

    name = "disk"

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __repr__(self) -> str:
        return f"DiskFileStore({str(self.folder)!r})"

    def staging_folder(self) -> Path:
        return self.folder / STAGING

    def path_of(self, digest: str) -> Path:
        check_digest(digest)
        return self.folder / digest[:2] / digest[2:4] / digest

    @contextmanager
    def keeping(self, staged: Sequence[StagedFile], unreferenced: Unreferenced) -> Iterator[None]:
        digests = sorted({file.sha256 for file in staged})
        try:
            with ExitStack() as held:
                for stripe in sorted({d[:2] for d in digests}):
                    held.enter_context(self._stripe(stripe, exclusive=False))
                for file in staged:
                    self._keep(file)
                yield
        except BaseException:
            self._remove_unreferenced(digests, unreferenced)
            raise

    def write(self, staged: Sequence[StagedFile], cursor: Any) -> None:
        """Nothing to do in the transaction: the bytes were kept before it."""

    def exists(self, digest: str) -> bool:
        return self.path_of(digest).is_file()

    def read(self, digest: str) -> Iterator[bytes]:
        try:
            stream = self.path_of(digest).open("rb")
        except FileNotFoundError:
            raise missing_bytes(digest) from None
        return _chunks(stream)

    def digests(self) -> Iterable[str]:
        for path in sorted(self.folder.glob("[0-9a-f][0-9a-f]/[0-9a-f][0-9a-f]/*")):
            if len(path.name) == 64 and path.parent.parent.name == path.name[:2]:
                yield path.name

    # --- inside -------------------------------------------------------------------------

    def _keep(self, file: StagedFile) -> None:
        """Put the staged bytes in place under their digest, durably and atomically."""
        target = self.path_of(file.sha256)
        if target.is_file():
            return  # the same content is kept already (content-addressed)
        target.parent.mkdir(parents=True, exist_ok=True)
        with file.path.open("rb") as stream:
            os.fsync(stream.fileno())
        try:
            os.replace(file.path, target)
        except OSError as error:
            if error.errno != errno.EXDEV:
                raise
            _copy_in(file.path, target)  # staged on another file system: copy, then rename
        _sync_directory(target.parent)

    def _remove_unreferenced(self, digests: Sequence[str], unreferenced: Unreferenced) -> None:
        for stripe in sorted({d[:2] for d in digests}):
            with self._stripe(stripe, exclusive=True):
                mine = [d for d in digests if d[:2] == stripe]
                for digest in unreferenced(mine):
                    self.path_of(digest).unlink(missing_ok=True)

    @contextmanager
    def _stripe(self, stripe: str, *, exclusive: bool) -> Iterator[None]:
        folder = self.folder / LOCKS
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / f"{stripe}.lock").open("a+b") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            try:
                yield
            finally:
                fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    with stream:
        while chunk := stream.read(CHUNK):
            yield chunk


def _copy_in(source: Path, target: Path) -> None:
    handle, temporary = tempfile.mkstemp(prefix=".incoming-", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out, source.open("rb") as stream:
            shutil.copyfileobj(stream, out, CHUNK)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _sync_directory(folder: Path) -> None:
    """Flush a directory entry (the rename) to disk."""
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
