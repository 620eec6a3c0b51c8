"""A problem's own deadline (`due_on`) through the rule engine: R24 part `due` (`rule_sources.problem_due_dates`,
warn 7 days, monthly). Due soon from `warn_days` before it, overdue the day after, while 待制定方案 / 方案待审核 /
整改中; met on the day a closure was asked for (even once closed); nothing for a problem without a `due_on`, closed
or withdrawn, or on a withdrawn list; scoped to the jurisdiction evaluated; the reminder goes out once."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.utils import timezone

from zugong.conftest import Tree
from zugong.core.errors import ValidationFailed
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.permissions import SYSTEM
from zugong.rectification.models import Closure, Problem, ProblemStatus, Source
from zugong.rectification.services.problems import (
    closure_request,
    closure_review,
    plan_review,
    plan_submit,
    problem_add,
    problem_raise,
)
from zugong.rectification.services.withdrawal import problem_list_withdraw, problem_withdraw
from zugong.rectification.tests.helpers import issue_list, pdf_upload
from zugong.rules.engine import evaluate
from zugong.rules.models import Finding, Notification, RuleVersion
from zugong.rules.registry import param
from zugong.rules.services import rule_override_set

RAISED = date(2026, 9, 1)
DUE = date(2026, 10, 20)  # warn 7 days: due soon from 13 October, overdue from 21 October; home period October
TEXT = "“三会一课”落实不到位"


@pytest.fixture(autouse=True)
def _media(settings: object, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]


def _problem(tree: Tree, alice: User, *, due: date | None = DUE, text: str = TEXT) -> Problem:
    problem_list = issue_list(tree, alice, issued_on=RAISED)
    return problem_add(actor=alice, jurisdiction=jurisdiction_for(alice), list_id=problem_list.pk, description=text,
                       raised_on=RAISED, due_on=due)


def _rectifying(tree: Tree, alice: User, bob: User) -> Problem:
    problem = _problem(tree, alice)
    plan_submit(actor=bob, jurisdiction=jurisdiction_for(bob), problem_id=problem.pk, measures="每月召开党员大会",
                deadline=timezone.localdate() + timedelta(days=90))
    plan_review(actor=alice, jurisdiction=jurisdiction_for(alice), problem_id=problem.pk, accept=True)
    return problem


def _ask_closure(problem: Problem, bob: User, *, at: datetime) -> Closure:
    closure = closure_request(actor=bob, jurisdiction=jurisdiction_for(bob), problem_id=problem.pk,
                              summary="已按方案整改到位", files=[pdf_upload()])
    Closure.objects.filter(pk=closure.pk).update(requested_at=at)
    return closure


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(django_settings.TIME_ZONE))


def _due(problem: Problem) -> list[tuple[str, date, date, date | None]]:
    """The problem's R24 `due` findings: status, period, due day, day met."""
    rows = Finding.objects.filter(rule__code="R24", part="due", subject_id=str(problem.pk)).order_by("period_start")
    return [(f.status, f.period_start, f.due_date, f.done_date) for f in rows]  # type: ignore[misc]


def _on(as_of: date, problem: Problem, org_unit: object = None) -> list[tuple[str, date, date, date | None]]:
    evaluate(as_of=as_of, rule="R24", periods=2, org_unit=org_unit)  # type: ignore[arg-type]
    return _due(problem)


def test_the_part_is_in_the_register_with_warn_days_7(db: None) -> None:
    root = RuleVersion.objects.get(rule__code="R24", scope__isnull=True)
    assert root.params["due"] == {"days": 0, "workdays": False, "warn_days": 7, "period": "month"}
    assert param("R24", "due.warn_days", org_unit=None, on=DUE) == 7
    assert param("R24", "due.period", org_unit=None, on=DUE) == "month"


def test_due_soon_from_warn_days_before_and_overdue_the_day_after(tree: Tree, alice: User) -> None:
    # given: a problem raised on 1 September, due 20 October (an open problem: 待制定方案)
    problem = _problem(tree, alice)
    october = date(2026, 10, 1)
    # then: its home month is October; pending the day before the warning starts, due soon on that day …
    assert _on(date(2026, 10, 12), problem) == [("pending", october, DUE, None)]
    assert _on(date(2026, 10, 13), problem) == [("due_soon", october, DUE, None)]
    # … the day before, of and after the deadline
    assert _on(DUE - timedelta(days=1), problem) == [("due_soon", october, DUE, None)]
    assert _on(DUE, problem) == [("due_soon", october, DUE, None)]
    assert _on(DUE + timedelta(days=1), problem) == [("overdue", october, DUE, None)]
    finding = Finding.objects.get(rule__code="R24", part="due", subject_id=str(problem.pk))
    assert finding.subject_type == "rectification.problem"
    assert finding.subject_label == f"问题{problem.problem_list_id}-{problem.number}：{TEXT}"
    assert finding.org_unit_id == tree.township_a.pk
    assert finding.detail == "整改时限2026-09-01起算，应于2026-10-20前办结，尚未办结，已逾期 1 天"


