"""A problem list from Excel (the 23-item 巡视 list is the typical one) and back to Excel.

The workbook is guarded (`core.xlsxguard`: size, no DTD) before openpyxl opens it read-only. A row is
refused only when it cannot be stored (no description, a unit outside the list's owner unit), naming the
row and the field; an unknown severity is stored as 一般 with a warning."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from zipfile import BadZipFile

from django.db import transaction
from openpyxl import load_workbook

from zugong.core.errors import ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import OrgUnit
from zugong.core.permissions import Actor
from zugong.core.xlsxguard import UnsafeWorkbook, guard_xlsx
from zugong.rectification.models import ProblemList, Severity
from zugong.rectification.services.problems import problem_add, problem_list_create

MAX_ROWS = 2000
HEADERS = ("序号", "问题描述", "严重程度", "责任单位", "责任人")
_SEVERITY_BY_LABEL = {str(label): value for value, label in Severity.choices}


@dataclass
class ImportResult:
    problem_list: ProblemList
    added: int = 0
    refused: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _rows(data: bytes) -> list[tuple[object, ...]]:
    try:
        guard_xlsx(data)
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (UnsafeWorkbook, BadZipFile, KeyError, OSError) as exc:
        raise ValidationFailed(f"无法读取该 Excel 文件：{exc}", field="workbook") from exc
    try:
        sheet = book.worksheets[0]
        rows: list[tuple[object, ...]] = [tuple(row) for row in sheet.iter_rows(min_row=2, max_row=MAX_ROWS + 2, values_only=True)]
    finally:
        book.close()
    if len(rows) > MAX_ROWS:
        raise ValidationFailed(f"一次最多导入 {MAX_ROWS} 个问题", field="workbook")
    return rows


def _text(row: tuple[object, ...], index: int) -> str:
    value = row[index] if index < len(row) else None
    return "" if value is None else str(value).strip()


@transaction.atomic
def problem_list_import(
    *, actor: Actor, jurisdiction: Jurisdiction, title: str, source: str, issuing_unit: OrgUnit,
    owner_unit: OrgUnit, issued_on: date, owner_person: str, data: bytes,
) -> ImportResult:
    rows = _rows(data)
    problem_list = problem_list_create(actor=actor, jurisdiction=jurisdiction, title=title, source=source,
                                       issuing_unit=issuing_unit, owner_unit=owner_unit, issued_on=issued_on,
                                       owner_person=owner_person)
    units = {u.name: u for u in OrgUnit.objects.filter(path__startswith=owner_unit.path)}
    result = ImportResult(problem_list)
    for number, row in enumerate(rows, start=2):
        if not any(_text(row, i) for i in range(len(HEADERS))):
            continue
        description = _text(row, 1)
        if not description:
            result.refused.append(f"第 {number} 行：“问题描述”为空")
            continue
        unit_name = _text(row, 3)
        unit = units.get(unit_name) if unit_name else owner_unit
        if unit is None:
            result.refused.append(f"第 {number} 行：“责任单位”{unit_name}不在{owner_unit.name}范围内")
            continue
        severity = _SEVERITY_BY_LABEL.get(_text(row, 2), Severity.GENERAL)
        if _text(row, 2) and _text(row, 2) not in _SEVERITY_BY_LABEL:
            result.warnings.append(f"第 {number} 行：“严重程度”{_text(row, 2)}不是一般、较重或严重，按一般导入")
        problem_add(actor=actor, jurisdiction=jurisdiction, list_id=problem_list.pk, description=description[:5000],
                    severity=severity, responsible_person=_text(row, 4)[:100], org_unit=unit)
        result.added += 1
    return result

