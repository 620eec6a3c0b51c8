"""述职评议: the report, its grade, the written feedback that becomes the secretary's problem list, and
next year's report listing what is still open."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from zugong.conftest import Tree, logged_in
from zugong.core.errors import Conflict, NotFound, ValidationFailed
from zugong.core.jurisdiction import jurisdiction_for
from zugong.rectification.models import DutyReport, Problem, ProblemStatus, Source
from zugong.rectification.selectors import problems_carried_over
from zugong.rectification.services.duty import duty_feedback_issue, duty_report_evaluate, duty_report_record
from zugong.rectification.tests.helpers import pdf_upload

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _media(settings: object, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]


def _report(tree: Tree, alice: User, year: int, reported_on: date) -> DutyReport:
    return duty_report_record(actor=alice, jurisdiction=jurisdiction_for(alice), org_unit=tree.township_a,
                              reviewing_unit=tree.county_a, year=year, secretary="张书记", reported_on=reported_on,
                              summary="抓基层党建情况", files=[pdf_upload("述职报告.pdf")])


def test_report_grade_and_written_feedback_create_the_secretarys_list(tree: Tree, alice: User) -> None:
    report = _report(tree, alice, TODAY.year - 1, TODAY - timedelta(days=3))
    duty_report_evaluate(actor=alice, jurisdiction=jurisdiction_for(alice), report_id=report.pk, grade="fairly_good",
                         score=Decimal("86.5"))
    duty_feedback_issue(actor=alice, jurisdiction=jurisdiction_for(alice), report_id=report.pk,
                        feedback="总体较好，存在以下问题", problems=[("党建责任压得不实", "serious"), ("  ", "general"),
                                                                ("阵地作用发挥不够", "unknown")])
    report.refresh_from_db()
    assert (report.grade, report.score) == ("fairly_good", Decimal("86.50"))
    problem_list = report.feedback_list
    assert problem_list is not None
    assert (problem_list.source, problem_list.owner_unit, problem_list.owner_person, problem_list.title) == (
        Source.DUTY_REVIEW, tree.township_a, "张书记", f"{TODAY.year - 1}年度甲镇党组织书记抓基层党建述职评议问题清单")
    assert list(problem_list.problems.order_by("number").values_list("description", "severity")) == [
        ("党建责任压得不实", "serious"), ("阵地作用发挥不够", "general")]
    with pytest.raises(Conflict, match="该述职已书面反馈问题"):
        duty_feedback_issue(actor=alice, jurisdiction=jurisdiction_for(alice), report_id=report.pk, feedback="",
                            problems=[("x", "general")])


def test_next_years_report_lists_the_problems_still_open(tree: Tree, alice: User) -> None:
    last = _report(tree, alice, TODAY.year - 2, TODAY - timedelta(days=400))
    duty_feedback_issue(actor=alice, jurisdiction=jurisdiction_for(alice), report_id=last.pk, feedback="",
                        problems=[("问题甲", "general"), ("问题乙", "general")], issued_on=TODAY - timedelta(days=390))
    closed = Problem.objects.get(description="问题乙")
    Problem.objects.filter(pk=closed.pk).update(status=ProblemStatus.CLOSED)
    this = _report(tree, alice, TODAY.year - 1, TODAY - timedelta(days=2))
    assert [p.description for p in problems_carried_over(jurisdiction_for(alice), this)] == ["问题甲"]
    page = logged_in(alice).get(f"/rectification/duty/{this.pk}/").content.decode()
    assert "问题甲" in page and "问题乙" not in page and "述职报告.pdf" in page


def test_refusals(tree: Tree, alice: User, bob: User, carol: User) -> None:
    ja = jurisdiction_for(alice)
    with pytest.raises(ValidationFailed, match="乙镇不是甲县的下级"):
        duty_report_record(actor=alice, jurisdiction=ja, org_unit=tree.township_b, reviewing_unit=tree.county_a,
                           year=TODAY.year - 1, secretary="x", reported_on=TODAY)
    with pytest.raises(ValidationFailed, match="述职年度应为述职日期的当年或上一年"):
        duty_report_record(actor=alice, jurisdiction=ja, org_unit=tree.township_a, reviewing_unit=tree.county_a,
                           year=TODAY.year - 3, secretary="x", reported_on=TODAY)
    report = _report(tree, alice, TODAY.year - 1, TODAY)
    with pytest.raises(Conflict, match="甲镇.*年度的述职已登记"):
        _report(tree, alice, TODAY.year - 1, TODAY)
    with pytest.raises(ValidationFailed, match="评议得分应在 0 到 100 之间"):
        duty_report_evaluate(actor=alice, jurisdiction=ja, report_id=report.pk, score=Decimal("101"))
    with pytest.raises(NotFound):
        duty_report_evaluate(actor=bob, jurisdiction=jurisdiction_for(bob), report_id=report.pk, grade="good")
    with pytest.raises(NotFound):
        duty_report_evaluate(actor=carol, jurisdiction=jurisdiction_for(carol), report_id=report.pk, grade="good")
    assert logged_in(carol).get(f"/rectification/duty/{report.pk}/").status_code == 404
    assert logged_in(bob).get(f"/rectification/duty/{report.pk}/").status_code == 200  # the township reads its own


def test_the_pages_record_evaluate_and_feed_back(tree: Tree, alice: User) -> None:
    client = logged_in(alice)
    response = client.post("/rectification/duty/new/", {
        "org_unit": tree.township_a.pk, "reviewing_unit": tree.county_a.pk, "year": TODAY.year - 1,
        "secretary": "张书记", "reported_on": TODAY.isoformat(), "summary": "要点"})
    report = DutyReport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/rectification/duty/{report.pk}/"
    client.post(f"/rectification/duty/{report.pk}/evaluate/", {"grade": "good", "score": ""})
    client.post(f"/rectification/duty/{report.pk}/feedback/", {
        "feedback": "书面反馈", "problems": "严重 软弱涣散村整顿滞后\n党费台账不全\n"})
    report.refresh_from_db()
    assert report.grade == "good" and report.feedback_list is not None
    assert list(report.feedback_list.problems.order_by("number").values_list("description", "severity")) == [
        ("软弱涣散村整顿滞后", "grave"), ("党费台账不全", "general")]
    index = client.get("/rectification/duty/").content.decode()
    assert "张书记" in index and "好" in index
