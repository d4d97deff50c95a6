"""Files of a dossier: one row per uploaded file (its metadata; the bytes live in a file
store, named by their SHA-256), and the bytes themselves for the PostgreSQL file store.

A file belongs to an *artefact* of the case: the name of the protocol's ``document`` input
that delivers it (``zelfevaluatie``). Each submission of an artefact is a new ``version``;
a submission of several files (an input with ``multiple: true``) gives them one version and
numbered ``part``s. Rows are only ever added: a new version never replaces an old one.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, LargeBinary, UniqueConstraint
from sqlmodel import Field

from toetreding.store.tables._base import SQLModel


class CaseFileBase(SQLModel):
    """An uploaded file of a case, as the dossier lists it."""

    case_id: int = Field(foreign_key="cases.id")
    artefact: str = Field(max_length=60, description="De documentinvoer van het protocol")
    version: int = Field(description="Versie van dit stuk in het dossier (1, 2, …)")
    part: int = Field(default=1, description="Volgnummer binnen een inzending van meer bestanden")
    name: str = Field(max_length=255, description="Bestandsnaam (veilig gemaakt)")
    media_type: str = Field(max_length=120, description="Soort, vastgesteld uit de inhoud")
    size: int = Field(sa_type=BigInteger, description="Grootte in bytes")
    sha256: str = Field(max_length=64, description="SHA-256 van de inhoud (hex)")
    uploaded_by: int | None = Field(default=None, foreign_key="people.id")
    role: str | None = Field(default=None, max_length=40, description="In welke rol ingediend")
    uploaded_at: datetime
    event_seq: int | None = Field(
        default=None, description="De stap (geschiedenisregel) waarmee het is ingediend"
    )


class CaseFile(CaseFileBase, table=True):
    __tablename__ = "case_files"
    __table_args__ = (
        UniqueConstraint("case_id", "artefact", "version", "part", name="uq_case_files_version"),
        Index("ix_case_files_sha256", "sha256"),
    )

    id: int | None = Field(default=None, primary_key=True)


class CaseFilePublic(CaseFileBase):
    id: int
    uploaded_by_name: str | None = Field(default=None, description="Wie het indiende")


class FileChunk(SQLModel, table=True):
    """A piece (at most 256 KiB) of a file's bytes, for the PostgreSQL file store: several app
    servers without a shared disk keep the bytes where they keep the rows, in the same
    transaction."""

    __tablename__ = "file_chunks"

    sha256: str = Field(primary_key=True, max_length=64)
    seq: int = Field(primary_key=True)
    data: bytes = Field(sa_type=LargeBinary, nullable=False)
