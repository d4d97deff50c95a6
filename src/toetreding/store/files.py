"""The files of a dossier: their rows in ``case_files``, kept in the same transaction as
the step that brings them (``CaseStore.apply``) or on their own (a new version), and their
bytes read back from the file store.

Rows are only added. A file's version is counted per case and artefact; the files of one
submission share a version and are numbered by ``part``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Dialect, Engine, bindparam, func, insert, select

from toetreding._exceptions import ConflictError, NotFoundError
from toetreding.files import Attachment, StagedFile
from toetreding.store._common import CASE_FILES, PEOPLE
from toetreding.store._hotpath import HotPath
from toetreding.store._prepared import Prepared
from toetreding.store.filestores import FileStore
from toetreding.store.tables import CaseFilePublic

_NEXT_VERSION = select(func.coalesce(func.max(CASE_FILES.c.version), 0) + 1).where(
    CASE_FILES.c.case_id == bindparam("f_case_id"),
    CASE_FILES.c.artefact == bindparam("f_artefact"),
)
_COLUMNS = (
    "case_id",
    "artefact",
    "version",
    "part",
    "name",
    "media_type",
    "size",
    "sha256",
    "uploaded_by",
    "role",
    "uploaded_at",
    "event_seq",
)
_INSERT_FILE = (
    insert(CASE_FILES)
    .values({name: bindparam(f"f_{name}") for name in _COLUMNS})
    .returning(CASE_FILES.c.id)
)
_LISTED = select(CASE_FILES, PEOPLE.c.name.label("uploaded_by_name")).outerjoin(
    PEOPLE, PEOPLE.c.id == CASE_FILES.c.uploaded_by
)
# A step that gives a file of the dossier by number looks it up on the request's connection.
_ONE_FILE = _LISTED.where(
    CASE_FILES.c.id == bindparam("f_id"), CASE_FILES.c.case_id == bindparam("f_case_id")
)
_ONE_FILE_KEYS = tuple(_ONE_FILE.selected_columns.keys())
# What a step records of such a file (no uploader's name to join for it).
_ATTACHED = select(
    *(CASE_FILES.c[name] for name in ("name", "media_type", "size", "sha256", "artefact")),
    CASE_FILES.c.version,
).where(CASE_FILES.c.id == bindparam("f_id"), CASE_FILES.c.case_id == bindparam("f_case_id"))


@dataclass(frozen=True)
class _Statements:
    next_version: Prepared
    insert_file: Prepared
    one_file: Prepared
    attached: Prepared

    @classmethod
    def for_dialect(cls, dialect: Dialect) -> _Statements:
        return cls(
            Prepared(_NEXT_VERSION, dialect),
            Prepared(_INSERT_FILE, dialect),
            Prepared(_ONE_FILE, dialect),
            Prepared(_ATTACHED, dialect),
        )


@dataclass(frozen=True)
class Uploader:
    """Who brings files in, when, and with which step (None: a version on its own)."""

    actor_id: int | None
    role: str | None
    at: datetime
    event_seq: int | None = None


class FileRecordStore:
    """Rows of uploaded files and their bytes (``Store`` holds the file store)."""

    engine: Engine
    file_store: FileStore
    _hot: HotPath
    _file_statements: _Statements | None = None

    # --- reading ------------------------------------------------------------------------

    def case_files(self, case_id: int) -> list[CaseFilePublic]:
        """Every file of the case: per artefact, the newest version first."""
        query = _LISTED.where(CASE_FILES.c.case_id == case_id).order_by(
            CASE_FILES.c.artefact, CASE_FILES.c.version.desc(), CASE_FILES.c.part
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        return [CaseFilePublic.model_validate(dict(row)) for row in rows]

    def case_file(self, case_id: int, file_id: int) -> CaseFilePublic:
        """One file of the case; NotFoundError for a file of another case, as for none."""
        with self._hot.cursor() as (_, cursor):
            rows = self._statements().one_file.rows(cursor, {"f_id": file_id, "f_case_id": case_id})
        if not rows:
            raise NotFoundError(f"bestand {file_id} bestaat niet in dossier {case_id}")
        return CaseFilePublic.model_validate(dict(zip(_ONE_FILE_KEYS, rows[0], strict=True)))

    def attachment_of(self, case_id: int, file_id: int) -> Attachment | None:
        """A file of the case as a step that gives it by number records it; None for a
        file of another case, as for none. Made from the row as read (a step's hot path:
        no schema object is validated for it)."""
        with self._hot.cursor() as (_, cursor):
            rows = self._statements().attached.rows(cursor, {"f_id": file_id, "f_case_id": case_id})
        if not rows:
            return None
        name, media_type, size, sha256, artefact, version = rows[0]
        return Attachment(
            name, media_type, size, sha256, file_id=file_id, artefact=artefact, version=version
        )

    def file_content(self, record: CaseFilePublic) -> Iterator[bytes]:
        """The file's bytes in chunks, from the file store."""
        return self.file_store.read(record.sha256)

    def unreferenced(self, digests: Sequence[str]) -> list[str]:
        """Of ``digests``, those that no row names."""
        if not digests:
            return []
        query = select(CASE_FILES.c.sha256).where(CASE_FILES.c.sha256.in_(list(digests)))
        with self.engine.connect() as connection:
            named = set(connection.execute(query).scalars())
        return [digest for digest in digests if digest not in named]

    # --- writing ------------------------------------------------------------------------

    def add_files(
        self, case_id: int, artefact: str, staged: Sequence[StagedFile], who: Uploader
    ) -> list[CaseFilePublic]:
        """A new version of ``artefact`` on its own (not with a step), in one transaction."""
        with (
            self.file_store.keeping(staged, self.unreferenced),
            self._hot.cursor(commit=True) as (_, cursor),
        ):
            self.file_store.write(staged, cursor)
            kept = self.insert_files(cursor, case_id, artefact, staged, who)
        return [self.case_file(case_id, file_id) for file_id, _ in kept]

    def keep_step_files(
        self,
        cursor: Any,
        case_id: int,
        files: Mapping[str, Sequence[StagedFile]],
        payload: dict[str, Any],
        who: Uploader,
    ) -> dict[str, Any]:
        """Inside a step's transaction: write the bytes (a database store), add a row per new
        file, and fill in their ids and versions in the history row's entries."""
        self.file_store.write([f for group in files.values() for f in group], cursor)
        completed = dict(payload)
        for artefact, staged in files.items():
            if not staged:
                continue
            kept = iter(self.insert_files(cursor, case_id, artefact, staged, who))
            entries = []
            for entry in completed.get(artefact) or []:
                if isinstance(entry, dict) and entry.get("file_id") is None:
                    file_id, version = next(kept)
                    filled = {"file_id": file_id, "artefact": artefact, "version": version}
                    entries.append({**entry, **filled})
                else:
                    entries.append(entry)
            completed[artefact] = entries
        return completed

    def insert_files(
        self, cursor: Any, case_id: int, artefact: str, staged: Sequence[StagedFile], who: Uploader
    ) -> list[tuple[int, int]]:
        """Rows for one submission of ``artefact``: (id, version) per file, in order."""
        statements = self._statements()
        ask = {"f_case_id": case_id, "f_artefact": artefact}
        version = int(statements.next_version.rows(cursor, ask)[0][0])
        kept = []
        for part, file in enumerate(staged, start=1):
            values = {
                "f_case_id": case_id,
                "f_artefact": artefact,
                "f_version": version,
                "f_part": part,
                "f_name": file.name,
                "f_media_type": file.media_type,
                "f_size": file.size,
                "f_sha256": file.sha256,
                "f_uploaded_by": who.actor_id,
                "f_role": who.role,
                "f_uploaded_at": who.at,
                "f_event_seq": who.event_seq,
            }
            try:
                row = statements.insert_file.run(cursor, values).fetchone()
            except Exception as error:
                if "uq_case_files_version" in str(error) or "UNIQUE" in str(error):
                    raise ConflictError(
                        f"er werd tegelijk een andere versie van '{artefact}' ingediend; "
                        "er is niets opgeslagen, probeer het opnieuw"
                    ) from error
                raise
            kept.append((int(row[0]), version))
        return kept

    def _statements(self) -> _Statements:
        if self._file_statements is None:
            self._file_statements = _Statements.for_dialect(self.engine.dialect)
        return self._file_statements
