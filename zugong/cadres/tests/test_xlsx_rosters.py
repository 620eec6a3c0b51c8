"""Rosters as county org departments publish them: title rows, a merged two-level header, their own column
names, dates typed as numbers with a number format."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from openpyxl import Workbook

from zugong.cadres.importers import cadre_import
from zugong.cadres.models import Cadre
from zugong.cadres.records import CadreRecord
from zugong.cadres.sheetreader import iter_sheet, number_text
from zugong.cadres.tests.factories import id_number
from zugong.cadres.xlsx import RowProblem, XlsxError, read_rows, record_from_row
from zugong.core.permissions import SYSTEM

ZHANG = id_number(date(1980, 5, 17))  # 110105198005170017
LI = id_number(date(1985, 10, 3), order=2)


def saved(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def county_roster() -> Workbook:
    """Rows 1–2 title, rows 3–4 the header (学历学位 over 全日制教育 | 毕业院校系及专业 | 在职教育 |
    毕业院校系及专业, the other columns merged over both rows), data from row 5."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "科级干部名册"
    sheet["A1"] = "甲县科级干部花名册"
    sheet.merge_cells("A1:N1")
    sheet["A2"] = "填报单位（盖章）：中共甲县委组织部　　　　填报时间：2024年3月"
    sheet.merge_cells("A2:N2")
    top = ["序号", "姓　名", "性别", "出生年月\n（岁）", "民族", "入党\n时间", "参加工作\n时间", "学历学位",
           None, None, None, "现任职务", "身份证号码", "备注"]
    lower = [None] * 7 + ["全日制教育", "毕业院校系及专业", "在职教育", "毕业院校系及专业", None, None, None]
    sheet.append(top)
    sheet.append(lower)
    for column in "ABCDEFGLMN":
        sheet.merge_cells(f"{column}3:{column}4")
    sheet.merge_cells("H3:K3")
    sheet.append([1, "张三", "男", 1980.05, "汉族", 2003.10, 2002.07, "大学 法学学士", "示范大学法学专业",
                  "研究生 公共管理硕士", "示范大学公共管理专业", "甲县乙镇党委副书记", ZHANG, None])
    sheet.append([2, "李四", "女", 1985.10, "汉族", 2008.06, 2007.07, "大学", "示范师范学院中文专业", None, None,
                  "甲县丙镇副镇长", LI, None])
    for row in (5, 6):
        for column in "DFG":
            sheet[f"{column}{row}"].number_format = "0.00"  # the sheet shows 1980.05, 2003.10, 1985.10
    return book


def records_of(data: bytes) -> list[tuple[int, CadreRecord, list[RowProblem]]]:
    return [(number, *record_from_row(number, row)) for number, row in read_rows(data)]


def test_county_roster_with_title_rows_and_merged_two_level_header() -> None:
    # when
    rows = records_of(saved(county_roster()))
    # then: the two data rows, numbered as in the sheet, nothing wrong
    assert [(number, problems) for number, _, problems in rows] == [(5, []), (6, [])]
    zhang, li = rows[0][1], rows[1][1]
    assert (zhang.name, zhang.id_number, zhang.sex, zhang.current_post) == ("张三", ZHANG, "1", "甲县乙镇党委副书记")
    # numeric dates as the sheet displays them with their 0.00 format: 2003.10 is October
    assert (zhang.party_join_date, zhang.work_start_date) == (date(2003, 10, 1), date(2002, 7, 1))
    # the birth day from the ID number
    assert (zhang.birth_date, li.birth_date) == (date(1980, 5, 17), date(1985, 10, 3))
    assert [(e.kind, e.level_text, e.degree_text, e.school) for e in zhang.education] == [
        ("full_time", "大学", "法学学士", "示范大学法学专业"),
        ("in_service", "研究生", "公共管理硕士", "示范大学公共管理专业")]
    assert [(e.kind, e.level, e.school) for e in li.education] == [("full_time", "20", "示范师范学院中文专业")]


