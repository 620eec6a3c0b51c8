"""A cadre's whole record as plain data: what importers produce, exporters consume and services save.

Keeping one shape for LRMX, LRM, xlsx and the API means validation and saving exist once.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from PIL import Image, UnidentifiedImageError

from zugong.cadres import idcard
from zugong.cadres.codes import lookup

MAX_PHOTO_BYTES = 1024 * 1024
MAX_PHOTO_PIXELS = 4000 * 4000


@dataclass
class EducationData:
    kind: str  # "full_time" | "in_service"
    level_text: str = ""
    degree_text: str = ""
    school: str = ""
    degree_school: str = ""

    @property
    def level(self) -> str:
        return lookup("education", self.level_text) or ""

    @property
    def degree(self) -> str:
        return lookup("degree", self.degree_text) or ""

    def is_empty(self) -> bool:
        return not (self.level_text or self.degree_text or self.school or self.degree_school)


@dataclass
class ResumeData:
    start: date
    end: date | None
    text: str
    note: str = ""


@dataclass
class FamilyData:
    relation_text: str
    name: str
    birth_date: date | None = None
    political_status: str = ""
    work_unit_post: str = ""
    kind: str = "family"
    birth_month_only: bool = field(default=False, compare=False, repr=False)  # the file gave no day

    @property
    def relation(self) -> str:
        return lookup("relation", self.relation_text) or ""


@dataclass
class RewardData:
    text: str
    kind: str = "reward"
    on: date | None = None


@dataclass
class ReviewData:
    year: int
    rating: str  # ReviewRating value


@dataclass
class CadreRecord:
    name: str
    id_number: str = ""
    sex: str = ""
    birth_date: date | None = None
    ethnicity: str = ""
    native_place: str = ""
    birthplace: str = ""
    political_status: str = ""
    political_note: str = ""
    party_join_date: date | None = None
    work_start_date: date | None = None
    health: str = ""
    professional_title: str = ""
    specialties: str = ""
    current_post: str = ""
    proposed_post: str = ""
    proposed_removal: str = ""
    appointment_reason: str = ""
    review_note: str = ""
    retirement_age_boundary: str = ""
    retirement_due: date | None = None
    # the form's own fields (ChengBaoDanWei, JiSuanNianLingShiJian, TianBiaoShiJian, TianBiaoRen, Version),
    # kept as written
    form_submitting_unit: str = ""
    form_age_reckoned_on: str = ""
    form_filled_on: str = ""
    form_filled_by: str = ""
    form_version: str = ""
    photo: bytes | None = None
    education: list[EducationData] = field(default_factory=list)
    resume: list[ResumeData] = field(default_factory=list)
    family: list[FamilyData] = field(default_factory=list)
    rewards: list[RewardData] = field(default_factory=list)
    reviews: list[ReviewData] = field(default_factory=list)
    # scalar date fields the file gave as year and month only (compared at that precision on import)
    month_only: set[str] = field(default_factory=set, compare=False, repr=False)
    # (field, message): what the reader kept but could not be sure of; the import shows them as warnings
    warnings: list[tuple[str, str]] = field(default_factory=list, compare=False, repr=False)


def keep_known_days(old: CadreRecord, new: CadreRecord) -> None:
    """Compare at the file's precision: a date the file gives as year and month only keeps the day
    already known for that month (入党时间 19960512 exported as 199605 must not come back as 19960501)."""
    def same_month(before: date | None, after: date | None) -> bool:
        return before is not None and after is not None and (before.year, before.month) == (after.year, after.month)

    for name in new.month_only:
        if same_month(getattr(old, name), getattr(new, name)):
            setattr(new, name, getattr(old, name))
    known = {(m.relation_text, m.name): m.birth_date for m in old.family}
    for member in new.family:
        before = known.get((member.relation_text, member.name))
        if member.birth_month_only and same_month(before, member.birth_date):
            member.birth_date = before


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


def photo_problem(photo: bytes) -> str | None:
    """None if `photo` is a real JPEG/PNG/BMP/GIF image within the limits, else the reason."""
    if len(photo) > MAX_PHOTO_BYTES:
        return f"照片过大：{len(photo) // 1024} KB，上限 {MAX_PHOTO_BYTES // 1024} KB"
    try:
        with Image.open(io.BytesIO(photo)) as image:
            if image.width * image.height > MAX_PHOTO_PIXELS:
                return f"照片尺寸过大：{image.width}×{image.height}"
            image.verify()
            if image.format not in {"JPEG", "PNG", "BMP", "GIF"}:
                return f"照片格式 {image.format} 不受支持，应为 JPEG、PNG、BMP 或 GIF"
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        return "照片不是有效的图片文件"
    return None


# Line and paragraph breaks, tabs, NUL and the other C0/C1 controls; the invisible marks that reorder
# or hide text (bidirectional overrides, zero-width space, BOM) also let a name pass for another.
_HIDDEN = frozenset("\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff")


def person_name_problem(name: str, label: str) -> str | None:
    """Why `name` cannot be a person's name, or None. Names become file names inside exported archives and
    lines of printed forms: no control characters, no path separators, no `..` (a name such as
    `../../tmp/x` must never become a path)."""
    if any(unicodedata.category(ch) in {"Cc", "Zl", "Zp"} or ch in _HIDDEN for ch in name):
        return f"{label}不能包含换行、制表符等控制字符或不可见字符"
    if "/" in name or "\\" in name:
        return f"{label}不能包含斜杠“/”或反斜杠“\\”"
    if ".." in name:
        return f"{label}不能包含“..”"
    return None


# Disagreements between fields that are each well-formed: importing files must bring them in so that the
# 三龄两历一身份 audit can find them (the audit's check codes). Manual entry still refuses them.
DISCREPANCY_CHECKS = frozenset({"id_check_digit", "birth_vs_id"})


def record_errors(record: CadreRecord, today: date, *, refuse_discrepancies: bool = True,
                  require_id: bool = True) -> list[FieldError]:
    """Every reason the record cannot be saved (each with a Chinese message).

    With `refuse_discrepancies=False` (file imports) a bad check digit or a birth month that differs from
    the ID number is not a reason: `record_discrepancies` lists them as warnings instead.
    """
    errors: list[FieldError] = []
    if not record.name.strip():
        errors.append(FieldError("name", "姓名不能为空"))
    elif len(record.name) > 40:
        errors.append(FieldError("name", "姓名不能超过 40 个字"))
    else:
        errors.extend(FieldError("name", problem) for problem in [person_name_problem(record.name, "姓名")] if problem)
    for index, member in enumerate(record.family, start=1):
        problem = person_name_problem(member.name, f"家庭成员及社会关系第 {index} 人的姓名")
        if problem:
            errors.append(FieldError("family", problem))
    errors.extend(_id_errors(record, require_id=require_id))
    if refuse_discrepancies:
        errors.extend(record_discrepancies(record))
    if record.birth_date is None:
        errors.append(FieldError("birth_date", "出生年月不能为空"))
    elif record.birth_date > today:
        errors.append(FieldError("birth_date", "出生年月不能晚于今天"))
    if record.sex and record.sex not in {"1", "2", "0", "9"}:
        errors.append(FieldError("sex", f"性别代码“{record.sex}”不正确"))
    if record.ethnicity and lookup("ethnicity", record.ethnicity) is None:
        errors.append(FieldError("ethnicity", f"民族“{record.ethnicity}”不在 GB/T 3304 代码表中"))
    if record.political_status and lookup("political_status", record.political_status) is None:
        errors.append(FieldError("political_status", f"政治面貌“{record.political_status}”不在 GB/T 4762 代码表中"))
    for name in ("party_join_date", "work_start_date"):
        value = getattr(record, name)
        if value is not None and value > today:
            errors.append(FieldError(name, "日期不能晚于今天"))
    if record.photo is not None:
        problem = photo_problem(record.photo)
        if problem:
            errors.append(FieldError("photo", problem))
    for index, line in enumerate(record.resume, start=1):
        if line.end is not None and line.end < line.start:
            errors.append(FieldError("resume", f"简历第 {index} 行截止年月早于起始年月"))
    return errors


def _id_errors(record: CadreRecord, *, require_id: bool) -> list[FieldError]:
    """What makes the ID number unstorable: missing (unless an import may match without it) or malformed."""
    if not record.id_number:
        return [FieldError("id_number", "公民身份号码不能为空")] if require_id else []
    # an unknown area code is an audit finding, not a refusal; a discrepancy is for record_discrepancies
    return [FieldError("id_number", p.message) for p in idcard.problems(record.id_number)
            if p.check not in {"id_area", *DISCREPANCY_CHECKS}]


def record_discrepancies(record: CadreRecord) -> list[FieldError]:
    """A bad check digit, a birth month other than the ID number's: storable, but wrong somewhere."""
    number = record.id_number
    if not number or any(p.check in {"id_format", "id_birth"} for p in idcard.problems(number)):
        return []
    found = [FieldError("id_number", p.message) for p in idcard.problems(number) if p.check == "id_check_digit"]
    from_id = idcard.birth_date(number)
    birth = record.birth_date
    if birth is not None and from_id is not None and (from_id.year, from_id.month) != (birth.year, birth.month):
        found.append(FieldError("birth_date", f"出生年月 {birth:%Y.%m} 与公民身份号码中的 {from_id:%Y.%m} 不一致"))
    return found
