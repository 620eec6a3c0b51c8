"""The downloadable import template: headers to fill, and a 填写说明 sheet whose examples really import."""

from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook

from zugong.cadres.xlsx import COLUMNS, NOTES, REQUIRED, read_rows, record_from_row, template


def test_template_has_headers_and_a_notes_sheet_for_every_column() -> None:
    book = load_workbook(io.BytesIO(template()))
    assert book.sheetnames == ["干部信息", "填写说明"]
    assert [c.value for c in book["干部信息"][1]] == [label for _, label in COLUMNS]
    assert book["干部信息"].max_row == 1  # nothing to import by mistake
    notes = {row[0]: row for row in book["填写说明"].iter_rows(min_row=2, values_only=True)}
    assert set(notes) == {label for _, label in COLUMNS}
    assert all(notes[label][1] == ("必填" if key in REQUIRED else None) for key, label in COLUMNS)


def test_the_examples_of_the_notes_import_without_a_problem() -> None:
    # given: the first sheet filled with the notes' examples
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([label for _, label in COLUMNS])
    sheet.append([NOTES[key][1] or None for key, _ in COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    # when
    rows = list(read_rows(buffer.getvalue()))
    record, problems = record_from_row(*rows[0])
    # then: one clean record, read as the notes say
    assert len(rows) == 1 and problems == []
    assert (record.name, record.id_number) == ("张伟", "110105198205170011")
    assert record.birth_date is not None and (record.birth_date.year, record.birth_date.month) == (1982, 5)
    assert [r.text for r in record.resume][-1] == "甲县乙镇科员" and len(record.resume) == 2
    assert [(r.year, r.rating) for r in record.reviews] == [(2023, "competent"), (2024, "excellent")]


def test_the_empty_template_imports_nothing() -> None:
    assert list(read_rows(template())) == []


def test_template_date_and_id_columns_are_text_so_1996_10_stays_october() -> None:
    sheet = load_workbook(io.BytesIO(template()))["干部信息"]
    formats = {label: sheet.column_dimensions[chr(ord("A") + index)].number_format
               for index, (_, label) in enumerate(COLUMNS)}
    assert [label for label, number_format in formats.items() if number_format == "@"] == [
        "公民身份号码", "出生年月", "入党时间", "参加工作时间"]
