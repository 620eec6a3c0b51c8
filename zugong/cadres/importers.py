"""Import cadres from files (.lrmx, .xlsx): all-or-nothing, matched by ID number.

Every file is read and every record validated first; if anything is wrong nothing is saved and each
error names the file, the row or element, the field and the reason. New cadres are inserted in bulk
(one statement per table), existing ones (same ID number) are updated through `cadre_save_record`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.db import models, transaction
from django.utils import timezone

from zugong.cadres import idcard
from zugong.cadres.codes.data.education import rank as education_rank
from zugong.cadres.lrmx import LrmxError, read_lrmx
from zugong.cadres.models import (
    AnnualReview,
    Cadre,
    EducationRecord,
    FamilyMember,
    ResumeLine,
    RewardPunishment,
)
from zugong.cadres.pinyin import name_pinyin
from zugong.cadres.records import CadreRecord, record_errors
from zugong.cadres.services import SCALAR_FIELDS, Actor, cadre_save_record, history_rows, normalise_record
from zugong.cadres.xlsx import XlsxError, read_rows, record_from_row
from zugong.core.audit import audit_record
from zugong.core.models import OrgUnit

SUPPORTED = (".lrmx", ".xlsx")


@dataclass(frozen=True)
class ImportIssue:
    file: str
    row: str
    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"file": self.file, "row": self.row, "field": self.field, "message": self.message}


@dataclass
class Parsed:
    file: str
    row: str
    record: CadreRecord


@dataclass
class ImportResult:
    imported: int = 0
    updated: int = 0
    errors: list[ImportIssue] = field(default_factory=list)
    parsed: list[Parsed] = field(default_factory=list)
    existing_ids: set[str] = field(default_factory=set)

    def as_dict(self) -> dict[str, object]:
        return {"imported": self.imported, "updated": self.updated, "errors": [e.as_dict() for e in self.errors]}


def read_file(name: str, data: bytes, result: ImportResult) -> None:
    suffix = Path(name).suffix.lower()
    if suffix == ".lrmx":
        try:
            result.parsed.append(Parsed(name, "Person", read_lrmx(data)))
        except LrmxError as exc:
            result.errors.extend(ImportIssue(name, "Person", p.field, p.message) for p in exc.problems)
    elif suffix == ".xlsx":
        try:
            for number, row in read_rows(data):
                record, problems = record_from_row(number, row)
                result.errors.extend(ImportIssue(name, str(p.row), p.field, p.message) for p in problems)
                if not problems:
                    result.parsed.append(Parsed(name, str(number), record))
        except XlsxError as exc:
            result.errors.extend(ImportIssue(name, str(p.row), p.field, p.message) for p in exc.problems)
    else:
        result.errors.append(ImportIssue(name, "", "file", f"不支持的文件类型“{suffix}”，应为 {'、'.join(SUPPORTED)}"))


def validate(result: ImportResult) -> None:
    today = timezone.localdate()
    seen: dict[str, str] = {}
    for item in result.parsed:
        normalise_record(item.record)
        for problem in record_errors(item.record, today):
            result.errors.append(ImportIssue(item.file, item.row, problem.field, problem.message))
        key = item.record.id_number
        if key and key in seen:
            result.errors.append(ImportIssue(item.file, item.row, "id_number",
                                             f"公民身份号码 {idcard.mask(key)} 在本次导入中重复（另见 {seen[key]}）"))
        seen.setdefault(key, f"{item.file} {item.row}")
    ids = [p.record.id_number for p in result.parsed]
    result.existing_ids = {str(i) for i in Cadre.objects.filter(id_number__in=ids).values_list("id_number", flat=True)}
    result.updated = sum(1 for i in ids if i in result.existing_ids)
    result.imported = len(ids) - result.updated


def import_files(*, actor: Actor, org_unit: OrgUnit, files: list[tuple[str, bytes]], dry_run: bool = False) -> ImportResult:
    result = ImportResult()
    for name, data in files:
        read_file(name, data, result)
    if not result.errors:
        validate(result)
    if result.errors:
        result.imported = result.updated = 0
        return result
    if not dry_run:
        _save(actor=actor, org_unit=org_unit, result=result)
    return result


@transaction.atomic
def _save(*, actor: Actor, org_unit: OrgUnit, result: ImportResult) -> None:
    new = [p.record for p in result.parsed if p.record.id_number not in result.existing_ids]
    created = _bulk_create(org_unit, new)
    existing = {c.id_number: c for c in Cadre.objects.filter(id_number__in=result.existing_ids)}
    for item in result.parsed:
        if item.record.id_number in existing:
            cadre_save_record(actor=actor, cadre=existing[item.record.id_number], record=item.record)
    audit_record(actor=actor, action="cadre.import", object_type="cadres.cadre", object_id=f"{len(created)} new",
                 org_unit=org_unit, summary={"created": [c.pk for c in created], "updated": len(existing),
                                             "files": sorted({p.file for p in result.parsed})})


def _bulk_create(org_unit: OrgUnit, records: list[CadreRecord]) -> list[Cadre]:
    cadres = []
    for record in records:
        cadre = Cadre(org_unit=org_unit, managing_unit=org_unit, photo=record.photo,
                      **{name: getattr(record, name) for name in SCALAR_FIELDS})
        cadre.name_pinyin, cadre.name_initials = name_pinyin(record.name)
        levels = [e.level for e in record.education if e.level]
        cadre.highest_education = min(levels, key=education_rank) if levels else ""
        cadres.append(cadre)
    Cadre.objects.bulk_create(cadres, batch_size=1000)
    if cadres and cadres[0].pk is None:  # backends without RETURNING: read the keys back
        by_id = dict(Cadre.objects.filter(id_number__in=[c.id_number for c in cadres]).values_list("id_number", "pk"))
        for cadre in cadres:
            cadre.pk = by_id[cadre.id_number]
    now = timezone.now()
    rows: dict[type[models.Model], list[models.Model]] = {m: [] for m in (EducationRecord, ResumeLine, FamilyMember, RewardPunishment,
                                                      AnnualReview)}
    for cadre, record in zip(cadres, records, strict=True):
        for model, items in history_rows(record).items():
            rows[model].extend(model(cadre=cadre, sort_order=i, recorded_at=now, **item) for i, item in enumerate(items))
    for model, objs in rows.items():
        model._default_manager.bulk_create(objs, batch_size=2000)
    return cadres
