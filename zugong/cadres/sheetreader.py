"""The first sheet of an uploaded .xlsx as rows of cell texts, read with openpyxl in read-only mode.

`zugong.core.xlsxguard` checks the file first (unpacked size; every XML part through defusedxml).
Cells come back as text: dates as ISO dates, whole numbers without ".0"; Excel date serials typed
into text-formatted date columns stay numbers, and the caller, which knows which columns hold dates,
converts them (`excel_serial_date`).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from zugong.core.xlsxguard import UnsafeWorkbook, guard_xlsx


class BadSheet(ValueError):
    """The file is not a readable .xlsx workbook."""


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def iter_rows(data: bytes) -> Iterator[list[str]]:
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
        for values in book.worksheets[0].iter_rows(values_only=True):
            yield [cell_text(v) for v in values]
    except (KeyError, ParseError, DefusedXmlException, zipfile.BadZipFile) as exc:
        raise BadSheet("不是有效的 .xlsx 文件") from exc
    finally:
        book.close()


def excel_serial_date(text: str) -> str:
    """`29221` (an Excel day number, five digits) → `1980-01-01`; other text (`1980.01`, `198001`) unchanged."""
    head, _, fraction = text.partition(".")
    if head.isdigit() and len(head) == 5 and (not fraction or fraction.isdigit()):  # 1927-05-19 … 2173
        return (date(1899, 12, 30) + timedelta(days=int(head))).isoformat()
    return text
