"""R27: one village's income over quarters — the data of its ECharts chart (income per quarter, null where it
did not report, each quarter graded by the thresholds then in force, as the ranking grades it), the page by role
(another county's village 404), and the ranking page linking to it while the public 通报 does not."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from zugong.conftest import Tree, logged_in
from zugong.core.jurisdiction import jurisdiction_for
from zugong.fieldwork.selectors import DEFAULT_SCALE, graded_reports, level_for, village_income_history
from zugong.fieldwork.services.income import income_report_submit, income_scale_set


def _report(user: User, tree: Tree, quarter: date, income: str) -> None:
    income_report_submit(actor=user, jurisdiction=jurisdiction_for(user), village=tree.village_a, quarter=quarter,
                         income=Decimal(income), submitted_on=date(quarter.year, quarter.month + 2, 28))


def _chart(client: Client, path: str) -> dict[str, Any]:
    body = client.get(path).content.decode()
    start = body.index('<script id="zg-village-income-data" type="application/json">')
    payload = body[body.index(">", start) + 1:body.index("</script>", start)]
    return dict(json.loads(payload))


@pytest.mark.parametrize(("income", "level"), [("4.99", "red"), ("5", "orange"), ("10", "yellow"), ("20", "green"),
                                               ("49.99", "green"), ("50", "blue")])
def test_level_for_grades_as_the_sql_case(income: str, level: str) -> None:
    assert level_for(Decimal(income), DEFAULT_SCALE) == level


def test_village_chart_gives_income_per_quarter_graded_then(tree: Tree, alice: User, bob: User) -> None:
    # given four quarters of 2025 but the second, and 甲县's thresholds raised from the third quarter
    for quarter, income in ((date(2025, 1, 1), "4"), (date(2025, 7, 1), "12"), (date(2025, 10, 1), "25.5")):
        _report(bob, tree, quarter, income)
    income_scale_set(actor=alice, jurisdiction=jurisdiction_for(alice), org_unit=tree.county_a,
                     valid_from=date(2025, 7, 1), thresholds=(Decimal(8), Decimal(15), Decimal(25), Decimal(60)))
    # when
    chart = _chart(logged_in(bob), f"/fieldwork/income/villages/{tree.village_a.pk}/?quarter=2025Q4")
    # then: eight quarters, oldest first, 2025Q1 under the default scale, Q3 and Q4 under 甲县's
    assert chart["title"] == "甲村" and chart["unit"] == "万元"
    assert chart["quarters"][-4:] == ["2025年第1季度", "2025年第2季度", "2025年第3季度", "2025年第4季度"]
    assert chart["quarters"][0] == "2024年第1季度"
    assert chart["income"] == [None] * 4 + [4.0, None, 12.0, 25.5]
    assert chart["levels"] == [None] * 4 + ["红色", None, "橙色", "绿色"]
    assert chart["colors"][-4:] == ["#d9342b", None, "#f08c00", "#2f9e44"]
    # and each quarter's level is the ranking's for that quarter
    for entry in village_income_history(tree.village_a, date(2025, 10, 1), 4):
        ranked = {r["village_name"]: r["level"] for r in graded_reports(tree.county_a, entry.quarter)}
        assert entry.level == ranked.get("甲村")


def test_village_page_by_role_and_links(tree: Tree, alice: User, carol: User, bob: User) -> None:
    _report(bob, tree, date(2025, 7, 1), "12")
    path = f"/fieldwork/income/villages/{tree.village_a.pk}/?quarter=2025Q3"
    page = logged_in(alice).get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="zg-village-income"' in html and "vendor/echarts.min.js" in html and "fieldwork/village_income.js" in html
    assert "2025年第3季度" in html and "未报送" in html
    assert logged_in(carol).get(path).status_code == 404  # another county's village
    assert logged_in(alice).get(f"/fieldwork/income/villages/{tree.township_a.pk}/").status_code == 404  # not a village
    assert Client().get(path).status_code in (302, 403)  # no account
    ranking = logged_in(alice).get(f"/fieldwork/income/?org={tree.county_a.pk}&quarter=2025Q3").content.decode()
    assert f'href="/fieldwork/income/villages/{tree.village_a.pk}/?quarter=2025Q3">甲村</a>' in ranking
    public = Client().get(f"/m/income/{tree.county_a.pk}/?quarter=2025Q3").content.decode()
    assert "甲村" in public and "/fieldwork/income/villages/" not in public
