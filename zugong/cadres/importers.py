"""Import cadres from files (.lrmx, .lrm with its .pic, .xlsx): all-or-nothing, matched by ID number.

Every file is read and every record validated first; if anything is wrong nothing is saved and each
error names the file, the row or element, the field and the reason. A discrepancy between well-formed
values (a bad check digit, a 出生年月 other than the ID number's) is not an error: the record imports
and the discrepancy is a warning, as the archive audit will report it. New cadres are inserted in bulk
(one statement per table), existing ones (same ID number) are updated through `cadre_save_record`.

An .lrm file carries no ID number: it is matched by an ID number written in its file name
(`张三_110105198005170011.lrm`), else by name and birth month among the cadres the importer may see
(exactly one must match). An .lrmx with an empty ShenFenZheng is matched the same way; when nobody
matches it is a new cadre without ID number (a warning now, an `id_missing` audit finding later). A cadre the importer may not edit is
never updated: the file is refused. The command line imports as the system (`jurisdiction=SYSTEM`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from zugong.cadres import idcard
from zugong.cadres.changes import field_label
from zugong.cadres.codes.data.education import rank as education_rank
from zugong.cadres.exporters import record_of, with_history
from zugong.cadres.lrm import read_lrm
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
from zugong.cadres.records import CadreRecord, keep_known_days, record_discrepancies, record_errors
from zugong.cadres.selectors import cadres_visible
from zugong.cadres.services import SCALAR_FIELDS, cadre_save_record, history_rows, normalise_record
from zugong.cadres.xlsx import XlsxError, read_rows, record_from_row
from zugong.core.audit import audit_record
from zugong.core.bulk import bulk_insert
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import OrgUnit
from zugong.core.permissions import Actor, may, require
from zugong.core.xlsxguard import import_max_rows, too_many_rows_message

SUPPORTED = (".lrmx", ".lrm", ".xlsx")
PHOTO_SUFFIX = ".pic"
_ID_IN_NAME = re.compile(r"(?<![0-9])([0-9]{17}[0-9Xx])(?![0-9A-Za-z])")
HISTORY_LABELS = {EducationRecord: "学历学位", ResumeLine: "简历", FamilyMember: "家庭成员及社会关系",
                  RewardPunishment: "奖惩情况", AnnualReview: "年度考核结果"}
PREVIEW_DIFFS = 500


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
    matched_by: str = ""  # how a record without an ID number in the file was matched (LRM, LRMX)
    without_id: bool = False  # an LRMX without ID number that matched nobody: a new cadre without one
    changes: list[str] | None = None  # for an update, what it changes (filled for the preview)


@dataclass
class ImportResult:
    imported: int = 0
    updated: int = 0
    errors: list[ImportIssue] = field(default_factory=list)
    # imported all the same, and found again by the archive audit (a bad check digit, a birth month
    # that differs from the ID number's)
    warnings: list[ImportIssue] = field(default_factory=list)
    parsed: list[Parsed] = field(default_factory=list)
    existing_ids: set[str] = field(default_factory=set)

    def as_dict(self) -> dict[str, object]:
        return {"imported": self.imported, "updated": self.updated, "errors": [e.as_dict() for e in self.errors],
                "warnings": [w.as_dict() for w in self.warnings]}


def _pair_photos(files: list[tuple[str, bytes]], result: ImportResult) -> list[tuple[str, bytes, bytes | None]]:
    """Each file with the `.pic` photo of the same name beside it (LRM keeps its photo there)."""
    photos = {_stem(name): (name, data) for name, data in files if Path(name).suffix.lower() == PHOTO_SUFFIX}
    paired: list[tuple[str, bytes, bytes | None]] = []
    for name, data in files:
        suffix = Path(name).suffix.lower()
        if suffix == PHOTO_SUFFIX:
            continue
        photo = photos.pop(_stem(name), None) if suffix == ".lrm" else None
        paired.append((name, data, photo[1] if photo else None))
    for name, _data in photos.values():
        result.errors.append(ImportIssue(name, "", "file", f"照片文件 {Path(name).name} 没有同名的 .lrm 文件"))
    return paired


def _stem(name: str) -> str:
    return str(Path(name).with_suffix("")).lower()


def read_file(name: str, data: bytes, result: ImportResult, *, photo: bytes | None = None) -> None:
    suffix = Path(name).suffix.lower()
    if suffix in {".lrmx", ".lrm"}:
        where = "Person" if suffix == ".lrmx" else "记录"
        try:
            record = read_lrmx(data) if suffix == ".lrmx" else read_lrm(data, photo)
            result.parsed.append(Parsed(name, where, record))
        except LrmxError as exc:
            result.errors.extend(ImportIssue(name, where, p.field, p.message) for p in exc.problems)
    elif suffix == ".xlsx":
        try:
            for number, row in read_rows(data):
                record, problems = record_from_row(number, row)
                errors = [ImportIssue(name, str(p.row), p.field, p.message) for p in problems if not p.warning]
                result.errors.extend(errors)
                result.warnings.extend(ImportIssue(name, str(p.row), p.field, p.message) for p in problems if p.warning)
                if not errors:
                    result.parsed.append(Parsed(name, str(number), record))
        except XlsxError as exc:
            result.errors.extend(ImportIssue(name, str(p.row), p.field, p.message) for p in exc.problems)
    else:
        result.errors.append(ImportIssue(name, "", "file", f"不支持的文件类型“{suffix}”，应为 {'、'.join(SUPPORTED)}"))


def match_without_id(result: ImportResult, jurisdiction: Jurisdiction) -> None:
    """Give each LRM record an ID number: from its file name, else from the one visible cadre of that name
    and birth month (one query for all of them)."""
    unmatched: list[Parsed] = []
    for item in result.parsed:
        if item.record.id_number or Path(item.file).suffix.lower() not in {".lrm", ".lrmx"}:
            continue
        found = _ID_IN_NAME.search(Path(item.file).stem)
        if found:
            item.record.id_number, item.matched_by = found.group(1).upper(), "文件名中的公民身份号码"
        elif item.record.birth_date is not None:  # else the reader already reported the missing birth month
            unmatched.append(item)
    _match_by_name(unmatched, result, jurisdiction)
    for item in result.parsed:
        if item.matched_by:
            item.record.birth_date = idcard.exact_birth(item.record.birth_date, item.record.id_number)


def _match_by_name(items: list[Parsed], result: ImportResult, jurisdiction: Jurisdiction) -> None:
    if not items:
        return
    pool = cadres_visible(jurisdiction)
    known: dict[tuple[str, int, int], list[str]] = {}
    rows = pool.filter(name__in={i.record.name for i in items}, birth_date__isnull=False, id_number__isnull=False)
    for name, birth, number in rows.values_list("name", "birth_date", "id_number"):
        if birth is not None:
            known.setdefault((name, birth.year, birth.month), []).append(str(number))
    for item in items:
        name, birth = item.record.name, item.record.birth_date
        assert birth is not None
        ids = known.get((name, birth.year, birth.month), [])
        hint = f"LRM 文件不含公民身份号码；请在文件名中写明（如 {name}_公民身份号码.lrm），或改用 LRMX、Excel 导入"
        if Path(item.file).suffix.lower() == ".lrmx":
            hint = "LRMX 文件的公民身份号码（ShenFenZheng）为空；请在文件中填写"
        if len(ids) == 1:
            item.record.id_number, item.matched_by = ids[0], "姓名和出生年月"
        elif not ids and Path(item.file).suffix.lower() == ".lrmx":
            item.without_id = True
            result.warnings.append(ImportIssue(
                item.file, item.row, "id_number", f"文件没有公民身份号码，库中也没有姓名为{name}、出生年月为 {birth:%Y.%m} "
                "的干部：将作为新干部导入（无公民身份号码），并列入档案审核，请补录公民身份号码"))
        elif not ids:
            result.errors.append(ImportIssue(item.file, item.row, "id_number",
                                             f"库中没有姓名为{name}、出生年月为 {birth:%Y.%m} 的干部。{hint}"))
        else:
            result.errors.append(ImportIssue(item.file, item.row, "id_number",
                                             f"姓名为{name}、出生年月为 {birth:%Y.%m} 的干部不止一人，无法确定是哪一位。{hint}"))


def validate(result: ImportResult, jurisdiction: Jurisdiction) -> None:
    today = timezone.localdate()
    seen: dict[str, str] = {}
    for item in result.parsed:
        normalise_record(item.record)
        for problem in record_errors(item.record, today, refuse_discrepancies=False, require_id=not item.without_id):
            result.errors.append(ImportIssue(item.file, item.row, problem.field, problem.message))
        result.warnings.extend(ImportIssue(item.file, item.row, name, message) for name, message in item.record.warnings)
        for problem in record_discrepancies(item.record):
            result.warnings.append(ImportIssue(item.file, item.row, problem.field,
                                               f"{problem.message}（照常导入，将列入三龄两历一身份审核，请核实后更正）"))
        key = item.record.id_number
        if key and key in seen:
            result.errors.append(ImportIssue(item.file, item.row, "id_number",
                                             f"公民身份号码 {idcard.mask(key)} 在本次导入中重复（另见 {seen[key]}）"))
        if key:
            seen.setdefault(key, f"{item.file} {item.row}")
    ids = [p.record.id_number for p in result.parsed]
    existing = list(Cadre.objects.filter(id_number__in=ids).select_related("org_unit"))
    result.existing_ids = {str(c.id_number) for c in existing}
    _refuse_foreign(result, jurisdiction, existing)
    result.updated = sum(1 for i in ids if i in result.existing_ids)
    result.imported = len(ids) - result.updated


def _refuse_foreign(result: ImportResult, jurisdiction: Jurisdiction, existing: list[Cadre]) -> None:
    """An import may update only cadres of units where the importer maintains the roster."""
    foreign = {str(c.id_number) for c in existing if not may(jurisdiction, "cadres.cadre_update", c.org_unit)}
    for item in result.parsed:
        if item.record.id_number in foreign:
            result.errors.append(ImportIssue(
                item.file, item.row, "id_number",
                f"公民身份号码 {idcard.mask(item.record.id_number)} 的干部已登记在您无权维护的单位，"
                "不能通过导入修改；如需调入，请联系其所在单位的组织部门"))


def describe_changes(result: ImportResult, *, limit: int = PREVIEW_DIFFS) -> None:
    """For the preview: what each update would change (field names), for the first `limit` records."""
    wanted = [p for p in result.parsed[:limit] if p.record.id_number in result.existing_ids]
    current = {c.id_number: record_of(c) for c in
               with_history(Cadre.objects.filter(id_number__in=[p.record.id_number for p in wanted]))}
    for item in wanted:
        keep_known_days(current[item.record.id_number], item.record)
        item.changes = _differences(current[item.record.id_number], item.record)


def _differences(old: CadreRecord, new: CadreRecord) -> list[str]:
    changed = [field_label(name) for name in SCALAR_FIELDS if getattr(old, name) != getattr(new, name)]
    if new.photo is not None and new.photo != old.photo:
        changed.append(field_label("photo"))
    before, after = history_rows(old), history_rows(new)
    changed += [label for model, label in HISTORY_LABELS.items() if before[model] != after[model]]
    return changed


def cadre_import(*, actor: Actor, jurisdiction: Jurisdiction, org_unit: OrgUnit, files: list[tuple[str, bytes]],
                 dry_run: bool = False) -> ImportResult:
    """Read, match and validate every file; save all of it (unless `dry_run`) or, on any error, nothing.

    `jurisdiction` limits LRM matching to the cadres the importer sees and refuses updates of cadres
    they may not edit; the command line passes `SYSTEM`, which sees and edits everything.
    """
    require(jurisdiction, "cadres.cadre_import", org_unit)
    result = ImportResult()
    limit = import_max_rows()
    for name, data, photo in _pair_photos(files, result):
        read_file(name, data, result, photo=photo)
        if len(result.parsed) > limit:  # across files: each roster is capped while it is read
            result.errors.append(ImportIssue(name, "", "file", too_many_rows_message(limit)))
            break
    if not result.errors:
        match_without_id(result, jurisdiction)
    if not result.errors:
        validate(result, jurisdiction)
    if result.errors:
        result.imported = result.updated = 0
        return result
    if dry_run:
        describe_changes(result)
        return result
    try:
        _save(actor=actor, jurisdiction=jurisdiction, org_unit=org_unit, result=result)
    except _unique_violations():
        if not _refuse_taken(result):
            raise
    return result


def _unique_violations() -> tuple[type[Exception], ...]:
    """Django's IntegrityError, and the driver's own, which PostgreSQL's COPY (`core.bulk`) raises unwrapped."""
    driver: type[Exception] = getattr(connection, "Database").IntegrityError  # noqa: B009 — untyped in the stubs
    return (IntegrityError, driver)


