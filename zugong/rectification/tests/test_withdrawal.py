"""Withdrawing a problem list (撤回): by the issuing level with a reason, audited, final; its problems keep
their record and owe nothing more — no R24 check, no plan-date notice, not carried over — and every further
step is refused (409), on the service, the pages and the API; the township and another county cannot."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from zugong.conftest import Tree, bearer, logged_in
from zugong.core.errors import IllegalTransition, ValidationFailed
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import AuditEvent
from zugong.rectification import selectors
from zugong.rectification.models import Problem, ProblemList, ProblemStatus, Source
from zugong.rectification.selectors import CheckState
from zugong.rectification.services.checks import check_record
from zugong.rectification.services.duty import duty_report_record
from zugong.rectification.services.problems import plan_submit, problem_add, problem_raise
from zugong.rectification.services.withdrawal import problem_list_withdraw
from zugong.rectification.tests.helpers import add_problem, issue_list, rectifying_problem
from zugong.rules.engine import evaluate
from zugong.rules.models import Finding

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _media(settings: object, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]


def post(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


def _withdraw(alice: User, problem_list: ProblemList, reason: str = "清单误发，重新下发") -> ProblemList:
    return problem_list_withdraw(actor=alice, jurisdiction=jurisdiction_for(alice), list_id=problem_list.pk,
                                 reason=reason)


def test_withdrawing_keeps_the_record_and_audits_the_reason(tree: Tree, alice: User, bob: User) -> None:
    # given: a list with one problem being rectified and one not started
    rectifying = rectifying_problem(tree, alice, bob)
    problem_list = rectifying.problem_list
    waiting = add_problem(problem_list, alice, "谈心谈话不经常")
    # when
    _withdraw(alice, problem_list)
    # then: both problems keep their status and plan; the list says when and why; the audit names the statuses
    problem_list.refresh_from_db()
    assert (problem_list.withdrawn_on, problem_list.withdrawn_reason, problem_list.withdrawn_by_id) == (
        TODAY, "清单误发，重新下发", alice.pk)
    assert dict(Problem.objects.filter(problem_list=problem_list).values_list("pk", "status")) == {
        rectifying.pk: ProblemStatus.RECTIFYING, waiting.pk: ProblemStatus.OPEN}
    assert rectifying.plans.count() == 1
    event = AuditEvent.objects.get(action="rectification.problem_list_withdraw")
    assert event.summary == {"reason": "清单误发，重新下发", "problems": {"rectifying": 1, "open": 1}}


def test_every_further_step_is_refused(tree: Tree, alice: User, bob: User) -> None:
    rectifying = rectifying_problem(tree, alice, bob)
    waiting = add_problem(rectifying.problem_list, alice, "谈心谈话不经常")
    _withdraw(alice, rectifying.problem_list)
    with pytest.raises(IllegalTransition, match="撤回"):
        plan_submit(actor=bob, jurisdiction=jurisdiction_for(bob), problem_id=waiting.pk, measures="整改",
                    deadline=TODAY + timedelta(days=30))
    with pytest.raises(IllegalTransition, match="撤回"):
        check_record(actor=alice, jurisdiction=jurisdiction_for(alice), problem_id=rectifying.pk, verdict="in_place")
    with pytest.raises(IllegalTransition, match="撤回"):
        problem_add(actor=alice, jurisdiction=jurisdiction_for(alice), list_id=rectifying.problem_list_id,
                    description="新问题")
    with pytest.raises(IllegalTransition, match="已于"):
        _withdraw(alice, rectifying.problem_list, "再撤一次")  # final: no second withdrawal
    # the API says why (409) and the problem page offers no step
    refused = post(bearer(bob), f"/api/v1/problems/{waiting.pk}/plan",
                   {"measures": "整改", "deadline": (TODAY + timedelta(days=30)).isoformat(), "milestones": []})
    assert refused.status_code == 409 and "撤回" in refused.json()["error"]["message"]
    page = logged_in(bob).get(f"/rectification/problems/{waiting.pk}/").content.decode()
    assert 'id="zg-problem-withdrawn"' in page and 'action="/rectification/problems/' not in page


def test_a_withdrawn_lists_problems_owe_nothing(tree: Tree, alice: User, bob: User) -> None:
    rectifying = rectifying_problem(tree, alice, bob)
    problem_list = rectifying.problem_list
    other = add_problem(issue_list(tree, alice), alice, "另一清单的问题")
    _withdraw(alice, problem_list)
    # no R24 check due and no plan dates evaluated; the other list's problem still owes its check
    evaluate(as_of=TODAY, rule="R24", periods=1)
    subjects = set(Finding.objects.filter(rule__code="R24").values_list("part", "subject_id"))
    assert ("", str(other.pk)) in subjects
    assert not {s for s in subjects if s[1] == str(rectifying.pk)}
    assert not Finding.objects.filter(rule__code="R24", part="plan").exists()
    states = dict(selectors.with_check_state(Problem.objects.all(), TODAY).values_list("pk", "check_state"))  # type: ignore[misc]
    assert states[rectifying.pk] == CheckState.NONE and states[other.pk] != CheckState.NONE
    # another module's problem for the same source, units and year starts a new list
    raised = problem_raise(actor=alice, jurisdiction=jurisdiction_for(alice), source=Source.DUTY_REVIEW,
                           issuing_unit=tree.county_a, owner_unit=tree.township_a, description="新反馈的问题",
                           raised_on=problem_list.issued_on + timedelta(days=1))
    assert raised.problem_list_id != problem_list.pk


def test_a_reason_is_required(tree: Tree, alice: User) -> None:
    problem_list = issue_list(tree, alice)
    with pytest.raises(ValidationFailed, match="撤回理由"):
        _withdraw(alice, problem_list, "  ")
    assert ProblemList.objects.get(pk=problem_list.pk).withdrawn_on is None


def test_withdrawing_through_the_page_and_the_api(tree: Tree, alice: User, bob: User, carol: User) -> None:
    first, second = issue_list(tree, alice), issue_list(tree, alice)
    # the page: a form with the reason, then the list says it was withdrawn
    client = logged_in(alice)
    listing = client.get(f"/rectification/lists/{first.pk}/").content.decode()
    assert f'href="/rectification/lists/{first.pk}/withdraw/"' in listing
    assert client.post(f"/rectification/lists/{first.pk}/withdraw/", {"reason": ""}).status_code == 200
    response = client.post(f"/rectification/lists/{first.pk}/withdraw/", {"reason": "已并入新清单"})
    assert response.status_code == 302
    assert 'id="zg-list-withdrawn"' in client.get(f"/rectification/lists/{first.pk}/").content.decode()
    # the API
    assert post(bearer(bob), f"/api/v1/problem-lists/{second.pk}/withdraw", {"reason": "x"}).status_code == 403
    assert post(bearer(carol), f"/api/v1/problem-lists/{second.pk}/withdraw", {"reason": "x"}).status_code == 404
    done = post(bearer(alice), f"/api/v1/problem-lists/{second.pk}/withdraw", {"reason": "重复下发"})
    assert done.status_code == 200 and done.json()["withdrawn_reason"] == "重复下发"
    again = post(bearer(alice), f"/api/v1/problem-lists/{second.pk}/withdraw", {"reason": "重复下发"})
    assert again.status_code == 409
    # the township may not withdraw through the page either; nothing was saved
    assert logged_in(bob).post(f"/rectification/lists/{first.pk}/withdraw/", {"reason": "x"}).status_code == 403
    assert AuditEvent.objects.filter(action="rectification.problem_list_withdraw").count() == 2


def test_a_withdrawn_lists_problems_are_not_carried_over_to_next_years_report(tree: Tree, alice: User,
                                                                            bob: User) -> None:
    rectifying = rectifying_problem(tree, alice, bob)
    report = duty_report_record(actor=alice, jurisdiction=jurisdiction_for(alice), year=TODAY.year,
                                org_unit=tree.township_a, reviewing_unit=tree.county_a, secretary="张书记",
                                reported_on=TODAY, summary="述职")
    carried = [p.pk for p in selectors.problems_carried_over(jurisdiction_for(alice), report)]
    _withdraw(alice, rectifying.problem_list)
    after = [p.pk for p in selectors.problems_carried_over(jurisdiction_for(alice), report)]
    assert rectifying.pk in carried and rectifying.pk not in after
