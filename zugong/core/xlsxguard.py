"""Checks an uploaded .xlsx before openpyxl opens it (unpacked size, no DTD in any XML part), and reads
its rows with bounded work (`bounded_rows`).

openpyxl streams worksheets and shared strings with defusedxml's iterparse (entities refused), but
parses the small parts (workbook, relationships, styles, content types) with lxml when lxml is
installed, which python-docx brings. Those parts are parsed here first with defusedxml and DTDs
forbidden, so every uploaded XML goes through defusedxml.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from django.conf import settings

MAX_UNPACKED_BYTES = 200 * 1024 * 1024
# No sheet an import reads has this many columns; cells further right are never read.
MAX_COLUMNS = 200
# This many empty rows in a row end the sheet: rows that only carry formatting (a whole sheet formatted
# down to row 1048576) cost nothing then.
EMPTY_ROWS_END = 1000
STREAMED_PARTS = ("xl/worksheets/", "xl/sharedStrings.xml")  # parsed by defusedxml.iterparse in openpyxl


class UnsafeWorkbook(ValueError):
    """The file is not a readable workbook or is refused for safety (message in Chinese)."""


def guard_xlsx(data: bytes) -> None:
    guard_ooxml(data, streamed=STREAMED_PARTS, what=".xlsx")


def guard_ooxml(data: bytes, *, streamed: tuple[str, ...] = (), what: str = "Office") -> None:
    """Any Office Open XML package (.xlsx, .docx): unpacked size, and every XML part not in `streamed`
    parsed with defusedxml, DTDs forbidden."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(i.file_size for i in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise UnsafeWorkbook("文件解压后过大")
            for name in archive.namelist():
                if name.endswith((".xml", ".rels")) and not name.startswith(streamed):
                    SafeET.fromstring(archive.read(name), forbid_dtd=True)
    except DefusedXmlException as exc:
        raise UnsafeWorkbook("文件含有 DTD 或实体声明，出于安全原因拒绝读取") from exc
    except (zipfile.BadZipFile, ParseError, KeyError) as exc:
        raise UnsafeWorkbook(f"不是有效的 {what} 文件") from exc


def import_max_rows() -> int:
    """Rows (records) one import may hold: `ZUGONG_IMPORT_MAX_ROWS`, 50,000 by default."""
    return int(getattr(settings, "ZUGONG_IMPORT_MAX_ROWS", 50_000))


def too_many_rows_message(limit: int) -> str:
    return f"一次导入最多 {limit} 行（条），本次超过上限；请拆分为多个文件分批导入"


def bounded_rows(sheet: Any, *, max_col: int = MAX_COLUMNS, min_row: int = 1,
                 empty_rows_end: int = EMPTY_ROWS_END) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(row number, cells) of a read-only openpyxl worksheet, at most `max_col` cells each, as the rows
    are really present in the file.

    The sheet's declared `<dimension>` is ignored: `A1:XFD3000` would otherwise make openpyxl pad every
    row to 16,384 cells (a 5 KB file costing seconds, a larger one minutes). Rows missing from the file
    between present ones come back empty; `empty_rows_end` empty rows in a row end the sheet.
    """
    sheet.reset_dimensions()
    empty = 0
    for number, cells in enumerate(sheet.iter_rows(min_row=min_row, max_col=max_col), start=min_row):
        if any(cell.value is not None for cell in cells):
            empty = 0
        else:
            empty += 1
            if empty >= empty_rows_end:
                return
        yield number, cells
