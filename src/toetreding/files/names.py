"""File names as they are kept and handed back: no path, no control characters, no
characters a file system or a header chokes on, an extension that fits the content."""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath
from urllib.parse import quote

from toetreding.files.kinds import FileKind

MAX_NAME = 120
FALLBACK = "bestand"
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*;]')
_SPACES = re.compile(r"\s+")


def safe_name(given: str, kind: FileKind | None = None) -> str:
    """``given`` (a name from a browser, a client or a path) as it is kept: its last path
    part only, NFC, without control and reserved characters, at most 120 characters, and
    ending in an extension of ``kind`` (one is added when it does not)."""
    name = unicodedata.normalize("NFC", given.replace("\\", "/").rsplit("/", 1)[-1])
    name = _SPACES.sub(" ", _UNSAFE.sub("_", name)).strip().lstrip(".").strip()
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    if kind is not None and not name.lower().endswith(kind.extensions):
        name = f"{name or FALLBACK}{kind.extensions[0]}"
    if not name:
        return FALLBACK
    if len(name) > MAX_NAME:
        suffix = PurePosixPath(name).suffix
        suffix = suffix if len(suffix) <= 10 else ""
        name = name[: MAX_NAME - len(suffix)].rstrip() + suffix
    return name


def content_disposition(name: str, *, inline: bool) -> str:
    """The ``Content-Disposition`` header for handing out ``name``: an ASCII fallback and
    the exact name (RFC 6266 / 5987)."""
    kind = "inline" if inline else "attachment"
    ascii_name = (
        unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().replace('"', "")
    ) or FALLBACK
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
