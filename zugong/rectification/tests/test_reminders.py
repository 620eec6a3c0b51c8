"""Notices before the dates owed fall due, through the engine's reminders: an accepted plan's milestones and
deadline (R24 part `plan`, warn 7 days) and a project's dates (R33, warn 3 days) — each notice once, however
many days and periods are evaluated (the daily evaluation covers the running and the previous period)."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from zugong.conftest import Tree
from zugong.core.jurisdiction import jurisdiction_for
from zugong.rectification.models import (
    MilestoneKind,
    PlanDueDate,
    Problem,
    ProblemStatus,
    ProjectMilestone,
)
from zugong.rectification.services.problems import plan_review, plan_submit
from zugong.rectification.tests.helpers import add_problem, issue_list
from zugong.rectification.tests.project_helpers import published
from zugong.rules.engine import evaluate
from zugong.rules.models import Finding, Notification

TODAY = timezone.localdate()


def _accepted(tree: Tree, alice: User, bob: User) -> Problem:
    problem = add_problem(issue_list(tree, alice), alice)
    plan_submit(actor=bob, jurisdiction=jurisdiction_for(bob), problem_id=problem.pk, measures="每月召开党员大会",
                deadline=TODAY + timedelta(days=40),
                milestones=[{"title": "召开专题组织生活会", "due": (TODAY + timedelta(days=10)).isoformat()}])
    plan_review(actor=alice, jurisdiction=jurisdiction_for(alice), problem_id=problem.pk, accept=True)
    return problem


def _notices(part: str) -> Counter[tuple[str, str, str]]:
    rows = Notification.objects.filter(part=part, rule__code="R24" if part else "R33").select_related("user")
    return Counter((n.user.username, n.subject_id, n.status) for n in rows)


def test_accepting_a_plan_writes_its_dates(tree: Tree, alice: User, bob: User) -> None:
    problem = _accepted(tree, alice, bob)
    assert sorted((d.title, d.due, d.starts_on) for d in PlanDueDate.objects.filter(problem=problem)) == [
        ("召开专题组织生活会", TODAY + timedelta(days=10), TODAY), ("整改时限", TODAY + timedelta(days=40), TODAY)]


def test_a_plans_dates_are_announced_once_before_and_once_when_overdue(tree: Tree, alice: User, bob: User) -> None:
    # given: a plan accepted today, a milestone due in 10 days and the deadline in 40 (R24 plan.warn_days 7)
    problem = _accepted(tree, alice, bob)
    milestone = PlanDueDate.objects.get(problem=problem, title="召开专题组织生活会")
    deadline = PlanDueDate.objects.get(problem=problem, title="整改时限")
    # when: the engine runs every day, as the scheduler does (running and previous period), for 45 days
    seen: dict[int, Counter[tuple[str, str, str]]] = {}
    for offset in range(0, 46):
        evaluate(as_of=TODAY + timedelta(days=offset), rule="R24", periods=2)
        seen[offset] = _notices("plan")
    # then: nothing until the warning starts, on the 3rd day (due in 7) …
    assert seen[2] == Counter()
    assert seen[3] == Counter({("bob", str(milestone.pk), "due_soon"): 1})
    # … one notice overdue the day after it fell due, and the deadline's warning 7 days before it
    assert seen[10] == seen[3]
    assert seen[11] == Counter({("bob", str(milestone.pk), "due_soon"): 1, ("bob", str(milestone.pk), "overdue"): 1})
    assert seen[33][("bob", str(deadline.pk), "due_soon")] == 1 and seen[32][("bob", str(deadline.pk), "due_soon")] == 0
    # each once, across the month boundary the 45 days cross: the township's staff, not the county (nearest level)
    assert seen[45] == Counter({("bob", str(milestone.pk), "due_soon"): 1, ("bob", str(milestone.pk), "overdue"): 1,
                                ("bob", str(deadline.pk), "due_soon"): 1, ("bob", str(deadline.pk), "overdue"): 1})
    notice = Notification.objects.get(part="plan", subject_id=str(milestone.pk), status="due_soon")
    assert "召开专题组织生活会" in notice.title and f"问题{problem.problem_list_id}-{problem.number}" in notice.title


def test_a_closure_asked_for_ends_the_plans_notices(tree: Tree, alice: User, bob: User) -> None:
    problem = _accepted(tree, alice, bob)
    Problem.objects.filter(pk=problem.pk).update(status=ProblemStatus.CLOSURE_REQUESTED)
    for offset in (3, 11, 33, 41):
        evaluate(as_of=TODAY + timedelta(days=offset), rule="R24", periods=2)
    assert _notices("plan") == Counter()


def test_a_projects_date_is_announced_once_however_many_days_are_evaluated(tree: Tree, alice: User,
                                                                           bob: User) -> None:
    # given: a published project (not a key task: no monthly reports) with a milestone due on 2 December
    project = published(tree, alice, kind="project", on=date(2026, 11, 2))
    project.milestones.filter(title="完成摸底").update(done_on=date(2026, 9, 29))
    due = ProjectMilestone.objects.create(project=project, kind=MilestoneKind.MILESTONE, title="完成招标",
                                          starts_on=date(2026, 11, 2), due=date(2026, 12, 2))
    # when: the engine runs daily from 20 November to 20 December (two months each time)
    day = date(2026, 11, 20)
    while day <= date(2026, 12, 20):
        evaluate(as_of=day, rule="R33", periods=2)
        day += timedelta(days=1)
    # then: one notice due soon (from 29 November, R33 warn_days 3) and one overdue (3 December), not one per month
    mine = Notification.objects.filter(rule__code="R33", subject_id=str(due.pk)).order_by("pk")
    assert [(n.user.username, n.status) for n in mine] == [("bob", "due_soon"), ("bob", "overdue")]


def test_a_project_date_met_late_is_written_in_the_month_it_was_met(tree: Tree, alice: User, bob: User) -> None:
    project = published(tree, alice, kind="project", on=date(2026, 8, 10))
    project.milestones.filter(title="完成摸底").update(done_on=date(2026, 12, 3))  # due 30 September
    evaluate(as_of=date(2026, 12, 6), rule="R33", periods=1)
    finding = Finding.objects.get(rule__code="R33", subject_label__endswith="完成摸底")
    assert (finding.period_start, finding.status) == (date(2026, 12, 1), "violated")
