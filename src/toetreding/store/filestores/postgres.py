"""Files in PostgreSQL, for several app servers without a shared disk.

The bytes go into ``file_chunks`` (256 KiB per row, keyed by SHA-256 and sequence number) with
the cursor of the transaction that records the step and the files' rows: they commit or
roll back together, so a refused or failed step leaves nothing behind and there is nothing
to clean up. Reading fetches one chunk at a time; an upload is never held whole in memory.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, bindparam, select
from sqlalchemy.dialects.postgresql import insert

from toetreding._exceptions import ConfigurationError
from toetreding.files import StagedFile
from toetreding.store._common import FILE_CHUNKS
from toetreding.store._prepared import Prepared
from toetreding.store.filestores.base import FileStore, Unreferenced, check_digest, missing_bytes

CHUNK_BYTES = 1 << 18  # 256 KiB: a fetched chunk, hex on the wire, stays small

_INSERT = (
    insert(FILE_CHUNKS)
    .values(sha256=bindparam("c_sha256"), seq=bindparam("c_seq"), data=bindparam("c_data"))
    .on_conflict_do_nothing(index_elements=["sha256", "seq"])
)
_CHUNK = select(FILE_CHUNKS.c.data).where(
    FILE_CHUNKS.c.sha256 == bindparam("c_sha256"), FILE_CHUNKS.c.seq == bindparam("c_seq")
)


class PostgresFileStore(FileStore):
    """Bytes in the ``file_chunks`` table of the same PostgreSQL database."""

    name = "database"

    def __init__(self, engine: Engine, staging: Path | None = None) -> None:
        if engine.dialect.name != "postgresql":
            raise ConfigurationError(
                "TOETREDING_FILE_STORE=database bewaart bestanden in PostgreSQL; met "
                f"{engine.dialect.name} blijven ze op schijf (TOETREDING_FILE_STORE=disk)"
            )
        self.engine = engine
        self._staging = staging or Path(tempfile.gettempdir()) / "toetreding-uploads"
        self._insert = Prepared(_INSERT, engine.dialect)

    def __repr__(self) -> str:
        return f"PostgresFileStore({self.engine.url.render_as_string(hide_password=True)!r})"

    def staging_folder(self) -> Path:
        return self._staging

    @contextmanager
    def keeping(self, staged: Sequence[StagedFile], unreferenced: Unreferenced) -> Iterator[None]:
        yield  # the bytes are written in the transaction and roll back with it

    def write(self, staged: Sequence[StagedFile], cursor: Any) -> None:
        for file in staged:
            with file.path.open("rb") as stream:
                seq = 0
                while True:
                    data = stream.read(CHUNK_BYTES)
                    values = {"c_sha256": file.sha256, "c_seq": seq, "c_data": data}
                    self._insert.run(cursor, values)
                    seq += 1
                    if len(data) < CHUNK_BYTES:
                        break

    def exists(self, digest: str) -> bool:
        return self._chunk(check_digest(digest), 0) is not None

    def read(self, digest: str) -> Iterator[bytes]:
        first = self._chunk(check_digest(digest), 0)
        if first is None:
            raise missing_bytes(digest)
        return self._rest(digest, first)

    def digests(self) -> Iterable[str]:
        query = select(FILE_CHUNKS.c.sha256).where(FILE_CHUNKS.c.seq == 0).order_by("sha256")
        with self.engine.connect() as connection:
            return list(connection.execute(query).scalars())

    def _rest(self, digest: str, first: bytes) -> Iterator[bytes]:
        chunk: bytes | None = first
        seq = 0
        while chunk:
            yield chunk
            if len(chunk) < CHUNK_BYTES:
                return
            seq += 1
            chunk = self._chunk(digest, seq)

    def _chunk(self, digest: str, seq: int) -> bytes | None:
        with self.engine.connect() as connection:
            found = connection.execute(_CHUNK, {"c_sha256": digest, "c_seq": seq}).scalar()
        return None if found is None else bytes(found)
