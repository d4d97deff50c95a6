"""Handing out a file of a dossier, for the pages and the API alike: streamed in chunks, with
the type told from its bytes, the safe name in ``Content-Disposition``, inline for what a
browser shows safely (PDF, images), as a download for everything else."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi.responses import StreamingResponse

from toetreding.files import ACCEPTED, content_disposition
from toetreding.store import CaseFilePublic

INLINE = frozenset(kind.media_type for kind in ACCEPTED if kind.inline)
# An image shown on its own may run nothing; PDFs go to the browser's own viewer, which a
# sandbox would stop.
IMAGE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def file_response(
    record: CaseFilePublic, chunks: Iterator[bytes], *, download: bool = False
) -> StreamingResponse:
    inline = record.media_type in INLINE and not download
    headers = {
        "Content-Disposition": content_disposition(record.name, inline=inline),
        "Content-Length": str(record.size),
        "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
        "ETag": f'"{record.sha256}"',
    }
    if record.media_type.startswith("image/"):
        headers["Content-Security-Policy"] = IMAGE_CSP
    return StreamingResponse(chunks, media_type=record.media_type, headers=headers)