RACE = ("公民身份号码 {number} 的干部刚由同时进行的另一次导入新增，本次导入未保存任何数据；"
        "请重新上传预览（该干部将作为更新导入）")


def _refuse_taken(result: ImportResult) -> bool:
    """After a unique-key refusal of the insert: whether another import created some of the new cadres
    meanwhile (two imports of the same new cadre at once); if so the result says which, and holds nothing."""
    new = [p for p in result.parsed if p.record.id_number and p.record.id_number not in result.existing_ids]
    taken = set(Cadre.objects.filter(id_number__in=[p.record.id_number for p in new])
                .values_list("id_number", flat=True))
    if not taken:
        return False
    result.errors.extend(ImportIssue(p.file, p.row, "id_number", RACE.format(number=idcard.mask(p.record.id_number)))
                         for p in new if p.record.id_number in taken)
    result.imported = result.updated = 0
    return True


@transaction.atomic
def _save(*, actor: Actor, jurisdiction: Jurisdiction, org_unit: OrgUnit, result: ImportResult) -> None:
    new = [p.record for p in result.parsed if p.record.id_number and p.record.id_number not in result.existing_ids]
    created = _bulk_create(org_unit, new)
    # a cadre without ID number cannot be found again by it: created with the keys returned
    created += _bulk_create(org_unit, [p.record for p in result.parsed if not p.record.id_number], keyed=False)
    existing = {c.id_number: c for c in with_history(Cadre.objects.filter(id_number__in=result.existing_ids))}
    for item in result.parsed:
        if item.record.id_number in existing:
            keep_known_days(record_of(existing[item.record.id_number]), item.record)
            cadre_save_record(actor=actor, jurisdiction=jurisdiction, cadre=existing[item.record.id_number],
                              record=item.record)
    audit_record(actor=actor, action="cadres.cadre_import", object_type="cadres.cadre", object_id=f"{len(created)} new",
                 org_unit=org_unit, summary={"created": [c.pk for c in created], "updated": len(existing),
                                             "files": sorted({p.file for p in result.parsed})})