def test_every_owing_status_owes_it(tree: Tree, alice: User, bob: User) -> None:
    submitted = _problem(tree, alice, text="组织生活会质量不高")
    plan_submit(actor=bob, jurisdiction=jurisdiction_for(bob), problem_id=submitted.pk, measures="整改",
                deadline=timezone.localdate() + timedelta(days=90))
    rectifying = _rectifying(tree, alice, bob)
    assert Problem.objects.get(pk=submitted.pk).status == ProblemStatus.PLAN_SUBMITTED
    assert _on(DUE + timedelta(days=1), submitted)[0][0] == "overdue"
    assert _due(rectifying)[0][0] == "overdue"


def test_the_label_keeps_the_first_60_characters(tree: Tree, alice: User) -> None:
    text = "党" * 59 + "员大会"
    problem = _problem(tree, alice, text=text)
    _on(DUE, problem)
    label = Finding.objects.get(rule__code="R24", part="due", subject_id=str(problem.pk)).subject_label
    assert label == f"问题{problem.problem_list_id}-1：" + "党" * 59 + "员"


def test_a_long_overdue_problem_stays_in_its_home_month(tree: Tree, alice: User) -> None:
    problem = _problem(tree, alice)
    # December and November are evaluated: the October item is not listed again (its notices went out there)
    assert _on(date(2026, 12, 5), problem) == []
    assert _on(date(2026, 11, 5), problem) == [("overdue", date(2026, 10, 1), DUE, None)]


def test_met_on_the_day_a_closure_was_asked_even_once_closed(tree: Tree, alice: User, bob: User) -> None:
    # given: a closure asked for at 00:30 on 16 October, local time (15 October in UTC), before the deadline
    problem = _rectifying(tree, alice, bob)
    _ask_closure(problem, bob, at=_local(date(2026, 10, 16), 0, 30))
    # then: met that day (the local day), in October
    assert _on(date(2026, 10, 25), problem) == [("compliant", date(2026, 10, 1), DUE, date(2026, 10, 16))]
    # when: the county approves it (closed today): still met on the day it was asked
    closure_review(actor=alice, jurisdiction=jurisdiction_for(alice), problem_id=problem.pk, approve=True)
    assert Problem.objects.get(pk=problem.pk).closed_on != date(2026, 10, 16)
    assert _on(date(2026, 10, 25), problem) == [("compliant", date(2026, 10, 1), DUE, date(2026, 10, 16))]
    # and a month on, with October no longer evaluated, nothing is listed (a met date is kept where it was met)
    Finding.objects.filter(rule__code="R24", part="due").delete()
    assert _on(date(2026, 12, 5), problem) == []


def test_a_closure_asked_late_is_met_late(tree: Tree, alice: User, bob: User) -> None:
    problem = _rectifying(tree, alice, bob)
    _ask_closure(problem, bob, at=_local(date(2026, 11, 3), 10))
    assert _on(date(2026, 11, 5), problem) == [("violated", date(2026, 11, 1), DUE, date(2026, 11, 3))]
    finding = Finding.objects.get(rule__code="R24", part="due", subject_id=str(problem.pk))
    assert finding.detail == "整改时限2026-09-01起算，应于2026-10-20前办结，2026-11-03办结，逾期 14 天"


def test_a_rejected_closure_owes_the_date_again(tree: Tree, alice: User, bob: User) -> None:
    problem = _rectifying(tree, alice, bob)
    _ask_closure(problem, bob, at=_local(date(2026, 10, 16), 9))
    closure_review(actor=alice, jurisdiction=jurisdiction_for(alice), problem_id=problem.pk, approve=False,
                   reason="佐证材料不全")
    assert _on(date(2026, 10, 25), problem) == [("overdue", date(2026, 10, 1), DUE, None)]


