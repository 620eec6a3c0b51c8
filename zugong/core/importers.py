"""`zugong import-orgs`: org units from an .xlsx or .csv file with Chinese headers, all or nothing.

Columns: 名称, 类型 (a Chinese label such as 乡镇（街道） or 乡镇, or a code such as township), 区划代码,
上级区划代码 or 上级名称, 简称, 生效日期, 排序. Parents may come earlier or later in the file, or exist in
the database already. Every problem is reported with its row (as numbered in the spreadsheet, header
= row 1), the column and a Chinese message; if there is any, nothing is saved.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from openpyxl.utils.exceptions import InvalidFileException

from zugong.core.audit import audit_record
from zugong.core.models import OrgKind, OrgUnit
from zugong.core.services import Actor, org_unit_create
from zugong.core.xlsxguard import (
    UnsafeWorkbook,
    bounded_rows,
    guard_xlsx,
    import_max_rows,
    too_many_rows_message,
)

HEADERS = {
    "名称": "name", "类型": "kind", "区划代码": "code", "上级区划代码": "parent_code", "上级名称": "parent_name",
    "简称": "short_name", "生效日期": "valid_from", "排序": "sort_order",
}
REQUIRED_HEADERS = ("名称", "类型")
# Short forms people type besides the exact labels of OrgKind.
KIND_ALIASES = {
    "县": OrgKind.COUNTY, "县（市、区）": OrgKind.COUNTY, "区": OrgKind.COUNTY, "县级市": OrgKind.COUNTY,
    "乡镇": OrgKind.TOWNSHIP, "乡": OrgKind.TOWNSHIP, "镇": OrgKind.TOWNSHIP, "街道": OrgKind.TOWNSHIP,
    "地级市": OrgKind.CITY, "州": OrgKind.CITY, "行政村": OrgKind.VILLAGE, "党组": OrgKind.PARTY_COMMITTEE,
}


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"第 {self.row} 行" if self.row else "文件"
        return f"{where}［{self.field}］：{self.message}"


class OrgImportFailed(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"导入失败，共 {len(errors)} 处错误")
        self.errors = errors


@dataclass
class OrgRow:
    row: int
    name: str
    kind: str
    code: str | None
    parent_code: str | None
    parent_name: str | None
    short_name: str
    valid_from: date | None
    sort_order: int
    parent_row: OrgRow | None = None
    parent_unit: OrgUnit | None = None
    children: list[OrgRow] = field(default_factory=list)


@dataclass(frozen=True)
class ImportReport:
    created: int
    dry_run: bool
    by_kind: dict[str, int]


def kind_lookup() -> dict[str, str]:
    table: dict[str, str] = {str(label): value for value, label in OrgKind.choices}
    table.update({value: value for value in OrgKind.values})
    table.update({alias: kind.value for alias, kind in KIND_ALIASES.items()})
    return table


# ---------------------------------------------------------------- reading


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a code typed as a number in Excel
    return str(value).strip()


def _read_csv(data: bytes) -> list[list[Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030")  # Excel on Chinese Windows saves CSV in GBK
    return list(csv.reader(io.StringIO(text)))


def _read_xlsx(path: Path) -> list[list[Any]]:
    from openpyxl import load_workbook

    data = path.read_bytes()
    try:
        guard_xlsx(data)
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except UnsafeWorkbook as exc:
        raise OrgImportFailed([RowError(0, "文件", str(exc))]) from exc
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise OrgImportFailed([RowError(0, "文件", "不是有效的 .xlsx 文件")]) from exc
    try:
        return _bounded_table(workbook.worksheets[0], import_max_rows())
    finally:
        workbook.close()


def _bounded_table(sheet: Any, limit: int) -> list[list[Any]]:
    """The header row, then data rows only as wide as the header (at most `limit` + 1 of them, which
    `parse_rows` refuses): the sheet's declared dimension is ignored (`xlsxguard.bounded_rows`)."""
    first = next(bounded_rows(sheet), None)
    if first is None:
        return []
    header = [cell.value for cell in first[1]]
    width = max((i + 1 for i, value in enumerate(header) if value is not None), default=1)
    rows = [header[:width]]
    for _number, cells in bounded_rows(sheet, max_col=width, min_row=2):
        rows.append([cell.value for cell in cells])
        if len(rows) > limit + 1:
            break
    return rows