def _bulk_create(org_unit: OrgUnit, records: list[CadreRecord], *, keyed: bool = True) -> list[Cadre]:
    """Insert new cadres and their histories set-based (COPY on PostgreSQL for large imports).

    `keyed=False`: records without ID number, inserted with `bulk_create` (which returns the keys)."""
    now = timezone.now()
    cadres = []
    for record in records:
        cadre = Cadre(org_unit=org_unit, managing_unit=org_unit, photo=record.photo, created_at=now, updated_at=now,
                      **{name: getattr(record, name) for name in SCALAR_FIELDS})
        cadre.id_number = cadre.id_number or None  # unique: several cadres may lack one
        cadre.name_pinyin, cadre.name_initials = name_pinyin(record.name)
        levels = [e.level for e in record.education if e.level]
        cadre.highest_education = min(levels, key=education_rank) if levels else ""
        cadres.append(cadre)
    if keyed:
        bulk_insert(Cadre, cadres, batch_size=1000)
    else:
        Cadre.objects.bulk_create(cadres)
    if cadres and cadres[0].pk is None:  # backends without RETURNING: read the keys back
        by_id = dict(Cadre.objects.filter(id_number__in=[c.id_number for c in cadres]).values_list("id_number", "pk"))
        for cadre in cadres:
            cadre.pk = by_id[cadre.id_number]
    rows: dict[type[models.Model], list[models.Model]] = {m: [] for m in HISTORY_LABELS}
    for cadre, record in zip(cadres, records, strict=True):
        for model, items in history_rows(record).items():
            rows[model].extend(model(cadre=cadre, sort_order=i, recorded_at=now, **item) for i, item in enumerate(items))
    for model, objs in rows.items():
        bulk_insert(model, objs)
    return cadres
