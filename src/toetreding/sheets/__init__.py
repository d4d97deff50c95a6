"""Spreadsheets in and out: reading a CSV or XLSX file into numbered rows, and writing a
table as CSV or XLSX. Plain data only; what the rows mean is the service's business."""

from toetreding.sheets.reading import SheetData, SheetRow, read_sheet
from toetreding.sheets.writing import Cell, Sheet, SheetFormat, render_sheet

__all__ = [
    "Cell",
    "Sheet",
    "SheetData",
    "SheetFormat",
    "SheetRow",
    "read_sheet",
    "render_sheet",
]
