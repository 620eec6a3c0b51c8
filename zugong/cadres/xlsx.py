"""zugong's own Excel template for cadres: one row per cadre, Chinese headers (a header row, then data)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook

from zugong.cadres import idcard
from zugong.cadres.codes import lookup, name_of
from zugong.cadres.dates import BadDate, parse_date
from zugong.cadres.lrmx import format_reviews, format_rewards, parse_reviews, parse_rewards
from zugong.cadres.records import CadreRecord, EducationData
from zugong.cadres.resume import BadResume, format_resume, parse_resume
from zugong.cadres.sheetreader import BadSheet, excel_serial_date, iter_rows

MAX_XLSX_BYTES = 20 * 1024 * 1024

COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "姓名"), ("id_number", "公民身份号码"), ("sex", "性别"), ("birth_date", "出生年月"),
    ("ethnicity", "民族"), ("native_place", "籍贯"), ("birthplace", "出生地"), ("political_status", "政治面貌"),
    ("party_join_date", "入党时间"), ("work_start_date", "参加工作时间"), ("health", "健康状况"),
    ("professional_title", "专业技术职务"), ("specialties", "熟悉专业有何专长"),
    ("ft_level", "全日制学历"), ("ft_degree", "全日制学位"), ("ft_school", "全日制毕业院校系及专业"),
    ("is_level", "在职学历"), ("is_degree", "在职学位"), ("is_school", "在职毕业院校系及专业"),
    ("current_post", "现任职务"), ("resume", "简历"), ("rewards", "奖惩情况"), ("reviews", "年度考核结果"),
)
REQUIRED = ("name", "id_number", "birth_date")
HEADERS = {label: key for key, label in COLUMNS}


@dataclass(frozen=True)
class RowProblem:
    row: int
    field: str
    message: str


class XlsxError(ValueError):
    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__("；".join(p.message for p in problems))
        self.problems = problems


DATE_KEYS = ("birth_date", "party_join_date", "work_start_date")


def read_rows(data: bytes) -> Iterator[tuple[int, dict[str, str]]]:
    if len(data) > MAX_XLSX_BYTES:
        raise XlsxError([RowProblem(0, "file", f"文件过大，上限 {MAX_XLSX_BYTES // 1024 // 1024} MB")])
    try:
        rows = iter_rows(data)
        keys = [HEADERS.get(h) for h in next(rows, [])]
        missing = [label for key, label in COLUMNS if key in REQUIRED and key not in keys]
        if missing:
            raise XlsxError([RowProblem(1, "header", f"表头缺少必需列：{'、'.join(missing)}")])
        for number, values in enumerate(rows, start=2):
            row = {k: v for k, v in zip(keys, values, strict=False) if k}
            for key in DATE_KEYS:
                if row.get(key):
                    row[key] = excel_serial_date(row[key])
            if any(row.values()):
                yield number, row
    except BadSheet as exc:
        raise XlsxError([RowProblem(0, "file", str(exc))]) from exc


def record_from_row(number: int, row: dict[str, str]) -> tuple[CadreRecord, list[RowProblem]]:
    problems: list[RowProblem] = []
    labels = dict(COLUMNS)

    def guard(key: str, parse: Callable[[str], Any]) -> Any:
        try:
            return parse(row.get(key, ""))
        except (BadDate, BadResume) as exc:
            problems.append(RowProblem(number, labels[key], str(exc)))
            return None

    for key in REQUIRED:
        if not row.get(key):
            problems.append(RowProblem(number, labels[key], f"缺少必填项：{labels[key]}"))
    record = CadreRecord(name=row.get("name", ""), id_number=idcard.normalise(row.get("id_number", "")))
    record.birth_date = guard("birth_date", parse_date)
    for key, table in (("sex", "sex"), ("ethnicity", "ethnicity"), ("political_status", "political_status")):
        raw = row.get(key, "")
        code = lookup(table, raw) if raw else ""
        if code is None:
            problems.append(RowProblem(number, labels[key], f"{labels[key]}“{raw}”不在代码表中"))
        setattr(record, key, code or "")
    record.party_join_date = guard("party_join_date", parse_date)
    record.work_start_date = guard("work_start_date", parse_date)
    for key in ("native_place", "birthplace", "health", "professional_title", "specialties", "current_post"):
        setattr(record, key, row.get(key, ""))
    record.education = [e for e in (
        EducationData("full_time", row.get("ft_level", ""), row.get("ft_degree", ""), row.get("ft_school", "")),
        EducationData("in_service", row.get("is_level", ""), row.get("is_degree", ""), row.get("is_school", "")),
    ) if not e.is_empty()]
    record.resume = guard("resume", parse_resume) or []
    record.rewards = parse_rewards(row.get("rewards", ""))
    record.reviews, record.review_note = parse_reviews(row.get("reviews", ""))
    return record, problems


def row_of(record: CadreRecord, *, mask_id: bool = False) -> list[str]:
    education = {e.kind: e for e in record.education}
    ft, ins = education.get("full_time", EducationData("full_time")), education.get("in_service", EducationData("in_service"))
    values = {
        "name": record.name, "id_number": idcard.mask(record.id_number) if mask_id else record.id_number,
        "sex": name_of("sex", record.sex), "birth_date": f"{record.birth_date:%Y.%m.%d}" if record.birth_date else "",
        "ethnicity": name_of("ethnicity", record.ethnicity), "native_place": record.native_place,
        "birthplace": record.birthplace, "political_status": name_of("political_status", record.political_status),
        "party_join_date": f"{record.party_join_date:%Y.%m}" if record.party_join_date else "",
        "work_start_date": f"{record.work_start_date:%Y.%m}" if record.work_start_date else "",
        "health": record.health, "professional_title": record.professional_title, "specialties": record.specialties,
        "ft_level": ft.level_text, "ft_degree": ft.degree_text, "ft_school": ft.school,
        "is_level": ins.level_text, "is_degree": ins.degree_text, "is_school": ins.school,
        "current_post": record.current_post, "resume": format_resume(record.resume),
        "rewards": format_rewards(record.rewards), "reviews": format_reviews(record.reviews, record.review_note),
    }
    return [values[key] for key, _ in COLUMNS]


def write_workbook(records: list[CadreRecord], *, mask_id: bool = False) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("干部信息")
    sheet.append([label for _, label in COLUMNS])
    for record in records:
        sheet.append([value or None for value in row_of(record, mask_id=mask_id)])  # no empty cells written
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# How to fill each column (the template's second sheet, 填写说明): format, then an example.
NOTES: dict[str, tuple[str, str]] = {
    "name": ("必填；与身份证一致", "张伟"),
    "id_number": ("必填；18 位公民身份号码，末位可为 X；出生日期从中读取", "110105198205170011"),
    "sex": ("男 / 女", "男"),
    "birth_date": ("必填；年.月 或 年.月.日，也可写成 1982-05 / 1982年5月", "1982.05"),
    "ethnicity": ("民族全称", "汉族"),
    "native_place": ("省市县，可简写", "山东济南"),
    "birthplace": ("省市县，可简写", "北京"),
    "political_status": ("中共党员、中共预备党员、共青团员、民主党派简称（民建等）、群众", "中共党员"),
    "party_join_date": ("年.月", "2004.06"),
    "work_start_date": ("年.月", "2004.07"),
    "health": ("健康 / 良好 / 一般 …", "健康"),
    "professional_title": ("如 高级经济师；无则空", ""),
    "specialties": ("简要填写", "熟悉基层党建工作"),
    "ft_level": ("全日制教育的学历", "大学"),
    "ft_degree": ("全日制教育的学位", "法学学士"),
    "ft_school": ("院校系及专业", "示范大学法学专业"),
    "is_level": ("在职教育的学历", "研究生"),
    "is_degree": ("在职教育的学位", "公共管理硕士"),
    "is_school": ("院校系及专业", "示范大学公共管理专业"),
    "current_post": ("现任职务全称", "甲县乙镇党委副书记"),
    "resume": ("每段一行：起止年月 + 经历，如 2004.07--2008.09 甲县乙镇科员；至今的一段只写起始年月",
               "2000.09--2004.07 示范大学法学专业学习\n2004.07-- 甲县乙镇科员"),
    "rewards": ("无则填 无", "2019年被评为县优秀共产党员"),
    "reviews": ("年度 + 等次，如 2023年度考核称职", "2023年度考核称职；2024年度考核优秀"),
}


def template() -> bytes:
    """The import template users download: the header row to fill, and a second sheet 填写说明 with each
    column's format and an example (kept off the first sheet, so the example is never imported)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "干部信息"
    sheet.append([label for _, label in COLUMNS])
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("填写说明")
    notes.append(["列名", "是否必填", "填写格式", "示例"])
    for key, label in COLUMNS:
        rule, example = NOTES[key]
        notes.append([label, "必填" if key in REQUIRED else "", rule, example])
    for column, width in zip("ABCD", (18, 10, 60, 50), strict=True):
        notes.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
