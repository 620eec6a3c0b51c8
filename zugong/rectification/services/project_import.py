"""The project register from Excel (项目台账导入): the export's columns (`export.PROJECT_HEADERS`) read back, found by
their header in the first row, so an exported register imports again; the columns that say where an item stands
(状态, 下一时限, …) are not imported — every new item is registered 待发布 and published on its page.

A row whose 编号 (the export's last column) names an item of the issuing unit **updates** that item instead: its
title, lead unit, leader, responsible person and measures through `project_editing.project_update` (audited with the
values before and after, the reason naming the file); a row that changes nothing is counted as unchanged; dates,
milestones, kind and status are not changed by an import (a 开始日期 / 完成时限 / 节点 that differ are flagged: dates
are moved on the item's page, with a reason). A 编号 that is not an item of the issuing unit is refused.

The file goes through core's upload check (`attachment_check`: size limit, content) and must be an .xlsx; its
XML is guarded (`core.xlsxguard`) and openpyxl reads it read-only, at most `MAX_ROWS` items. Each row is registered
by `project_register` in its own savepoint: a row is stored whole or not at all. A row is refused when it cannot be
stored (no name, a lead unit not under the issuing unit, a date that is not a date, a milestone outside the dates,
an item already in the register), named by file, row and field in Chinese; what can be stored but does not agree
(another issuing unit named, an unknown 类别, a 状态 other than 待发布) is stored and flagged."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from openpyxl import load_workbook

from zugong.core.attachments import attachment_check
from zugong.core.audit import audit_record
from zugong.core.errors import DomainError, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import OrgUnit
from zugong.core.permissions import Actor, require
from zugong.core.xlsxguard import UnsafeWorkbook, bounded_rows, guard_xlsx
from zugong.rectification.models import MilestoneKind, Project, ProjectKind, ProjectStatus
from zugong.rectification.services.project_editing import NOTHING_CHANGED, project_update
from zugong.rectification.services.projects import project_register

MAX_ROWS = 500
REQUIRED = ("项目名称", "牵头单位", "责任领导", "责任人", "工作措施", "开始日期", "完成时限")
# the service's field → the column a refusal names
_COLUMN_OF_FIELD = {"title": "项目名称", "kind": "类别", "lead_unit": "牵头单位", "leader": "责任领导",
                    "responsible_person": "责任人", "measures": "工作措施", "starts_on": "开始日期",
                    "deadline": "完成时限", "milestones": "节点", "reason": "编号"}
_KIND_BY_LABEL = {str(label): value for value, label in ProjectKind.choices}


@dataclass
class ProjectImportResult:
    file_name: str
    added: list[Project] = field(default_factory=list)
    updated: list[Project] = field(default_factory=list)
    unchanged: list[Project] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class _RowRefused(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column, self.message = column, message


def _cell_text(value: object) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value).strip()


def _read(name: str, data: bytes) -> tuple[dict[str, int], list[tuple[int, tuple[object, ...]]]]:
    """(column index by header, [(row number, values)]) of the first sheet."""
    try:
        guard_xlsx(data)
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (UnsafeWorkbook, OSError, KeyError, ValueError) as exc:
        raise ValidationFailed(f"{name}：无法读取该 Excel 文件（{exc}）", field="workbook") from exc
    try:
        rows = [(number, tuple(cell.value for cell in cells)) for number, cells in
                bounded_rows(book.worksheets[0], max_col=len(_COLUMN_OF_FIELD) + 10)]
    finally:
        book.close()
    if not rows:
        raise ValidationFailed(f"{name}：工作表是空的", field="workbook")
    headers = {_cell_text(v): i for i, v in enumerate(rows[0][1]) if _cell_text(v)}
    missing = [h for h in REQUIRED if h not in headers]
    if missing:
        raise ValidationFailed(f"{name}：第 1 行缺少列“{'”“'.join(missing)}”（请使用导出的项目台账格式）",
                               field="workbook")
    items = [(n, values) for n, values in rows[1:] if any(_cell_text(v) for v in values)]
    if len(items) > MAX_ROWS:
        raise ValidationFailed(f"{name}：一次最多导入 {MAX_ROWS} 个项目，本文件有 {len(items)} 个", field="workbook")
    return headers, items


def _day(text: str, column: str) -> date:
    try:
        return date.fromisoformat(text.replace("/", "-").replace(".", "-")[:10])
    except ValueError:
        raise _RowRefused(column, f"“{column}”{text or '（空）'}不是日期，应写作 2027-03-31") from None


def _milestones(text: str) -> list[tuple[str, date]]:
    rows: list[tuple[str, date]] = []
    for line in (line.strip() for line in text.splitlines()):
        if not line:
            continue
        due, _sep, title = line.partition(" ")
        if not title.strip():
            raise _RowRefused("节点", f"“节点”{line}应写作“日期 名称”，如 2027-03-31 完成验收")
        rows.append((title.strip(), _day(due, "节点")))
    return rows


class _Row:
    def __init__(self, headers: dict[str, int], values: Sequence[object]) -> None:
        self.headers, self.values = headers, values

    def __getitem__(self, column: str) -> str:
        index = self.headers.get(column)
        return _cell_text(self.values[index]) if index is not None and index < len(self.values) else ""


def _register_row(*, actor: Actor, jurisdiction: Jurisdiction, issuing_unit: OrgUnit, row: _Row,
                  units: dict[str, OrgUnit], warn: list[str]) -> Project:
    title = row["项目名称"]
    if not title:
        raise _RowRefused("项目名称", "“项目名称”为空")
    if Project.objects.filter(issuing_unit=issuing_unit, title=title).exists():
        raise _RowRefused("项目名称", f"“项目名称”{title}已在{issuing_unit.name}的项目台账中，未重复导入")
    lead = units.get(row["牵头单位"])
    if lead is None:
        raise _RowRefused("牵头单位", f"“牵头单位”{row['牵头单位'] or '（空）'}不在{issuing_unit.name}范围内")
    kind = _KIND_BY_LABEL.get(row["类别"])
    if kind is None:
        kind = ProjectKind.PROJECT
        warn.append(f"“类别”{row['类别'] or '（空）'}不是项目或重点任务，按项目导入")
    if row["发布单位"] and row["发布单位"] != issuing_unit.name:
        warn.append(f"“发布单位”{row['发布单位']}与导入时选择的{issuing_unit.name}不同，按{issuing_unit.name}导入")
    if row["状态"] and row["状态"] != str(ProjectStatus.DRAFT.label):
        warn.append(f"“状态”为{row['状态']}，导入后为待发布，请核对后在项目页发布")
    return project_register(
        actor=actor, jurisdiction=jurisdiction, title=title, kind=kind, issuing_unit=issuing_unit, lead_unit=lead,
        leader=row["责任领导"], responsible_person=row["责任人"], measures=row["工作措施"],
        starts_on=_day(row["开始日期"], "开始日期"), deadline=_day(row["完成时限"], "完成时限"),
        milestones=_milestones(row["节点"]))


def _number(row: _Row) -> int | None:
    text = row["编号"].removesuffix(".0")
    if not text:
        return None
    if not text.isdigit() or len(text) > 9:
        raise _RowRefused("编号", f"“编号”{text}不是项目编号（导出的项目台账最后一列）")
    return int(text)


def _dates_differ(project: Project, row: _Row) -> bool:
    milestones = sorted((m.due.isoformat(), m.title) for m in project.milestones.all() if m.kind == MilestoneKind.MILESTONE)
    given = sorted((due.isoformat(), title) for title, due in _milestones(row["节点"]))
    return (_day(row["开始日期"], "开始日期") != project.starts_on or _day(row["完成时限"], "完成时限") != project.deadline
            or given != milestones)


def _update_row(*, actor: Actor, jurisdiction: Jurisdiction, project: Project, row: _Row, units: dict[str, OrgUnit],
                file_name: str, warn: list[str]) -> bool:
    """Update an item already in the register from its row; False when the row changes nothing."""
    lead = units.get(row["牵头单位"])
    if lead is None:
        raise _RowRefused("牵头单位", f"“牵头单位”{row['牵头单位'] or '（空）'}不在{project.issuing_unit.name}范围内")
    if _dates_differ(project, row):
        warn.append(f"编号 {project.pk}：开始日期、完成时限或节点与台账不同，导入不修改时限，请在项目页修改")
    try:
        project_update(actor=actor, jurisdiction=jurisdiction, project_id=project.pk, title=row["项目名称"],
                       leader=row["责任领导"], responsible_person=row["责任人"], measures=row["工作措施"],
                       lead_unit=lead, reason=f"按导入的项目台账更新（{file_name}）")
    except ValidationFailed as exc:
        if exc.message == NOTHING_CHANGED:
            return False
        raise
    return True


@transaction.atomic
def project_register_import(
    *, actor: Actor, jurisdiction: Jurisdiction, issuing_unit: OrgUnit, upload: UploadedFile[bytes],
) -> ProjectImportResult:
    """Register the rows of an uploaded register as items of `issuing_unit` (待发布); see the module's doc."""
    require(jurisdiction, "rectification.project_manage", issuing_unit)
    checked = attachment_check(upload)
    if checked.kind != "xlsx":
        raise ValidationFailed(f"{checked.name}：不是 Excel（.xlsx）文件，请上传导出的项目台账格式", field="workbook")
    headers, items = _read(checked.name, checked.data)
    units = {u.name: u for u in OrgUnit.objects.filter(path__startswith=issuing_unit.path)}
    result = ProjectImportResult(checked.name)
    existing = {p.pk: p for p in Project.objects.filter(issuing_unit=issuing_unit).select_related("issuing_unit")
                .prefetch_related("milestones")}
    for number, values in items:
        warnings: list[str] = []
        row = _Row(headers, values)
        try:
            with transaction.atomic():  # one savepoint per row: stored whole or not at all
                code = _number(row)
                if code is not None:
                    project = existing.get(code)  # type: ignore[assignment]
                    if project is None:
                        raise _RowRefused("编号", f"“编号”{code}不是{issuing_unit.name}项目台账中的项目")
                    changed = _update_row(actor=actor, jurisdiction=jurisdiction, project=project, row=row,
                                          units=units, file_name=checked.name, warn=warnings)
                    (result.updated if changed else result.unchanged).append(project)
                    result.warnings += [f"{checked.name} 第 {number} 行：{w}" for w in warnings]
                    continue
                project = _register_row(actor=actor, jurisdiction=jurisdiction, issuing_unit=issuing_unit,
                                        row=row, units=units, warn=warnings)
        except _RowRefused as exc:
            result.refused.append(f"{checked.name} 第 {number} 行：{exc.message}")
            continue
        except DomainError as exc:
            column = _COLUMN_OF_FIELD.get(exc.field or "", "")
            result.refused.append(f"{checked.name} 第 {number} 行：" + (f"“{column}”{exc.message}" if column
                                                                        else exc.message))
            continue
        result.added.append(project)
        result.warnings += [f"{checked.name} 第 {number} 行：{w}" for w in warnings]
    audit_record(actor=actor, action="rectification.project_import", obj=issuing_unit, org_unit=issuing_unit,
                 summary=_summary(result))
    return result


def _summary(result: ProjectImportResult) -> dict[str, Any]:
    return {"file": result.file_name, "added": [p.pk for p in result.added], "updated": [p.pk for p in result.updated],
            "unchanged": len(result.unchanged), "refused": result.refused[:50],
            "refused_count": len(result.refused), "warnings": result.warnings[:50]}
