"""`zugong import-orgs`: a good file imports whole; any bad row saves nothing and names row, column, reason."""

from __future__ import annotations

import csv
import io
import re
import time
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from zugong.conftest import Tree
from zugong.core.audit import verify_chain
from zugong.core.importers import OrgImportFailed, RowError, import_org_units
from zugong.core.models import AuditEvent, OrgUnit

HEADER = ["名称", "类型", "区划代码", "上级区划代码", "上级名称", "简称", "生效日期", "排序"]


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER, encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def errors_of(path: Path) -> list[RowError]:
    with pytest.raises(OrgImportFailed) as caught:
        import_org_units(path)
    return caught.value.errors


# Children before their parents on purpose: the importer sorts them.
GOOD_ROWS = [
    ["东村", "村", "990123001201", "990123001", "", "", "2024-01-01", "1"],
    ["西村", "行政村", "990123001202", "", "新镇", "", "2024/01/01", "2"],
    ["新镇", "乡镇", "990123001", "990123", "", "新镇", "2024-01-01", "1"],
    ["新县", "县（市、区）", "990123", "990100", "", "新县", "2024-01-01", "3"],
    ["新县委组织部", "department", "", "990123", "", "", "", ""],
]


def test_good_csv_imports_whole_tree_in_order(tree: Tree, tmp_path: Path) -> None:
    # given
    path = write_csv(tmp_path / "orgs.csv", GOOD_ROWS)
    before = OrgUnit.objects.count()
    # when
    report = import_org_units(path)
    # then
    assert report.created == 5
    assert report.by_kind == {"county": 1, "township": 1, "village": 2, "department": 1}
    assert OrgUnit.objects.count() == before + 5
    county = OrgUnit.objects.get(division_code="990123")
    township = OrgUnit.objects.get(division_code="990123001")
    assert county.parent_id == tree.city.pk and county.kind == "county" and county.sort_order == 3
    assert township.parent_id == county.pk and township.valid_from == date(2024, 1, 1)
    west = OrgUnit.objects.get(name="西村")
    assert west.parent_id == township.pk and west.path.startswith(township.path) and west.depth == 4
    assert OrgUnit.objects.get(name="新县委组织部").division_code is None
    assert AuditEvent.objects.filter(action="core.org_unit_create").count() == 10 + 5
    assert AuditEvent.objects.filter(action="core.org_unit_import").count() == 1
    assert verify_chain().intact


def test_good_xlsx_imports(tree: Tree, tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["名称", "类型", "区划代码", "上级区划代码", "生效日期"])
    sheet.append(["新村", "村", 990121001203, 990121001, date(2025, 3, 1)])  # numbers typed as numbers
    sheet.append(["北社区", "community", "990121001002", "990121001", None])
    workbook.save(tmp_path / "orgs.xlsx")
    report = import_org_units(tmp_path / "orgs.xlsx")
    assert report.created == 2
    village = OrgUnit.objects.get(name="新村")
    assert (village.division_code, village.parent_id, village.valid_from) == (
        "990121001203", tree.township_a.pk, date(2025, 3, 1))


def test_gbk_csv_from_excel_is_read(tree: Tree, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "gbk.csv", [["南村", "村", "990122001202", "990122001", "", "", "", ""]],
                     encoding="gb18030")
    assert import_org_units(path).created == 1
    assert OrgUnit.objects.get(name="南村").parent_id == tree.township_b.pk


def test_dry_run_checks_and_saves_nothing(tree: Tree, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "orgs.csv", GOOD_ROWS)
    before_units, before_events = OrgUnit.objects.count(), AuditEvent.objects.count()
    report = import_org_units(path, dry_run=True)
    assert report.created == 5 and report.dry_run
    assert (OrgUnit.objects.count(), AuditEvent.objects.count()) == (before_units, before_events)


