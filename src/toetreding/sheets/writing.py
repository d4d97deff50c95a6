"""A table written as CSV or XLSX, for the steering group's own files.

CSV is UTF-8 with a BOM and ``;`` between the cells, which Dutch Excel opens as columns. A
text that starts like a formula (``=``, ``+``, ``-``, ``@``) is written as text: in CSV with a
leading ``'``, in XLSX as a text cell, so a school named "=HYPERLINK(…)" stays a name.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

Cell = str | int | float | date | datetime | None
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class SheetFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"

    @property
    def media_type(self) -> str:
        if self is SheetFormat.CSV:
            return "text/csv; charset=utf-8"
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Sheet:
    title: str  # the worksheet's name, and the file's name without extension
    columns: list[str]
    rows: Sequence[Sequence[Cell]] = field(default_factory=list)


def render_sheet(sheet: Sheet, kind: SheetFormat) -> bytes:
    return _csv(sheet) if kind is SheetFormat.CSV else _xlsx(sheet)


def _csv(sheet: Sheet) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(sheet.columns)
    writer.writerows([_csv_cell(v) for v in row] for row in sheet.rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value:%d-%m-%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d-%m-%Y}"
    text = str(value)
    return "'" + text if isinstance(value, str) and text.startswith(FORMULA_START) else text


def _xlsx(sheet: Sheet) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    ws = book.active
    assert ws is not None
    # Excel refuses a worksheet name over 31 characters or with any of : \ / ? * [ ]
    ws.title = "".join("-" if c in ":\\/?*[]" else c for c in sheet.title)[:31] or "Blad1"
    ws.append(sheet.columns)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    widths = [len(c) for c in sheet.columns]
    for r, row in enumerate(sheet.rows, start=2):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c)
            if isinstance(value, datetime):
                cell.value = value.replace(tzinfo=None)
                cell.number_format = "DD-MM-YYYY HH:MM"
            elif isinstance(value, date):
                cell.value = value
                cell.number_format = "DD-MM-YYYY"
            elif isinstance(value, str):
                cell.value = value
                cell.data_type = "s"  # never a formula, whatever the text starts with
            else:
                cell.value = value
            widths[c - 1] = max(widths[c - 1], min(len(_csv_cell(value)), 60))
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width + 2
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
