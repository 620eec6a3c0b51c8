"""`with_check_state` reads the check cadence of every issuing level at once: the number of queries does not grow
with the levels (it was one `param()` per level), and a level's own cadence still applies to its problems only."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from zugong.conftest import Tree
from zugong.core.jurisdiction import jurisdiction_for
from zugong.rectification.models import Problem, Source
from zugong.rectification.selectors import with_check_state
from zugong.rectification.services.problems import problem_add, problem_list_create
from zugong.rectification.tests.helpers import add_problem, issue_list
from zugong.rules.services import rule_override_set

TODAY = timezone.localdate()


def _states(django_assert_num_queries: Any, queries: int) -> dict[int, str]:
    with django_assert_num_queries(queries):
        return dict(with_check_state(Problem.objects.all(), TODAY).values_list("pk", "check_state"))  # type: ignore[misc]


def test_the_queries_do_not_grow_with_the_issuing_levels(tree: Tree, alice: User, carol: User,
                                                         django_assert_num_queries: Any) -> None:
    # given: one county's problem, counted; then a second county (monthly checks) with its own problem
    mine = add_problem(issue_list(tree, alice, issued_on=TODAY - timedelta(days=200)), alice)
    one = _states(django_assert_num_queries, 4)
    rule_override_set(actor=carol, jurisdiction=jurisdiction_for(carol), code="R24", org_unit=tree.county_b,
                      valid_from=date(2026, 1, 1), params={"period": "month"})
    theirs_list = problem_list_create(actor=carol, jurisdiction=jurisdiction_for(carol), title="乙县清单",
                                      source=Source.OTHER, issuing_unit=tree.county_b, owner_unit=tree.township_b,
                                      issued_on=TODAY - timedelta(days=200))
    theirs = problem_add(actor=carol, jurisdiction=jurisdiction_for(carol), list_id=theirs_list.pk,
                         description="乙县的问题")
    # when / then: the same number of queries for two levels with two cadences
    two = _states(django_assert_num_queries, 4)
    assert one == {mine.pk: "overdue"}
    assert two == {mine.pk: "overdue", theirs.pk: "overdue"}
