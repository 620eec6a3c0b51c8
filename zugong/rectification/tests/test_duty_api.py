"""/api/v1/duty-reports (述职评议 over the API) and editing a list or problem before work has started on it,
with the audit trail; scope and refusals."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from zugong.conftest import Tree, bearer
from zugong.core.models import AuditEvent
from zugong.rectification.models import DutyReport, Problem
from zugong.rectification.tests.helpers import add_problem, issue_list, rectifying_problem

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _media(settings: object, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]


def post(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


def test_duty_report_over_the_api(tree: Tree, alice: User, bob: User, carol: User) -> None:
    county = bearer(alice)
    body = {"org_unit_id": tree.township_a.pk, "reviewing_unit_id": tree.county_a.pk, "year": TODAY.year - 1,
            "secretary": "张书记", "reported_on": (TODAY - timedelta(days=2)).isoformat(), "summary": "抓党建情况"}
    assert post(bearer(bob), "/api/v1/duty-reports", body).status_code == 403
    made = post(county, "/api/v1/duty-reports", body)
    assert made.status_code == 201, made.content
    report_id = made.json()["id"]
    assert post(county, "/api/v1/duty-reports", body).json()["error"]["message"] == (
        f"甲镇{TODAY.year - 1}年度的述职已登记")
    graded = post(county, f"/api/v1/duty-reports/{report_id}/evaluate", {"grade": "good", "score": "92.5"})
    assert (graded.json()["grade_label"], graded.json()["score"]) == ("好", "92.50")
    assert post(county, f"/api/v1/duty-reports/{report_id}/evaluate", {"grade": "bad"}).status_code == 400
    fed = post(county, f"/api/v1/duty-reports/{report_id}/feedback", {
        "feedback": "存在以下问题", "problems": [{"description": "组织生活不规范", "severity": "serious"}]})
    assert fed.status_code == 201 and fed.json()["feedback_list_id"] is not None
    again = post(county, f"/api/v1/duty-reports/{report_id}/feedback", {"problems": [{"description": "x"}]})
    assert (again.status_code, again.json()["error"]["message"]) == (409, "该述职已书面反馈问题，请在问题清单中增加问题")
    # scope: carol (county B) neither reads nor writes it
    assert bearer(carol).get(f"/api/v1/duty-reports/{report_id}").status_code == 404
    assert post(bearer(carol), f"/api/v1/duty-reports/{report_id}/evaluate", {"grade": "poor"}).status_code == 404
    assert bearer(carol).get("/api/v1/duty-reports").json() == []
    assert [r["secretary"] for r in bearer(bob).get(f"/api/v1/duty-reports?year={TODAY.year - 1}").json()] == ["张书记"]


def test_next_years_report_lists_what_is_still_open(tree: Tree, alice: User) -> None:
    county = bearer(alice)
    problem = add_problem(issue_list(tree, alice, issued_on=TODAY - timedelta(days=300)), alice, "阵地建设滞后")
    made = post(county, "/api/v1/duty-reports", {
        "org_unit_id": tree.township_a.pk, "reviewing_unit_id": tree.county_a.pk, "year": TODAY.year,
        "secretary": "张书记", "reported_on": TODAY.isoformat()})
    assert [p["id"] for p in made.json()["carried_over"]] == [problem.pk]


def test_editing_a_list_and_a_problem_before_work_starts(tree: Tree, alice: User, bob: User) -> None:
    county = bearer(alice)
    problem_list = issue_list(tree, alice)
    problem = add_problem(problem_list, alice, "错别字的问题")
    edited = post(county, f"/api/v1/problem-lists/{problem_list.pk}/edit", {
        "title": "2025年度甲镇述职评议问题清单（修订）", "owner_person": "张书记", "issued_on": problem_list.issued_on.isoformat()})
    assert edited.status_code == 200 and edited.json()["title"] == "2025年度甲镇述职评议问题清单（修订）"
    assert post(bearer(bob), f"/api/v1/problems/{problem.pk}/edit", {
        "description": "x", "severity": "general"}).status_code == 403
    fixed = post(county, f"/api/v1/problems/{problem.pk}/edit", {
        "description": "“三会一课”不规范", "severity": "grave", "responsible_person": "李委员"})
    assert fixed.json() == {"id": problem.pk, "description": "“三会一课”不规范", "severity": "grave",
                            "responsible_person": "李委员"}
    event = AuditEvent.objects.get(action="rectification.problem_update", object_id=str(problem.pk))
    assert event.summary["changed"]["description"] == ["错别字的问题", "“三会一课”不规范"]
    assert post(county, f"/api/v1/problems/{problem.pk}/edit", {
        "description": "“三会一课”不规范", "severity": "grave", "responsible_person": "李委员"}).status_code == 400


def test_editing_is_refused_once_a_plan_was_submitted(tree: Tree, alice: User, bob: User) -> None:
    problem = rectifying_problem(tree, alice, bob)
    county = bearer(alice)
    refused = post(county, f"/api/v1/problems/{problem.pk}/edit", {"description": "改", "severity": "general"})
    assert (refused.status_code, refused.json()["error"]["message"]) == (409, "该问题已提交整改方案，整改工作已开始，不能再修改")
    refused = post(county, f"/api/v1/problem-lists/{problem.problem_list_id}/edit", {
        "title": "改名", "issued_on": TODAY.isoformat()})
    assert refused.status_code == 409 and "整改工作已开始" in refused.json()["error"]["message"]
    assert Problem.objects.get(pk=problem.pk).description != "改"
    assert not DutyReport.objects.exists()
