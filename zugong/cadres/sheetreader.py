"""A small streaming reader for the first sheet of an .xlsx file: rows of cell texts.

openpyxl's general reader spends most of an import in per-cell bookkeeping (styles, types) that a
one-sheet template does not need; this reads the sheet XML and the shared strings directly (through
defusedxml) and is several times faster. Excel date serials are returned as numbers; the caller knows
which columns hold dates (`excel_serial_date`).
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator
from datetime import date, timedelta
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
MAX_UNPACKED_BYTES = 200 * 1024 * 1024


class BadSheet(ValueError):
    """The file is not a readable .xlsx workbook."""


def _text(node: Element) -> str:
    return "".join(t.text or "" for t in node.iter(f"{NS}t"))


def _column(ref: str) -> int:
    index = 0
    for char in ref:
        if not char.isalpha():
            break
        index = index * 26 + ord(char.upper()) - 64
    return index - 1


def _first_sheet_path(archive: zipfile.ZipFile) -> str:
    workbook = SafeET.fromstring(archive.read("xl/workbook.xml"), forbid_dtd=True)
    sheet = workbook.find(f"{NS}sheets/{NS}sheet")
    if sheet is None:
        raise BadSheet("工作簿中没有工作表")
    rel_id = sheet.get(f"{REL_NS}id")
    rels = SafeET.fromstring(archive.read("xl/_rels/workbook.xml.rels"), forbid_dtd=True)
    for rel in rels.iter(f"{PKG_REL_NS}Relationship"):
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    raise BadSheet("找不到第一个工作表")


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    root = SafeET.fromstring(archive.read("xl/sharedStrings.xml"), forbid_dtd=True)
    return [_text(item) for item in root.iter(f"{NS}si")]


def _cell(cell: Element, strings: list[str]) -> str:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        return _text(cell)
    value = cell.find(f"{NS}v")
    raw = (value.text or "") if value is not None else ""
    if kind == "s":
        return strings[int(raw)] if raw.isdigit() and int(raw) < len(strings) else ""
    if kind == "b":
        return "TRUE" if raw == "1" else "FALSE"
    if kind == "n" and raw.endswith(".0"):
        return raw[:-2]
    return raw


def iter_rows(data: bytes) -> Iterator[list[str]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        if sum(i.file_size for i in archive.infolist()) > MAX_UNPACKED_BYTES:
            raise BadSheet("文件解压后过大")
        strings = _shared_strings(archive)
        with archive.open(_first_sheet_path(archive)) as sheet:
            for _event, node in SafeET.iterparse(sheet, events=("end",), forbid_dtd=True):
                if node.tag != f"{NS}row":
                    continue
                row: list[str] = []
                for cell in node.iter(f"{NS}c"):
                    column = _column(cell.get("r", "")) if cell.get("r") else len(row)
                    row.extend([""] * (column - len(row)))
                    row.append(_cell(cell, strings).strip())
                node.clear()
                yield row
    except (zipfile.BadZipFile, KeyError, ParseError, DefusedXmlException, ValueError) as exc:
        if isinstance(exc, BadSheet):
            raise
        raise BadSheet("不是有效的 .xlsx 文件") from exc


def excel_serial_date(text: str) -> str:
    """`29221` (an Excel day number, five digits) → `1980-01-01`; other text (`1980.01`, `198001`) unchanged."""
    head, _, fraction = text.partition(".")
    if head.isdigit() and len(head) == 5 and (not fraction or fraction.isdigit()):  # 1927-05-19 … 2173
        return (date(1899, 12, 30) + timedelta(days=int(head))).isoformat()
    return text
