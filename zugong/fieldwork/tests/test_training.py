"""R30: training records by hand and from Excel; ≥1 off-job course a year through the rule engine; the
rolling five-year minimum of off-job days, each positive and negative, at the window's edges — on the page's
selector and as the engine's findings (part "cycle"), which agree."""

from __future__ import annotations

import importlib
import io
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from openpyxl import Workbook

from zugong.conftest import Tree
from zugong.core.errors import Forbidden, NotFound, ValidationFailed
from zugong.core.jurisdiction import jurisdiction_for
from zugong.fieldwork.models import TrainingKind, TrainingRecord
from zugong.fieldwork.selectors import off_job_days_in_cycle
from zugong.fieldwork.services.training import HEADERS, training_import, training_record_add
from zugong.fieldwork.tests.helpers import cadre, off_job, org_department
from zugong.rules.engine import evaluate
from zugong.rules.models import Finding
from zugong.rules.services import rule_override_set

MIGRATION = importlib.import_module("zugong.rules.migrations.0008_fieldwork_register")


def _cycle(user: User, as_of: date) -> dict[str, tuple[int, bool]]:
    rows = off_job_days_in_cycle(jurisdiction_for(user), as_of=as_of)
    return {r["name"]: (r["off_job_days"], r["meets"]) for r in rows}


def test_rolling_five_year_window_counts_courses_ended_inside_it(tree: Tree, alice: User) -> None:
    dept = org_department(tree.county_a)
    enough, short, edge = cadre(dept, "达标"), cadre(dept, "不足"), cadre(dept, "边界")
    cadre(tree.township_a, "乡镇干部")  # not an org-department cadre: not in the population
    off_job(enough, date(2021, 3, 1), date(2021, 4, 30), 60)
    off_job(enough, date(2024, 9, 1), date(2024, 9, 30), 30)
    off_job(short, date(2023, 3, 1), date(2023, 4, 30), 60)
    off_job(short, date(2024, 3, 1), date(2024, 4, 10), 41, kind=TrainingKind.ON_JOB)  # on the job: not counted
    off_job(edge, date(2020, 5, 1), date(2020, 6, 30), 45)  # ends 2020-06-30
    off_job(edge, date(2025, 1, 1), date(2025, 2, 14), 45)
    # 2025-06-29: window (2020-06-29, 2025-06-29] holds both of edge's courses
    assert _cycle(alice, date(2025, 6, 29)) == {"不足": (60, False), "达标": (90, True), "边界": (90, True)}
    # 2025-06-30: window (2020-06-30, 2025-06-30]: edge's first course ended on the excluded day
    assert _cycle(alice, date(2025, 6, 30))["边界"] == (45, False)


def test_cycle_minimum_is_a_rule_parameter(tree: Tree, alice: User) -> None:
    dept = org_department(tree.county_a)
    person = cadre(dept, "六十天")
    off_job(person, date(2024, 3, 1), date(2024, 4, 29), 60)
    assert _cycle(alice, date(2025, 1, 1))["六十天"] == (60, False)
    rule_override_set(actor=None, jurisdiction=jurisdiction_for(alice), code="R30", org_unit=tree.county_a,
                      valid_from=date(2024, 1, 1), params={"cycle": {"min_total": 60}})
    rows = off_job_days_in_cycle(jurisdiction_for(alice), as_of=date(2025, 1, 1), org_unit=tree.county_a)
    assert [(r["name"], r["meets"]) for r in rows] == [("六十天", True)]


def test_cycle_is_scoped_to_the_jurisdiction(tree: Tree, alice: User, carol: User) -> None:
    cadre(org_department(tree.county_a), "甲县组工")
    cadre(org_department(tree.county_b), "乙县组工")
    assert set(_cycle(alice, date(2025, 1, 1))) == {"甲县组工"}
    assert set(_cycle(carol, date(2025, 1, 1))) == {"乙县组工"}


