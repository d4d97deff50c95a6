"""Jinja2 filters for Dutch documents: dates in words, and plain text with its line breaks.

Free text is escaped **before** line breaks become ``<br>``/``<p>``, so the only markup in
the result is the markup these filters add.
"""

from __future__ import annotations

import datetime as dt
import re

from markupsafe import Markup, escape

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)

_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")


def dutch_date(value: dt.date) -> str:
    """``23 november 2026``: day without a leading zero, month in lower case."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def nl2br(text: str) -> Markup:
    """Escape ``text``, then turn each line break into ``<br>``."""
    return Markup("<br>\n").join(escape(line) for line in _lines(text).split("\n"))


def paragraphs(text: str) -> Markup:
    """Escape ``text`` into ``<p>`` paragraphs: a blank line starts a new paragraph, a single
    line break becomes ``<br>``. Empty text gives nothing."""
    blocks = [block for block in _BLANK_LINES.split(_lines(text)) if block.strip()]
    return Markup("\n").join(Markup("<p>{}</p>").format(nl2br(block)) for block in blocks)