@pytest.mark.parametrize(("bad_row", "field", "message"), [
    (["孤村", "村", "990199001201", "990199001", "", "", "", ""], "上级区划代码", "上级区划代码 990199001 既不在本文件中"),
    (["孤村", "村", "990199001201", "", "无此镇", "", "", ""], "上级名称", "上级名称“无此镇”既不在本文件中"),
    (["重村", "村", "990121001201", "990121001", "", "", "", ""], "区划代码", "区划代码 990121001201 已存在于系统中"),
    (["怪村", "山寨", "990121001209", "990121001", "", "", "", ""], "类型", "类型“山寨”无效"),
    (["迟村", "村", "990121001209", "990121001", "", "", "2024-13-01", ""], "生效日期", "“2024-13-01”不是有效日期"),
    (["", "村", "990121001209", "990121001", "", "", "", ""], "名称", "名称不能为空"),
    (["乱村", "村", "990121001209", "990121001", "", "", "", "第一"], "排序", "“第一”不是整数"),
    (["无根县", "县", "990188", "", "", "", "", ""], "上级区划代码", "只有省级组织可以没有上级"),
])
def test_each_bad_row_is_reported_and_nothing_saved(
    tree: Tree, tmp_path: Path, bad_row: list[str], field: str, message: str
) -> None:
    # given a file whose second data row (spreadsheet row 3) is bad
    good = ["好村", "村", "990121001208", "990121001", "", "", "", ""]
    path = write_csv(tmp_path / "orgs.csv", [good, bad_row])
    before_units, before_events = OrgUnit.objects.count(), AuditEvent.objects.count()
    # when
    errors = errors_of(path)
    # then
    assert len(errors) == 1
    assert (errors[0].row, errors[0].field) == (3, field)
    assert message in errors[0].message
    assert (OrgUnit.objects.count(), AuditEvent.objects.count()) == (before_units, before_events)


def test_duplicate_code_within_file_names_both_rows(tree: Tree, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "orgs.csv", [
        ["一村", "村", "990121001210", "990121001", "", "", "", ""],
        ["二村", "村", "990121001211", "990121001", "", "", "", ""],
        ["三村", "村", "990121001210", "990121001", "", "", "", ""],
    ])
    errors = errors_of(path)
    assert [(e.row, e.field, e.message) for e in errors] == [(4, "区划代码", "区划代码 990121001210 与第 2 行重复")]
    assert not OrgUnit.objects.filter(name="一村").exists()


def test_all_errors_are_listed_together(tree: Tree, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "orgs.csv", [
        ["", "村", "", "990121001", "", "", "", ""],
        ["怪村", "山寨", "", "990121001", "", "", "2024-02-30", ""],
        ["孤村", "村", "", "123", "", "", "", ""],
    ])
    errors = errors_of(path)
    assert [(e.row, e.field) for e in errors] == [(2, "名称"), (3, "类型"), (3, "生效日期")]  # parse stage first


def test_cycle_is_refused(tree: Tree, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "orgs.csv", [
        ["甲支部", "党支部", "X1", "X2", "", "", "", ""],
        ["乙支部", "党支部", "X2", "X1", "", "", "", ""],
    ])
    errors = errors_of(path)
    assert [(e.row, e.message) for e in errors] == [(2, "上级关系形成循环"), (3, "上级关系形成循环")]


def test_missing_columns_and_unknown_columns_are_refused(db, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "orgs.csv", [["甲", "村"]], header=["名字", "类型"])
    messages = {str(e) for e in errors_of(path)}
    assert "第 1 行［名称］：缺少“名称”列" in messages
    assert "第 1 行［名字］：无法识别的列“名字”" in messages


def test_oversized_and_wrong_type_files_are_refused(db, tmp_path: Path, settings) -> None:
    settings.ZUGONG_MAX_UPLOAD_BYTES = 100
    path = write_csv(tmp_path / "orgs.csv", GOOD_ROWS)
    assert "文件过大" in errors_of(path)[0].message
    other = tmp_path / "orgs.txt"
    other.write_text("名称,类型\n", encoding="utf-8")
    assert "不支持的文件类型" in errors_of(other)[0].message