def read_table(path: Path) -> list[list[Any]]:
    limit = int(settings.ZUGONG_MAX_UPLOAD_BYTES)
    size = path.stat().st_size
    if size > limit:
        raise OrgImportFailed([RowError(0, "文件", f"文件过大（{size} 字节），上限为 {limit} 字节")])
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path.read_bytes())
    if suffix == ".xlsx":
        return _read_xlsx(path)
    raise OrgImportFailed([RowError(0, "文件", f"不支持的文件类型“{path.suffix}”，请使用 .xlsx 或 .csv")])


# ---------------------------------------------------------------- parsing


def _parse_date(raw: Any, row: int, errors: list[RowError]) -> date | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = _cell_text(raw).replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.append(RowError(row, "生效日期", f"“{_cell_text(raw)}”不是有效日期，应为 2024-01-31 这样的格式"))
        return None


def _parse_int(raw: Any, row: int, errors: list[RowError]) -> int:
    text = _cell_text(raw)
    if not text:
        return 0
    try:
        return int(text)
    except ValueError:
        errors.append(RowError(row, "排序", f"“{text}”不是整数"))
        return 0


def _header_map(header: list[Any]) -> tuple[dict[str, int], list[RowError]]:
    columns = {_cell_text(name): index for index, name in enumerate(header) if _cell_text(name)}
    errors = [RowError(1, name, f"缺少“{name}”列") for name in REQUIRED_HEADERS if name not in columns]
    if "上级区划代码" not in columns and "上级名称" not in columns:
        errors.append(RowError(1, "上级区划代码", "缺少“上级区划代码”或“上级名称”列"))
    unknown = [name for name in columns if name not in HEADERS]
    errors.extend(RowError(1, name, f"无法识别的列“{name}”") for name in unknown)
    return {HEADERS[name]: index for name, index in columns.items() if name in HEADERS}, errors


def _parse_row(number: int, values: list[Any], columns: dict[str, int], kinds: dict[str, str],
               errors: list[RowError]) -> OrgRow:
    def get(key: str) -> Any:
        index = columns.get(key)
        return values[index] if index is not None and index < len(values) else None

    name = _cell_text(get("name"))
    if not name:
        errors.append(RowError(number, "名称", "名称不能为空"))
    kind_text = _cell_text(get("kind"))
    kind = kinds.get(kind_text, "")
    if not kind:
        shown = "、".join(str(label) for _, label in OrgKind.choices)
        errors.append(RowError(number, "类型", f"类型“{kind_text}”无效，可选：{shown}"))
    return OrgRow(
        row=number, name=name, kind=kind, code=_cell_text(get("code")) or None,
        parent_code=_cell_text(get("parent_code")) or None, parent_name=_cell_text(get("parent_name")) or None,
        short_name=_cell_text(get("short_name")), valid_from=_parse_date(get("valid_from"), number, errors),
        sort_order=_parse_int(get("sort_order"), number, errors),
    )


def parse_rows(table: list[list[Any]]) -> tuple[list[OrgRow], list[RowError]]:
    if not table:
        return [], [RowError(0, "文件", "文件是空的")]
    columns, errors = _header_map(table[0])
    if errors:
        return [], errors
    if len(table) - 1 > import_max_rows():
        return [], [RowError(0, "文件", too_many_rows_message(import_max_rows()))]
    kinds = kind_lookup()
    rows = [_parse_row(number, values, columns, kinds, errors)
            for number, values in enumerate(table[1:], start=2)
            if any(_cell_text(v) for v in values)]
    return rows, errors


# ---------------------------------------------------------------- checking


def _check_codes(rows: list[OrgRow], errors: list[RowError]) -> dict[str, OrgRow]:
    by_code: dict[str, OrgRow] = {}
    for row in rows:
        if row.code is None:
            continue
        if row.code in by_code:
            errors.append(RowError(row.row, "区划代码", f"区划代码 {row.code} 与第 {by_code[row.code].row} 行重复"))
        else:
            by_code[row.code] = row
    existing = set(OrgUnit.objects.filter(division_code__in=list(by_code)).values_list("division_code", flat=True))
    for code in sorted(c for c in existing if c is not None):
        errors.append(RowError(by_code[code].row, "区划代码", f"区划代码 {code} 已存在于系统中"))
    return by_code


