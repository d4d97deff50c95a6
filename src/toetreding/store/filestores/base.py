"""The interface every file store implements: where the bytes of uploaded files live.

Bytes are named by their SHA-256 (content-addressed): the same content is kept once, keeping
it again is harmless, and what is kept never changes. Rows in ``case_files`` say which case,
artefact and version a file is; a file store knows only bytes.

A step's files are kept together with the step, in the database transaction that records
the step, its history row and the files' rows (``Store.apply``)::

    with file_store.keeping(staged, unreferenced):     # before: bytes on disk, held
        with transaction as cursor:
            file_store.write(staged, cursor)            # within: bytes in the database
            ... rows ...
    # after a failed or refused transaction: bytes no row references are gone again

A backend outside the database (:class:`~.disk.DiskFileStore`) writes the bytes durably when
``keeping`` begins and, when the block fails, removes those no row references (asking
``unreferenced``); a backend inside it (:class:`~.postgres.PostgresFileStore`) writes them
in ``write`` with the transaction's own cursor, so they commit or roll back with the rows.
The contract tests (``tests/test_file_store_contract.py``) hold every backend to this.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from toetreding._exceptions import NotFoundError
from toetreding.files import StagedFile

Unreferenced = Callable[[Sequence[str]], Sequence[str]]
"""Of these digests, those no row in ``case_files`` names (asked after a failed step)."""

_DIGEST = re.compile(r"^[0-9a-f]{64}$")


def check_digest(digest: str) -> str:
    """A SHA-256 in lowercase hex; anything else names no file (and never a path)."""
    if not _DIGEST.match(digest):
        raise NotFoundError("dit bestand bestaat niet")
    return digest


class FileStore(ABC):
    """Keeps bytes by their SHA-256; see the module's description for the protocol."""

    name: str  # 'disk' or 'database', as TOETREDING_FILE_STORE says it

    @abstractmethod
    def staging_folder(self) -> Path:
        """Where uploads are staged (a disk store's own folder, so keeping is a rename)."""

    @abstractmethod
    def keeping(
        self, staged: Sequence[StagedFile], unreferenced: Unreferenced
    ) -> AbstractContextManager[None]:
        """Around the transaction that records ``staged``: before it, a backend outside the
        database keeps the bytes durably (and holds them against removal); if the block
        raises, bytes of ``staged`` that no row references are removed."""

    @abstractmethod
    def write(self, staged: Sequence[StagedFile], cursor: Any) -> None:
        """Within that transaction (DBAPI ``cursor``): a backend in the database writes the
        bytes here, so they commit or roll back with the rows."""

    @abstractmethod
    def exists(self, digest: str) -> bool:
        """Whether the bytes are kept."""

    @abstractmethod
    def read(self, digest: str) -> Iterator[bytes]:
        """The bytes in chunks (never all at once); NotFoundError when they are not kept."""

    @abstractmethod
    def digests(self) -> Iterable[str]:
        """Every digest kept (for checks: bytes no row names are orphans)."""


def missing_bytes(digest: str) -> NotFoundError:
    return NotFoundError(
        f"de inhoud van dit bestand ({digest[:12]}…) ontbreekt in de opslag; "
        "meld dit bij de beheerder"
    )
