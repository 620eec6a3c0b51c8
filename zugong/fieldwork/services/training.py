"""Training records (R30): one added by hand, or many imported from Excel; the classes the org department
runs itself (示范班, 研讨班).

The workbook is guarded (`core.xlsxguard`) and read with openpyxl read-only through `bounded_rows`. A
row is refused only when it cannot be stored (no such cadre in the jurisdiction, no course, no or
unreadable dates, an unknown kind), naming the file, the row and the field; the others are stored."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from zipfile import BadZipFile

from django.db import transaction
from openpyxl import load_workbook

from zugong.cadres.models import Cadre
from zugong.core.audit import audit_record
from zugong.core.errors import ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import OrgUnit
from zugong.core.permissions import Actor, require
from zugong.core.xlsxguard import (
    UnsafeWorkbook,
    bounded_rows,
    guard_xlsx,
    import_max_rows,
    too_many_rows_message,
)
from zugong.fieldwork.models import ProgrammeKind, TrainingKind, TrainingProgramme, TrainingRecord

HEADERS = ("身份证号码", "姓名", "培训班次", "主办单位", "培训方式", "开始日期", "结束日期", "天数", "学时", "证书编号")
_KIND_BY_LABEL = {str(label): value for value, label in TrainingKind.choices}


def _clean(*, course: str, kind: str, start_date: date | None, end_date: date | None) -> None:
    if not course.strip():
        raise ValidationFailed("请填写培训班次", field="course")
    if kind not in TrainingKind.values:
        raise ValidationFailed("培训方式应为脱产、在职或网络", field="kind")
    if start_date is None or end_date is None:
        raise ValidationFailed("请填写培训的开始和结束日期", field="start_date")
    if end_date < start_date:
        raise ValidationFailed("结束日期不能早于开始日期", field="end_date")


def _build(*, cadre: Cadre, course: str, organiser: str, kind: str, start_date: date, end_date: date,
           days: int | None, hours: Decimal | None, certificate: str) -> TrainingRecord:
    # Days not given: the calendar days of the course, both ends counted.
    counted = days if days is not None else (end_date - start_date).days + 1
    return TrainingRecord(cadre=cadre, course=course.strip()[:200], organiser=organiser.strip()[:120], kind=kind,
                          start_date=start_date, end_date=end_date, days=counted, hours=hours or Decimal(0),
                          certificate=certificate.strip()[:60])


@transaction.atomic
def training_record_add(
    *, actor: Actor, jurisdiction: Jurisdiction, cadre: Cadre, course: str, kind: str, start_date: date,
    end_date: date, organiser: str = "", days: int | None = None, hours: Decimal | None = None,
    certificate: str = "",
) -> TrainingRecord:
    require(jurisdiction, "fieldwork.training_record", cadre.org_unit)
    _clean(course=course, kind=kind, start_date=start_date, end_date=end_date)
    record = _build(cadre=cadre, course=course, organiser=organiser, kind=kind, start_date=start_date,
                    end_date=end_date, days=days, hours=hours, certificate=certificate)
    record.save()
    audit_record(actor=actor, action="fieldwork.training_record", obj=record, org_unit=cadre.org_unit,
                 summary={"cadre": cadre.pk, "course": record.course, "kind": kind, "days": record.days})
    return record


@dataclass
class TrainingImportResult:
    added: int = 0
    refused: list[str] = field(default_factory=list)


def _text(cells: tuple[object, ...], index: int) -> str:
    value = cells[index] if index < len(cells) else None
    return "" if value is None else str(value).strip()


def _date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        text = value.strip().replace("/", "-").replace(".", "-")
        try:
            return date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))
        except ValueError:
            return None
    return None


def _number(value: object) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number >= 0 else None


def _read(data: bytes, filename: str) -> list[tuple[int, tuple[object, ...]]]:
    try:
        guard_xlsx(data)
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (UnsafeWorkbook, BadZipFile, KeyError, OSError) as exc:
        raise ValidationFailed(f"无法读取 Excel 文件“{filename}”：{exc}", field="workbook") from exc
    limit = import_max_rows()
    rows: list[tuple[int, tuple[object, ...]]] = []
    try:
        for number, cells in bounded_rows(book.worksheets[0], max_col=len(HEADERS), min_row=2):
            values = tuple(cell.value for cell in cells)
            if any(v is not None and str(v).strip() for v in values):
                rows.append((number, values))
            if len(rows) > limit:
                raise ValidationFailed(too_many_rows_message(limit), field="workbook")
    finally:
        book.close()
    return rows


def _row_record(cells: tuple[object, ...], cadres: dict[str, Cadre]) -> TrainingRecord | tuple[str, str]:
    """The record of one row, or (field, reason) why it cannot be stored."""
    cadre = cadres.get(_text(cells, 0).upper())
    if cadre is None:
        return "身份证号码", "在您的管辖范围内找不到该身份证号码的干部"
    kind = _KIND_BY_LABEL.get(_text(cells, 4), _text(cells, 4))
    start, end = _date(cells[5] if len(cells) > 5 else None), _date(cells[6] if len(cells) > 6 else None)
    days, hours = _number(cells[7] if len(cells) > 7 else None), _number(cells[8] if len(cells) > 8 else None)
    try:
        _clean(course=_text(cells, 2), kind=kind, start_date=start, end_date=end)
    except ValidationFailed as exc:
        labels = {"course": "培训班次", "kind": "培训方式", "start_date": "开始日期", "end_date": "结束日期"}
        return labels.get(exc.field or "", "培训班次"), exc.message
    assert start is not None and end is not None  # checked by _clean
    return _build(cadre=cadre, course=_text(cells, 2), organiser=_text(cells, 3), kind=kind, start_date=start,
                  end_date=end, days=int(days) if days is not None else None, hours=hours,
                  certificate=_text(cells, 9))


@transaction.atomic
def training_import(*, actor: Actor, jurisdiction: Jurisdiction, data: bytes, filename: str) -> TrainingImportResult:
    require(jurisdiction, "fieldwork.training_record")
    rows = _read(data, filename)
    numbers = {_text(cells, 0).upper() for _, cells in rows}
    cadres = {c.id_number.upper(): c for c in Cadre.objects.filter(jurisdiction.org_q("org_unit__"),
                                                                    id_number__in=numbers) if c.id_number}
    result = TrainingImportResult()
    records: list[TrainingRecord] = []
    for number, cells in rows:
        built = _row_record(cells, cadres)
        if isinstance(built, tuple):
            result.refused.append(f"{filename} 第 {number} 行“{built[0]}”：{built[1]}")
        else:
            records.append(built)
    TrainingRecord.objects.bulk_create(records, batch_size=1000)
    result.added = len(records)
    audit_record(actor=actor, action="fieldwork.training_import", object_type="fieldwork.trainingrecord",
                 summary={"file": filename, "added": result.added, "refused": len(result.refused)})
    return result


@transaction.atomic
def training_programme_add(*, actor: Actor, jurisdiction: Jurisdiction, org_unit: OrgUnit, kind: str, title: str,
                           start_date: date, end_date: date, participants: int = 0) -> TrainingProgramme:
    """A class the org department of `org_unit` ran itself (示范班 or 研讨班), counted against R30's programme."""
    require(jurisdiction, "fieldwork.training_record", org_unit)
    if kind not in ProgrammeKind.values:
        raise ValidationFailed("类型应为示范班或研讨班", field="kind")
    if not title.strip():
        raise ValidationFailed("请填写班次名称", field="title")
    if end_date < start_date:
        raise ValidationFailed("结束日期不能早于开始日期", field="end_date")
    programme = TrainingProgramme.objects.create(org_unit=org_unit, kind=kind, title=title.strip()[:200],
                                                 start_date=start_date, end_date=end_date,
                                                 participants=max(participants, 0))
    audit_record(actor=actor, action="fieldwork.training_programme_add", obj=programme, org_unit=org_unit,
                 summary={"kind": kind, "title": programme.title, "start": start_date.isoformat()})
    return programme
