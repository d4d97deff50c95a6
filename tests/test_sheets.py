"""Spreadsheets in and out, on their own: reading CSV (Dutch Excel's ';', UTF-8 with a BOM,
Windows-1252) and XLSX into numbered rows, and writing CSV and XLSX a user opens."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from toetreding._exceptions import InvalidInputError
from toetreding.sheets import Sheet, SheetFormat, read_sheet, render_sheet


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_dutch_excel_csv_reads_as_numbered_rows_by_column_name() -> None:
    data = "\ufeffNaam;BRIN;Bestuur\nDe Esch;20AB;Stichting Esch\n;;\nWierden;21CD;\n"
    sheet = read_sheet(data.encode("utf-8"))
    assert sheet.columns == ["naam", "brin", "bestuur"]
    assert [(r.number, r.values["naam"], r.values["bestuur"]) for r in sheet.rows] == [
        (2, "De Esch", "Stichting Esch"),
        (4, "Wierden", ""),  # the empty row 3 is skipped, the numbers stay the user's
    ]


def test_a_windows_csv_with_commas_keeps_its_accents() -> None:
    sheet = read_sheet("naam,bestuur\nCollège Noord,Ré\n".encode("cp1252"))
    assert sheet.rows[0].values == {"naam": "Collège Noord", "bestuur": "Ré"}


def test_an_xlsx_file_is_told_from_its_bytes_and_numbers_read_as_a_user_sees_them() -> None:
    data = xlsx([["naam", "brin", "sinds"], ["De Esch", 12345, datetime(2025, 8, 1)]])
    sheet = read_sheet(data)
    assert sheet.rows[0].number == 2
    assert sheet.rows[0].values == {"naam": "De Esch", "brin": "12345", "sinds": "01-08-2025"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "het bestand is leeg"),
        (b"%PDF-1.7\x00\x01", "geen CSV- of Excel-bestand"),
        (b"PK\x03\x04 not really a zip", "kan niet gelezen worden"),
        (b"naam;naam\nx;y\n", "kolom 'naam' staat twee keer"),
        (b"naam;;brin\nx;y;z\n", "een kolom zonder naam"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_in_dutch(data: bytes, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        read_sheet(data)


SHEET = Sheet(
    "Dossiers",
    ["Dossier", "School", "Geopend"],
    [[1, '=HYPERLINK("http://x")', date(2026, 3, 31)], [2, "Het Noordik", None]],
)


def test_csv_is_for_dutch_excel_and_a_formula_stays_text() -> None:
    text = render_sheet(SHEET, SheetFormat.CSV).decode("utf-8")
    assert text.startswith("\ufeffDossier;School;Geopend\r\n")
    assert '1;"\'=HYPERLINK(""http://x"")";31-03-2026\r\n' in text
    assert text.endswith("2;Het Noordik;\r\n")


def test_xlsx_has_a_bold_header_real_dates_and_no_formulas() -> None:
    book = load_workbook(io.BytesIO(render_sheet(SHEET, SheetFormat.XLSX)))
    ws = book.active
    assert ws is not None
    assert ws.title == "Dossiers"
    assert [c.value for c in ws[1]] == ["Dossier", "School", "Geopend"]
    assert ws["A1"].font.bold
    assert ws.freeze_panes == "A2"
    assert ws["B2"].value == '=HYPERLINK("http://x")'
    assert ws["B2"].data_type == "s"  # a text cell: Excel shows it, never runs it
    assert ws["C2"].value == datetime(2026, 3, 31)
    assert ws["C2"].number_format == "DD-MM-YYYY"
    assert ws["A3"].value == 2


def test_what_is_written_reads_back_the_same() -> None:
    for kind in SheetFormat:
        sheet = read_sheet(render_sheet(Sheet("x", ["naam"], [["De Esch"], ["Wierden"]]), kind))
        assert [r.values["naam"] for r in sheet.rows] == ["De Esch", "Wierden"]
