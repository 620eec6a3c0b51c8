"""Checks an uploaded .xlsx before openpyxl opens it: unpacked size, and no DTD in any XML part.

openpyxl streams worksheets and shared strings with defusedxml's iterparse (entities refused), but
parses the small parts (workbook, relationships, styles, content types) with lxml when lxml is
installed, which python-docx brings. Those parts are parsed here first with defusedxml and DTDs
forbidden, so every uploaded XML goes through defusedxml.
"""

from __future__ import annotations

import io
import zipfile
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

MAX_UNPACKED_BYTES = 200 * 1024 * 1024
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