@pytest.mark.django_db
def test_county_roster_imports_through_the_importer(tree) -> None:
    result = cadre_import(actor=None, jurisdiction=SYSTEM, org_unit=tree.township_a,
                          files=[("甲县科级干部名册.xlsx", saved(county_roster()))])
    assert (result.errors, result.imported) == ([], 2)
    li = Cadre.objects.get(name="李四")
    assert (li.birth_date, li.party_join_date, li.highest_education) == (date(1985, 10, 3), date(2008, 6, 1), "20")


def one_row_roster(values: dict[str, Any], formats: dict[str, str] | None = None) -> bytes:
    """A header row under a title row; `values` by header, `formats` the number formats by header."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["干部名册"])
    sheet.append(list(values))
    sheet.append(list(values.values()))
    for column, header in enumerate(values, start=1):
        if formats and header in formats:
            sheet.cell(row=3, column=column).number_format = formats[header]
    return saved(book)


def only_record(data: bytes) -> tuple[CadreRecord, list[RowProblem]]:
    [(number, record, problems)] = records_of(data)
    assert number == 3
    return record, problems


def test_a_number_shown_as_1996_1_is_imported_with_a_warning_naming_the_cell() -> None:
    # given: 入党时间 typed as 1996.10 into a General cell, which keeps the number 1996.1
    data = one_row_roster({"姓名": "张三", "身份证号码": ZHANG, "出生年月": "1980.05", "入党时间": 1996.1})
    # when
    record, problems = only_record(data)
    # then: read as the sheet shows it, and said so: never guessed silently
    assert record.party_join_date == date(1996, 1, 1)
    assert [(p.row, p.field, p.warning) for p in problems] == [(3, "入党时间", True)]
    assert problems[0].message.startswith("单元格 D3 的入党时间是数字 1996.1，看不出是 1996 年 1 月还是 10 月")
    assert "设为文本格式后填写 1996.01 或 1996.10" in problems[0].message


@pytest.mark.parametrize(("value", "number_format", "expected"), [
    (1996.1, "0.00", date(1996, 10, 1)),  # shown 1996.10
    (1996.01, "General", date(1996, 1, 1)),  # shown 1996.01
    (1996.1, "0.0#", None),  # shown 1996.1: a warning
    (1996.12, "General", date(1996, 12, 1)),
    ("1996.1", "@", date(1996, 1, 1)),  # text is what was typed: January
    (199610, "General", date(1996, 10, 1)),
])
def test_numeric_dates_are_read_as_the_sheet_shows_them(value: Any, number_format: str, expected: date | None) -> None:
    data = one_row_roster({"姓名": "张三", "身份证号码": ZHANG, "出生年月": "1980.05", "参加工作时间": value},
                          {"参加工作时间": number_format})
    record, problems = only_record(data)
    if expected is None:
        assert record.work_start_date == date(1996, 1, 1) and [p.field for p in problems] == ["参加工作时间"]
    else:
        assert (record.work_start_date, problems) == (expected, [])


@pytest.mark.parametrize(("born", "expected", "warned"), [
    (date(1980, 10, 8), date(1980, 10, 8), False),  # the ID number says October
    (date(1980, 1, 8), date(1980, 1, 8), False),  # … or January
    (date(1981, 10, 8), date(1980, 1, 1), True),  # another year: the ID number cannot settle it
])
def test_the_id_number_settles_a_birth_month_shown_as_1980_1(born: date, expected: date, warned: bool) -> None:
    data = one_row_roster({"姓名": "张三", "身份证号码": id_number(born), "出生年月": 1980.1})
    record, problems = only_record(data)
    assert record.birth_date == expected
    assert [(p.field, p.warning) for p in problems] == ([("出生年月", True)] if warned else [])


@pytest.mark.parametrize("headers", [
    ("姓名", "身份证号码", "出生日期"),
    ("姓 名", "身份证号", "出生年月"),
    ("姓　名", "公民身份号码", "出生年月日"),
    ("*姓名", "身份证", "出生年月（年龄）"),
    ("姓名：", "公民身份证号码", "出生时间"),
])
def test_usual_header_names_are_accepted(headers: tuple[str, str, str]) -> None:
    name, number, birth = headers
    record, problems = only_record(one_row_roster({"序号": 1, name: "张三", number: ZHANG, birth: "1980.05（44岁）"}))
    assert (record.name, record.id_number, record.birth_date, problems) == ("张三", ZHANG, date(1980, 5, 17), [])


def test_birth_day_comes_from_the_id_number_as_for_lrmx() -> None:
    record, _ = only_record(one_row_roster({"姓名": "张三", "身份证号": ZHANG, "出生年月": "198005"}))
    assert record.birth_date == date(1980, 5, 17)
    other, _ = only_record(one_row_roster({"姓名": "张三", "身份证号": ZHANG, "出生年月": "1980.06"}))
    assert other.birth_date == date(1980, 6, 1)  # months differ: left as written, for the audit to report


def test_header_with_education_groups_over_level_degree_and_school() -> None:
    # given: 全日制教育 and 在职教育 each over 学历 | 学位 | 毕业院校系及专业
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "身份证号码", "出生年月", "全日制教育", None, None, "在职教育", None, None])
    sheet.append([None, None, None, "学历", "学位", "毕业院校系及专业", "学历", "学位", "毕业院校系及专业"])
    sheet.merge_cells("D1:F1")
    sheet.merge_cells("G1:I1")
    for column in "ABC":
        sheet.merge_cells(f"{column}1:{column}2")
    sheet.append(["张三", ZHANG, "1980.05", "大学", "法学学士", "示范大学", "研究生", "法学硕士", "党校"])
    # when
    [(number, record, problems)] = records_of(saved(book))
    # then
    assert (number, problems) == (3, [])
    assert [(e.kind, e.level_text, e.degree_text, e.school) for e in record.education] == [
        ("full_time", "大学", "法学学士", "示范大学"), ("in_service", "研究生", "法学硕士", "党校")]


def test_a_sheet_without_a_name_column_says_which_columns_are_missing() -> None:
    data = one_row_roster({"名字": "张三", "号码": ZHANG})
    with pytest.raises(XlsxError) as refused:
        list(read_rows(data))
    assert [(p.row, p.field) for p in refused.value.problems] == [(1, "header")]
    assert "表头缺少必需列：姓名、公民身份号码、出生年月" in refused.value.problems[0].message


def test_a_one_level_header_keeps_its_first_data_row() -> None:
    data = one_row_roster({"姓名": "张三", "身份证号码": ZHANG, "出生年月": "1980.05"})
    assert [number for number, _ in read_rows(data)] == [3]


@pytest.mark.parametrize(("value", "number_format", "shown"), [
    (1996.1, "General", "1996.1"), (1996.1, "0.00", "1996.10"), (1996.1, "#,##0.00", "1996.10"),
    (1996.12, "0.0#", "1996.12"), (1996.1, "0.0#", "1996.1"), (1996.0, "0", "1996"), (29221, "General", "29221"),
    (1996.1, "@", "1996.1"), (0.5, "0%", "0.5"),
])
def test_number_text_follows_plain_number_formats(value: float, number_format: str, shown: str) -> None:
    assert number_text(value, number_format) == shown


def test_sheet_rows_say_which_cells_held_numbers() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["1996.1", 1996.1, None, True])
    [row] = list(iter_sheet(saved(book)))
    assert (row.texts, row.numeric, row.cell(1)) == (["1996.1", "1996.1", "", "TRUE"], frozenset({1}), "B1")


def test_header_whose_upper_level_groups_the_name_column() -> None:
    # given: 基本情况 over 姓名 | 性别 | 出生年月, 身份证号码 merged over both rows, under a title row
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["甲县乡镇领导班子成员名册"])
    sheet.append(["基本情况", None, None, "身份证号码", "学历学位", None])
    sheet.append(["姓名", "性别", "出生年月", None, "全日制教育", "毕业院校系及专业"])
    sheet.merge_cells("A2:C2")
    sheet.merge_cells("D2:D3")
    sheet.merge_cells("E2:F2")
    sheet.append(["张三", "男", "1980.05", ZHANG, "大学", "示范大学"])
    # when
    [(number, record, problems)] = records_of(saved(book))
    # then
    assert (number, problems, record.name, record.sex, record.id_number) == (4, [], "张三", "1", ZHANG)
    assert record.birth_date == date(1980, 5, 17)
    assert [(e.kind, e.level_text, e.school) for e in record.education] == [("full_time", "大学", "示范大学")]