def _resolve_by_code(row: OrgRow, by_code: dict[str, OrgRow], errors: list[RowError]) -> None:
    code = row.parent_code or ""
    if code in by_code:
        row.parent_row = by_code[code]
        return
    unit = OrgUnit.objects.filter(division_code=code).order_by("depth").first()
    if unit is None:
        errors.append(RowError(row.row, "上级区划代码", f"上级区划代码 {code} 既不在本文件中，也不在系统中"))
    row.parent_unit = unit


def _resolve_by_name(row: OrgRow, by_name: dict[str, list[OrgRow]], errors: list[RowError]) -> None:
    name = row.parent_name or ""
    in_file = by_name.get(name, [])
    if len(in_file) > 1:
        rows = "、".join(str(r.row) for r in in_file)
        errors.append(RowError(row.row, "上级名称", f"上级名称“{name}”在本文件中出现多次（第 {rows} 行），请改用上级区划代码"))
        return
    if in_file:
        row.parent_row = in_file[0]
        return
    units = list(OrgUnit.objects.filter(name=name)[:2])
    if len(units) != 1:
        problem = "在系统中有多个同名组织，请改用上级区划代码" if units else "既不在本文件中，也不在系统中"
        errors.append(RowError(row.row, "上级名称", f"上级名称“{name}”{problem}"))
        return
    row.parent_unit = units[0]


def _resolve_parents(rows: list[OrgRow], by_code: dict[str, OrgRow], errors: list[RowError]) -> None:
    by_name: dict[str, list[OrgRow]] = {}
    for row in rows:
        by_name.setdefault(row.name, []).append(row)
    for row in rows:
        if row.parent_code:
            _resolve_by_code(row, by_code, errors)
        elif row.parent_name:
            _resolve_by_name(row, by_name, errors)
        elif row.kind and row.kind != OrgKind.PROVINCE:
            errors.append(RowError(row.row, "上级区划代码", "只有省级组织可以没有上级，请填写上级区划代码或上级名称"))
        if row.parent_row is row:
            errors.append(RowError(row.row, "上级区划代码", "组织不能以自己为上级"))
            row.parent_row = None
        if row.parent_row is not None:
            row.parent_row.children.append(row)


def topological_order(rows: list[OrgRow], errors: list[RowError]) -> list[OrgRow]:
    """Parents before children, file order among siblings; rows caught in a cycle are errors."""
    ordered: list[OrgRow] = []
    stack = [row for row in reversed(rows) if row.parent_row is None]
    while stack:
        row = stack.pop()
        ordered.append(row)
        stack.extend(reversed(row.children))
    placed = {id(row) for row in ordered}
    for row in rows:
        if id(row) not in placed:
            errors.append(RowError(row.row, "上级区划代码", "上级关系形成循环"))
    return ordered


def check(rows: list[OrgRow], errors: list[RowError]) -> list[OrgRow]:
    by_code = _check_codes(rows, errors)
    _resolve_parents(rows, by_code, errors)
    return topological_order(rows, errors)


# ---------------------------------------------------------------- saving


def _save(ordered: Iterable[OrgRow], actor: Actor) -> Iterator[OrgUnit]:
    created: dict[int, OrgUnit] = {}
    for row in ordered:
        parent = created[id(row.parent_row)] if row.parent_row is not None else row.parent_unit
        unit = org_unit_create(actor=actor, kind=row.kind, name=row.name, parent=parent, short_name=row.short_name,
                               division_code=row.code, valid_from=row.valid_from, sort_order=row.sort_order)
        created[id(row)] = unit
        yield unit


def import_org_units(path: Path, *, actor: Actor = None, dry_run: bool = False) -> ImportReport:
    """Validate the whole file, then create every unit in one transaction (or none).

    A dry run does the same work and rolls it back, so it finds exactly what a real run would.
    """
    rows, errors = parse_rows(read_table(path))
    if errors:
        raise OrgImportFailed(errors)
    ordered = check(rows, errors)
    if errors:
        raise OrgImportFailed(sorted(errors, key=lambda e: (e.row, e.field)))
    by_kind: dict[str, int] = {}
    with transaction.atomic():
        for unit in _save(ordered, actor):
            by_kind[unit.kind] = by_kind.get(unit.kind, 0) + 1
        audit_record(actor=actor, action="core.org_unit_import", object_type="file", object_id=path.name[:64],
                     summary={"rows": len(ordered), "by_kind": by_kind, "dry_run": dry_run})
        if dry_run:
            transaction.set_rollback(True)
    return ImportReport(created=len(ordered), dry_run=dry_run, by_kind=by_kind)
