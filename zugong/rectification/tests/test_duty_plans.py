"""述职 plans: who reports to whom for a year, who has not reported yet, and the meeting's 民主测评 run by the
assessment module (its campaign, codes and ballots) whose results become the reports' scores and grades."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from zugong.assessment.models import Campaign, CampaignKind, CampaignStatus, VoterClass
from zugong.assessment.services.ballots import ballot_cast, codes_issue
from zugong.conftest import Tree, logged_in, make_user
from zugong.core.attachments import attachments_of
from zugong.core.errors import Conflict, NotFound, ValidationFailed
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import AuditEvent, Role
from zugong.core.permissions import may
from zugong.rectification.duty_models import DutyPlan
from zugong.rectification.models import DutyReport, Grade
from zugong.rectification.selectors_duty import entries_of, grade_of_score
from zugong.rectification.services.duty import duty_feedback_issue, duty_report_record
from zugong.rectification.services.duty_plans import (
    duty_evaluation_open,
    duty_evaluation_read,
    duty_plan_create,
    duty_plan_entry_add,
)
from zugong.rectification.tests.helpers import pdf_upload, secretary_cadre

TODAY = timezone.localdate()
YEAR = TODAY.year - 1
CLASSES = [("评议组成员", Decimal("60")), ("群众代表", Decimal("40"))]


@pytest.fixture(autouse=True)
def _media(settings: object, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]


def _plan(tree: Tree, alice: User) -> DutyPlan:
    return duty_plan_create(actor=alice, jurisdiction=jurisdiction_for(alice), reviewing_unit=tree.county_a, year=YEAR,
                            meeting="甲县党组织书记抓基层党建述职评议会议", held_on=TODAY - timedelta(days=5))


def _with_secretaries(tree: Tree, alice: User) -> DutyPlan:
    plan = _plan(tree, alice)
    ja = jurisdiction_for(alice)
    duty_plan_entry_add(actor=alice, jurisdiction=ja, plan_id=plan.pk, org_unit=tree.township_a,
                        cadre=secretary_cadre("张书记", tree.township_a))
    duty_plan_entry_add(actor=alice, jurisdiction=ja, plan_id=plan.pk, org_unit=tree.township_a2,
                        cadre=secretary_cadre("李书记", tree.township_a2))
    return plan


def _report(tree: Tree, alice: User, unit: object, secretary: str) -> DutyReport:
    return duty_report_record(actor=alice, jurisdiction=jurisdiction_for(alice), org_unit=unit,  # type: ignore[arg-type]
                              reviewing_unit=tree.county_a, year=YEAR, secretary=secretary,
                              reported_on=TODAY - timedelta(days=5))


def _vote(alice: User, campaign: Campaign, class_name: str, grades: list[tuple[str, ...]]) -> None:
    """One ballot per tuple, giving the subjects (in the order of the plan's entries) those grades."""
    voter_class = VoterClass.objects.get(campaign=campaign, name=class_name)
    codes = codes_issue(actor=alice, jurisdiction=jurisdiction_for(alice), campaign_id=campaign.pk,
                        voter_class_id=voter_class.pk, count=len(grades))
    subjects = list(campaign.subjects.order_by("pk"))
    for code, row in zip(codes, grades, strict=True):
        ballot_cast(code=code, grades={s.pk: g for s, g in zip(subjects, row, strict=True)})


def test_a_plan_lists_who_reports_and_who_has_not_yet(tree: Tree, alice: User) -> None:
    plan = _with_secretaries(tree, alice)
    assert [(e.org_unit.name, e.secretary, e.report_id) for e in entries_of(plan)] == [  # type: ignore[attr-defined]
        ("甲镇", "张书记", None), ("丙乡", "李书记", None)]
    report = _report(tree, alice, tree.township_a, "张书记")
    assert [e.report_id for e in entries_of(plan)] == [report.pk, None]  # type: ignore[attr-defined]
    client = logged_in(alice)
    page = client.get(f"/rectification/duty/plans/{plan.pk}/").content.decode()
    assert "丙乡（李书记）" in page.split('id="zg-not-reported"')[1].split("</dd>")[0]
    assert "甲镇" not in page.split('id="zg-not-reported"')[1].split("</dd>")[0]
    listing = client.get("/rectification/duty/plans/").content.decode()
    assert "甲县党组织书记抓基层党建述职评议会议" in listing


def test_plan_refusals(tree: Tree, alice: User, carol: User) -> None:
    plan = _plan(tree, alice)
    ja = jurisdiction_for(alice)
    with pytest.raises(Conflict, match="述职计划已建立"):
        _plan(tree, alice)
    with pytest.raises(ValidationFailed, match="不是甲县的下级"):
        duty_plan_entry_add(actor=alice, jurisdiction=ja, plan_id=plan.pk, org_unit=tree.county_a, secretary="某")
    with pytest.raises(ValidationFailed, match="不在丙乡"):
        duty_plan_entry_add(actor=alice, jurisdiction=ja, plan_id=plan.pk, org_unit=tree.township_a2,
                            cadre=secretary_cadre("张书记", tree.township_a))
    with pytest.raises(ValidationFailed, match="请填写述职人"):
        duty_plan_entry_add(actor=alice, jurisdiction=ja, plan_id=plan.pk, org_unit=tree.township_a)
    duty_plan_entry_add(actor=alice, jurisdiction=ja, plan_id=plan.pk, org_unit=tree.township_a, secretary="张书记")
    with pytest.raises(Conflict, match="甲镇已在该述职计划中"):
        duty_plan_entry_add(actor=alice, jurisdiction=ja, plan_id=plan.pk, org_unit=tree.township_a, secretary="张")
    with pytest.raises(NotFound):  # another county
        duty_plan_entry_add(actor=carol, jurisdiction=jurisdiction_for(carol), plan_id=plan.pk,
                            org_unit=tree.township_b, secretary="王书记")
    # a secretary without a cadre cannot be a subject of the 民主测评
    with pytest.raises(ValidationFailed, match="未选择述职人（干部）.*甲镇"):
        duty_evaluation_open(actor=alice, jurisdiction=ja, plan_id=plan.pk, voter_classes=CLASSES)
    assert not Campaign.objects.exists()
    with pytest.raises(Conflict, match="尚未开启民主测评"):
        duty_evaluation_read(actor=alice, jurisdiction=ja, plan_id=plan.pk)


def test_the_meetings_ballots_become_the_reports_scores_and_grades(tree: Tree, alice: User) -> None:
    # given a plan of two secretaries and its 民主测评 opened through the assessment module
    ja = jurisdiction_for(alice)
    plan = _with_secretaries(tree, alice)
    duty_evaluation_open(actor=alice, jurisdiction=ja, plan_id=plan.pk, voter_classes=CLASSES)
    plan.refresh_from_db()
    assert plan.campaign is not None
    campaign = plan.campaign
    assert (campaign.kind, campaign.status, campaign.org_unit_id, campaign.year) == (
        CampaignKind.SPECIAL, CampaignStatus.OPEN, tree.county_a.pk, YEAR)
    assert sorted(campaign.subjects.values_list("cadre__name", flat=True)) == ["张书记", "李书记"]
    with pytest.raises(Conflict, match="民主测评已开始，不能再增加述职人"):
        duty_plan_entry_add(actor=alice, jurisdiction=ja, plan_id=plan.pk, org_unit=tree.village_a, secretary="某")
    with pytest.raises(Conflict, match="已开启"):
        duty_evaluation_open(actor=alice, jurisdiction=ja, plan_id=plan.pk, voter_classes=CLASSES)
    # when voters vote with one-time codes (fewer than a counting batch: pending until voting closes) …
    _vote(alice, campaign, "评议组成员", [("优秀", "称职"), ("优秀", "基本称职")])
    _vote(alice, campaign, "群众代表", [("称职", "不称职")])
    report = _report(tree, alice, tree.township_a, "张书记")  # 丙乡 has not reported
    graded = duty_evaluation_read(actor=alice, jurisdiction=ja, plan_id=plan.pk)
    # then voting is closed in assessment and 张书记's report has the weighted score and the grade it maps to:
    # 评议组成员 mean 100 (weight 60), 群众代表 80 (40) → 92.00 → 好
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.RATING
    report.refresh_from_db()
    assert graded == 1 and (report.grade, report.score) == (Grade.GOOD, Decimal("92.00"))
    rows = {e.org_unit.name: e for e in entries_of(plan)}
    assert rows["丙乡"].report_id is None  # type: ignore[attr-defined]
    # 李书记: 评议组成员 (80 + 60) / 2 = 70, 群众代表 0 → 0.6 × 70 = 42.00 → 差, shown on the plan's page
    page = logged_in(alice).get(f"/rectification/duty/plans/{plan.pk}/").content.decode()
    row = page.split(f'id="zg-entry-{rows["丙乡"].pk}"')[1].split("</tr>")[0]
    assert "42.00" in row and "差" in row and "未述职" in row
    assert "90 分及以上为“好”" in page
    with pytest.raises(Conflict, match="结果已读入"):
        duty_evaluation_read(actor=alice, jurisdiction=ja, plan_id=plan.pk)
    assert AuditEvent.objects.filter(action="rectification.duty_evaluation_read").count() == 1
    # the report's page names the plan the grade came from
    detail = logged_in(alice).get(f"/rectification/duty/{report.pk}/").content.decode()
    assert "评议等次和得分由民主测评结果读入" in detail


@pytest.mark.parametrize(("score", "grade"), [
    ("100", Grade.GOOD), ("90", Grade.GOOD), ("89.99", Grade.FAIRLY_GOOD), ("80", Grade.FAIRLY_GOOD),
    ("79.99", Grade.FAIR), ("60", Grade.FAIR), ("59.99", Grade.POOR), ("0", Grade.POOR)])
def test_score_to_grade_on_each_floor(score: str, grade: str) -> None:
    assert grade_of_score(Decimal(score)) == grade


def test_plans_are_scoped_to_the_reviewing_level(tree: Tree, alice: User, bob: User, carol: User) -> None:
    plan = _plan(tree, alice)
    assert logged_in(carol).get(f"/rectification/duty/plans/{plan.pk}/").status_code == 404
    assert logged_in(carol).post(f"/rectification/duty/plans/{plan.pk}/entries/", {}).status_code == 404
    assert logged_in(bob).get(f"/rectification/duty/plans/{plan.pk}/").status_code == 404  # a township: not its plan
    assert logged_in(bob).post(f"/rectification/duty/plans/{plan.pk}/evaluation/", {}).status_code == 403
    assert "甲县党组织书记" not in logged_in(carol).get("/rectification/duty/plans/").content.decode()


def test_plan_pages_create_add_and_open(tree: Tree, alice: User) -> None:
    client = logged_in(alice)
    response = client.post("/rectification/duty/plans/new/", {
        "reviewing_unit": tree.county_a.pk, "year": YEAR, "meeting": "述职评议会议", "held_on": ""})
    plan = DutyPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/rectification/duty/plans/{plan.pk}/"
    cadre = secretary_cadre("张书记", tree.township_a)
    client.post(f"/rectification/duty/plans/{plan.pk}/entries/", {"org_unit": tree.township_a.pk, "cadre": cadre.pk,
                                                                  "secretary": ""})
    assert list(plan.entries.values_list("secretary", "cadre_id")) == [("张书记", cadre.pk)]
    client.post(f"/rectification/duty/plans/{plan.pk}/evaluation/", {"voter_classes": "评议组成员 70\n党代表 30"})
    plan.refresh_from_db()
    assert plan.campaign is not None
    assert sorted(VoterClass.objects.filter(campaign=plan.campaign).values_list("name", flat=True)) == [
        "党代表", "评议组成员"]
    refused = client.post(f"/rectification/duty/plans/{plan.pk}/evaluation/", {"voter_classes": "评议组成员 七十"},
                          follow=True).content.decode()
    assert "请写类别名称、空格和权重" in refused


def test_the_written_feedback_document_is_kept_on_the_secretarys_list(tree: Tree, alice: User, bob: User) -> None:
    report = _report(tree, alice, tree.township_a, "张书记")
    duty_feedback_issue(actor=alice, jurisdiction=jurisdiction_for(alice), report_id=report.pk, feedback="请整改",
                        problems=[("谈心谈话不经常", "general")], files=[pdf_upload("书面反馈意见.pdf")])
    report.refresh_from_db()
    assert report.feedback_list is not None
    [document] = attachments_of(report.feedback_list)
    assert document.name == "书面反馈意见.pdf" and document.org_unit_id == tree.township_a.pk
    # the secretary's township reads it from its list; another county does not
    page = logged_in(bob).get(f"/rectification/lists/{report.feedback_list_id}/").content.decode()
    assert "书面反馈意见.pdf" in page
    assert logged_in(bob).get(f"/files/{document.pk}/").status_code == 200


HOMES = {Role.ORG_ADMIN: "county_a", Role.ORG_STAFF: "county_a", Role.LEADER: "county_a",
         Role.TOWNSHIP_STAFF: "township_a", Role.VILLAGE_STAFF: "village_a", Role.GROUP_LEADER: "village_a",
         Role.MEMBER: "village_a"}


@pytest.mark.parametrize("role", list(HOMES))
def test_every_role_on_the_plan_pages(tree: Tree, alice: User, role: Role) -> None:
    plan = _plan(tree, alice)
    user = make_user(f"u-{role}", getattr(tree, HOMES[role]), role)
    jurisdiction = jurisdiction_for(user)
    view, issue = (may(jurisdiction, "rectification.problem_view"),
                   may(jurisdiction, "rectification.list_issue", tree.county_a))
    sees = view and jurisdiction.contains(tree.county_a)
    client = logged_in(user)
    assert client.get("/rectification/duty/plans/").status_code == (200 if view else 403)
    assert client.get(f"/rectification/duty/plans/{plan.pk}/").status_code == (200 if sees else 404 if view else 403)
    assert client.get("/rectification/duty/plans/new/").status_code == (200 if issue else 403)
    entry = client.post(f"/rectification/duty/plans/{plan.pk}/entries/",
                        {"org_unit": tree.township_a.pk, "secretary": "张书记"})
    assert entry.status_code == (302 if issue else 403 if not may(jurisdiction, "rectification.list_issue") else 404)
    assert plan.entries.count() == (1 if issue else 0)
