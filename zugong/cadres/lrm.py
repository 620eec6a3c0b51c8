"""The older 任免审批表 file `.lrm`: one line of 33 quoted CSV fields in GBK, the photo beside it in `.pic`.

Field positions and the LRMX 3.x elements they correspond to are in `FIELDS`. Text is read as
GB18030 (a superset of GBK), or as UTF-8 when the file starts with a UTF-8 BOM; it is parsed with the
`csv` module because the résumé holds commas and line breaks. A file the `csv` module cannot read as
33 fields (a `"` written unescaped inside a field) is split on `","` as the tool's own readers do,
when that gives 33 fields. Line breaks are read as `\\n` and
written as `\\r\\n`, as the Windows tool writes them. The format has no ID number (`id_number` is "",
the importer matches the person) and no day of birth (parse_date gives the 1st of the month);
GaiGeQianRenZhiNianLingJieXian and DaoLingNianYue have no field. 呈报单位, 计算年龄时间, 填表人 and
填表时间 are kept as written (`form_*` of the record) and written back; a record without 填表时间 gets
`filled_on`.
A `.pic` of zero bytes counts as no photo (the tool leaves one when there is none).

Values are read and written exactly as `zugong.cadres.lrmx` does for the equivalent elements, so
`read_lrm(*write_lrm(r))` equals `read_lrmx(write_lrmx(r))` apart from the ID number, the day of
birth and the two fields above. A `@` or `#` inside an education or family value cannot be told from
the separators, so the writer turns them into full-width `＠`/`＃`.

`Problem.field` names the LRMX element the field corresponds to (`XingMing`, `ChuShengNianYue`,
`RuDangShiJian`, `MinZu`, …) so import reports read alike for both formats; a family slot is
`JiaTingChengYuan[n]` (n counts the `@`-separated slots from 1, padding included) and its birth
date `JiaTingChengYuan[n]/ChuShengRiQi`; the file as a whole is `file` (size, CSV shape, field count)
or `encoding`; the photo is `pic`. Messages say the Chinese label and the field's position (from 1).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable
from datetime import date

from zugong.cadres.codes import lookup, name_of
from zugong.cadres.dates import BadDate, has_day, month_text, parse_date
from zugong.cadres.lrmx import (
    DATE_ELEMENTS,
    FORM_ELEMENTS,
    LrmxError,
    Problem,
    format_political,
    format_reviews,
    format_rewards,
    parse_political,
    parse_rewards,
    read_reviews,
)
from zugong.cadres.records import CadreRecord, EducationData, FamilyData, photo_problem
from zugong.cadres.resume import BadResume, format_resume, parse_resume

MAX_FILE_BYTES = 1024 * 1024
FIELD_COUNT = 33

# element (the LRMX name; education and family fields combine several) → (0-based position, label)
FIELDS: dict[str, tuple[int, str]] = {
    "XingMing": (0, "姓名"), "XingBie": (1, "性别"), "ChuShengNianYue": (2, "出生年月"), "MinZu": (3, "民族"),
    "JiGuan": (4, "籍贯"), "RuDangShiJian": (5, "入党时间"), "JianKangZhuangKuang": (6, "健康状况"),
    "ChuShengDi": (7, "出生地"), "CanJiaGongZuoShiJian": (8, "参加工作时间"), "XueLi_XueWei": (9, "学历学位"),
    "BiYeYuanXiaoXi": (10, "毕业院校系及专业"), "ZhuanYeJiShuZhiWu": (11, "专业技术职务"),
    "ShuXiZhuanYeYouHeZhuanChang": (16, "熟悉专业有何专长"), "JianLi": (17, "简历"),
    "JiangChengQingKuang": (18, "奖惩情况"), "NianDuKaoHeJieGuo": (19, "年度考核结果"),
    "JiaTingChengYuan/ChengWei": (20, "家庭成员称谓"), "JiaTingChengYuan/XingMing": (21, "家庭成员姓名"),
    "JiaTingChengYuan/ChuShengRiQi": (22, "家庭成员出生日期"),
    "JiaTingChengYuan/ZhengZhiMianMao": (23, "家庭成员政治面貌"),
    "JiaTingChengYuan/GongZuoDanWeiJiZhiWu": (24, "家庭成员工作单位及职务"),
    "XianRenZhiWu": (25, "现任职务"), "NiRenZhiWu": (26, "拟任职务"), "NiMianZhiWu": (27, "拟免职务"),
    "RenMianLiYou": (28, "任免理由"), "ChengBaoDanWei": (29, "呈报单位"), "JiSuanNianLingShiJian": (30, "计算年龄时间"),
    "TianBiaoRen": (31, "填表人"), "TianBiaoShiJian": (32, "填表时间"),
}
_FAMILY = tuple(f"JiaTingChengYuan/{name}" for name in
                ("ChengWei", "XingMing", "ChuShengRiQi", "ZhengZhiMianMao", "GongZuoDanWeiJiZhiWu"))
_TEXTS = {"native_place": "JiGuan", "birthplace": "ChuShengDi", "health": "JianKangZhuangKuang",
          "professional_title": "ZhuanYeJiShuZhiWu", "specialties": "ShuXiZhuanYeYouHeZhuanChang",
          "current_post": "XianRenZhiWu", "proposed_post": "NiRenZhiWu", "proposed_removal": "NiMianZhiWu",
          "appointment_reason": "RenMianLiYou"}
_KINDS = ("full_time", "in_service")
# The form's own fields (LRM has no Version), kept as written and written back.
_FORM = {k: v for k, v in FORM_ELEMENTS.items() if v != "Version"}
_SEPARATORS = str.maketrans({"@": "＠", "#": "＃"})


def _file_error(field: str, message: str) -> LrmxError:
    return LrmxError([Problem(field, message)])


def split_fields(data: bytes) -> list[str]:
    """The 33 field values of a `.lrm` file (line breaks as `\\n`), or LrmxError."""
    if len(data) > MAX_FILE_BYTES:
        raise _file_error("file", f"文件过大：{len(data) // 1024} KB，上限 {MAX_FILE_BYTES // 1024} KB")
    text = _decode(data)
    try:
        rows = _rows(text)
    except LrmxError:
        rows = []
        if (tolerated := _split_on_quote_comma(text)) is None:
            raise
    else:
        tolerated = _split_on_quote_comma(text) if len(rows) != 1 or len(rows[0]) != FIELD_COUNT else None
    if tolerated is not None:
        rows = [tolerated]
    if len(rows) > 1:
        raise _file_error("file", f"文件应只有一行记录（{FIELD_COUNT} 个带引号的字段），实有 {len(rows)} 行")
    values = rows[0] if rows else []
    if len(values) != FIELD_COUNT:
        raise _file_error("file", f"字段个数不对：应有 {FIELD_COUNT} 个，实有 {len(values)} 个")
    return [value.replace("\r\n", "\n").replace("\r", "\n") for value in values]


def _decode(data: bytes) -> str:
    bom = data.startswith(codecs.BOM_UTF8)
    encoding, skipped = ("UTF-8", len(codecs.BOM_UTF8)) if bom else ("GBK", 0)
    try:
        return data[skipped:].decode("utf-8" if bom else "gb18030")
    except UnicodeDecodeError as exc:
        offset = skipped + exc.start
        message = f"文件不是 {encoding} 编码：第 {offset} 字节（从 0 起计，0x{data[offset]:02X}）起无法解码"
        raise _file_error("encoding", message) from exc


def _split_on_quote_comma(text: str) -> list[str] | None:
    """The fields as the tool's own readers find them — between the outer quotes, split on `","` — when
    that gives exactly 33: so a `"` written unescaped inside a field (`任"某某"职务`) is tolerated."""
    body = text.strip("\r\n")
    if len(body) < 2 or not (body.startswith('"') and body.endswith('"')):
        return None
    values = body[1:-1].split('","')
    return values if len(values) == FIELD_COUNT else None


def _rows(text: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        return [row for row in reader if row]
    except csv.Error as exc:
        if text.count('"') % 2:
            raise _file_error("file", "文件格式错误：有字段的引号未闭合") from exc
        raise _file_error("file", f"文件不是逗号分隔的带引号字段：第 {reader.line_num} 行无法解析（{exc}）") from exc


class _Reader:
    def __init__(self, values: list[str]) -> None:
        self.values = values
        self.problems: list[Problem] = []

    def text(self, element: str) -> str:
        return self.values[FIELDS[element][0]].strip()

    def problem(self, element: str, message: str) -> None:
        index, label = FIELDS[element]
        self.problems.append(Problem(element, f"{label}（第 {index + 1} 个字段）{message}"))

    def required(self, element: str) -> str:
        value = self.text(element)
        if not value:
            self.problem(element, "是必填项，文件中为空")
        return value

    def date(self, element: str) -> date | None:
        try:
            return parse_date(self.text(element))
        except BadDate as exc:
            self.problem(element, f"：{exc}")
            return None

    def coded(self, element: str, table: str) -> str:
        raw = self.text(element)
        code = lookup(table, raw) if raw else ""
        if code is None:
            self.problem(element, f"“{raw}”不在代码表中")
        return code or ""


def read_lrm(data: bytes, photo: bytes | None = None) -> CadreRecord:
    """Parse one `.lrm` file and its `.pic` photo; raise LrmxError listing every problem found."""
    reader = _Reader(split_fields(data))
    record = CadreRecord(name=reader.required("XingMing"))
    if reader.required("ChuShengNianYue"):
        record.birth_date = reader.date("ChuShengNianYue")
    record.sex = reader.coded("XingBie", "sex")
    record.ethnicity = reader.coded("MinZu", "ethnicity")
    _political(reader, record)
    record.work_start_date = reader.date("CanJiaGongZuoShiJian")
    for attribute, element in _TEXTS.items():
        setattr(record, attribute, reader.text(element))
    record.education = _education(reader)
    try:
        record.resume = parse_resume(reader.text("JianLi"))
    except BadResume as exc:
        reader.problem("JianLi", f"：{exc}")
    record.rewards = parse_rewards(reader.text("JiangChengQingKuang"))
    record.family = _family(reader)
    record.photo = _photo(reader, photo)
    for attribute, element in _FORM.items():
        setattr(record, attribute, reader.text(element))
    read_reviews(record, reader.text("NianDuKaoHeJieGuo"))  # after the form's dates: they date a bare rating
    record.month_only = {attribute for attribute, element in DATE_ELEMENTS.items()
                         if getattr(record, attribute) is not None and not has_day(reader.text(element))}
    if reader.problems:
        raise LrmxError(reader.problems)
    return record


def _political(reader: _Reader, record: CadreRecord) -> None:
    # Some writers keep the form's parentheses around the month: "(2008.06)"; parse_political skips them.
    political = parse_political(reader.text("RuDangShiJian"))
    record.political_status, record.party_join_date = political.status, political.joined
    record.political_note = political.note
    for message in political.problems:
        reader.problem("RuDangShiJian", f"：{message}")


def _education(reader: _Reader) -> list[EducationData]:
    levels, schools = _halves(reader.text("XueLi_XueWei")), _halves(reader.text("BiYeYuanXiaoXi"))
    found = [EducationData(kind, level_text=level, degree_text=degree, school=school, degree_school=degree_school)
             for kind, (level, degree), (school, degree_school) in zip(_KINDS, levels, schools, strict=True)]
    return [e for e in found if not e.is_empty()]


def _halves(text: str) -> list[tuple[str, str]]:
    """`全日制#学位@在职#学位` → [(全日制, 学位), (在职, 学位)]; a missing half is ("", "")."""
    full_time, _, in_service = text.partition("@")
    return [_pair(full_time), _pair(in_service)]


def _pair(text: str) -> tuple[str, str]:
    first, _, second = text.partition("#")
    return first.strip(), second.strip()


def _family(reader: _Reader) -> list[FamilyData]:
    columns = [reader.text(element).split("@") for element in _FAMILY]
    members: list[FamilyData] = []
    for slot in range(1, max(len(column) for column in columns) + 1):
        values = [column[slot - 1].strip() if slot <= len(column) else "" for column in columns]
        member = _member(reader, slot, values)
        if member is not None:
            members.append(member)
    return members


def _member(reader: _Reader, slot: int, values: list[str]) -> FamilyData | None:
    relation, name, birth, status, unit = values
    if not (relation or name):
        return None  # padding
    where = f"JiaTingChengYuan[{slot}]"
    if not (relation and name):
        has, lacks = (f"姓名“{name}”", "称谓") if name else (f"称谓“{relation}”", "姓名")
        reader.problems.append(Problem(where, f"家庭成员第 {slot} 项有{has}但缺少{lacks}"))
        return None
    try:
        born = parse_date(birth)
    except BadDate as exc:
        reader.problems.append(Problem(f"{where}/ChuShengRiQi", f"家庭成员第 {slot} 项（{name}）出生日期：{exc}"))
        born = None
    return FamilyData(relation_text=relation, name=name, birth_date=born, political_status=status,
                      work_unit_post=unit, birth_month_only=not has_day(birth))


def _photo(reader: _Reader, photo: bytes | None) -> bytes | None:
    if not photo:
        return None
    problem = photo_problem(photo)
    if problem:
        reader.problems.append(Problem("pic", f"照片文件（.pic）：{problem}"))
        return None
    return photo


def write_lrm(record: CadreRecord, *, filled_on: date | None = None) -> tuple[bytes, bytes | None]:
    """The `.lrm` bytes (GB18030) and the `.pic` bytes (the photo as stored, or None)."""
    quoted = ('"' + value.replace("\n", "\r\n").replace('"', '""') + '"' for value in _values(record, filled_on))
    return ",".join(quoted).encode("gb18030"), record.photo


def _values(record: CadreRecord, filled_on: date | None) -> list[str]:
    values = [""] * FIELD_COUNT

    def put(element: str, value: str) -> None:
        values[FIELDS[element][0]] = value.replace("\r\n", "\n").replace("\r", "\n")

    put("XingMing", record.name)
    put("XingBie", name_of("sex", record.sex))
    put("ChuShengNianYue", month_text(record.birth_date, ""))
    put("MinZu", name_of("ethnicity", record.ethnicity))
    put("RuDangShiJian", format_political(record))
    put("CanJiaGongZuoShiJian", month_text(record.work_start_date, ""))
    for attribute, element in _TEXTS.items():
        put(element, getattr(record, attribute))
    put("XueLi_XueWei", _education_field(record, _levels))
    put("BiYeYuanXiaoXi", _education_field(record, _schools))
    put("JianLi", format_resume(record.resume))
    put("JiangChengQingKuang", format_rewards(record.rewards))
    put("NianDuKaoHeJieGuo", format_reviews(record.reviews, record.review_note))
    for element, column in zip(_FAMILY, _family_columns(record.family), strict=True):
        put(element, column)
    for attribute, element in _FORM.items():
        put(element, getattr(record, attribute))
    put("TianBiaoShiJian", record.form_filled_on or (f"{filled_on:%Y%m%d}" if filled_on else ""))
    return values


def _levels(education: EducationData) -> tuple[str, str]:
    return education.level_text, education.degree_text


def _schools(education: EducationData) -> tuple[str, str]:
    return education.school, education.degree_school


def _education_field(record: CadreRecord, parts: Callable[[EducationData], tuple[str, str]]) -> str:
    by_kind = {e.kind: e for e in record.education}
    full_time, in_service = ("#".join(p.translate(_SEPARATORS) for p in parts(by_kind.get(kind, EducationData(kind))))
                             for kind in _KINDS)
    text = f"{full_time}@{in_service}" if in_service.strip("#") else full_time
    return text if text.strip("#@") else ""


def _family_columns(family: list[FamilyData]) -> list[str]:
    rows = [(m.relation_text, m.name, month_text(m.birth_date, ""), m.political_status, m.work_unit_post)
            for m in family]
    if not rows:
        return [""] * len(_FAMILY)
    return ["@".join(value.translate(_SEPARATORS) for value in column) for column in zip(*rows, strict=True)]