def test_command_exit_codes_and_messages(tree: Tree, tmp_path: Path, capsys) -> None:
    bad = write_csv(tmp_path / "bad.csv", [["怪村", "山寨", "", "990121001", "", "", "", ""]])
    with pytest.raises(CommandError, match="共 1 处错误"):
        call_command("import_orgs", str(bad))
    assert "第 2 行［类型］：类型“山寨”无效" in capsys.readouterr().err
    good = write_csv(tmp_path / "good.csv", GOOD_ROWS)
    call_command("import_orgs", str(good), "--dry-run")
    assert "试运行" in capsys.readouterr().out
    assert not OrgUnit.objects.filter(division_code="990123").exists()
    call_command("import_orgs", str(good))
    assert "已导入：5 个组织" in capsys.readouterr().out
    assert OrgUnit.objects.filter(division_code="990123").exists()
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import_orgs", str(tmp_path / "missing.csv"))


def test_broken_or_unsafe_xlsx_is_a_clear_error(tree: Tree, tmp_path: Path) -> None:
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(OrgImportFailed) as broken:
        import_org_units(tmp_path / "broken.xlsx")
    assert [e.message for e in broken.value.errors] == ["不是有效的 .xlsx 文件"]
    workbook = Workbook()
    out = io.BytesIO()
    workbook.save(out)
    source, evil = zipfile.ZipFile(io.BytesIO(out.getvalue())), io.BytesIO()
    with zipfile.ZipFile(evil, "w") as target:
        for name in source.namelist():
            body = source.read(name)
            if name == "xl/workbook.xml":
                body = body.replace(b"<workbook", b'<!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]><workbook', 1)
            target.writestr(name, body)
    (tmp_path / "evil.xlsx").write_bytes(evil.getvalue())
    with pytest.raises(OrgImportFailed) as unsafe:
        import_org_units(tmp_path / "evil.xlsx")
    assert "DTD" in unsafe.value.errors[0].message
    assert not OrgUnit.objects.exclude(pk__in=[u.pk for u in vars(tree).values()]).exists()


def _declaring_a1_xfd3000(book: Workbook, empty_rows: int = 2990) -> bytes:
    """The workbook with its sheet declaring A1:XFD3000 and `empty_rows` present, styled, empty rows."""
    out = io.BytesIO()
    book.save(out)
    source, crafted = zipfile.ZipFile(io.BytesIO(out.getvalue())), io.BytesIO()
    with zipfile.ZipFile(crafted, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            body = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                body = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD3000"/>', body)
                start = book.active.max_row + 1
                body = body.replace(b"</sheetData>", "".join(
                    f'<row r="{n}"><c r="A{n}" s="0"/></row>' for n in range(start, start + empty_rows)
                ).encode() + b"</sheetData>")
            target.writestr(name, body)
    return crafted.getvalue()


def test_xlsx_declaring_a1_xfd3000_imports_in_under_a_second(tree: Tree, tmp_path: Path) -> None:
    # given: the good rows in a workbook that declares 3000 × 16384 cells (#16 item 11)
    workbook = Workbook()
    workbook.active.append(HEADER)
    for row in GOOD_ROWS:
        workbook.active.append(row)
    (tmp_path / "orgs.xlsx").write_bytes(_declaring_a1_xfd3000(workbook))
    # when
    started = time.perf_counter()
    report = import_org_units(tmp_path / "orgs.xlsx")
    # then
    assert report.created == 5
    assert time.perf_counter() - started < 1.0


def test_more_rows_than_the_configured_cap_are_refused(tree: Tree, tmp_path: Path, settings: Any) -> None:
    settings.ZUGONG_IMPORT_MAX_ROWS = 4
    errors = errors_of(write_csv(tmp_path / "orgs.csv", GOOD_ROWS))
    assert [(e.row, e.message) for e in errors] == [(0, "一次导入最多 4 行（条），本次超过上限；请拆分为多个文件分批导入")]
    assert not OrgUnit.objects.filter(division_code="990123").exists()
