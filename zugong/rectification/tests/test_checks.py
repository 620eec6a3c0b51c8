"""Periodic checks (R24): one per problem and period, due / overdue computed in SQL, across a year's end,
with the cadence an issuing level sets."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from zugong.conftest import Tree
from zugong.core.errors import Conflict, IllegalTransition, NotFound, ValidationFailed
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.permissions import SYSTEM
from zugong.rectification.cadence import period_of
from zugong.rectification.models import Problem, ProblemStatus, QuarterlyCheck, Verdict
from zugong.rectification.selectors import (
    CheckState,
    problem_list_filtered,
    problems_visible,
    with_check_state,
)
from zugong.rectification.services.checks import check_record
from zugong.rectification.tests.helpers import add_problem, issue_list
from zugong.rules.services import rule_override_set


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    def freeze(day: date) -> None:
        monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)
    return freeze


def _state(problem: Problem, as_of: date) -> str:
    return str(with_check_state(Problem.objects.filter(pk=problem.pk), as_of).get().check_state)  # type: ignore[attr-defined]


@pytest.mark.parametrize(("day", "start", "end"), [
    (date(2026, 12, 31), date(2026, 10, 1), date(2026, 12, 31)),
    (date(2027, 1, 1), date(2027, 1, 1), date(2027, 3, 31)),
    (date(2027, 3, 31), date(2027, 1, 1), date(2027, 3, 31)),
    (date(2027, 4, 1), date(2027, 4, 1), date(2027, 6, 30)),
])
def test_quarters_on_the_day_before_of_and_after_their_end(day: date, start: date, end: date) -> None:
    period = period_of("quarter", day)
    assert (period.start, period.end) == (start, end)
    assert period_of("quarter", date(2027, 1, 1)).previous() == period_of("quarter", date(2026, 12, 31))


def test_a_check_counts_for_its_quarter_across_the_year_end(tree: Tree, alice: User, frozen) -> None:  # type: ignore[no-untyped-def]
    # given: a problem raised in October 2026, checked in December 2026
    frozen(date(2026, 12, 20))
    problem = add_problem(issue_list(tree, alice, issued_on=date(2026, 10, 9)), alice)
    check = check_record(actor=alice, jurisdiction=jurisdiction_for(alice), problem_id=problem.pk,
                         verdict=Verdict.MOSTLY, note="台账已建")
    assert check.period_start == date(2026, 10, 1)
    # then: checked in Q4; in January the Q4 check was made and Q1 2027's is due
    assert _state(problem, date(2026, 12, 31)) == CheckState.CHECKED
    assert _state(problem, date(2027, 1, 1)) == CheckState.DUE
    # a check on 3 January belongs to Q1 2027, not to Q4 2026
    frozen(date(2027, 1, 3))
    assert check_record(actor=alice, jurisdiction=jurisdiction_for(alice), problem_id=problem.pk,
                        verdict=Verdict.IN_PLACE).period_start == date(2027, 1, 1)
    assert _state(problem, date(2027, 1, 3)) == CheckState.CHECKED


def test_a_quarter_without_a_check_is_overdue_from_the_next_days_on(tree: Tree, alice: User) -> None:
    problem = add_problem(issue_list(tree, alice, issued_on=date(2026, 11, 2)), alice)
    assert _state(problem, date(2026, 12, 31)) == CheckState.DUE  # the quarter is still running
    assert _state(problem, date(2027, 1, 1)) == CheckState.OVERDUE  # Q4 2026 ended without a check
    assert _state(problem, date(2027, 3, 31)) == CheckState.OVERDUE
    # a problem raised in the new quarter owes nothing for the old one
    late = add_problem(issue_list(tree, alice, issued_on=date(2026, 11, 2)), alice)
    Problem.objects.filter(pk=late.pk).update(raised_on=date(2027, 1, 1))
    assert _state(late, date(2027, 1, 2)) == CheckState.DUE


def test_closed_problems_need_no_check_and_refuse_one(tree: Tree, alice: User) -> None:
    problem = add_problem(issue_list(tree, alice, issued_on=date(2026, 7, 1)), alice)
    Problem.objects.filter(pk=problem.pk).update(status=ProblemStatus.CLOSED)
    assert _state(problem, date(2027, 1, 5)) == CheckState.NONE
    with pytest.raises(IllegalTransition, match="该问题已销号，不再需要整改检查"):
        check_record(actor=alice, jurisdiction=jurisdiction_for(alice), problem_id=problem.pk, verdict=Verdict.IN_PLACE)


def test_one_check_per_quarter_and_sane_dates(tree: Tree, alice: User, frozen) -> None:  # type: ignore[no-untyped-def]
    frozen(date(2026, 12, 6))
    problem = add_problem(issue_list(tree, alice, issued_on=date(2026, 10, 9)), alice)
    ja = jurisdiction_for(alice)
    check_record(actor=alice, jurisdiction=ja, problem_id=problem.pk, verdict=Verdict.NOT_IN_PLACE,
                 checked_on=date(2026, 10, 10))
    with pytest.raises(Conflict, match="该问题2026年第4季度已检查过"):
        check_record(actor=alice, jurisdiction=ja, problem_id=problem.pk, verdict=Verdict.IN_PLACE)
    with pytest.raises(ValidationFailed, match="检查日期不能晚于今天"):
        check_record(actor=alice, jurisdiction=ja, problem_id=problem.pk, verdict="in_place",
                     checked_on=date(2026, 12, 7))
    with pytest.raises(ValidationFailed, match="检查日期不能早于问题提出日期"):
        check_record(actor=alice, jurisdiction=ja, problem_id=problem.pk, verdict="in_place",
                     checked_on=date(2026, 10, 8))
    with pytest.raises(ValidationFailed, match="请选择检查结论"):
        check_record(actor=alice, jurisdiction=ja, problem_id=problem.pk, verdict="good")


def test_only_the_issuing_level_checks(tree: Tree, alice: User, bob: User, carol: User) -> None:
    problem = add_problem(issue_list(tree, alice), alice)
    with pytest.raises(NotFound):
        check_record(actor=bob, jurisdiction=jurisdiction_for(bob), problem_id=problem.pk, verdict="in_place")
    with pytest.raises(NotFound):
        check_record(actor=carol, jurisdiction=jurisdiction_for(carol), problem_id=problem.pk, verdict="in_place")
    assert not QuarterlyCheck.objects.exists()


def test_a_county_that_checks_monthly_gets_monthly_periods(tree: Tree, alice: User, frozen) -> None:  # type: ignore[no-untyped-def]
    # given: county A sets R24's check period to a month; county B keeps the quarter
    rule_override_set(actor=None, jurisdiction=SYSTEM, code="R24", org_unit=tree.county_a,
                      valid_from=date(2026, 1, 1), params={"period": "month"})
    monthly = add_problem(issue_list(tree, alice, issued_on=date(2026, 10, 9)), alice)
    carol_list = issue_list(tree, alice, issued_on=date(2026, 10, 9))
    from zugong.rectification.models import ProblemList
    ProblemList.objects.filter(pk=carol_list.pk).update(issuing_unit=tree.county_b, owner_unit=tree.township_b)
    quarterly = Problem.objects.create(problem_list=carol_list, number=1, org_unit=tree.township_b, description="x",
                                       raised_on=date(2026, 10, 9))
    frozen(date(2026, 11, 20))
    assert check_record(actor=alice, jurisdiction=jurisdiction_for(alice), problem_id=monthly.pk,
                        verdict="in_place").period_start == date(2026, 11, 1)
    QuarterlyCheck.objects.create(problem=quarterly, checked_on=date(2026, 11, 20), period_start=date(2026, 10, 1),
                                  verdict="in_place")
    # then on 6 December: the monthly problem's November was checked, December is due; the quarterly one checked
    states = {p.pk: p.check_state for p in with_check_state(Problem.objects.all(), date(2026, 12, 6))}  # type: ignore[attr-defined]
    assert states == {monthly.pk: CheckState.DUE, quarterly.pk: CheckState.CHECKED}
    # and on 2 January: the monthly problem missed December; the quarterly one checked Q4, Q1 is due
    states = {p.pk: p.check_state for p in with_check_state(Problem.objects.all(), date(2027, 1, 2))}  # type: ignore[attr-defined]
    assert states == {monthly.pk: CheckState.OVERDUE, quarterly.pk: CheckState.DUE}


def test_overdue_filter_is_scoped(tree: Tree, alice: User, carol: User) -> None:
    problem = add_problem(issue_list(tree, alice, issued_on=date(2026, 11, 2)), alice)
    overdue = problem_list_filtered(jurisdiction_for(alice), as_of=date(2027, 1, 2), overdue=True)
    assert [p.pk for p in overdue] == [problem.pk]
    assert not problem_list_filtered(jurisdiction_for(alice), as_of=date(2026, 12, 2), overdue=True).exists()
    assert not problem_list_filtered(jurisdiction_for(carol), as_of=date(2027, 1, 2), overdue=True).exists()
    assert problems_visible(jurisdiction_for(carol)).count() == 0
