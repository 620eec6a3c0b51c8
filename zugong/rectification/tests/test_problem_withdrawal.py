"""Withdrawing one problem (撤回): by the issuing level with a reason, audited, final; the problem keeps its record,
is shown as 已撤回, owes no R24 check (through the engine), no plan date, is not carried over and weighs nothing in
the progress; its list goes on. A closed or already withdrawn problem is refused (409) on the service, the page and
the API; the township may not (403), another county does not see it (404)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from zugong.conftest import Tree, bearer, logged_in
from zugong.core.errors import IllegalTransition, NotFound, ValidationFailed
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import AuditEvent
from zugong.rectification import selectors
from zugong.rectification.models import Problem, ProblemStatus, Severity
from zugong.rectification.selectors import CheckState
from zugong.rectification.services import problems as svc
from zugong.rectification.services.checks import check_record
from zugong.rectification.services.duty import duty_report_record
from zugong.rectification.services.withdrawal import problem_list_withdraw, problem_withdraw
from zugong.rectification.tests.helpers import add_problem, issue_list, pdf_upload, rectifying_problem
from zugong.rules.engine import evaluate
from zugong.rules.models import Finding

TODAY = timezone.localdate()
REASON = "与第2个问题重复，已合并"


@pytest.fixture(autouse=True)
def _media(settings: object, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]


def post(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


def _withdraw(user: User, problem: Problem, reason: str = REASON) -> Problem:
    return problem_withdraw(actor=user, jurisdiction=jurisdiction_for(user), problem_id=problem.pk, reason=reason)


def _closed(tree: Tree, alice: User, bob: User) -> Problem:
    problem = rectifying_problem(tree, alice, bob)
    svc.closure_request(actor=bob, jurisdiction=jurisdiction_for(bob), problem_id=problem.pk, summary="已整改",
                        files=[pdf_upload()])
    svc.closure_review(actor=alice, jurisdiction=jurisdiction_for(alice), problem_id=problem.pk, approve=True)
    return Problem.objects.get(pk=problem.pk)


def test_withdrawing_one_problem_keeps_its_record_and_audits_the_reason(tree: Tree, alice: User, bob: User) -> None:
    # given: a problem being rectified (a plan accepted) and another one on the same list
    problem = rectifying_problem(tree, alice, bob)
    other = add_problem(problem.problem_list, alice, "谈心谈话不经常")
    # when
    _withdraw(alice, problem)
    # then: 已撤回 with the day, reason and person; the plan is kept; the list and its other problem go on
    saved = Problem.objects.get(pk=problem.pk)
    assert (saved.status, saved.withdrawn_on, saved.withdrawn_reason, saved.withdrawn_by_id) == (
        ProblemStatus.WITHDRAWN, TODAY, REASON, alice.pk)
    assert saved.plans.count() == 1 and saved.due_dates.count() == 1
    assert Problem.objects.get(pk=other.pk).status == ProblemStatus.OPEN
    assert saved.problem_list.withdrawn_on is None
    event = AuditEvent.objects.get(action="rectification.problem_withdraw")
    assert event.summary == {"reason": REASON, "status_before": "rectifying", "list": problem.problem_list_id,
                             "number": problem.number}
    # the list takes new problems still
    assert add_problem(problem.problem_list, alice, "新问题").number == 3


def test_a_closed_or_withdrawn_problem_is_refused_409_and_nothing_changes(tree: Tree, alice: User,
                                                                          bob: User) -> None:
    closed = _closed(tree, alice, bob)
    with pytest.raises(IllegalTransition, match="问题当前状态为“已销号”，不能撤回") as refused:
        _withdraw(alice, closed)
    assert refused.value.status == 409
    assert Problem.objects.get(pk=closed.pk).status == ProblemStatus.CLOSED
    open_one = add_problem(issue_list(tree, alice), alice)
    _withdraw(alice, open_one)
    with pytest.raises(IllegalTransition, match=f"该问题已于{TODAY:%Y年%m月%d日}撤回（{REASON}），不能再办理"):
        _withdraw(alice, open_one, "再撤一次")
    assert Problem.objects.get(pk=open_one.pk).withdrawn_reason == REASON
    assert AuditEvent.objects.filter(action="rectification.problem_withdraw").count() == 1


def test_a_reason_is_required_and_only_the_issuing_level_withdraws(tree: Tree, alice: User, bob: User,
                                                                  carol: User) -> None:
    problem = add_problem(issue_list(tree, alice), alice)
    with pytest.raises(ValidationFailed, match="撤回理由"):
        _withdraw(alice, problem, "   ")
    with pytest.raises(NotFound):  # the county (issuing level) lies above the township clerk's jurisdiction
        _withdraw(bob, problem)
    with pytest.raises(NotFound):
        _withdraw(carol, problem)
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatus.OPEN


def test_a_withdrawn_lists_problem_is_not_withdrawn_again(tree: Tree, alice: User) -> None:
    problem = add_problem(issue_list(tree, alice), alice)
    problem_list_withdraw(actor=alice, jurisdiction=jurisdiction_for(alice), list_id=problem.problem_list_id,
                          reason="清单误发")
    with pytest.raises(IllegalTransition, match="该问题清单已于"):
        _withdraw(alice, problem)


def test_every_further_step_on_a_withdrawn_problem_is_refused(tree: Tree, alice: User, bob: User) -> None:
    problem = rectifying_problem(tree, alice, bob)
    _withdraw(alice, problem)
    j_alice, j_bob = jurisdiction_for(alice), jurisdiction_for(bob)
    with pytest.raises(IllegalTransition, match="该问题已于"):
        check_record(actor=alice, jurisdiction=j_alice, problem_id=problem.pk, verdict="in_place")
    with pytest.raises(IllegalTransition, match="该问题已于"):
        svc.progress_report(actor=bob, jurisdiction=j_bob, problem_id=problem.pk, text="进展")
    with pytest.raises(IllegalTransition, match="该问题已于"):
        svc.closure_request(actor=bob, jurisdiction=j_bob, problem_id=problem.pk, summary="x", files=[pdf_upload()])
    with pytest.raises(IllegalTransition, match="该问题已于"):
        svc.evidence_upload(actor=bob, jurisdiction=j_bob, problem_id=problem.pk, files=[pdf_upload()])
    assert not problem.checks.exists() and not problem.updates.exists() and not problem.closures.exists()


def test_a_withdrawn_problem_owes_no_r24_check_through_the_engine(tree: Tree, alice: User, bob: User) -> None:
    # given: two problems raised last quarter on one list, neither checked; one is then withdrawn
    problem_list = issue_list(tree, alice, issued_on=TODAY - timedelta(days=200))
    kept = add_problem(problem_list, alice, "谈心谈话不经常")
    withdrawn = rectifying_problem(tree, alice, bob)
    _withdraw(alice, withdrawn)
    # when
    evaluate(as_of=TODAY, rule="R24", periods=1)
    # then: the engine writes R24 for the kept one only, and no plan date of the withdrawn one
    subjects = set(Finding.objects.filter(rule__code="R24").values_list("part", "subject_id"))
    assert ("", str(kept.pk)) in subjects
    assert not {s for s in subjects if s == ("", str(withdrawn.pk))}
    assert not Finding.objects.filter(rule__code="R24", part="plan").exists()
    states = dict(selectors.with_check_state(Problem.objects.all(), TODAY)  # type: ignore[misc]
                  .values_list("pk", "check_state"))
    assert states[withdrawn.pk] == CheckState.NONE and states[kept.pk] == CheckState.OVERDUE
    overdue = selectors.problem_list_filtered(jurisdiction_for(alice), as_of=TODAY, overdue=True)
    assert [p.pk for p in overdue] == [kept.pk]


def test_a_withdrawn_problem_weighs_nothing_and_is_not_carried_over(tree: Tree, alice: User, bob: User) -> None:
    problem_list = issue_list(tree, alice)
    general = add_problem(problem_list, alice, "一般问题")
    grave = add_problem(problem_list, alice, "严重问题", severity=Severity.GRAVE)
    svc.plan_submit(actor=bob, jurisdiction=jurisdiction_for(bob), problem_id=general.pk, measures="整改",
                    deadline=TODAY + timedelta(days=30))
    svc.plan_review(actor=alice, jurisdiction=jurisdiction_for(alice), problem_id=general.pk, accept=True)
    report = duty_report_record(actor=alice, jurisdiction=jurisdiction_for(alice), year=TODAY.year,
                                org_unit=tree.township_a, reviewing_unit=tree.county_a, secretary="张书记",
                                reported_on=TODAY, summary="述职")
    carried = {p.pk for p in selectors.problems_carried_over(jurisdiction_for(alice), report)}
    before = selectors.problem_list_get(jurisdiction_for(alice), problem_list.pk)
    # 40 % × 1 + 0 % × 3 over 4 = 10 %
    assert selectors.percent(before.weighted_done, before.weight_total) == 10  # type: ignore[attr-defined]
    _withdraw(alice, grave)
    after = selectors.problem_list_get(jurisdiction_for(alice), problem_list.pk)
    assert selectors.percent(after.weighted_done, after.weight_total) == 40  # type: ignore[attr-defined]
    assert after.problem_count == 2  # type: ignore[attr-defined]
    assert carried == {general.pk, grave.pk}
    assert {p.pk for p in selectors.problems_carried_over(jurisdiction_for(alice), report)} == {general.pk}


def test_withdrawing_through_the_page_asks_for_confirmation(tree: Tree, alice: User, bob: User) -> None:
    problem = add_problem(issue_list(tree, alice), alice)
    url = f"/rectification/problems/{problem.pk}/withdraw/"
    client = logged_in(alice)
    assert f'href="{url}"' in client.get(f"/rectification/problems/{problem.pk}/").content.decode()
    assert f'href="{url}"' not in logged_in(bob).get(f"/rectification/problems/{problem.pk}/").content.decode()
    # the reason first: an empty one is refused on the form, a given one leads to the confirmation, nothing saved
    assert "撤回理由" in client.post(url, {"reason": ""}).content.decode()
    confirm = client.post(url, {"reason": REASON})
    assert confirm.status_code == 200 and 'id="zg-withdraw-confirm"' in confirm.content.decode()
    assert REASON in confirm.content.decode()
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatus.OPEN
    # confirmed: saved, the problem and its list say 已撤回, the page offers no step and no second withdrawal
    done = client.post(url, {"reason": REASON, "confirm": "1"})
    assert done.status_code == 302 and done["Location"] == f"/rectification/problems/{problem.pk}/"
    page = client.get(f"/rectification/problems/{problem.pk}/").content.decode()
    assert 'id="zg-problem-withdrawn-alone"' in page and REASON in page
    assert f'href="{url}"' not in page and 'action="/rectification/problems/' not in page
    assert "已撤回" in client.get(f"/rectification/lists/{problem.problem_list_id}/").content.decode()


def test_the_page_shows_the_refusal_when_the_problem_was_closed_meanwhile(tree: Tree, alice: User,
                                                                         bob: User) -> None:
    closed = _closed(tree, alice, bob)
    response = logged_in(alice).post(f"/rectification/problems/{closed.pk}/withdraw/",
                                     {"reason": REASON, "confirm": "1"})
    assert response.status_code == 200
    assert "问题当前状态为“已销号”，不能撤回" in response.content.decode()
    assert Problem.objects.get(pk=closed.pk).status == ProblemStatus.CLOSED


def test_the_page_refuses_the_township_and_hides_from_another_county(tree: Tree, alice: User, bob: User,
                                                                    carol: User) -> None:
    problem = add_problem(issue_list(tree, alice), alice)
    url = f"/rectification/problems/{problem.pk}/withdraw/"
    assert logged_in(bob).post(url, {"reason": REASON, "confirm": "1"}).status_code == 403
    assert logged_in(carol).post(url, {"reason": REASON, "confirm": "1"}).status_code == 404
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatus.OPEN


def test_withdrawing_through_the_api(tree: Tree, alice: User, bob: User, carol: User) -> None:
    problem = rectifying_problem(tree, alice, bob)
    url = f"/api/v1/problems/{problem.pk}/withdraw"
    assert post(bearer(bob), url, {"reason": REASON}).status_code == 403
    assert post(bearer(carol), url, {"reason": REASON}).status_code == 404
    done = post(bearer(alice), url, {"reason": REASON})
    assert done.status_code == 200
    body = done.json()
    assert (body["status"], body["status_label"], body["withdrawn_on"], body["withdrawn_reason"],
            body["check_state"]) == ("withdrawn", "已撤回", TODAY.isoformat(), REASON, "none")
    assert len(body["plans"]) == 1  # the record is kept
    again = post(bearer(alice), url, {"reason": REASON})
    assert again.status_code == 409 and "已于" in again.json()["error"]["message"]
    listed = bearer(alice).get("/api/v1/problems?status=withdrawn").json()
    assert [(r["id"], r["status"]) for r in listed] == [(problem.pk, "withdrawn")]
