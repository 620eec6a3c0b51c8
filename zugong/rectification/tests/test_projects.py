"""Projects (项目化管理, R33): register, publish with a report row per month, claims (认项) approved by the
issuing level, monthly reports by the lead unit or a claimant, completion, half-year duty reports, every
refusal; and R33 evaluated by the rule engine from the same rows (a missed month is overdue)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.contrib.auth.models import User

from zugong.conftest import Tree, make_user
from zugong.core.errors import Conflict, IllegalTransition, NotFound, ValidationFailed
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import AuditEvent, Role
from zugong.rectification import selectors_projects as selectors
from zugong.rectification.models import (
    ClaimStatus,
    MilestoneKind,
    ProjectKind,
    ProjectMilestone,
    ProjectStatus,
)
from zugong.rectification.project_models import PROJECT_ALLOWED
from zugong.rectification.project_models import ProjectStatus as Status
from zugong.rectification.services.projects import (
    claim_review,
    leader_report_record,
    milestone_done,
    project_claim,
    project_complete,
    project_publish,
    project_report,
    report_slots,
)
from zugong.rectification.tests.project_helpers import published, register
from zugong.rules.engine import evaluate
from zugong.rules.models import Finding, Notification


def _j(user: User):  # type: ignore[no-untyped-def]
    return jurisdiction_for(user)


def test_publishing_a_key_task_owes_one_report_a_month_due_on_the_25th(tree: Tree, alice: User) -> None:
    project = published(tree, alice)
    reports = list(project.milestones.filter(kind=MilestoneKind.REPORT).order_by("due")
                   .values_list("title", "starts_on", "due"))
    assert len(reports) == 8  # August 2026 … March 2027
    assert reports[0] == ("2026年8月进展报告", date(2026, 8, 10), date(2026, 8, 25))
    assert reports[-1] == ("2027年3月进展报告", date(2027, 3, 1), date(2027, 3, 25))
    assert list(project.milestones.exclude(kind=MilestoneKind.REPORT).order_by("due").values_list("kind", "due")) == [
        (MilestoneKind.MILESTONE, date(2026, 9, 30)), (MilestoneKind.DEADLINE, date(2027, 3, 31))]
    assert AuditEvent.objects.filter(action="rectification.project_publish", object_id=str(project.pk)).count() == 1


def test_report_slots_on_the_day_before_of_and_after_the_25th() -> None:
    deadline = date(2027, 1, 31)
    assert [s[1] for s in report_slots(kind="month", report_day=25, first_day=date(2026, 11, 24), deadline=deadline)] == [
        date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)]
    assert report_slots(kind="month", report_day=25, first_day=date(2026, 11, 25), deadline=deadline)[0][2] == date(2026, 11, 25)
    assert report_slots(kind="month", report_day=25, first_day=date(2026, 11, 26), deadline=deadline)[0][1] == date(2026, 12, 1)
    assert [s[0] for s in report_slots(kind="quarter", report_day=25, first_day=date(2026, 11, 26), deadline=date(2027, 6, 30))] == [
        "2026年第4季度进展报告", "2027年第1季度进展报告", "2027年第2季度进展报告"]


def test_a_project_that_is_not_a_key_task_owes_no_monthly_report(tree: Tree, alice: User) -> None:
    project = published(tree, alice, kind=ProjectKind.PROJECT)
    assert not project.milestones.filter(kind=MilestoneKind.REPORT).exists()


def test_claim_approved_then_the_claimant_reports_and_the_month_is_done(tree: Tree, alice: User, bob: User) -> None:
    # given: a published key task of county A led by township A; 丙乡's staff claims it
    project = published(tree, alice)
    clerk = make_user("clerk", tree.township_a2, Role.TOWNSHIP_STAFF)
    claim = project_claim(actor=clerk, jurisdiction=_j(clerk), project_id=project.pk, org_unit=tree.township_a2,
                          note="承担两个村的改造")
    with pytest.raises(ValidationFailed, match="没有通过审核的认项"):
        project_report(actor=clerk, jurisdiction=_j(clerk), project_id=project.pk, org_unit=tree.township_a2,
                       text="进展", percent=10, reported_on=date(2026, 9, 5))
    # when: county A approves the claim and 丙乡 reports in September
    claim_review(actor=alice, jurisdiction=_j(alice), claim_id=claim.pk, approve=True)
    project_report(actor=clerk, jurisdiction=_j(clerk), project_id=project.pk, org_unit=tree.township_a2,
                   text="完成两个村的摸底", percent=20, reported_on=date(2026, 9, 5))
    # then: September's report row is done on that day; a second report of 丙乡 in September is refused
    september = project.milestones.get(kind=MilestoneKind.REPORT, month=date(2026, 9, 1))
    assert september.done_on == date(2026, 9, 5)
    with pytest.raises(Conflict, match="丙乡2026年9月已报告过该项目的进展"):
        project_report(actor=clerk, jurisdiction=_j(clerk), project_id=project.pk, org_unit=tree.township_a2,
                       text="再报", percent=30, reported_on=date(2026, 9, 20))
    # the lead unit may still report the same month (one report per unit and month)
    project_report(actor=bob, jurisdiction=_j(bob), project_id=project.pk, org_unit=tree.township_a, text="牵头推进",
                   percent=25, reported_on=date(2026, 9, 21))
    assert project.reports.count() == 2


def test_claim_refusals(tree: Tree, alice: User, bob: User, carol: User) -> None:
    draft = register(tree, alice)
    clerk = make_user("clerk", tree.township_a2, Role.TOWNSHIP_STAFF)
    with pytest.raises(IllegalTransition, match="只能认领已发布"):
        project_claim(actor=clerk, jurisdiction=_j(clerk), project_id=draft.pk, org_unit=tree.township_a2)
    project = project_publish(actor=alice, jurisdiction=_j(alice), project_id=draft.pk, published_on=date(2026, 8, 1))
    with pytest.raises(Conflict, match="是该项目的牵头单位"):
        project_claim(actor=bob, jurisdiction=_j(bob), project_id=project.pk, org_unit=tree.township_a)
    with pytest.raises(NotFound):
        project_claim(actor=bob, jurisdiction=_j(bob), project_id=project.pk, org_unit=tree.township_b)
    with pytest.raises(ValidationFailed, match="不是甲县的下级单位"):
        project_claim(actor=carol, jurisdiction=_j(carol), project_id=project.pk, org_unit=tree.township_b)
    claim = project_claim(actor=clerk, jurisdiction=_j(clerk), project_id=project.pk, org_unit=tree.township_a2)
    with pytest.raises(Conflict, match="丙乡已认领该项目"):
        project_claim(actor=clerk, jurisdiction=_j(clerk), project_id=project.pk, org_unit=tree.township_a2)
    with pytest.raises(NotFound):
        claim_review(actor=clerk, jurisdiction=_j(clerk), claim_id=claim.pk, approve=True)
    with pytest.raises(ValidationFailed, match="须填写理由"):
        claim_review(actor=alice, jurisdiction=_j(alice), claim_id=claim.pk, approve=False)
    claim_review(actor=alice, jurisdiction=_j(alice), claim_id=claim.pk, approve=False, reason="力量不足")
    with pytest.raises(IllegalTransition, match="该认项申请已审核（未通过）"):
        claim_review(actor=alice, jurisdiction=_j(alice), claim_id=claim.pk, approve=True)
    # refused: the unit may claim again
    again = project_claim(actor=clerk, jurisdiction=_j(clerk), project_id=project.pk, org_unit=tree.township_a2)
    assert again.status == ClaimStatus.PENDING


def test_every_forbidden_project_transition_is_refused(tree: Tree, alice: User) -> None:
    steps: dict[str, Callable[..., object]] = {Status.PUBLISHED: project_publish, Status.COMPLETED: project_complete}
    for source in Status.values:
        for target, step in steps.items():
            if target in PROJECT_ALLOWED[source]:
                continue
            project = register(tree, alice, title=f"{source}-{target}")
            project.status = source
            project.published_on = date(2026, 8, 1)
            project.save(update_fields=["status", "published_on"])
            with pytest.raises(IllegalTransition, match=f"不能转为“{Status(target).label}”"):
                step(actor=alice, jurisdiction=_j(alice), project_id=project.pk)


def test_register_refusals(tree: Tree, alice: User, carol: User) -> None:
    with pytest.raises(ValidationFailed, match="完成时限不能早于开始日期"):
        register(tree, alice, starts_on=date(2026, 7, 1), deadline=date(2026, 6, 30))
    with pytest.raises(ValidationFailed, match="节点“完成摸底”的时限应在开始日期和完成时限之间"):
        register(tree, alice, starts_on=date(2026, 10, 1), deadline=date(2027, 3, 31))
    with pytest.raises(NotFound):
        register(tree, carol)


def test_completion_drops_later_reports_and_marks_the_deadline(tree: Tree, alice: User, bob: User) -> None:
    project = published(tree, alice)
    first = project.milestones.get(kind=MilestoneKind.MILESTONE)
    milestone_done(actor=bob, jurisdiction=_j(bob), milestone_id=first.pk, done_on=date(2026, 9, 28))
    with pytest.raises(IllegalTransition, match="已于2026-09-28完成"):
        milestone_done(actor=bob, jurisdiction=_j(bob), milestone_id=first.pk)
    project_complete(actor=alice, jurisdiction=_j(alice), project_id=project.pk, completed_on=date(2026, 11, 20))
    project.refresh_from_db()
    assert (project.status, project.completed_on) == (ProjectStatus.COMPLETED, date(2026, 11, 20))
    assert project.milestones.get(kind=MilestoneKind.DEADLINE).done_on == date(2026, 11, 20)
    # November's report fell due on the 25th, after completion on the 20th: no longer owed
    assert list(project.milestones.filter(kind=MilestoneKind.REPORT).order_by("due").values_list("title", flat=True)) == [
        "2026年8月进展报告", "2026年9月进展报告", "2026年10月进展报告"]
    listed = selectors.project_list(_j(alice), as_of=date(2026, 12, 6)).get(pk=project.pk)
    assert listed.overdue_count == 0  # type: ignore[attr-defined]
    with pytest.raises(IllegalTransition, match="只有推进中的项目才能报告进展"):
        project_report(actor=bob, jurisdiction=_j(bob), project_id=project.pk, org_unit=tree.township_a, text="x",
                       percent=100)


def test_half_year_duty_report_names_the_leaders_items(tree: Tree, alice: User) -> None:
    mine = published(tree, alice)
    other = register(tree, alice, title="别人的项目")
    other.leader = "赵副县长"
    other.save(update_fields=["leader"])
    with pytest.raises(ValidationFailed, match="王副县长不是以下项目的责任领导：别人的项目"):
        leader_report_record(actor=alice, jurisdiction=_j(alice), org_unit=tree.county_a, leader="王副县长", year=2026,
                             half=2, text="下半年推进情况", reported_on=date(2026, 12, 1), projects=[mine, other])
    with pytest.raises(ValidationFailed, match="该半年开始之后"):
        leader_report_record(actor=alice, jurisdiction=_j(alice), org_unit=tree.county_a, leader="王副县长", year=2026,
                             half=2, text="x", reported_on=date(2026, 6, 30), projects=[mine])
    report = leader_report_record(actor=alice, jurisdiction=_j(alice), org_unit=tree.county_a, leader="王副县长",
                                  year=2026, half=2, text="下半年推进情况", reported_on=date(2026, 12, 1),
                                  projects=[mine])
    assert list(report.projects.all()) == [mine]
    with pytest.raises(Conflict, match="王副县长2026年下半年已述职"):
        leader_report_record(actor=alice, jurisdiction=_j(alice), org_unit=tree.county_a, leader="王副县长",
                             year=2026, half=2, text="再述", reported_on=date(2026, 12, 2), projects=[mine])


def test_visibility_published_items_reach_units_below_drafts_do_not(tree: Tree, alice: User, bob: User,
                                                                    carol: User) -> None:
    draft = register(tree, alice, title="草稿")
    project = published(tree, alice)
    clerk = make_user("clerk", tree.township_a2, Role.TOWNSHIP_STAFF)
    assert set(selectors.projects_visible(_j(alice))) == {draft, project}
    assert set(selectors.projects_visible(_j(bob))) == {draft, project}  # bob's township leads both
    assert set(selectors.projects_visible(_j(clerk))) == {project}  # 丙乡 sees what it may claim
    assert set(selectors.projects_visible(_j(carol))) == set()


def test_r33_through_the_engine_a_missed_month_is_overdue(tree: Tree, alice: User, bob: User) -> None:
    # given: reports in August (on time), September (late), none in October, November on time
    project = published(tree, alice)
    for day in (date(2026, 8, 20), date(2026, 9, 30), date(2026, 11, 3)):
        project_report(actor=bob, jurisdiction=_j(bob), project_id=project.pk, org_unit=tree.township_a, text="进展",
                       percent=10, reported_on=day)
    # when: the engine evaluates R33 on 6 December 2026 for the last four months
    report = evaluate(as_of=date(2026, 12, 6), rule="R33", periods=4)
    assert report.rules[0].status not in {"no_data_source", "not_evaluated", "error"}

    def month(start: date) -> dict[str, str]:
        return {f.subject_label.split("：")[1]: f.status
                for f in Finding.objects.filter(rule__code="R33", period_start=start)}

    # then: each date is judged in its home month — the one its warning starts in (R33 warn_days 3), so each
    # notice goes out once (tests/test_reminders.py) — as it stands on 6 December
    assert month(date(2026, 12, 1)) == {"2026年12月进展报告": "pending"}
    assert month(date(2026, 10, 1)) == {"2026年10月进展报告": "overdue"}
    assert month(date(2026, 9, 1))["完成摸底"] == "overdue"  # due 30 September, never marked done
    assert "完成时限" not in {**month(date(2026, 9, 1)), **month(date(2026, 11, 1))}  # its home is March 2027
    assert month(date(2026, 11, 1))["2026年11月进展报告"] == "compliant"
    assert month(date(2026, 9, 1))["2026年9月进展报告"] == "violated"  # reported on the 30th, due the 25th
    assert ProjectMilestone.objects.filter(project=project, kind=MilestoneKind.REPORT, done_on__isnull=True,
                                           due__lt=date(2026, 12, 6)).count() == 1


def test_reminders_before_a_deadline_reach_the_lead_township(tree: Tree, alice: User, bob: User) -> None:
    # given: a project whose milestone falls due in two days (R33 warn_days 3)
    project = published(tree, alice, kind=ProjectKind.PROJECT, on=date(2026, 11, 2))
    project.milestones.filter(title="完成摸底").update(done_on=date(2026, 9, 29))
    ProjectMilestone.objects.create(project=project, kind=MilestoneKind.MILESTONE, title="完成招标",
                                    starts_on=date(2026, 11, 2), due=date(2026, 12, 8))
    # when: the engine evaluates R33 on 6 December and sends its reminders
    evaluate(as_of=date(2026, 12, 6), rule="R33", periods=1)
    # then: bob, the lead township's staff, is told the milestone is due soon — the county is not (nearest level)
    notices = Notification.objects.filter(rule__code="R33")
    assert {(n.user.username, n.status) for n in notices} == {("bob", "due_soon")}
    assert "完成招标" in notices.get().title