def test_engine_finds_a_year_without_an_off_job_course(tree: Tree) -> None:
    dept = org_department(tree.county_a)
    trained, untrained, online = cadre(dept, "当年脱产"), cadre(dept, "当年未训"), cadre(dept, "仅网络")
    off_job(trained, date(2025, 11, 1), date(2025, 12, 31), 61)
    off_job(untrained, date(2024, 11, 1), date(2024, 12, 31), 61)  # ended the year before
    off_job(online, date(2025, 3, 1), date(2025, 3, 5), 5, kind=TrainingKind.ONLINE)
    evaluate(as_of=date(2026, 1, 15), rule="R30", periods=2)
    findings = {f.subject_label: (f.status, f.detail) for f in Finding.objects.filter(
        rule__code="R30", part="", period_start=date(2025, 1, 1))}
    assert findings["当年脱产"][0] == "compliant"
    assert findings["当年未训"][0] == "violated"
    assert findings["仅网络"][0] == "violated"
    assert "脱产培训 0 次" in findings["仅网络"][1]
    assert len(findings) == 3


def _cycle_findings(as_of: date, year: int) -> dict[str, tuple[str, float | None, str]]:
    evaluate(as_of=as_of, rule="R30", periods=2)
    return {f.subject_label: (f.status, f.measure, f.detail) for f in Finding.objects.filter(
        rule__code="R30", part="cycle", period_start=date(year, 1, 1))}


def test_engine_finds_cadres_below_the_rolling_minimum_at_the_years_end(tree: Tree) -> None:
    # given, for the year 2025, the window (2020-12-31, 2025-12-31]
    dept = org_department(tree.county_a)
    enough, short, before, inside = cadre(dept, "达标"), cadre(dept, "不足"), cadre(dept, "窗外"), cadre(dept, "窗内")
    cadre(tree.township_a, "乡镇干部")  # not an org-department cadre: no finding
    off_job(enough, date(2021, 3, 1), date(2021, 4, 30), 60)
    off_job(enough, date(2024, 9, 1), date(2024, 9, 30), 30)
    off_job(short, date(2023, 3, 1), date(2023, 4, 30), 60)
    off_job(short, date(2024, 3, 1), date(2024, 4, 10), 41, kind=TrainingKind.ON_JOB)  # on the job: not counted
    off_job(before, date(2020, 11, 17), date(2020, 12, 31), 45)  # ended on the excluded day
    off_job(inside, date(2020, 11, 18), date(2021, 1, 1), 45)  # ended the day after it
    for person in (before, inside):
        off_job(person, date(2025, 11, 1), date(2025, 12, 15), 45)
    # when the year is evaluated after its grace days
    found = _cycle_findings(date(2026, 1, 15), 2025)
    # then
    assert {name: (status, measure) for name, (status, measure, _) in found.items()} == {
        "达标": ("compliant", 90), "不足": ("violated", 60), "窗外": ("violated", 45), "窗内": ("compliant", 90)}
    assert found["不足"][2] == "2025年培训周期内脱产培训 60 天，应不少于 90 天"


def test_engine_window_of_the_running_year_ends_on_the_evaluation_day(tree: Tree, alice: User) -> None:
    dept = org_department(tree.county_a)
    edge = cadre(dept, "边界")
    off_job(edge, date(2020, 5, 1), date(2020, 6, 30), 45)
    off_job(edge, date(2025, 1, 1), date(2025, 2, 14), 45)
    # the day before the first course leaves the window, and the day it does (the selector agrees)
    assert _cycle_findings(date(2025, 6, 29), 2025)["边界"][:2] == ("compliant", 90)
    assert _cycle_findings(date(2025, 6, 30), 2025)["边界"][:2] == ("pending", 45)
    assert _cycle(alice, date(2025, 6, 30))["边界"] == (45, False)
    # within the warn days of the year's end the shortfall is due soon
    assert _cycle_findings(date(2025, 12, 26), 2025)["边界"][:2] == ("due_soon", 45)


