"""The first sheet of an uploaded .xlsx as rows of cell texts, read with openpyxl in read-only mode.

Every XML part goes through defusedxml: openpyxl streams worksheets and shared strings with
defusedxml's iterparse (entities refused), but parses the small parts (workbook, relationships,
styles) with lxml when lxml is installed (python-docx brings it), so those are parsed here first with
defusedxml and DTDs forbidden. Before that the unpacked size is checked (zip bombs). Cells come back as text: dates as ISO dates, whole numbers without ".0"; Excel date
serials typed into text-formatted date columns stay numbers, and the caller, which knows which
columns hold dates, converts them (`excel_serial_date`).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

MAX_UNPACKED_BYTES = 200 * 1024 * 1024


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


STREAMED_PARTS = ("xl/worksheets/", "xl/sharedStrings.xml")  # parsed by defusedxml.iterparse in openpyxl


def _check_parts(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if sum(i.file_size for i in archive.infolist()) > MAX_UNPACKED_BYTES:
            raise BadSheet("文件解压后过大")
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")) and not name.startswith(STREAMED_PARTS):
                try:
                    SafeET.fromstring(archive.read(name), forbid_dtd=True)
                except DefusedXmlException as exc:
                    raise BadSheet("文件含有 DTD 或实体声明，出于安全原因拒绝读取") from exc


def iter_rows(data: bytes) -> Iterator[list[str]]:
    try:
        _check_parts(data)
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ParseError, DefusedXmlException, InvalidFileException, OSError,
            ValueError) as exc:
        if isinstance(exc, BadSheet):
            raise
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
