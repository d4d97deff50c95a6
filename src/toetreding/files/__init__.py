"""The files of a dossier as the domain sees them: which kinds are accepted (told from the
bytes), how names are made safe, how an upload is staged (streamed, counted, hashed) and
what a step's ``document`` input holds. Keeping the bytes is the store's business
(``toetreding.store``: a file store on disk or in PostgreSQL, and the metadata rows).

"Files" are what people upload; "documents" (``toetreding.documents``) are the letters and
reports toetreding makes itself.
"""

from toetreding.files.attached import (
    Attachment,
    FileEntry,
    NoSuchFile,
    entries_of,
    legacy_name,
)
from toetreding.files.kinds import ACCEPT_ATTRIBUTE, ACCEPTED, ACCEPTED_TEXT, FileKind, sniff
from toetreding.files.names import content_disposition, safe_name
from toetreding.files.sample import sample_pdf
from toetreding.files.staging import (
    CHUNK,
    DEFAULT_MAX_MB,
    StagedFile,
    StagingWriter,
    describe_size,
    stage_chunks,
    stage_path,
    too_large,
)

__all__ = [
    "ACCEPTED",
    "ACCEPTED_TEXT",
    "ACCEPT_ATTRIBUTE",
    "CHUNK",
    "DEFAULT_MAX_MB",
    "Attachment",
    "FileEntry",
    "FileKind",
    "NoSuchFile",
    "StagedFile",
    "StagingWriter",
    "content_disposition",
    "describe_size",
    "entries_of",
    "legacy_name",
    "safe_name",
    "sample_pdf",
    "sniff",
    "stage_chunks",
    "stage_path",
    "too_large",
]