def test_engine_rolling_minimum_and_years_are_parameters_per_county(tree: Tree, alice: User, carol: User) -> None:
    # given the same 60 days, in county A ending four years back, in county B
    a, b = cadre(org_department(tree.county_a), "甲县组工"), cadre(org_department(tree.county_b), "乙县组工")
    for person in (a, b):
        off_job(person, date(2021, 3, 1), date(2021, 4, 29), 60)
    assert {n: f[0] for n, f in _cycle_findings(date(2026, 1, 15), 2025).items()} == {
        "甲县组工": "violated", "乙县组工": "violated"}
    # when county A asks for 60 days and county B counts 4 years
    rule_override_set(actor=None, jurisdiction=jurisdiction_for(alice), code="R30", org_unit=tree.county_a,
                      valid_from=date(2025, 1, 1), params={"cycle": {"min_total": 60}})
    rule_override_set(actor=None, jurisdiction=jurisdiction_for(carol), code="R30", org_unit=tree.county_b,
                      valid_from=date(2025, 1, 1), params={"cycle": {"years": 4}})
    found = _cycle_findings(date(2026, 1, 15), 2025)
    # then A's cadre meets 60; B's window (2021-12-31, 2025-12-31] no longer holds the course
    assert {n: f[:2] for n, f in found.items()} == {"甲县组工": ("compliant", 60), "乙县组工": ("violated", 0)}
    assert found["甲县组工"][2] == "2025年培训周期内脱产培训 60 天，达到不少于 60 天的要求"


def test_register_migration_moves_the_cycle_parameters_into_the_part() -> None:
    root = {"period": "year", "min_total": 1.0, "training_days_per_cycle": 90, "cycle_years": 5, "seminars": 2}
    moved = MIGRATION._r30_forwards(root, root=True)
    assert moved["cycle"] == {"period": "year", "min_total": 90.0, "min_share_of_days": None, "warn_days": 7,
                              "grace_days": 5, "years": 5}
    assert "training_days_per_cycle" not in moved and "cycle_years" not in moved
    override = MIGRATION._r30_forwards({"training_days_per_cycle": 60}, root=False)
    assert override == {"cycle": {"min_total": 60.0}}
    assert MIGRATION._r30_backwards(override) == {"training_days_per_cycle": 60}
    assert MIGRATION._r30_forwards({"seminars": 3}, root=False) == {"seminars": 3}


def test_record_add_checks_dates_and_permission(tree: Tree, alice: User, bob: User, carol: User) -> None:
    person = cadre(org_department(tree.county_a), "甲")
    record = training_record_add(actor=alice, jurisdiction=jurisdiction_for(alice), cadre=person, course="进修班",
                                 kind=TrainingKind.OFF_JOB, start_date=date(2025, 3, 1), end_date=date(2025, 3, 31))
    assert record.days == 31
    with pytest.raises(ValidationFailed, match="结束日期不能早于开始日期"):
        training_record_add(actor=alice, jurisdiction=jurisdiction_for(alice), cadre=person, course="x",
                            kind=TrainingKind.OFF_JOB, start_date=date(2025, 3, 2), end_date=date(2025, 3, 1))
    with pytest.raises(Forbidden):
        training_record_add(actor=bob, jurisdiction=jurisdiction_for(bob), cadre=cadre(tree.township_a, "乡"),
                            course="x", kind=TrainingKind.ON_JOB, start_date=date(2025, 3, 1), end_date=date(2025, 3, 1))
    with pytest.raises(NotFound):
        training_record_add(actor=carol, jurisdiction=jurisdiction_for(carol), cadre=person, course="x",
                            kind=TrainingKind.ON_JOB, start_date=date(2025, 3, 1), end_date=date(2025, 3, 1))


