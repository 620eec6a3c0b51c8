"""R27: quarterly village income reports, five-colour grading by configurable thresholds, the ranking
API, the Excel 通报 and the public 通报 page without an account (no personal data)."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from openpyxl import load_workbook

from zugong.cadres.models import Cadre
from zugong.conftest import Tree, logged_in
from zugong.core.errors import Conflict, NotFound, ValidationFailed
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import OrgKind, OrgUnit
from zugong.core.services import org_unit_create
from zugong.fieldwork.selectors import graded_reports, parse_quarter, report_due
from zugong.fieldwork.services.income import income_report_submit, income_scale_set

Q3 = date(2025, 7, 1)


def _village(parent: OrgUnit, name: str) -> OrgUnit:
    return org_unit_create(actor=None, kind=OrgKind.VILLAGE, name=name, parent=parent)


def _report(user: User, village: OrgUnit, income: str, quarter: date = Q3) -> None:
    income_report_submit(actor=user, jurisdiction=jurisdiction_for(user), village=village, quarter=quarter,
                         income=Decimal(income), submitted_on=date(2025, 10, 5))


def _levels(unit: OrgUnit, quarter: date = Q3) -> dict[str, str]:
    return {r["village_name"]: r["level"] for r in graded_reports(unit, quarter)}


@pytest.mark.parametrize(("income", "level"), [
    ("0", "red"), ("4.99", "red"), ("5", "orange"), ("9.99", "orange"), ("10", "yellow"),
    ("19.99", "yellow"), ("20", "green"), ("49.99", "green"), ("50", "blue"), ("300", "blue"),
])
def test_default_thresholds_grade_each_side_of_every_boundary(tree: Tree, alice: User, income: str,
                                                               level: str) -> None:
    _report(alice, tree.village_a, income)
    assert _levels(tree.county_a) == {"甲村": level}


def test_a_county_scale_applies_to_its_villages_only_and_from_its_date(tree: Tree, alice: User,
                                                                        carol: User) -> None:
    _report(alice, tree.village_a, "12")
    _report(carol, tree.village_b, "12")
    _report(alice, tree.village_a, "12", quarter=date(2025, 4, 1))
    income_scale_set(actor=alice, jurisdiction=jurisdiction_for(alice), org_unit=tree.county_a,
                     valid_from=date(2025, 7, 1), thresholds=(Decimal(3), Decimal(6), Decimal(12), Decimal(30)))
    assert _levels(tree.city) == {"甲村": "green", "乙村": "yellow"}  # one query, two counties' scales
    assert _levels(tree.county_a, date(2025, 4, 1)) == {"甲村": "yellow"}  # before the county's version


def test_scale_must_rise(tree: Tree, alice: User) -> None:
    with pytest.raises(ValidationFailed, match="从低到高"):
        income_scale_set(actor=alice, jurisdiction=jurisdiction_for(alice), org_unit=tree.county_a,
                         valid_from=Q3, thresholds=(Decimal(5), Decimal(5), Decimal(12), Decimal(30)))


def test_report_once_a_quarter_by_a_village_in_reach(tree: Tree, alice: User, bob: User, carol: User) -> None:
    _report(bob, tree.village_a, "8")
    with pytest.raises(Conflict, match="甲村2025年第3季度的集体经济收入已报送"):
        _report(alice, tree.village_a, "9")
    with pytest.raises(NotFound):
        _report(carol, tree.village_a, "9", quarter=date(2025, 4, 1))
    with pytest.raises(ValidationFailed, match="按村报送"):
        _report(alice, tree.township_a, "9")
    with pytest.raises(ValidationFailed, match="尚未开始"):
        _report(alice, tree.village_a, "9", quarter=date(2026, 1, 1))  # submitted 2025-10-05


def test_quarter_parsing_and_deadline(db: object) -> None:
    assert parse_quarter("2025Q3") == Q3
    assert parse_quarter("2025-4") == date(2025, 10, 1)
    with pytest.raises(ValueError):
        parse_quarter("2025Q5")
    assert report_due(Q3) == date(2025, 10, 10)
    assert report_due(date(2025, 10, 1)) == date(2026, 1, 10)


def test_api_returns_village_income_level_scoped(tree: Tree, alice: User, carol: User) -> None:
    second = _village(tree.township_a2, "丙村")
    _report(alice, tree.village_a, "4")
    _report(alice, second, "60")
    _report(carol, tree.village_b, "30")
    response = logged_in(alice).get("/api/v1/villages/income", {"org": str(tree.county_a.pk), "quarter": "2025Q3"})
    assert response.status_code == 200
    assert response.json() == [{"village": "丙村", "income": "60.00", "level": "blue"},
                               {"village": "甲村", "income": "4.00", "level": "red"}]
    assert logged_in(carol).get("/api/v1/villages/income", {"org": str(tree.county_a.pk)}).status_code == 404
    assert logged_in(alice).get("/api/v1/villages/income", {"org": str(tree.county_a.pk),
                                                            "quarter": "Q9"}).status_code == 400


def test_public_bulletin_needs_no_account_and_shows_no_personal_data(tree: Tree, alice: User) -> None:
    Cadre.objects.create(name="张三丰", org_unit=tree.village_a, id_number="11010519491231002X")
    income_report_submit(actor=alice, jurisdiction=jurisdiction_for(alice), village=tree.village_a, quarter=Q3,
                         income=Decimal("7.5"), measures="由村支书张三丰联系光伏项目", channels="光伏",
                         submitted_on=date(2025, 10, 5))
    response = Client().get(f"/m/income/{tree.county_a.pk}/", {"quarter": "2025Q3"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "甲县2025年第3季度村集体经济收入通报" in body
    assert "甲村" in body and "7.50" in body and "橙色" in body
    for personal in ("张三丰", "11010519491231002X", "alice", "光伏"):
        assert personal not in body
    assert Client().get(f"/m/income/{tree.township_a.pk}/").status_code == 404  # counties only
    assert Client().get(f"/m/income/{tree.county_a.pk}/", {"quarter": "x"}).status_code == 400


def test_ranking_page_and_excel_bulletin(tree: Tree, alice: User, bob: User) -> None:
    _report(alice, tree.village_a, "25")
    client = logged_in(alice)
    page = client.get("/fieldwork/income/", {"org": str(tree.county_a.pk), "quarter": "2025Q3"})
    assert page.status_code == 200 and "绿色" in page.content.decode()
    export = client.get("/fieldwork/income/export/", {"org": str(tree.county_a.pk), "quarter": "2025Q3"})
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content), read_only=True).worksheets[0]
    rows = [tuple(c for c in row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "甲县2025年第3季度村集体经济收入通报"
    assert rows[2] == (1, "甲镇", "甲村", 25.0, "绿色")
    assert logged_in(bob).get("/fieldwork/income/export/").status_code == 403


def test_income_view_refused_outside(tree: Tree, carol: User) -> None:
    with pytest.raises(NotFound):
        income_report_submit(actor=None, jurisdiction=jurisdiction_for(User.objects.create_user("nobody")),
                             village=tree.village_b, quarter=Q3, income=Decimal(1))
    assert logged_in(carol).get("/fieldwork/income/", {"org": str(OrgUnit.objects.get(name="甲县").pk)}).status_code == 404


def test_report_through_the_page_and_the_api(tree: Tree, alice: User, bob: User, carol: User) -> None:
    from zugong.fieldwork.models import VillageIncomeReport

    page = logged_in(bob).post("/fieldwork/income/report/", {
        "village": str(tree.village_a.pk), "quarter": "2025Q3", "income": "6.5", "channels": "", "measures": ""},
        follow=True)
    assert "已报送甲村2025年第3季度集体经济收入" in page.content.decode()
    again = logged_in(bob).post("/fieldwork/income/report/", {"village": str(tree.village_a.pk),
                                                              "quarter": "2025Q3", "income": "7"})
    assert "已报送" in again.content.decode() and again.status_code == 200  # the form, with the conflict
    bad = logged_in(bob).post("/fieldwork/income/report/", {"village": str(tree.village_b.pk), "quarter": "2025Q3",
                                                            "income": "7"})
    assert bad.status_code == 200 and not VillageIncomeReport.objects.filter(village=tree.village_b).exists()
    created = logged_in(carol).post("/api/v1/villages/income", {"village_id": tree.village_b.pk, "quarter": "2025Q2",
                                                               "income": "12.30"}, content_type="application/json")
    assert created.status_code == 201 and created.json()["income"] == "12.30"
    assert logged_in(carol).post("/api/v1/villages/income", {"village_id": tree.village_a.pk, "quarter": "2025Q2",
                                                            "income": "1"}, content_type="application/json").status_code == 404
    assert logged_in(carol).post("/api/v1/villages/income", {"village_id": tree.village_b.pk, "quarter": "2025Q2",
                                                            "income": "1"}, content_type="application/json").status_code == 409


def test_ranking_queries_do_not_grow_with_villages(tree: Tree, alice: User, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    for n in range(30):
        _report(alice, _village(tree.township_a2, f"新村{n}"), str(n * 2))
    client = logged_in(alice)
    client.get("/fieldwork/income/", {"org": str(tree.county_a.pk), "quarter": "2025Q3"})  # warm the session caches
    with django_assert_max_num_queries(12):
        page = client.get("/fieldwork/income/", {"org": str(tree.county_a.pk), "quarter": "2025Q3"})
    assert page.content.decode().count("<tr>") >= 31
    with django_assert_max_num_queries(8):
        rows = client.get("/api/v1/villages/income", {"org": str(tree.county_a.pk), "quarter": "2025Q3"}).json()
    assert len(rows) == 30 and rows[0] == {"village": "新村29", "income": "58.00", "level": "blue"}


def test_a_city_scale_applies_below_it_unless_a_county_sets_its_own(tree: Tree, alice: User, carol: User) -> None:
    city_admin = User.objects.create_user("city-admin")
    from zugong.core.models import Membership, Role

    Membership.objects.create(user=city_admin, org_unit=tree.city, role=Role.ORG_ADMIN)
    _report(alice, tree.village_a, "12")
    _report(carol, tree.village_b, "12")
    income_scale_set(actor=city_admin, jurisdiction=jurisdiction_for(city_admin), org_unit=tree.city,
                     valid_from=date(2025, 1, 1), thresholds=(Decimal(1), Decimal(2), Decimal(3), Decimal(12)))
    assert _levels(tree.city) == {"甲村": "blue", "乙村": "blue"}
    income_scale_set(actor=alice, jurisdiction=jurisdiction_for(alice), org_unit=tree.county_a,
                     valid_from=date(2024, 1, 1), thresholds=(Decimal(20), Decimal(30), Decimal(40), Decimal(50)))
    assert _levels(tree.city) == {"甲村": "red", "乙村": "blue"}  # the county's own, though older, wins
    assert _levels(tree.township_a) == {"甲村": "red"}
    assert _levels(tree.village_b) == {"乙村": "blue"}


def _trend(body: str) -> dict[str, Any]:
    found = re.search(r'<script id="zg-income-trend-data" type="application/json">(.*?)</script>', body, re.S)
    assert found is not None
    return json.loads(found.group(1))  # type: ignore[no-any-return]


def test_trend_chart_counts_each_colour_per_quarter_by_the_scale_then_in_force(tree: Tree, alice: User,
                                                                                 carol: User) -> None:
    # given: two quarters of reports in 甲县, a county scale from the third quarter, 乙县 reporting too
    new_village = _village(tree.township_a, "新村")
    _report(alice, tree.village_a, "12", quarter=date(2025, 4, 1))
    _report(alice, new_village, "3", quarter=date(2025, 4, 1))
    _report(alice, tree.village_a, "25")
    _report(alice, new_village, "3")
    _report(carol, tree.village_b, "100")
    income_scale_set(actor=alice, jurisdiction=jurisdiction_for(alice), org_unit=tree.county_a,
                     valid_from=Q3, thresholds=(Decimal(3), Decimal(6), Decimal(12), Decimal(30)))
    # when
    page = logged_in(alice).get("/fieldwork/income/", {"org": str(tree.county_a.pk), "quarter": "2025Q3"})
    # then
    body = page.content.decode()
    assert "近四个季度各预警等级村数" in body and "fieldwork/income_trend.js" in body
    trend = _trend(body)
    assert trend["quarters"] == ["2024年第4季度", "2025年第1季度", "2025年第2季度", "2025年第3季度"]
    assert trend["unit"] == "村数"
    assert {s["name"]: s["data"] for s in trend["series"]} == {
        "红色": [0, 0, 1, 0], "橙色": [0, 0, 0, 1], "黄色": [0, 0, 1, 0], "绿色": [0, 0, 0, 1], "蓝色": [0, 0, 0, 0]}
    city = _trend(logged_in(User.objects.create_superuser("root")).get(
        "/fieldwork/income/", {"org": str(tree.city.pk), "quarter": "2025Q3"}).content.decode())
    assert {s["name"]: s["data"][3] for s in city["series"]} == {"红色": 0, "橙色": 1, "黄色": 0, "绿色": 1, "蓝色": 1}
    public = _trend(Client().get(f"/m/income/{tree.county_a.pk}/", {"quarter": "2025Q3"}).content.decode())
    assert public["series"] == trend["series"]


def _scale_post(county: OrgUnit, **bounds: str) -> dict[str, str]:
    values = {"orange_from": "3", "yellow_from": "6", "green_from": "12", "blue_from": "30"} | bounds
    return {"org_unit": str(county.pk), "valid_from": "2025-07-01", **values}


def test_scale_page_sets_a_version_that_grades_the_quarter(tree: Tree, alice: User) -> None:
    from zugong.core.models import AuditEvent

    _report(alice, tree.village_a, "25")
    client = logged_in(alice)
    ranking = client.get("/fieldwork/income/", {"org": str(tree.county_a.pk), "quarter": "2025Q3"}).content.decode()
    assert 'id="zg-income-scales" href="/fieldwork/income/scales/"' in ranking and "预警标准" in ranking
    form = client.get("/fieldwork/income/scales/").content.decode()
    assert "尚未设定，按默认标准。" in form and "橙色起点 5 万元" in form and "蓝色起点（万元）" in form
    # when
    saved = client.post("/fieldwork/income/scales/", _scale_post(tree.county_a), follow=True)
    # then
    body = saved.content.decode()
    assert "已设定甲县自2025-07-01起的村集体经济收入预警标准" in body
    assert "<td>甲县</td><td>2025-07-01</td><td>3.00</td><td>6.00</td><td>12.00</td><td>30.00</td>" in body
    assert _levels(tree.county_a) == {"甲村": "green"}  # 25 was green under 20/50 too: 12 ≤ 25 < 30
    assert AuditEvent.objects.filter(action="fieldwork.income_scale_set").count() == 1
    again = client.post("/fieldwork/income/scales/", _scale_post(tree.county_a))
    assert again.status_code == 200 and "甲县自2025-07-01起已有一版预警标准" in again.content.decode()


def test_scale_page_names_bad_input_in_chinese_and_saves_nothing(tree: Tree, alice: User) -> None:
    from zugong.fieldwork.models import IncomeScale

    client = logged_in(alice)
    falling = client.post("/fieldwork/income/scales/", _scale_post(tree.county_a, yellow_from="3", blue_from="10"))
    body = falling.content.decode()
    assert falling.status_code == 200
    assert "黄色起点应高于橙色起点" in body and "蓝色起点应高于绿色起点" in body
    negative = client.post("/fieldwork/income/scales/", _scale_post(tree.county_a, orange_from="-1"))
    assert "确保该值大于或等于0" in negative.content.decode()
    missing = client.post("/fieldwork/income/scales/", {"org_unit": str(tree.county_a.pk), "valid_from": "2025-13-01"})
    assert "这个字段是必填项" in missing.content.decode()
    outside = client.post("/fieldwork/income/scales/", _scale_post(tree.county_b))
    assert outside.status_code == 200 and "选择一个有效的选项" in outside.content.decode()
    assert not IncomeScale.objects.exists()


def test_scale_page_refuses_a_role_without_the_right(tree: Tree, bob: User) -> None:
    from zugong.fieldwork.models import IncomeScale

    client = logged_in(bob)  # township staff: may read the ranking, not set the thresholds
    ranking = client.get("/fieldwork/income/", {"quarter": "2025Q3"}).content.decode()
    assert "zg-income-scales" not in ranking
    page = client.get("/fieldwork/income/scales/")
    assert page.status_code == 200 and "zg-income-scale-form" not in page.content.decode()
    refused = client.post("/fieldwork/income/scales/", _scale_post(tree.county_a))
    assert refused.status_code == 403 and "无权" in refused.content.decode()
    assert not IncomeScale.objects.exists()


def _correct(user: User, village: OrgUnit, income: str, day: date, reason: str = "漏报了光伏分红") -> None:
    from zugong.fieldwork.services.income import income_report_correct

    income_report_correct(actor=user, jurisdiction=jurisdiction_for(user), village=village, quarter=Q3,
                          income=Decimal(income), reason=reason, corrected_on=day)


def test_correction_until_the_due_day_keeps_the_first_submission_and_is_audited(tree: Tree, alice: User,
                                                                                bob: User, carol: User) -> None:
    from zugong.core.models import AuditEvent
    from zugong.fieldwork.models import VillageIncomeReport

    _report(alice, tree.village_a, "4")  # submitted 2025-10-05; 2025Q3 is due 2025-10-10
    _correct(bob, tree.village_a, "12", date(2025, 10, 10))  # the due day itself
    report = VillageIncomeReport.objects.get(village=tree.village_a, quarter_start=Q3)
    assert (report.income, report.submitted_on, report.corrected_on) == (Decimal("12.00"), date(2025, 10, 5),
                                                                         date(2025, 10, 10))
    assert report.correction_reason == "漏报了光伏分红" and _levels(tree.county_a) == {"甲村": "yellow"}
    event = AuditEvent.objects.filter(action="fieldwork.income_report").order_by("-sequence").first()
    assert event is not None and event.summary["before"]["income"] == "4.00" and event.summary["income"] == "12"
    with pytest.raises(Conflict, match="2025年第3季度的通报已于2025-10-10截止报送后发布，不能再更正"):
        _correct(bob, tree.village_a, "30", date(2025, 10, 11))  # the day after: published
    with pytest.raises(ValidationFailed, match="请填写更正原因"):
        _correct(bob, tree.village_a, "30", date(2025, 10, 9), reason="  ")
    with pytest.raises(NotFound, match="尚未报送"):
        _correct(bob, _village(tree.township_a, "新村"), "1", date(2025, 10, 9))
    with pytest.raises(NotFound):
        _correct(carol, tree.village_a, "1", date(2025, 10, 9))  # another county's village
    assert VillageIncomeReport.objects.get(village=tree.village_a, quarter_start=Q3).income == Decimal("12.00")


def test_correction_page_in_chinese(tree: Tree, alice: User, bob: User, carol: User) -> None:
    from django.utils import timezone

    from zugong.fieldwork.models import VillageIncomeReport
    from zugong.fieldwork.selectors import quarter_start

    # given: this quarter's report (still before its due day) and last year's (published)
    this = quarter_start(timezone.localdate())
    code = f"{this.year}Q{(this.month - 1) // 3 + 1}"
    income_report_submit(actor=bob, jurisdiction=jurisdiction_for(bob), village=tree.village_a, quarter=this,
                         income=Decimal("3"))
    _report(alice, tree.village_a, "4")
    client = logged_in(bob)
    assert 'id="zg-income-correct"' in client.get("/fieldwork/income/").content.decode()
    post = {"village": str(tree.village_a.pk), "quarter": code, "income": "8", "channels": "", "measures": ""}
    # when / then: the reason is asked for, then the correction saved
    unreasoned = client.post("/fieldwork/income/correct/", post)
    assert unreasoned.status_code == 200 and "这个字段是必填项" in unreasoned.content.decode()
    done = client.post("/fieldwork/income/correct/", {**post, "reason": "村会计录入有误"}, follow=True)
    assert "已更正甲村" in done.content.decode()
    assert VillageIncomeReport.objects.get(village=tree.village_a, quarter_start=this).income == Decimal("8.00")
    late = client.post("/fieldwork/income/correct/", {**post, "quarter": "2025Q3", "reason": "补充"})
    assert late.status_code == 200 and "通报已于2025-10-10截止报送后发布" in late.content.decode()
    assert VillageIncomeReport.objects.get(village=tree.village_a, quarter_start=Q3).income == Decimal("4.00")
    other = logged_in(carol).post("/fieldwork/income/correct/", {**post, "reason": "x"})
    assert other.status_code == 200 and "选择一个有效的选项" in other.content.decode()  # 甲村 is out of reach