def test_no_due_on_withdrawn_or_on_a_withdrawn_list_owes_nothing(tree: Tree, alice: User) -> None:
    # given: four problems, one still owing its deadline
    owing = _problem(tree, alice)
    without = _problem(tree, alice, due=None)
    withdrawn = _problem(tree, alice)
    problem_withdraw(actor=alice, jurisdiction=jurisdiction_for(alice), problem_id=withdrawn.pk, reason="重复提出")
    on_withdrawn_list = _problem(tree, alice)
    problem_list_withdraw(actor=alice, jurisdiction=jurisdiction_for(alice), list_id=on_withdrawn_list.problem_list_id,
                          reason="清单下发有误")
    # when: evaluated the day after the deadline
    assert _on(DUE + timedelta(days=1), owing) == [("overdue", date(2026, 10, 1), DUE, None)]
    # then: only the owing one has a finding or a notice
    assert _due(without) == _due(withdrawn) == _due(on_withdrawn_list) == []
    assert {n.subject_id for n in Notification.objects.filter(rule__code="R24", part="due")} == {str(owing.pk)}


def test_closed_without_a_request_is_met_on_its_closing_day(tree: Tree, alice: User) -> None:
    # bulk-loaded data: closed with no closure request on record
    problem = _problem(tree, alice)
    Problem.objects.filter(pk=problem.pk).update(status=ProblemStatus.CLOSED, closed_on=date(2026, 10, 2))
    assert _on(date(2026, 10, 25), problem) == [("compliant", date(2026, 10, 1), DUE, date(2026, 10, 2))]
    assert not Notification.objects.filter(rule__code="R24", part="due").exists()


def test_another_countys_problem_is_not_in_the_jurisdictions_evaluation(tree: Tree, alice: User,
                                                                        carol: User) -> None:
    # given: a problem of county A and one county B raised for its township
    mine = _problem(tree, alice)
    theirs = problem_raise(actor=None, jurisdiction=SYSTEM, source=Source.INSPECTION, issuing_unit=tree.county_b,
                           owner_unit=tree.township_b, description="乙镇软弱涣散村整顿不力", raised_on=RAISED, due_on=DUE)
    # when: county A's jurisdiction is evaluated
    assert _on(DUE + timedelta(days=1), mine, org_unit=tree.county_a) == [
        ("overdue", date(2026, 10, 1), DUE, None)]
    # then: county B's problem has no finding and nobody in county A is told of it
    assert _due(theirs) == []
    # and evaluated over the whole province it has one, told to county B only
    assert _on(DUE + timedelta(days=1), theirs) == [("overdue", date(2026, 10, 1), DUE, None)]
    told = {n.user.username for n in Notification.objects.filter(part="due", subject_id=str(theirs.pk))}
    assert told and not told & {"alice", "bob"}


def test_a_county_sets_its_own_warn_days(tree: Tree, alice: User) -> None:
    # given: county A warns 3 days before a problem's deadline
    rule_override_set(actor=alice, jurisdiction=jurisdiction_for(alice), code="R24", org_unit=tree.county_a,
                      valid_from=date(2026, 1, 1), params={"due": {"warn_days": 3}})
    problem = _problem(tree, alice)
    # then: pending 4 days before, due soon 3 days before
    assert _on(DUE - timedelta(days=4), problem) == [("pending", date(2026, 10, 1), DUE, None)]
    assert _on(DUE - timedelta(days=3), problem) == [("due_soon", date(2026, 10, 1), DUE, None)]
    # and a value out of range is refused in Chinese
    with pytest.raises(ValidationFailed, match="提前提醒天数"):
        rule_override_set(actor=alice, jurisdiction=jurisdiction_for(alice), code="R24", org_unit=tree.county_a,
                          valid_from=date(2026, 2, 1), params={"due": {"warn_days": 400}})


def test_the_reminder_goes_out_once_due_soon_and_once_overdue(tree: Tree, alice: User, bob: User) -> None:
    problem = _problem(tree, alice)
    # when: the engine runs every day, as the scheduler does (running and previous month), 1 October – 5 November
    seen: dict[date, Counter[tuple[str, str]]] = {}
    day = date(2026, 10, 1)
    while day <= date(2026, 11, 5):
        evaluate(as_of=day, rule="R24", periods=2)
        rows = Notification.objects.filter(rule__code="R24", part="due").select_related("user")
        seen[day] = Counter((n.user.username, n.status) for n in rows)
        day += timedelta(days=1)
    # then: nothing before the warning, one notice due soon from 13 October, one overdue from 21 October
    assert seen[date(2026, 10, 12)] == Counter()
    assert seen[date(2026, 10, 13)] == seen[DUE] == Counter({("bob", "due_soon"): 1})
    assert seen[date(2026, 11, 5)] == Counter({("bob", "due_soon"): 1, ("bob", "overdue"): 1})
    notice = Notification.objects.get(rule__code="R24", part="due", status="overdue")
    assert notice.subject_id == str(problem.pk)
    assert f"问题{problem.problem_list_id}-{problem.number}" in notice.title