def _workbook(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(HEADERS))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_import_stores_good_rows_and_names_file_row_field_of_the_others(tree: Tree, alice: User) -> None:
    dept = org_department(tree.county_a)
    cadre(dept, "甲", "11010519491231002X")
    cadre(org_department(tree.county_b), "乙县人", "110105194912310038")
    data = _workbook([
        ["11010519491231002x", "甲", "中青班", "省委党校", "脱产", date(2024, 3, 1), date(2024, 5, 31), 92, 400, "Z-1"],
        ["11010519491231002X", "甲", "网络专题", "", "网络", "2024/6/1", "2024/6/3", None, 12, ""],
        ["110105194912310038", "乙县人", "x", "", "脱产", date(2024, 1, 1), date(2024, 1, 2), 2, None, ""],
        ["11010519491231002X", "甲", "", "", "脱产", date(2024, 1, 1), date(2024, 1, 2), 2, None, ""],
        ["11010519491231002X", "甲", "y", "", "函授", date(2024, 1, 1), date(2024, 1, 2), 2, None, ""],
        ["11010519491231002X", "甲", "z", "", "在职", "不是日期", date(2024, 1, 2), 2, None, ""],
    ])
    result = training_import(actor=alice, jurisdiction=jurisdiction_for(alice), data=data, filename="培训.xlsx")
    assert result.added == 2
    assert result.refused == [
        "培训.xlsx 第 4 行“身份证号码”：在您的管辖范围内找不到该身份证号码的干部",
        "培训.xlsx 第 5 行“培训班次”：请填写培训班次",
        "培训.xlsx 第 6 行“培训方式”：培训方式应为脱产、在职或网络",
        "培训.xlsx 第 7 行“开始日期”：请填写培训的开始和结束日期",
    ]
    online = TrainingRecord.objects.get(course="网络专题")
    assert (online.kind, online.days, online.start_date) == (TrainingKind.ONLINE, 3, date(2024, 6, 1))
    assert TrainingRecord.objects.get(course="中青班").days == 92


def test_import_refuses_what_is_not_a_workbook(tree: Tree, alice: User) -> None:
    with pytest.raises(ValidationFailed, match="无法读取 Excel 文件“坏.xlsx”"):
        training_import(actor=alice, jurisdiction=jurisdiction_for(alice), data=b"not a zip", filename="坏.xlsx")


def test_cadre_page_shows_training_to_readers_only(tree: Tree, alice: User, bob: User) -> None:
    from zugong.conftest import logged_in

    person = cadre(tree.township_a, "乡镇干部甲")
    off_job(person, date(2024, 3, 1), date(2024, 3, 20), 20)
    page = logged_in(alice).get(f"/cadres/{person.pk}/").content.decode()
    assert 'id="zg-trainings"' in page and "党校进修班" in page
    bob_page = logged_in(bob).get(f"/cadres/{person.pk}/")
    assert bob_page.status_code == 200  # township staff see the cadre, not the training section
    assert "党校进修班" not in bob_page.content.decode()


def test_training_page_lists_shortfalls_and_import_page_stores_rows(tree: Tree, alice: User, bob: User) -> None:
    from zugong.conftest import logged_in

    dept = org_department(tree.county_a)
    cadre(dept, "未达标者", "11010519491231002X")
    client = logged_in(alice)
    page = client.get("/fieldwork/training/", {"org": str(tree.county_a.pk)}).content.decode()
    assert "未达标者" in page and "未达标 1 人" in page
    upload = io.BytesIO(_workbook([["11010519491231002X", "未达标者", "进修班", "", "脱产", date(2024, 3, 1),
                                    date(2024, 5, 31), None, None, ""],
                                   ["", "", "缺身份证", "", "脱产", date(2024, 3, 1), date(2024, 3, 2), None, None, ""]]))
    upload.name = "培训.xlsx"
    response = client.post("/fieldwork/training/import/", {"workbook": upload}, follow=True)
    body = response.content.decode()
    assert "已导入 1 条培训记录" in body and "培训.xlsx 第 3 行“身份证号码”" in body
    assert TrainingRecord.objects.get().days == 92
    assert logged_in(bob).get("/fieldwork/training/import/").status_code == 403


