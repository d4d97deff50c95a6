"""Which files a dossier accepts, told from their bytes, never from their name.

A file is accepted when its first bytes (and, for the ZIP-based office formats, the inner
``[Content_Types].xml`` or ``mimetype``) show one of :data:`ACCEPTED`: PDF, Word and
OpenDocument text, spreadsheets and images. Anything else is refused with a Dutch message
that names what was found, e.g. a Windows program renamed to ``.pdf``.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from toetreding._exceptions import FileRefused


@dataclass(frozen=True)
class FileKind:
    """A kind of file the dossier accepts."""

    media_type: str
    label: str  # Dutch, e.g. "PDF-document"
    extensions: tuple[str, ...]  # the first is added to a name that has none of them
    inline: bool = False  # opened in the browser (PDF, images) rather than downloaded


PDF = FileKind("application/pdf", "PDF-document", (".pdf",), inline=True)
PNG = FileKind("image/png", "PNG-afbeelding", (".png",), inline=True)
JPEG = FileKind("image/jpeg", "JPEG-afbeelding", (".jpg", ".jpeg"), inline=True)
GIF = FileKind("image/gif", "GIF-afbeelding", (".gif",), inline=True)
WEBP = FileKind("image/webp", "WebP-afbeelding", (".webp",), inline=True)
DOCX = FileKind(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "Word-document",
    (".docx",),
)
XLSX = FileKind(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "Excel-werkblad",
    (".xlsx",),
)
ODT = FileKind("application/vnd.oasis.opendocument.text", "OpenDocument-tekst", (".odt",))
ODS = FileKind(
    "application/vnd.oasis.opendocument.spreadsheet", "OpenDocument-rekenblad", (".ods",)
)
DOC = FileKind("application/msword", "Word-document (oud formaat)", (".doc",))
XLS = FileKind("application/vnd.ms-excel", "Excel-werkblad (oud formaat)", (".xls",))

ACCEPTED = (PDF, DOCX, DOC, ODT, XLSX, XLS, ODS, PNG, JPEG, GIF, WEBP)
ACCEPTED_TEXT = (
    "PDF, Word (.docx, .doc), OpenDocument-tekst (.odt), rekenbladen (.xlsx, .xls, .ods) "
    "en afbeeldingen (PNG, JPEG, GIF, WebP)"
)
"""What is accepted, as the forms and refusals say it."""

ACCEPT_ATTRIBUTE = ",".join(
    [*(ext for kind in ACCEPTED for ext in kind.extensions), *(k.media_type for k in ACCEPTED)]
)
"""The ``accept=`` of a file input: a hint to the browser's file picker, nothing more."""

HEAD = 4096  # bytes read to tell the kind
_OOXML = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
}
_ODF = {ODT.media_type: ODT, ODS.media_type: ODS}
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MACHO = (b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe")


def sniff(path: Path, name: str) -> FileKind:
    """The kind of the file at ``path`` (uploaded as ``name``); FileRefused when it is not
    one of :data:`ACCEPTED`."""
    with path.open("rb") as stream:
        head = stream.read(HEAD)
    kind = _simple(head)
    if kind is None and head.startswith(b"PK\x03\x04"):
        kind = _zipped(path, name)
    if kind is None and head.startswith(_OLE2):
        kind = _legacy_office(name)
    if kind is None:
        raise FileRefused(
            f"'{name}' is {_what(head)}; dat kan niet in het dossier. "
            f"Toegestaan zijn {ACCEPTED_TEXT}"
        )
    return kind


def _simple(head: bytes) -> FileKind | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return None


def _zipped(path: Path, name: str) -> FileKind | None:
    """An office file is a ZIP archive that says what it is inside; other archives are not
    accepted (they could hold anything)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                declared = _member(archive, "mimetype").decode("ascii", "replace").strip()
                if declared in _ODF:
                    return _ODF[declared]
                raise FileRefused(
                    f"'{name}' is een OpenDocument-bestand van een soort die niet wordt "
                    f"aangenomen ({declared or 'onbekend'}); toegestaan zijn {ACCEPTED_TEXT}"
                )
            if "[Content_Types].xml" in names:
                types = _member(archive, "[Content_Types].xml").decode("utf-8", "replace")
                for marker, kind in _OOXML.items():
                    if f'ContentType="{marker}"' in types:
                        return kind
                what = "met macro's" if "macroEnabled" in types else "van een andere soort"
                raise FileRefused(
                    f"'{name}' is een Office-bestand {what}; dat kan niet in het dossier. "
                    f"Toegestaan zijn {ACCEPTED_TEXT}"
                )
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError):
        pass
    return None


def _member(archive: zipfile.ZipFile, member: str, limit: int = 1 << 20) -> bytes:
    """At most ``limit`` bytes of a member (a packed bomb is never unpacked whole)."""
    with archive.open(member) as stream:
        return stream.read(limit)


def _legacy_office(name: str) -> FileKind | None:
    """Old Word and Excel files share one container format (OLE2) with installers and
    other things; the name's extension says which it claims to be."""
    suffix = Path(name).suffix.lower()
    return DOC if suffix == ".doc" else XLS if suffix == ".xls" else None


def _what(head: bytes) -> str:
    """What the first bytes show, in Dutch, for a refusal."""
    text = head.lstrip()[:200].lower()
    found = [
        (not head, "een leeg bestand"),
        (head.startswith(b"MZ"), "een Windows-programma (.exe/.dll)"),
        (head.startswith(b"\x7fELF"), "een Linux-programma (ELF)"),
        (head[:4] in _MACHO or head.startswith(b"\xca\xfe\xba\xbe"), "een macOS-programma"),
        (head.startswith(b"#!"), "een script"),
        (head.startswith(b"PK\x03\x04"), "een ZIP-archief"),
        (head.startswith(_OLE2), "een OLE2-bestand (bijv. een installatiepakket)"),
        (head.startswith((b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b")), "een archief (rar/7z/gzip)"),
        (text.startswith((b"<!doctype html", b"<html", b"<script")), "een webpagina (HTML)"),
        (text.startswith((b"<?xml", b"<svg")), "een XML- of SVG-bestand"),
        (text.startswith(b"{\\rtf"), "een RTF-document"),
    ]
    return next((what for hit, what in found if hit), "een onbekend soort bestand")
