import io
import re
import zipfile
from datetime import date

import pytest
from django.core.management import call_command
from docx import Document

from zugong.cadres.appointment_form import page_one, page_two, render_docx, render_pdf
from zugong.cadres.tests.factories import make_cadre, record
from zugong.cadres.tests.test_lrmx import png

ON = date(2025, 6, 1)


def test_form_grid_carries_the_record():
    rec = record(photo=png((90, 120)))
    one, two = page_one(rec, ON), page_two(rec, ON)
    assert one[0][:6] == ["姓名", "张三", "性别", "", "出生年月\n（岁）", "1980.05\n（45岁）"]
    assert one[4][2] == "大学\n法学学士" and one[9][1].startswith("1998.09--2002.07  示范大学")
    assert ["", "妻子", "李四", "43", "中共党员", "甲县第一中学教师"] in two
    assert two[1][1] == "2022年度考核称职；2023年度考核优秀。"


def test_pdf_is_two_a4_pages_with_cjk_font_and_photo():
    data = render_pdf(record(photo=png((90, 120))), on=ON)
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type /Page\b(?!s)", data)) == 2
    assert b"STSong-Light" in data and b"/Subtype /Image" in data
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in data


def test_docx_has_two_tables_a_page_break_and_the_photo():
    document = Document(io.BytesIO(render_docx(record(photo=png((90, 120))), on=ON)))
    assert len(document.tables) == 2 and len(document.inline_shapes) == 1
    text = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "示范大学法律系法学专业学习" in text and "甲县第一中学教师" in text
    assert 'w:type="page"' in document.element.xml


@pytest.mark.django_db
def test_export_command_writes_docx_and_pdf(tree, tmp_path):
    first = make_cadre(tree.township_a)
    second = make_cadre(tree.township_a, name="李四", birth=date(1985, 2, 3), order=2)
    call_command("export_cadres", "--format", "pdf", "--org", "990121001", "--out", str(tmp_path / "all.zip"))
    with zipfile.ZipFile(tmp_path / "all.zip") as archive:  # members are named by id and name
        assert sorted(archive.namelist()) == sorted([f"{first.pk}_张三.pdf", f"{second.pk}_李四.pdf"])
    call_command("export_cadres", "--format", "docx", "--id", "110105198005170017", "--out", str(tmp_path / "z.docx"))
    assert Document(str(tmp_path / "z.docx")).tables[0].cell(0, 1).text == "张三"
