"""/api/v1/projects: the register through the API as each role — register, publish, claim (认项) and its
review, monthly report, completion, half-year duty reports; scope (another county's item is 404), refusals
(403 for a role without the action, 409 with the reason) and query counts that do not grow."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zugong.conftest import Tree, bearer, make_user
from zugong.core.models import AuditEvent, Role
from zugong.rectification.models import ClaimStatus, MilestoneKind, Project, ProjectStatus
from zugong.rectification.tests.project_helpers import published, register


def post(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


def test_the_register_over_the_api_as_each_role(tree: Tree, alice: User, bob: User) -> None:
    county, township = bearer(alice), bearer(bob)
    clerk = bearer(make_user("clerk", tree.township_a2, Role.TOWNSHIP_STAFF))
    # the county registers a key task led by township A
    created = post(county, "/api/v1/projects", {
        "title": "党群服务中心标准化建设", "issuing_unit_id": tree.county_a.pk, "lead_unit_id": tree.township_a.pk,
        "leader": "王副县长", "responsible_person": "李镇长", "measures": "统一标识，完善制度",
        "starts_on": "2026-07-01", "deadline": "2027-03-31",
        "milestones": [{"title": "完成选址", "due": "2026-09-30"}]})
    assert created.status_code == 201, created.content
    project_id = created.json()["id"]
    assert (created.json()["status"], created.json()["kind_label"]) == ("draft", "重点任务")
    # a township may not register or publish (403); a draft is not claimable (409)
    assert post(township, f"/api/v1/projects/{project_id}/publish", {}).status_code == 403
    assert post(clerk, f"/api/v1/projects/{project_id}/claims", {"org_unit_id": tree.township_a2.pk}).status_code == 404
    published_ = post(county, f"/api/v1/projects/{project_id}/publish", {"on": "2026-08-10"})
    assert published_.status_code == 200
    assert [m["title"] for m in published_.json()["milestones"]][:3] == [
        "2026年8月进展报告", "2026年9月进展报告", "完成选址"]
    # 丙乡 claims it, the county approves, 丙乡 reports for September
    claim = post(clerk, f"/api/v1/projects/{project_id}/claims", {"org_unit_id": tree.township_a2.pk, "note": "认领"})
    assert claim.status_code == 201 and claim.json()["status"] == ClaimStatus.PENDING
    again = post(clerk, f"/api/v1/projects/{project_id}/claims", {"org_unit_id": tree.township_a2.pk})
    assert (again.status_code, again.json()["error"]["message"]) == (409, "丙乡已认领该项目")
    assert post(clerk, f"/api/v1/project-claims/{claim.json()['id']}/review", {"accept": True}).status_code == 403
    assert post(county, f"/api/v1/project-claims/{claim.json()['id']}/review", {"accept": True}).json()["status"] == (
        ClaimStatus.APPROVED)
    report = post(clerk, f"/api/v1/projects/{project_id}/reports", {
        "org_unit_id": tree.township_a2.pk, "text": "已完成选址", "percent": 30, "reported_on": "2026-09-10"})
    assert report.status_code == 201 and report.json()["month"] == "2026-09-01"
    twice = post(clerk, f"/api/v1/projects/{project_id}/reports", {
        "org_unit_id": tree.township_a2.pk, "text": "再报", "percent": 31, "reported_on": "2026-09-11"})
    assert (twice.status_code, twice.json()["error"]["message"]) == (409, "丙乡2026年9月已报告过该项目的进展")
    bad = post(clerk, f"/api/v1/projects/{project_id}/reports", {
        "org_unit_id": tree.township_a2.pk, "text": "x", "percent": 101})
    assert bad.status_code == 422
    # then: the detail shows September done, August overdue, and the list the counts
    detail = county.get(f"/api/v1/projects/{project_id}").json()
    states = {m["title"]: m["state"] for m in detail["milestones"]}
    assert (states["2026年8月进展报告"], states["2026年9月进展报告"]) == ("overdue", "done")
    assert detail["last_percent"] == 30 and detail["claims_approved"] == 1
    assert [c["org_unit"] for c in detail["claims"]] == ["丙乡"]
    assert AuditEvent.objects.filter(action__startswith="rectification.project_", object_id=str(project_id)).count() == 4


def test_scope_another_countys_item_is_404_and_the_list_filters(tree: Tree, alice: User, carol: User) -> None:
    project = published(tree, alice)
    register(tree, alice, title="草稿项目")
    other = bearer(carol)
    assert other.get(f"/api/v1/projects/{project.pk}").status_code == 404
    assert other.get("/api/v1/projects").json() == []
    assert post(other, f"/api/v1/projects/{project.pk}/complete", {}).status_code == 404
    county = bearer(alice)
    assert [p["title"] for p in county.get("/api/v1/projects?status=draft").json()] == ["草稿项目"]
    assert [p["title"] for p in county.get("/api/v1/projects?overdue=true").json()] == [project.title]
    assert county.get(f"/api/v1/projects?unit={tree.township_b.pk}").status_code == 404
    assert county.get("/api/v1/projects?status=nope").status_code == 400


def test_complete_and_half_year_duty_report(tree: Tree, alice: User, bob: User) -> None:
    project = published(tree, alice)
    county = bearer(alice)
    done = post(county, f"/api/v1/projects/{project.pk}/complete", {"on": "2026-11-20"})
    assert done.json()["status"] == ProjectStatus.COMPLETED
    assert post(county, f"/api/v1/projects/{project.pk}/complete", {}).status_code == 409
    assert not project.milestones.filter(kind=MilestoneKind.REPORT, starts_on__gt=date(2026, 11, 20)).exists()
    body = {"org_unit_id": tree.county_a.pk, "leader": "王副县长", "year": 2026, "half": 2, "text": "推进情况",
            "reported_on": "2026-12-01", "project_ids": [project.pk]}
    assert post(bearer(bob), "/api/v1/leader-reports", body).status_code == 404  # the county is not bob's
    made = post(county, "/api/v1/leader-reports", body)
    assert made.status_code == 201 and made.json()["project_ids"] == [project.pk]
    assert post(county, "/api/v1/leader-reports", body).status_code == 409
    assert [r["leader"] for r in county.get("/api/v1/leader-reports").json()] == ["王副县长"]


def test_project_list_query_count_does_not_grow(tree: Tree, alice: User) -> None:
    county = bearer(alice)
    published(tree, alice, title="一")
    county.get("/api/v1/projects")  # the token's first use is stamped once
    with CaptureQueriesContext(connection) as one:
        assert len(county.get("/api/v1/projects").json()) == 1
    for n in range(5):
        published(tree, alice, title=f"项目{n}")
    with CaptureQueriesContext(connection) as six:
        assert len(county.get("/api/v1/projects").json()) == 6
    assert len(six) == len(one)
    assert Project.objects.count() == 6


def test_a_unit_that_may_only_claim_does_not_reach_the_items_dates(tree: Tree, alice: User, bob: User) -> None:
    project = published(tree, alice)
    milestone = project.milestones.get(kind=MilestoneKind.MILESTONE)
    clerk = bearer(make_user("clerk", tree.township_a2, Role.TOWNSHIP_STAFF))
    assert clerk.get(f"/api/v1/projects/{project.pk}").status_code == 200  # it may read and claim the item
    assert post(clerk, f"/api/v1/project-milestones/{milestone.pk}/done", {}).status_code == 404
    done = post(bearer(bob), f"/api/v1/project-milestones/{milestone.pk}/done", {"on": "2026-09-20"})
    assert done.status_code == 200 and done.json()["state"] == "done"
