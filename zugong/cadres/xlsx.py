"""Cadres in Excel: zugong's own template (a header row, then one row per cadre) and the rosters county org
departments publish (title rows, a two-level header, their own column names, dates typed as numbers)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import chain
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from zugong.cadres import idcard
from zugong.cadres.codes import lookup, name_of
from zugong.cadres.dates import BadDate, parse_date
from zugong.cadres.lrmx import format_reviews, format_rewards, parse_rewards, read_reviews
from zugong.cadres.records import CadreRecord, EducationData
from zugong.cadres.resume import BadResume, format_resume, parse_resume
from zugong.cadres.sheetreader import BadSheet, SheetRow, Width, excel_serial_date, iter_sheet
from zugong.core.downloads import xlsx_append
from zugong.core.xlsxguard import import_max_rows, too_many_rows_message

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


# The names county rosters give their columns, besides the template's own (compared without spaces, line
# breaks, colons, asterisks and bracketed notes: `姓　名`, `出生年月\n（年龄）`, `*身份证号码`).
ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("姓名",),
    "id_number": ("身份证号码", "身份证号", "身份证", "公民身份证号码", "公民身份证号", "居民身份证号码",
                  "身份证件号码", "公民身份号"),
    "birth_date": ("出生日期", "出生年月日", "出生时间"),
    "party_join_date": ("入党日期", "入党年月", "参加党派时间", "加入党派时间"),
    "work_start_date": ("参加工作日期", "参加工作年月", "参工时间", "工作时间"),
    "professional_title": ("专业技术职称", "职称"),
    "specialties": ("专长", "熟悉专业及专长"),
    "current_post": ("现任职务职级", "现职务", "职务", "现任职务及职级", "工作单位及职务", "现工作单位及职务",
                     "单位及职务"),
    "resume": ("工作简历", "个人简历", "主要简历"),
    "rewards": ("奖惩", "奖励惩处情况"),
    "reviews": ("近三年年度考核结果", "年度考核", "考核结果", "近三年考核结果", "近三年年度考核情况"),
}
# A two-level header: 学历学位 over 全日制教育 | 毕业院校系及专业 | 在职教育 | 毕业院校系及专业, or
# 全日制教育 over 学历 | 学位 | 毕业院校系及专业. "ft_education" is a cell holding level and degree together
# (`大学 法学学士`), as the 任免审批表 writes them.
KINDS = {"全日制教育": "ft", "全日制": "ft", "在职教育": "is", "在职": "is"}
PARTS = {"学历": "level", "学位": "degree", "毕业院校系及专业": "school", "毕业院校及专业": "school",
         "毕业院校": "school", "毕业学校": "school", "院校系及专业": "school", "毕业院校系": "school"}
HEADER_SCAN_ROWS = 20  # title rows above the header: the roster's name, 填报单位, 填报日期 …
_NOISE = re.compile(r"[\s\u3000:：*＊]|[（(][^）)]*[）)]")


def header_key(label: str) -> str:
    return _NOISE.sub("", label)


KEYS: dict[str, str] = {header_key(label): key for key, label in COLUMNS} | {
    header_key(alias): key for key, aliases in ALIASES.items() for alias in aliases}


@dataclass(frozen=True)
class RowProblem:
    row: int
    field: str
    message: str
    warning: bool = False  # imported all the same; shown in the preview and by --dry-run


class XlsxError(ValueError):
    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__("；".join(p.message for p in problems))
        self.problems = problems


DATE_KEYS = ("birth_date", "party_join_date", "work_start_date")
# A number cell shown as `1996.1`: typed 1996.1 (January) or 1996.10 (October, the zero dropped by Excel).
_JANUARY_OR_OCTOBER = re.compile(r"\d{4}\.1")


@dataclass
class RosterRow:
    """One data row: its texts by column key, and for each date whose month the sheet leaves open
    (1 or 10) the cell it came from."""

    values: dict[str, str]
    uncertain: dict[str, str] = field(default_factory=dict)

    def get(self, key: str, default: str = "") -> str:
        return self.values.get(key, default)


def read_rows(data: bytes) -> Iterator[tuple[int, RosterRow]]:
    if len(data) > MAX_XLSX_BYTES:
        raise XlsxError([RowProblem(0, "file", f"文件过大，上限 {MAX_XLSX_BYTES // 1024 // 1024} MB")])
    width, limit, count = Width(), import_max_rows(), 0
    try:
        rows = iter_sheet(data, width)
        keys, number, pending = _header(rows)
        missing = [label for key, label in COLUMNS if key in REQUIRED and key not in keys]
        if missing:
            raise XlsxError([RowProblem(number, "header", f"第 {number} 行表头缺少必需列：{'、'.join(missing)}"
                                        "（表头可写 姓名、公民身份号码 或 身份证号码、出生年月 或 出生日期）")])
        # only the header's columns are read from here on
        width.columns = max(i for i, key in enumerate(keys) if key) + 1
        for sheet_row in chain(pending, rows):
            row = _roster_row(keys, sheet_row)
            if any(row.values.values()):
                count += 1
                if count > limit:
                    raise XlsxError([RowProblem(sheet_row.number, "file", too_many_rows_message(limit))])
                yield sheet_row.number, row
    except BadSheet as exc:
        raise XlsxError([RowProblem(0, "file", str(exc))]) from exc


Header = tuple[list[str | None], int, list[SheetRow]]


def _header(rows: Iterator[SheetRow]) -> Header:
    """The column keys, the number of the header's last row, and any data row read to find that out.

    The header is the first row naming the 姓名 column among the first rows (title rows above it are
    skipped). It has a second level when the row right below it has nothing under 姓名 but column names
    (学历学位 over 全日制教育 …), or when the row right above it holds column names too (基本情况 over
    姓名 | 性别 …, with 身份证号码 merged over both rows). Without a 姓名 row, the first non-empty row is
    the header (and the caller says which columns it lacks)."""
    first = previous = None
    for sheet_row in rows:
        if first is None and any(sheet_row.texts):
            first = sheet_row
        keys = [KEYS.get(header_key(text)) for text in sheet_row.texts]
        if "name" in keys:
            if previous is not None and previous.number == sheet_row.number - 1 and _names_columns(previous):
                return _two_level_keys(previous, sheet_row), sheet_row.number, []
            return _lower_level(sheet_row, keys, rows)
        if sheet_row.number >= HEADER_SCAN_ROWS:
            break
        previous = sheet_row
    if first is None:
        return [], 1, []
    return [KEYS.get(header_key(text)) for text in first.texts], first.number, []


def _names_columns(row: SheetRow) -> bool:
    return any(t in PARTS or t in KINDS or t in KEYS for t in (header_key(text) for text in row.texts))


def _lower_level(top: SheetRow, keys: list[str | None], rows: Iterator[SheetRow]) -> Header:
    below = next(rows, None)
    if below is None:
        return keys, top.number, []
    name_column = keys.index("name")
    is_lower = (name_column >= len(below.texts) or not below.texts[name_column]) and _names_columns(below)
    if not is_lower:  # a data row: the header has one level
        return keys, top.number, [below]
    return _two_level_keys(top, below), below.number, []


def _two_level_keys(top: SheetRow, below: SheetRow) -> list[str | None]:
    keys: list[str | None] = []
    group, kind = "", ""
    for column in range(max(len(top.texts), len(below.texts))):
        upper = header_key(top.texts[column]) if column < len(top.texts) else ""
        lower = header_key(below.texts[column]) if column < len(below.texts) else ""
        if upper:
            group, kind = upper, KINDS.get(upper, "")
        elif not lower:
            group = ""
        if not lower:  # a one-level column (its cell merged over both rows)
            keys.append(KEYS.get(upper))
            continue
        kind = KINDS.get(lower, kind)
        keys.append(_lower_key(group, lower, kind))
    return keys


def _lower_key(group: str, lower: str, kind: str) -> str | None:
    if lower in KINDS:  # 学历学位 over 全日制教育: level and degree in one cell
        return f"{KINDS[lower]}_education"
    if lower in PARTS and kind:
        return f"{kind}_{PARTS[lower]}"
    return KEYS.get(group + lower) or KEYS.get(lower)


_DATE_NOTE = re.compile(r"[（(][^）)]*[）)]|\s")  # `1980.05（44岁）`


def _roster_row(keys: list[str | None], sheet_row: SheetRow) -> RosterRow:
    row = RosterRow({})
    for column, (key, text) in enumerate(zip(keys, sheet_row.texts, strict=False)):
        if not key or not text or row.values.get(key):  # of two columns with one meaning, the first filled
            continue
        if key in DATE_KEYS:
            text = excel_serial_date(_DATE_NOTE.sub("", text))
            if column in sheet_row.numeric and _JANUARY_OR_OCTOBER.fullmatch(text):
                row.uncertain[key] = sheet_row.cell(column)
        row.values[key] = text
    return row


def record_from_row(number: int, row: RosterRow) -> tuple[CadreRecord, list[RowProblem]]:
    """The record of one row, and its problems: errors refuse the row, warnings (`warning=True`) do not."""
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
    record.birth_date = _birth(row, guard("birth_date", parse_date), record.id_number)
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
    record.education = [e for e in (_education(row, "ft", "full_time"), _education(row, "is", "in_service"))
                        if not e.is_empty()]
    record.resume = guard("resume", parse_resume) or []
    record.rewards = parse_rewards(row.get("rewards", ""))
    read_reviews(record, row.get("reviews", ""))  # a roster has no form date: a bare rating is a warning
    problems += [_uncertain_month(number, key, cell, row.get(key)) for key, cell in row.uncertain.items()
                 if getattr(record, key) is not None]
    return record, problems


def _birth(row: RosterRow, month: date | None, id_number: str) -> date | None:
    """The day from the ID number, as for LRMX; it also settles a `1996.1` that may be January or October."""
    from_id = idcard.birth_date(id_number) if len(id_number) == 18 else None
    if (month is not None and from_id is not None and "birth_date" in row.uncertain
            and from_id.year == month.year and from_id.month in (1, 10)):
        del row.uncertain["birth_date"]
        month = month.replace(month=from_id.month)
    return idcard.exact_birth(month, id_number)


def _uncertain_month(number: int, key: str, cell: str, text: str) -> RowProblem:
    label, year = dict(COLUMNS)[key], text[:4]
    return RowProblem(number, label, warning=True, message=(
        f"单元格 {cell} 的{label}是数字 {text}，看不出是 {year} 年 1 月还是 10 月（输入 {year}.10 时 Excel 会去掉"
        f"末尾的 0），已按 {year}.01 读入；请核实，并把该列设为文本格式后填写 {year}.01 或 {year}.10"))


def _education(row: RosterRow, prefix: str, kind: str) -> EducationData:
    level, degree = row.get(f"{prefix}_level"), row.get(f"{prefix}_degree")
    together = row.get(f"{prefix}_education").split()  # `大学 法学学士` in one cell
    if together and not (level or degree):
        level, degree = together[0], " ".join(together[1:])
    return EducationData(kind, level, degree, row.get(f"{prefix}_school"))
def _birth_text(value: date | None, *, day: bool) -> str:
    # Beside a masked ID number only the month: the day would complete the number.
    return "" if value is None else f"{value:%Y.%m.%d}" if day else f"{value:%Y.%m}"


def row_of(record: CadreRecord, *, mask_id: bool = False) -> list[str]:
    education = {e.kind: e for e in record.education}
    ft, ins = education.get("full_time", EducationData("full_time")), education.get("in_service", EducationData("in_service"))
    values = {
        "name": record.name, "id_number": idcard.mask(record.id_number) if mask_id else record.id_number,
        "sex": name_of("sex", record.sex), "birth_date": _birth_text(record.birth_date, day=not mask_id),
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
        xlsx_append(sheet, [value or None for value in row_of(record, mask_id=mask_id)])  # no empty cells written
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
    for index, (key, _label) in enumerate(COLUMNS, start=1):
        if key in DATE_KEYS or key == "id_number":  # text: 1996.10 stays October, an ID number keeps its digits
            sheet.column_dimensions[get_column_letter(index)].number_format = "@"
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
