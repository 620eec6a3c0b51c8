"""Overdue plan deadlines are flagged (the accepted plan's deadline passed while the problem is still
整改中), on the day before, of and after the deadline; milestones due soon are marked on the problem page;
the list page shows the deadline and the flag."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from zugong.conftest import Tree, bearer, logged_in
from zugong.core.jurisdiction import jurisdiction_for
from zugong.rectification import selectors
from zugong.rectification.models import Problem, ProblemStatus, RectificationPlan
from zugong.rectification.tests.helpers import rectifying_problem

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _media(settings: object, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]


def _flag(alice: User, problem: Problem, as_of: date) -> tuple[date | None, bool]:
    row = selectors.problem_list_filtered(jurisdiction_for(alice), as_of=as_of).get(pk=problem.pk)
    return row.plan_deadline, row.plan_overdue  # type: ignore[attr-defined]


def test_plan_deadline_flag_on_the_day_before_of_and_after(tree: Tree, alice: User, bob: User) -> None:
    problem = rectifying_problem(tree, alice, bob)
    deadline = problem.plans.get().deadline
    assert _flag(alice, problem, deadline - timedelta(days=1)) == (deadline, False)
    assert _flag(alice, problem, deadline) == (deadline, False)
    assert _flag(alice, problem, deadline + timedelta(days=1)) == (deadline, True)
    overdue = selectors.problem_list_filtered(jurisdiction_for(alice), as_of=deadline + timedelta(days=1),
                                              plan_overdue=True)
    assert [p.pk for p in overdue] == [problem.pk]
    # a closure asked for is no longer overdue
    Problem.objects.filter(pk=problem.pk).update(status=ProblemStatus.CLOSURE_REQUESTED)
    assert _flag(alice, problem, deadline + timedelta(days=1)) == (deadline, False)


def test_problem_page_marks_milestones_and_the_list_flags_the_deadline(tree: Tree, alice: User, bob: User) -> None:
    problem = rectifying_problem(tree, alice, bob)
    RectificationPlan.objects.filter(problem=problem).update(
        deadline=TODAY - timedelta(days=1),
        milestones=[{"title": "建立台账", "due": (TODAY - timedelta(days=10)).isoformat()},
                    {"title": "召开专题会", "due": (TODAY + timedelta(days=3)).isoformat()},
                    {"title": "完成验收", "due": (TODAY + timedelta(days=60)).isoformat()}])
    row = selectors.problem_get(jurisdiction_for(alice), problem.pk, as_of=TODAY)
    assert [(d.title, d.state) for d in row.plan_dates] == [  # type: ignore[attr-defined]
        ("建立台账", "overdue"), ("整改时限", "overdue"), ("召开专题会", "due_soon"), ("完成验收", "pending")]
    page = logged_in(bob).get(f"/rectification/problems/{problem.pk}/").content.decode()
    assert 'id="zg-plan-dates"' in page and "即将到期" in page
    listing = logged_in(alice).get(f"/rectification/lists/{problem.problem_list_id}/").content.decode()
    assert 'class="zg-plan-overdue"' in listing


def test_the_api_returns_and_filters_overdue_plan_deadlines(tree: Tree, alice: User, bob: User) -> None:
    problem = rectifying_problem(tree, alice, bob)
    RectificationPlan.objects.filter(problem=problem).update(deadline=TODAY - timedelta(days=1))
    county = bearer(alice)
    (row,) = county.get("/api/v1/problems?plan_overdue=true").json()
    assert (row["id"], row["plan_deadline"], row["plan_overdue"]) == (
        problem.pk, (TODAY - timedelta(days=1)).isoformat(), True)
    assert county.get("/api/v1/problems?plan_overdue=false").json() == []
    assert county.get(f"/api/v1/problems/{problem.pk}").json()["plan_overdue"] is True
