"""A CSV or XLSX file as numbered rows of text, keyed by the (normalised) column names.

The kind is told from the bytes, not the name: an XLSX file is a ZIP archive. A CSV file may
be UTF-8 (with or without the BOM Excel writes) or Windows-1252, separated by ``;`` (Dutch
Excel), ``,`` or a tab. Row numbers are the ones a user sees: the header is row 1.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from toetreding._exceptions import InvalidInputError

MAX_ROWS = 5000


@dataclass(frozen=True)
class SheetRow:
    number: int  # as in the spreadsheet program: the header is row 1
    values: dict[str, str]  # column name (lower case, trimmed) -> cell text (trimmed)


@dataclass(frozen=True)
class SheetData:
    columns: list[str]
    rows: list[SheetRow]


def read_sheet(data: bytes) -> SheetData:
    """The rows of a CSV or XLSX file; empty rows are skipped. Raises InvalidInputError in
    Dutch for a file that is neither, has no header or repeats a column."""
    if not data.strip():
        raise InvalidInputError("het bestand is leeg")
    table = _xlsx_rows(data) if data.startswith(b"PK\x03\x04") else _csv_rows(data)
    return _numbered(table)


def _numbered(table: list[list[str]]) -> SheetData:
    header_at = next((i for i, row in enumerate(table) if any(row)), None)
    if header_at is None:
        raise InvalidInputError("het bestand is leeg")
    columns = [c.strip().lower() for c in table[header_at]]
    while columns and not columns[-1]:
        columns.pop()
    if "" in columns:
        raise InvalidInputError(
            f"rij {header_at + 1}: een kolom zonder naam; de eerste rij noemt de kolommen"
        )
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    if repeated:
        raise InvalidInputError(f"kolom '{repeated[0]}' staat twee keer in de eerste rij")
    rows = []
    for index, cells in enumerate(table[header_at + 1 :], start=header_at + 2):
        if not any(c.strip() for c in cells):
            continue
        values = {
            col: (cells[i].strip() if i < len(cells) else "") for i, col in enumerate(columns)
        }
        if any(c.strip() for c in cells[len(columns) :]):
            values["\x00extra"] = "ja"  # a value beyond the named columns: refused per row
        rows.append(SheetRow(index, values))
    if len(rows) > MAX_ROWS:
        raise InvalidInputError(f"te veel rijen ({len(rows)}); hooguit {MAX_ROWS} per bestand")
    return SheetData(columns, rows)


def _csv_rows(data: bytes) -> list[list[str]]:
    if b"\x00" in data:
        raise InvalidInputError("dit is geen CSV- of Excel-bestand (xlsx)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    first = text.splitlines()[0] if text.splitlines() else ""
    delimiter = max(";,\t", key=first.count)
    return [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook  # only when an XLSX file comes in

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InvalidInputError("dit Excel-bestand kan niet gelezen worden (geen xlsx?)") from exc
    try:
        sheet = book.worksheets[0]
        return [[_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _text(value: object) -> str:
    """A cell as the user sees it: whole numbers without '.0', dates as dd-mm-jjjj."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return f"{value:%d-%m-%Y}" if value.time() == datetime.min.time() else f"{value}"
    if isinstance(value, date):
        return f"{value:%d-%m-%Y}"
    return str(value)
