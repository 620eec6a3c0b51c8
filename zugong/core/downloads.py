"""File responses every app sends: one content-type table, one safe Content-Disposition, and the one way
an .xlsx export writes a row (user text as text, never a formula)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

CONTENT_TYPES: Final = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "zip": "application/zip",
    "xml": "application/xml",
    "lrmx": "application/xml",
}
XLSX: Final = CONTENT_TYPES["xlsx"]


def download(body: bytes, filename: str) -> HttpResponse:
    """An attachment named `filename` (any language: RFC 6266 `filename*`), typed by its extension."""
    extension = filename.rsplit(".", 1)[-1].lower()
    response = HttpResponse(body, content_type=CONTENT_TYPES.get(extension, "application/octet-stream"))
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename, safe='')}"
    return response


# Text a spreadsheet would run as a formula (or DDE) when it is the first character (OWASP CSV injection).
FORMULA_LEADS: Final = ("=", "+", "-", "@", "\t", "\r")


def xlsx_cell(sheet: Worksheet | WriteOnlyWorksheet, value: object) -> object:
    """`value` as an openpyxl cell value; a string becomes a text cell, never a formula.

    openpyxl turns a string starting with `=` into a formula; here every string is written as a string
    (`data_type` "s"), keeping its text exactly (an exported roster imports back unchanged), and one that
    starts like a formula is also marked quote-prefixed, so Excel keeps it text when someone edits it."""
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet)  # a detached cell: both sheet kinds take it in `append`
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.data_type = "s"
    if value.startswith(FORMULA_LEADS):
        cell.quotePrefix = True
    return cell


def xlsx_append(sheet: Worksheet | WriteOnlyWorksheet, values: Iterable[object]) -> None:
    """Append one row, every string as text (see `xlsx_cell`): how every export writes a row."""
    sheet.append([xlsx_cell(sheet, value) for value in values])
