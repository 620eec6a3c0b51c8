"""#16 item 11: an import costs what the file really holds. A 5 KB workbook declaring `A1:XFD3000` made
openpyxl pad every present row to 16,384 cells (30 s for 3,000 empty rows here); the declared dimension
is now ignored, rows are read only as wide as the header, a long run of empty rows ends the sheet, and
one import holds at most ZUGONG_IMPORT_MAX_ROWS rows."""

from __future__ import annotations

import io
import re
import time
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from zugong.cadres.importers import cadre_import
from zugong.cadres.models import Cadre
from zugong.cadres.sheetreader import Width, iter_sheet
from zugong.cadres.tests.factories import record
from zugong.cadres.xlsx import COLUMNS, read_rows, write_workbook
from zugong.core.permissions import SYSTEM
from zugong.core.xlsxguard import bounded_rows


def crafted(book_bytes: bytes, *, ref: str = "A1:XFD3000", empty_rows: int = 2998, first_empty: int = 3,
            far_cell: bool = True) -> bytes:
    """The workbook with its sheet declaring `ref`, `empty_rows` present but empty (styled) rows from row
    `first_empty`, and an empty styled cell in column XFD of row 2."""
    source = zipfile.ZipFile(io.BytesIO(book_bytes))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"/>', b"", data)  # write-only books have none
                data = data.replace(b"<sheetViews>", f'<dimension ref="{ref}"/><sheetViews>'.encode(), 1)
                if far_cell:
                    data = re.sub(rb'(<row r="2"[^>]*>.*?)</row>', rb'\1<c r="XFD2" s="0"/></row>', data, count=1,
                                  flags=re.S)
                rows = "".join(f'<row r="{n}"><c r="A{n}" s="0"/></row>'
                               for n in range(first_empty, first_empty + empty_rows))
                data = data.replace(b"</sheetData>", rows.encode() + b"</sheetData>")
            target.writestr(item, data)
    return out.getvalue()


def roster(*records) -> bytes:
    return write_workbook(list(records))


def test_the_crafted_file_declares_what_the_issue_describes():
    data = crafted(roster(record()))
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    assert (sheet.max_row, sheet.max_column, len(data) < 25_000) == (3000, 16384, True)


@pytest.mark.django_db
def test_a_file_declaring_a1_xfd3000_imports_in_under_a_second(tree):
    # given: the process warmed by a plain import (code tables, pinyin and the area-code list load once)
    warm = cadre_import(actor=None, jurisdiction=SYSTEM, org_unit=tree.township_b,
                        files=[("plain.xlsx", roster(record("李四", order=2)))])
    assert warm.imported == 1
    data = crafted(roster(record("张三")))
    # when (CPU time of this process: what an unbounded read would spend, and not inflated when the machine is busy;
    # the wall clock once read 1.10 s while two whole suites shared the two cores)
    started = time.process_time()
    result = cadre_import(actor=None, jurisdiction=SYSTEM, org_unit=tree.township_a, files=[("big.xlsx", data)])
    elapsed = time.process_time() - started
    # then
    assert (result.errors, result.imported) == ([], 1)
    assert list(Cadre.objects.filter(org_unit=tree.township_a).values_list("name", flat=True)) == ["张三"]
    assert elapsed < 1.0, elapsed


def test_rows_are_read_only_as_wide_as_the_header():
    data = crafted(roster(record("张三")), empty_rows=5)
    widths = {row.number: len(row.texts) for row in iter_sheet(data)}
    assert widths[1] == len(COLUMNS) and widths[2] == 23 and widths[3] == 0  # the far empty cell not read
    rows = list(read_rows(data))
    assert [(n, r.values["name"]) for n, r in rows] == [(2, "张三")]


def test_narrowing_after_the_header_reads_the_rest_at_the_header_width():
    # given: a three-column header, and notes far to the right of the data rows
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "公民身份号码", "出生年月"])
    for n in (2, 3):
        sheet.cell(n, 1, f"人{n}")
        sheet.cell(n, 150, "备注")
    out = io.BytesIO()
    book.save(out)
    # when: the reader is narrowed to the header's width after the header
    width = Width()
    rows = iter_sheet(out.getvalue(), width)
    header = next(rows)
    width.columns = 3
    rest = list(rows)
    # then: the far cells are not read; without narrowing they are
    assert header.texts == ["姓名", "公民身份号码", "出生年月"]
    assert [(r.number, r.texts) for r in rest] == [(2, ["人2"]), (3, ["人3"])]
    assert [len(r.texts) for r in iter_sheet(out.getvalue())] == [3, 150, 150]


def test_a_long_run_of_empty_rows_ends_the_sheet():
    book = Workbook()
    sheet = book.active
    sheet["A1"], sheet["A5"], sheet["A20"] = "一", "二", "三"
    out = io.BytesIO()
    book.save(out)
    read = load_workbook(io.BytesIO(out.getvalue()), read_only=True).worksheets[0]
    values = [cells[0].value for _n, cells in bounded_rows(read, max_col=1, empty_rows_end=5)]
    assert values == ["一", None, None, None, "二", None, None, None, None]  # 5 empty rows: the end


@pytest.mark.django_db
def test_rows_beyond_the_configured_cap_are_refused_in_chinese(tree, settings):
    settings.ZUGONG_IMPORT_MAX_ROWS = 2
    three = roster(record("甲"), record("乙", order=2), record("丙", order=3))
    result = cadre_import(actor=None, jurisdiction=SYSTEM, org_unit=tree.township_a, files=[("r.xlsx", three)])
    assert [(e.file, e.row, e.field) for e in result.errors] == [("r.xlsx", "4", "file")]
    assert "一次导入最多 2 行" in result.errors[0].message
    assert not Cadre.objects.exists()
    two = roster(record("甲"), record("乙", order=2))
    ok = cadre_import(actor=None, jurisdiction=SYSTEM, org_unit=tree.township_a, files=[("r.xlsx", two)])
    assert (ok.errors, ok.imported) == ([], 2)


@pytest.mark.django_db
def test_the_cap_counts_records_across_files(tree, settings):
    from zugong.cadres.lrmx import write_lrmx

    settings.ZUGONG_IMPORT_MAX_ROWS = 2
    files = [(f"{i}.lrmx", write_lrmx(record(f"人{'一二三'[i]}", order=i + 1))) for i in range(3)]
    result = cadre_import(actor=None, jurisdiction=SYSTEM, org_unit=tree.township_a, files=files)
    assert [(e.file, e.field) for e in result.errors] == [("2.lrmx", "file")]
    assert not Cadre.objects.exists()
