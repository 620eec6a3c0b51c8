"""/api/v1/problems: filters, scope (another county's problem is 404), closing with evidence ids (409 with the
reason when the plan is not accepted or evidence is missing), checks, and query counts that do not grow."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zugong.conftest import Tree, bearer
from zugong.rectification.models import Problem, ProblemStatus, Source
from zugong.rectification.tests.helpers import (
    add_problem,
    exe_as_pdf,
    issue_list,
    pdf_upload,
    rectifying_problem,
)

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _media(settings: object, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]


def post(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


def test_close_over_the_api_with_uploaded_evidence(tree: Tree, alice: User, bob: User) -> None:
    problem = add_problem(issue_list(tree, alice), alice)
    township, county = bearer(bob), bearer(alice)
    # plan not yet accepted: 409 with the reason
    refused = post(township, f"/api/v1/problems/{problem.pk}/close", {"summary": "已整改"})
    assert refused.status_code == 409
    assert refused.json()["error"]["message"] == "整改方案尚未提交和通过审核，不能申请销号"
    assert post(township, f"/api/v1/problems/{problem.pk}/plan", {
        "measures": "建立台账", "deadline": (TODAY + timedelta(days=30)).isoformat(),
        "milestones": [{"title": "建台账", "due": TODAY.isoformat()}]}).status_code == 201
    reviewed = post(county, f"/api/v1/problems/{problem.pk}/plan/review", {"accept": True})
    assert reviewed.status_code == 200 and reviewed.json()["status"] == ProblemStatus.RECTIFYING
    # no evidence: 409 evidence_missing
    missing = post(township, f"/api/v1/problems/{problem.pk}/close", {"summary": "已整改"})
    assert (missing.status_code, missing.json()["error"]["code"]) == (409, "evidence_missing")
    # a renamed .exe is refused at upload
    bad = township.post(f"/api/v1/problems/{problem.pk}/evidence", {"files": [exe_as_pdf()]})
    assert bad.status_code == 400 and "只接受 PDF" in bad.json()["error"]["message"]
    uploaded = township.post(f"/api/v1/problems/{problem.pk}/evidence", {"files": [pdf_upload()]})
    assert uploaded.status_code == 201
    evidence_id = uploaded.json()[0]["id"]
    closed = post(township, f"/api/v1/problems/{problem.pk}/close", {"summary": "已整改", "evidence_ids": [evidence_id]})
    assert closed.status_code == 201 and closed.json()["status"] == ProblemStatus.CLOSURE_REQUESTED
    assert [e["id"] for e in closed.json()["closures"][0]["evidence"]] == [evidence_id]
    approved = post(county, f"/api/v1/problems/{problem.pk}/close/review", {"accept": True})
    assert approved.json()["status"] == ProblemStatus.CLOSED and approved.json()["closed_on"] == TODAY.isoformat()


def test_another_countys_problem_is_404_and_not_listed(tree: Tree, alice: User, carol: User) -> None:
    problem = add_problem(issue_list(tree, alice), alice)
    other = bearer(carol)
    assert other.get(f"/api/v1/problems/{problem.pk}").status_code == 404
    assert post(other, f"/api/v1/problems/{problem.pk}/checks", {"verdict": "in_place"}).status_code == 404
    assert post(other, f"/api/v1/problems/{problem.pk}/reopen", {"reason": "x"}).status_code == 404
    assert other.get("/api/v1/problems").json() == []
    assert other.get("/api/v1/problem-lists").json() == []


def test_filters_by_list_source_unit_status_and_overdue(tree: Tree, alice: User, bob: User) -> None:
    first = rectifying_problem(tree, alice, bob)
    second = add_problem(first.problem_list, alice, "第二个")
    old = add_problem(issue_list(tree, alice, issued_on=TODAY - timedelta(days=200)), alice, "上季度未检查")
    Problem.objects.filter(pk=old.pk).update(raised_on=TODAY - timedelta(days=200))
    client = bearer(alice)

    def ids(**query: Any) -> list[int]:
        response = client.get("/api/v1/problems", query)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()]

    assert ids() == [first.pk, second.pk, old.pk]
    assert ids(list=first.problem_list_id) == [first.pk, second.pk]
    assert ids(status=ProblemStatus.RECTIFYING) == [first.pk]
    assert ids(source=Source.DUTY_REVIEW) == [first.pk, second.pk, old.pk]
    assert ids(source=Source.INSPECTION) == []
    assert ids(unit=tree.township_a.pk) == [first.pk, second.pk, old.pk]
    assert ids(unit=tree.township_a2.pk) == []
    assert ids(overdue="true") == [old.pk]
    assert ids(overdue="false") == [first.pk, second.pk]
    assert client.get("/api/v1/problems", {"unit": tree.township_b.pk}).status_code == 404
    assert client.get("/api/v1/problems", {"status": "nope"}).status_code == 400
    assert client.get("/api/v1/problem-lists", {"source": "nope"}).status_code == 400
    assert [r["id"] for r in client.get("/api/v1/problem-lists", {"source": "duty_review", "limit": "1"}).json()] == [
        first.problem_list_id]


def test_checks_over_the_api(tree: Tree, alice: User, bob: User) -> None:
    problem = add_problem(issue_list(tree, alice), alice)
    # a township's staff may not record checks: the role is refused before the problem is even looked up
    assert post(bearer(bob), f"/api/v1/problems/{problem.pk}/checks", {"verdict": "in_place"}).status_code == 403
    created = post(bearer(alice), f"/api/v1/problems/{problem.pk}/checks", {"verdict": "mostly", "note": "基本到位"})
    assert created.status_code == 201 and created.json()["verdict"] == "mostly"
    again = post(bearer(alice), f"/api/v1/problems/{problem.pk}/checks", {"verdict": "in_place"})
    assert again.status_code == 409 and "已检查过" in again.json()["error"]["message"]
    assert bearer(alice).get(f"/api/v1/problems/{problem.pk}").json()["check_state"] == "checked"


def test_create_problems_in_a_list_or_by_source(tree: Tree, alice: User, bob: User) -> None:
    problem_list = issue_list(tree, alice)
    in_list = post(bearer(alice), "/api/v1/problems", {"list_id": problem_list.pk, "description": "问题一",
                                                       "severity": "grave", "org_unit_id": tree.village_a.pk})
    assert in_list.status_code == 201
    assert (in_list.json()["org_unit"], in_list.json()["severity"], in_list.json()["number"]) == ("甲村", "grave", 1)
    raised = post(bearer(alice), "/api/v1/problems", {"source": "inspection", "issuing_unit_id": tree.county_a.pk,
                                                      "owner_unit_id": tree.township_a2.pk, "description": "巡视问题"})
    assert raised.status_code == 201 and raised.json()["source"] == "inspection"
    assert post(bearer(bob), "/api/v1/problems", {"list_id": problem_list.pk, "description": "x"}).status_code == 403
    assert post(bearer(alice), "/api/v1/problems", {"description": "x"}).status_code == 400


def test_list_reads_do_not_grow_with_the_data(tree: Tree, alice: User) -> None:
    problem_list = issue_list(tree, alice)
    add_problem(problem_list, alice)
    client = bearer(alice)

    def count(path: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    count("/api/v1/problems")  # warm the rule parameters' cache
    before = (count("/api/v1/problems"), count("/api/v1/problem-lists"))
    for _ in range(15):
        add_problem(problem_list, alice)
    issue_list(tree, alice, issued_on=date(2026, 1, 5))
    assert (count("/api/v1/problems"), count("/api/v1/problem-lists")) == before


def test_progress_percentage_of_a_list_is_severity_weighted(tree: Tree, alice: User, bob: User) -> None:
    problem = rectifying_problem(tree, alice, bob)  # general: 40 %
    add_problem(problem.problem_list, alice, "严重问题", severity="grave")  # grave, open: 0 %
    row = bearer(alice).get("/api/v1/problem-lists").json()[0]
    # (1 × 40 + 3 × 0) / (1 + 3) = 10.0
    assert (row["problem_count"], row["closed_count"], row["progress_percent"]) == (2, 0, "10.0")
