"""R24's source runs through the engine's set-based cadence SQL: one finding per problem not closed,
compliant when checked in the quarter, overdue / violated after it; across a year end; and the engine's own
`evaluate()` reports R24 with those findings."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User
from django.utils import timezone

from zugong.conftest import Tree
from zugong.rectification.models import Problem, ProblemStatus, QuarterlyCheck
from zugong.rectification.tests.helpers import add_problem, issue_list
from zugong.rules.engine import evaluate
from zugong.rules.kinds.aggregate import evaluate_aggregate
from zugong.rules.kinds.periods import period_containing
from zugong.rules.kinds.region import Job, Region
from zugong.rules.models import Finding, Rule
from zugong.rules.registry import AggregateSource, sources_for

CADENCE = {"period": "quarter", "min_count": 1, "max_count": None, "warn_days": 7, "grace_days": 5}


def _evaluate(as_of: date, day: date) -> dict[str, str]:
    # R24's cadence (its other source is the part `plan`, the plans' dates)
    (source,) = [s for s in sources_for("R24") if isinstance(s, AggregateSource)]
    rule = Rule.objects.get(code="R24")
    job = Job(rule_id=rule.pk, code="R24", part="", region=Region(root_path="", exclude_paths=(), params=CADENCE,
                                                                version_id=None),
              period=period_containing("quarter", day), as_of=as_of, evaluated_at=timezone.now(), params=CADENCE)
    evaluate_aggregate(job, source, "cadence")
    return {f.subject_label.split("：")[1]: f.status for f in Finding.objects.filter(rule=rule, period_start=job.period.start)}


def test_r24_source_through_the_cadence_sql_across_the_year_end(tree: Tree, alice: User) -> None:
    problem_list = issue_list(tree, alice, issued_on=date(2026, 10, 9))
    checked = add_problem(problem_list, alice, "已检查")
    add_problem(problem_list, alice, "未检查")
    late = add_problem(problem_list, alice, "一月才检查")
    closed = add_problem(problem_list, alice, "已销号")
    Problem.objects.filter(pk=closed.pk).update(status=ProblemStatus.CLOSED)
    QuarterlyCheck.objects.create(problem=checked, checked_on=date(2026, 12, 31), period_start=date(2026, 10, 1),
                                  verdict="in_place")
    QuarterlyCheck.objects.create(problem=late, checked_on=date(2027, 1, 1), period_start=date(2027, 1, 1),
                                  verdict="in_place")
    # Q4 2026 judged on 3 January (within the grace days) and on 20 January (after them)
    assert _evaluate(date(2027, 1, 3), date(2026, 12, 1)) == {"已检查": "compliant", "未检查": "overdue",
                                                              "一月才检查": "overdue"}
    assert _evaluate(date(2027, 1, 20), date(2026, 12, 1))["未检查"] == "violated"
    # Q1 2027: the January check counts there
    assert _evaluate(date(2027, 1, 20), date(2027, 1, 20)) == {"已检查": "pending", "未检查": "pending",
                                                               "一月才检查": "compliant"}


def test_the_engine_evaluates_r24_as_a_cadence(tree: Tree, alice: User) -> None:
    # given: one problem checked in Q4 2026, one never checked, one closed
    problem_list = issue_list(tree, alice, issued_on=date(2026, 10, 9))
    checked = add_problem(problem_list, alice, "已检查")
    add_problem(problem_list, alice, "未检查")
    closed = add_problem(problem_list, alice, "已销号")
    Problem.objects.filter(pk=closed.pk).update(status=ProblemStatus.CLOSED)
    QuarterlyCheck.objects.create(problem=checked, checked_on=date(2026, 11, 2), period_start=date(2026, 10, 1),
                                  verdict="in_place")
    # when: the engine evaluates R24 on 20 January 2027 (Q4 2026 is past its grace days)
    report = evaluate(as_of=date(2027, 1, 20), rule="R24")
    # then: R24 is evaluated, not skipped, and Q4 2026's findings name each open problem's state
    assert [r.code for r in report.rules] == ["R24"]
    assert report.rules[0].status != "not_evaluated"
    q4 = {f.subject_label.split("：")[1]: f.status
          for f in Finding.objects.filter(rule__code="R24", period_start=date(2026, 10, 1))}
    assert q4 == {"已检查": "compliant", "未检查": "violated"}
