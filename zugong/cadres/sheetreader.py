"""The first sheet of an uploaded .xlsx as rows of cell texts, read with openpyxl in read-only mode.

`zugong.core.xlsxguard` checks the file first (unpacked size; every XML part through defusedxml).
Cells come back as text the way the sheet displays them: dates as ISO dates, numbers through the
cell's number format (`1996.1` in a `0.00` cell is `1996.10`, as the user sees it), whole numbers
without ".0". Each row also says which of its cells held a number, so that a caller reading dates can
tell a typed `1996.10` (October, shown as `1996.1` in a General cell) from text. Excel date serials
typed into text-formatted date columns stay numbers, and the caller, which knows which columns hold
dates, converts them (`excel_serial_date`).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from zugong.core.xlsxguard import MAX_COLUMNS, UnsafeWorkbook, bounded_rows, guard_xlsx

# The positive section of a plain number format: digits, thousands separators, decimal places.
_PLAIN_NUMBER = re.compile(r"[#,0]*(?:\.([0#]+))?")


class BadSheet(ValueError):
    """The file is not a readable .xlsx workbook."""


@dataclass(frozen=True, slots=True)
class SheetRow:
    number: int  # the sheet's row number, 1-based
    texts: list[str]
    numeric: frozenset[int]  # 0-based column indexes of the cells that hold a number

    def cell(self, column: int) -> str:
        """`D5`: how the user finds the cell."""
        return f"{get_column_letter(column + 1)}{self.number}"


def cell_text(value: object, number_format: str = "General") -> str:
    """How the sheet shows `value` (a number through `number_format`)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        return number_text(value, number_format)
    return str(value).strip()


def number_text(value: float, number_format: str) -> str:
    """`value` as a plain number format shows it (`0.00`: two decimals, `0.0#`: one or two); other formats
    (General, text, percent, scientific …) as Excel's General shows a number."""
    found = _PLAIN_NUMBER.fullmatch(number_format.split(";")[0].strip())
    if found is None or not found.group(0):
        return str(int(value)) if float(value).is_integer() else f"{value:.15g}"
    places = found.group(1) or ""
    text = f"{value:.{len(places)}f}"
    optional = len(places) - places.count("0")
    while optional and text.endswith("0"):
        text, optional = text[:-1], optional - 1
    return text.rstrip(".")


def _row(number: int, cells: tuple[Cell | MergedCell, ...]) -> SheetRow:  # read-only cells, as typed by the stubs
    texts: list[str] = []
    numeric: set[int] = set()
    for column, cell in enumerate(cells):
        value = cell.value
        if isinstance(value, int | float) and not isinstance(value, bool):
            numeric.add(column)
            texts.append(number_text(value, str(cell.number_format)))
        else:
            texts.append(cell_text(value))
    while texts and not texts[-1]:  # read up to a bound: the row is as long as its last filled cell
        texts.pop()
    return SheetRow(number, texts, frozenset(numeric))


@dataclass
class Width:
    """How many columns are read; the caller narrows it once the header says how many it needs."""

    columns: int = MAX_COLUMNS


def iter_sheet(data: bytes, width: Width | None = None) -> Iterator[SheetRow]:
    """The first sheet's rows as present in the file (`xlsxguard.bounded_rows`: its declared dimension
    ignored, at most `width.columns` cells a row, ended by a long run of empty rows). Narrowing `width`
    between two rows makes the rows after read only that many cells."""
    width = width or Width()
    try:
        guard_xlsx(data)
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except UnsafeWorkbook as exc:
        raise BadSheet(str(exc)) from exc
    except (zipfile.BadZipFile, KeyError, ParseError, DefusedXmlException, InvalidFileException, OSError,
            ValueError) as exc:
        raise BadSheet("不是有效的 .xlsx 文件") from exc
    try:
        if not book.worksheets:
            raise BadSheet("工作簿中没有工作表")
        yield from _rows(book.worksheets[0], width)
    except (KeyError, ParseError, DefusedXmlException, zipfile.BadZipFile) as exc:
        raise BadSheet("不是有效的 .xlsx 文件") from exc
    finally:
        book.close()


def _rows(sheet: Any, width: Width) -> Iterator[SheetRow]:
    columns, start = width.columns, 1
    while True:
        for number, cells in bounded_rows(sheet, max_col=columns, min_row=start):
            yield _row(number, cells)
            if width.columns != columns:  # narrowed: read on from the next row at the new width
                columns, start = width.columns, number + 1
                break
        else:
            return


def excel_serial_date(text: str) -> str:
    """`29221` (an Excel day number, five digits) → `1980-01-01`; other text (`1980.01`, `198001`) unchanged."""
    head, _, fraction = text.partition(".")
    if head.isdigit() and len(head) == 5 and (not fraction or fraction.isdigit()):  # 1927-05-19 … 2173
        return (date(1899, 12, 30) + timedelta(days=int(head))).isoformat()
    return text
