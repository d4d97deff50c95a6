"""Small real PDF files for the demo and the simulator: one A4 page with a title and some
lines of text, written directly (no renderer needed, a few hundred bytes, microseconds)."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

_WIDTH, _HEIGHT = 595, 842  # A4 in points


def sample_pdf(title: str, lines: Sequence[str] = ()) -> bytes:
    """A one-page PDF 1.4 with ``title`` and ``lines`` (Helvetica, Dutch accents kept)."""
    text = ["BT", "/F1 18 Tf", f"72 {_HEIGHT - 96} Td", f"({_escape(title)}) Tj", "/F1 11 Tf"]
    text.append("0 -30 Td")
    for line in lines:
        for part in textwrap.wrap(line, 88) or [""]:
            text += [f"({_escape(part)}) Tj", "0 -16 Td"]
    text.append("ET")
    content = "\n".join(text).encode("cp1252", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {_WIDTH} {_HEIGHT}] "
            "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"
        ).encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