def test_cycle_of_a_unit_outside_the_jurisdiction_is_not_found(tree: Tree, alice: User, carol: User) -> None:
    cadre(org_department(tree.county_b), "乙县组工")
    with pytest.raises(NotFound):
        off_job_days_in_cycle(jurisdiction_for(alice), as_of=date(2025, 1, 1), org_unit=tree.county_b)
    assert [r["name"] for r in off_job_days_in_cycle(jurisdiction_for(carol), as_of=date(2025, 1, 1),
                                                     org_unit=tree.county_b)] == ["乙县组工"]
    assert logged_in_get(carol, f"/api/v1/training/cycle?org={tree.county_a.pk}") == 404


def logged_in_get(user: User, url: str) -> int:
    from zugong.conftest import logged_in

    return logged_in(user).get(url).status_code


def test_department_programme_counts_classes_of_the_year_against_two_and_two(tree: Tree, alice: User,
                                                                             carol: User) -> None:
    from zugong.conftest import bearer, logged_in
    from zugong.fieldwork.selectors import programme_year
    from zugong.fieldwork.services.training import training_programme_add

    j = jurisdiction_for(alice)
    for kind, start in (("advanced", date(2025, 3, 1)), ("advanced", date(2025, 9, 1)), ("seminar", date(2025, 5, 1)),
                        ("seminar", date(2024, 12, 31))):  # the last one is the year before
        training_programme_add(actor=alice, jurisdiction=j, org_unit=tree.county_a, kind=kind, title="班次",
                               start_date=start, end_date=start)
    year = programme_year(tree.county_a, 2025)
    assert (year.advanced, year.seminars, year.min_advanced, year.min_seminars, year.meets) == (2, 1, 2, 2, False)
    body = logged_in(alice).post(f"/fieldwork/training/programmes/?org={tree.county_a.pk}", {
        "kind": "seminar", "title": "组织工作研讨班", "start_date": "2025-10-10", "end_date": "2025-10-12",
        "participants": "40"}, follow=True).content.decode()
    assert "已登记组织工作研讨班" in body and "研讨班 2 期（应不少于 2 期）" in body and "未达到要求" not in body
    assert programme_year(tree.county_a, 2025).meets
    with pytest.raises(NotFound):
        training_programme_add(actor=carol, jurisdiction=jurisdiction_for(carol), org_unit=tree.county_a,
                               kind="seminar", title="x", start_date=date(2025, 1, 1), end_date=date(2025, 1, 1))
    assert len(bearer(alice).get("/api/v1/training-programmes").json()) == 5
    assert bearer(carol).get("/api/v1/training-programmes").json() == []
    assert logged_in(carol).get(f"/fieldwork/training/programmes/?org={tree.county_a.pk}").status_code == 404


def test_one_record_entered_by_hand_through_the_page(tree: Tree, alice: User, bob: User, carol: User) -> None:
    from zugong.conftest import logged_in

    person = cadre(org_department(tree.county_a), "手工登记")
    body = logged_in(alice).post("/fieldwork/training/new/", {
        "cadre": person.pk, "course": "中青年干部培训班", "kind": "off_job", "start_date": "2025-03-01",
        "end_date": "2025-05-29", "hours": "320"}, follow=True).content.decode()
    assert "已登记手工登记的培训：中青年干部培训班" in body
    record = TrainingRecord.objects.get()
    assert (record.days, record.hours, record.kind) == (90, Decimal(320), "off_job")
    refused = logged_in(alice).post("/fieldwork/training/new/", {
        "cadre": person.pk, "course": "x", "kind": "off_job", "start_date": "2025-03-02", "end_date": "2025-03-01"})
    assert "结束日期不能早于开始日期" in refused.content.decode()
    assert logged_in(bob).get("/fieldwork/training/new/").status_code == 403
    other = logged_in(carol).post("/fieldwork/training/new/", {
        "cadre": person.pk, "course": "x", "kind": "off_job", "start_date": "2025-03-01", "end_date": "2025-03-01"})
    assert other.status_code == 200 and TrainingRecord.objects.count() == 1  # not a choice for carol
