"""Project pages (项目化管理) as each role: register, publish, claim, approve, report, reach a milestone,
complete, the board, the timeline data, half-year duty reports; refusals come back as Chinese messages;
every role against the pages; query counts that do not grow."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zugong.conftest import Tree, logged_in, make_user
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import Role
from zugong.core.permissions import may
from zugong.rectification.models import ClaimStatus, MilestoneKind, Project, ProjectStatus
from zugong.rectification.services.projects import claim_review, project_claim, project_report
from zugong.rectification.tests.project_helpers import published

TODAY = timezone.localdate()
HOMES = {Role.ORG_ADMIN: "county_a", Role.ORG_STAFF: "county_a", Role.LEADER: "county_a",
         Role.TOWNSHIP_STAFF: "township_a", Role.VILLAGE_STAFF: "village_a", Role.GROUP_LEADER: "village_a",
         Role.MEMBER: "village_a"}


def _messages(response: object) -> list[str]:
    return [str(m) for m in response.context["messages"]]  # type: ignore[attr-defined]


def test_a_key_task_through_its_pages(tree: Tree, alice: User, bob: User) -> None:
    county, township = logged_in(alice), logged_in(bob)
    clerk_user = make_user("clerk", tree.township_a2, Role.TOWNSHIP_STAFF)
    clerk = logged_in(clerk_user)
    # the county registers a key task
    assert county.get("/rectification/projects/new/").status_code == 200
    made = county.post("/rectification/projects/new/", {
        "title": "软弱涣散村党组织整顿", "kind": "key_task", "issuing_unit": tree.county_a.pk,
        "lead_unit": tree.township_a.pk, "leader": "王副县长", "responsible_person": "李镇长",
        "measures": "一村一策", "starts_on": "2026-07-01", "deadline": "2027-06-30",
        "milestones": "2026-10-31 完成排查\n2027-03-31 完成整顿"})
    assert made.status_code == 302, made.content.decode()
    project = Project.objects.get(title="软弱涣散村党组织整顿")
    # a milestone line without a date is refused on the form, naming the line
    bad = county.post("/rectification/projects/new/", {
        "title": "x", "kind": "key_task", "issuing_unit": tree.county_a.pk, "lead_unit": tree.township_a.pk,
        "leader": "王", "responsible_person": "李", "measures": "m", "starts_on": "2026-07-01",
        "deadline": "2027-06-30", "milestones": "下月 完成排查"})
    assert "第 1 行的日期应写作 2027-03-31" in bad.content.decode()
    # publish; 丙乡 claims; the county approves; 丙乡 reports
    assert county.post(f"/rectification/projects/{project.pk}/publish/", {"on": "2026-08-01"}).status_code == 302
    page = clerk.get(f"/rectification/projects/{project.pk}/").content.decode()
    assert 'id="zg-claim-form"' in page and 'id="zg-report-form"' not in page
    clerk.post(f"/rectification/projects/{project.pk}/claims/", {"claim-org_unit": tree.township_a2.pk,
                                                               "claim-note": "认领"})
    claim = project.claims.get()
    refused = clerk.post(f"/rectification/project-claims/{claim.pk}/review/", {"decision": "accept"})
    assert refused.status_code == 403  # a township may not review claims
    reviewed = county.post(f"/rectification/project-claims/{claim.pk}/review/", {"decision": "refuse"}, follow=True)
    assert "不通过认项申请须填写理由" in _messages(reviewed)
    county.post(f"/rectification/project-claims/{claim.pk}/review/", {"decision": "accept"})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
    reported = clerk.post(f"/rectification/projects/{project.pk}/reports/", {
        "report-org_unit": tree.township_a2.pk, "report-text": "排查完成三个村", "report-percent": 40,
        "report-reported_on": TODAY.isoformat()}, follow=True)
    assert "进展已报告" in _messages(reported)
    again = clerk.post(f"/rectification/projects/{project.pk}/reports/", {
        "report-org_unit": tree.township_a2.pk, "report-text": "再报", "report-percent": 41,
        "report-reported_on": TODAY.isoformat()}, follow=True)
    assert any("已报告过该项目的进展" in m for m in _messages(again))
    # the lead township marks the first milestone reached
    first = project.milestones.get(title="完成排查")
    township.post(f"/rectification/project-milestones/{first.pk}/done/", {"on": "2026-10-30"})
    first.refresh_from_db()
    assert first.done_on == date(2026, 10, 30)
    # the county's page shows the states; the list and the board count the overdue dates
    page = county.get(f"/rectification/projects/{project.pk}/").content.decode()
    assert "已逾期" in page and "按时完成" in page and "丙乡" in page
    listing = county.get("/rectification/projects/")
    timeline = json.loads(listing.content.decode().split('id="zg-project-timeline-data" type="application/json">')[1]
                          .split("</script>")[0])
    assert timeline["labels"] == ["软弱涣散村党组织整顿"]
    assert ["完成排查" in p[2] for p in timeline["points"]].count(True) == 1
    board = county.get(f"/rectification/projects/board/?unit={tree.county_a.pk}")
    row, claimant = board.context["rows"]  # the lead township, then 丙乡 counted for the item it claimed
    assert (row.name, row.under_way, row.reports_due, row.claimed) == ("甲镇", 1, project.milestones.filter(
        kind=MilestoneKind.REPORT, done_on__isnull=True, due__lt=TODAY).count(), 0)
    assert (claimant.name, claimant.under_way, claimant.claimed, claimant.claimed_completed) == ("丙乡", 0, 1, 0)
    # complete
    county.post(f"/rectification/projects/{project.pk}/complete/", {"on": TODAY.isoformat()})
    project.refresh_from_db()
    assert project.status == ProjectStatus.COMPLETED


def test_half_year_duty_report_page(tree: Tree, alice: User) -> None:
    project = published(tree, alice)
    county = logged_in(alice)
    assert county.get("/rectification/leaders/new/").status_code == 200
    done = county.post("/rectification/leaders/new/", {
        "org_unit": tree.county_a.pk, "leader": "王副县长", "year": 2026, "half": 2, "reported_on": "2026-12-01",
        "text": "下半年推进情况", "projects": [project.pk]})
    assert done.status_code == 302
    page = county.get("/rectification/leaders/").content.decode()
    assert "王副县长" in page and project.title in page
    wrong = county.post("/rectification/leaders/new/", {
        "org_unit": tree.county_a.pk, "leader": "赵副县长", "year": 2026, "half": 1, "reported_on": "2026-12-01",
        "text": "x", "projects": [project.pk]})
    assert "赵副县长不是以下项目的责任领导" in wrong.content.decode()


@pytest.mark.parametrize("role", list(HOMES))
def test_every_role_against_the_project_pages(tree: Tree, alice: User, role: Role) -> None:
    project = published(tree, alice)
    user = make_user(f"u-{role}", getattr(tree, HOMES[role]), role)
    jurisdiction = jurisdiction_for(user)
    client = logged_in(user)
    view = may(jurisdiction, "rectification.project_view")
    for url in ("/rectification/projects/", "/rectification/projects/board/", "/rectification/leaders/",
                f"/rectification/projects/{project.pk}/"):
        assert client.get(url).status_code == (200 if view else 403), (role, url)
    assert client.get("/rectification/projects/new/").status_code == (
        200 if may(jurisdiction, "rectification.project_manage") else 403)
    response = client.post(f"/rectification/projects/{project.pk}/complete/", {"on": TODAY.isoformat()})
    project.refresh_from_db()
    allowed = may(jurisdiction, "rectification.project_manage", tree.county_a)
    assert (project.status == ProjectStatus.COMPLETED) is allowed, role
    assert response.status_code == (302 if may(jurisdiction, "rectification.project_manage") else 403)


def test_another_county_gets_404(tree: Tree, alice: User, carol: User) -> None:
    project = published(tree, alice)
    client = logged_in(carol)
    assert client.get(f"/rectification/projects/{project.pk}/").status_code == 404
    assert client.post(f"/rectification/projects/{project.pk}/complete/", {"on": TODAY.isoformat()}).status_code == 404
    assert client.get(f"/rectification/projects/board/?unit={tree.county_a.pk}").status_code == 404


def test_list_and_board_query_counts_do_not_grow(tree: Tree, alice: User) -> None:
    county = logged_in(alice)
    published(tree, alice, title="一")
    county.get("/rectification/projects/")

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert county.get(url).status_code == 200
        return len(queries)

    before = (count("/rectification/projects/"), count("/rectification/projects/board/"))
    for n in range(6):
        published(tree, alice, title=f"项目{n}")
    assert (count("/rectification/projects/"), count("/rectification/projects/board/")) == before


def test_item_page_query_count_does_not_grow_with_claims_and_reports(tree: Tree, alice: User, bob: User) -> None:
    project = published(tree, alice, on=date(2026, 8, 1))
    county = logged_in(alice)
    county.get(f"/rectification/projects/{project.pk}/")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert county.get(f"/rectification/projects/{project.pk}/").status_code == 200
        return len(queries)

    before = count()
    for n, unit in enumerate((tree.township_a2, tree.village_a, tree.community_a)):
        clerk = make_user(f"c{n}", unit, Role.TOWNSHIP_STAFF if unit == tree.township_a2 else Role.VILLAGE_STAFF)
        claim = project_claim(actor=clerk, jurisdiction=jurisdiction_for(clerk), project_id=project.pk, org_unit=unit)
        claim_review(actor=alice, jurisdiction=jurisdiction_for(alice), claim_id=claim.pk, approve=n != 2,
                     reason="" if n != 2 else "重复")
    for day in (date(2026, 8, 20), date(2026, 9, 20), date(2026, 10, 20)):
        project_report(actor=bob, jurisdiction=jurisdiction_for(bob), project_id=project.pk, org_unit=tree.township_a,
                       text="进展", percent=10, reported_on=day)
    assert count() == before
