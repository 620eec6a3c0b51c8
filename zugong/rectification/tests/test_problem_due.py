"""A problem's own deadline (`due_on`): given when raised (`problem_raise`, `problem_add`, the page, the API), moved
or cleared by the issuing level until the problem is closed (audited before/after), overdue the day after it while
no closure was asked for — on the list page, the problem page and the API."""

from __future__ import annotations

import json
from datetime import date, timedelta
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
from zugong.rectification.models import Problem, Source
from zugong.rectification.services import problems as svc
from zugong.rectification.services.editing import problem_due_set
from zugong.rectification.tests.helpers import add_problem, issue_list, pdf_upload, rectifying_problem

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _media(settings: object, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]


def post(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


def _overdue(alice: User, problem: Problem, as_of: date) -> bool:
    row = selectors.problem_list_filtered(jurisdiction_for(alice), as_of=as_of).get(pk=problem.pk)
    return bool(row.due_overdue)  # type: ignore[attr-defined]


def test_problem_raise_keeps_the_deadline_it_is_given(tree: Tree, alice: User) -> None:
    due = TODAY + timedelta(days=30)
    problem = svc.problem_raise(actor=alice, jurisdiction=jurisdiction_for(alice), source=Source.SATISFACTION,
                                issuing_unit=tree.county_a, owner_unit=tree.township_a, description="群众满意度偏低",
                                origin="assessment.surveyfollowup:1", due_on=due)
    assert Problem.objects.get(pk=problem.pk).due_on == due
    assert AuditEvent.objects.get(action="rectification.problem_add").summary["due_on"] == due.isoformat()
    without = svc.problem_raise(actor=alice, jurisdiction=jurisdiction_for(alice), source=Source.SATISFACTION,
                                issuing_unit=tree.county_a, owner_unit=tree.township_a, description="另一问题")
    assert without.due_on is None
    with pytest.raises(ValidationFailed, match="问题时限不能早于提出日期"):
        svc.problem_raise(actor=alice, jurisdiction=jurisdiction_for(alice), source=Source.SATISFACTION,
                          issuing_unit=tree.county_a, owner_unit=tree.township_a, description="x",
                          due_on=TODAY - timedelta(days=1))


def test_overdue_the_day_after_the_deadline_until_a_closure_is_asked_for(tree: Tree, alice: User,
                                                                        bob: User) -> None:
    problem = rectifying_problem(tree, alice, bob)
    due = TODAY - timedelta(days=10)
    problem_due_set(actor=alice, jurisdiction=jurisdiction_for(alice), problem_id=problem.pk, due_on=due)
    # the day before, of and after the deadline
    assert [_overdue(alice, problem, due + timedelta(days=d)) for d in (-1, 0, 1)] == [False, False, True]
    # a closure asked for: no longer overdue
    svc.closure_request(actor=bob, jurisdiction=jurisdiction_for(bob), problem_id=problem.pk, summary="已整改",
                        files=[pdf_upload()])
    assert not _overdue(alice, problem, TODAY)


def test_the_issuing_level_moves_or_clears_the_deadline_until_closed(tree: Tree, alice: User, bob: User,
                                                                    carol: User) -> None:
    problem = rectifying_problem(tree, alice, bob)
    first, second = TODAY + timedelta(days=20), TODAY + timedelta(days=40)
    problem_due_set(actor=alice, jurisdiction=jurisdiction_for(alice), problem_id=problem.pk, due_on=first)
    problem_due_set(actor=alice, jurisdiction=jurisdiction_for(alice), problem_id=problem.pk, due_on=second)
    problem_due_set(actor=alice, jurisdiction=jurisdiction_for(alice), problem_id=problem.pk, due_on=None)
    assert Problem.objects.get(pk=problem.pk).due_on is None
    assert [e.summary for e in AuditEvent.objects.filter(action="rectification.problem_due_set").order_by("sequence")] == [
        {"before": None, "after": first.isoformat()}, {"before": first.isoformat(), "after": second.isoformat()},
        {"before": second.isoformat(), "after": None}]
    with pytest.raises(ValidationFailed, match="没有修改任何内容"):
        problem_due_set(actor=alice, jurisdiction=jurisdiction_for(alice), problem_id=problem.pk, due_on=None)
    with pytest.raises(ValidationFailed, match="问题时限不能早于提出日期"):
        problem_due_set(actor=alice, jurisdiction=jurisdiction_for(alice), problem_id=problem.pk,
                        due_on=problem.raised_on - timedelta(days=1))
    with pytest.raises(NotFound):
        problem_due_set(actor=bob, jurisdiction=jurisdiction_for(bob), problem_id=problem.pk, due_on=first)
    with pytest.raises(NotFound):
        problem_due_set(actor=carol, jurisdiction=jurisdiction_for(carol), problem_id=problem.pk, due_on=first)
    # closed: refused with the reason
    svc.closure_request(actor=bob, jurisdiction=jurisdiction_for(bob), problem_id=problem.pk, summary="已整改",
                        files=[pdf_upload()])
    svc.closure_review(actor=alice, jurisdiction=jurisdiction_for(alice), problem_id=problem.pk, approve=True)
    with pytest.raises(IllegalTransition, match="该问题已销号，不能再修改问题时限"):
        problem_due_set(actor=alice, jurisdiction=jurisdiction_for(alice), problem_id=problem.pk, due_on=first)


def test_the_pages_show_and_edit_the_deadline(tree: Tree, alice: User, bob: User) -> None:
    problem_list = issue_list(tree, alice)
    client = logged_in(alice)
    # added with a deadline on the list page
    due = TODAY - timedelta(days=1)
    response = client.post(f"/rectification/lists/{problem_list.pk}/problems/", {
        "description": "谈心谈话不经常", "severity": "general", "due_on": due.isoformat()})
    assert response.status_code == 302
    problem = Problem.objects.get(problem_list=problem_list)
    assert problem.due_on == due
    listing = client.get(f"/rectification/lists/{problem_list.pk}/").content.decode()
    assert 'class="zg-due-overdue"' in listing and due.isoformat() in listing
    page = client.get(f"/rectification/problems/{problem.pk}/").content.decode()
    assert 'id="zg-due-form"' in page and "已逾期" in page.split('id="zg-problem-due"')[1].split("</dd>")[0]
    # moved through the problem page's form
    later = TODAY + timedelta(days=30)
    assert client.post(f"/rectification/problems/{problem.pk}/due/", {"due_on": later.isoformat()}).status_code == 302
    assert Problem.objects.get(pk=problem.pk).due_on == later
    # a date before the problem was raised comes back with the reason; the township has no form and is refused
    too_early = (problem.raised_on - timedelta(days=1)).isoformat()
    back = client.post(f"/rectification/problems/{problem.pk}/due/", {"due_on": too_early}, follow=True)
    assert "问题时限不能早于提出日期" in back.content.decode()
    assert 'id="zg-due-form"' not in logged_in(bob).get(f"/rectification/problems/{problem.pk}/").content.decode()
    assert logged_in(bob).post(f"/rectification/problems/{problem.pk}/due/",
                               {"due_on": later.isoformat()}).status_code == 403


def test_the_api_shows_and_edits_the_deadline(tree: Tree, alice: User, bob: User, carol: User) -> None:
    problem_list = issue_list(tree, alice)
    due = TODAY - timedelta(days=2)
    created = post(bearer(alice), "/api/v1/problems", {"list_id": problem_list.pk, "description": "制度不健全",
                                                         "due_on": due.isoformat()})
    assert created.status_code == 201
    body = created.json()
    assert (body["due_on"], body["due_overdue"]) == (due.isoformat(), True)
    url = f"/api/v1/problems/{body['id']}/due"
    assert post(bearer(bob), url, {"due_on": None}).status_code == 403
    assert post(bearer(carol), url, {"due_on": None}).status_code == 404
    cleared = post(bearer(alice), url, {"due_on": None})
    assert cleared.status_code == 200 and (cleared.json()["due_on"], cleared.json()["due_overdue"]) == (None, False)
    later = (TODAY + timedelta(days=9)).isoformat()
    assert post(bearer(alice), url, {"due_on": later}).json()["due_on"] == later
    listed = bearer(alice).get(f"/api/v1/problems?list={problem_list.pk}").json()
    assert [(r["due_on"], r["due_overdue"]) for r in listed] == [(later, False)]
    # raised without a list, through problem_raise
    raised = post(bearer(alice), "/api/v1/problems", {
        "source": "satisfaction", "issuing_unit_id": tree.county_a.pk, "owner_unit_id": tree.township_a.pk,
        "description": "满意度偏低", "due_on": later})
    assert raised.status_code == 201 and raised.json()["due_on"] == later
    add_problem(problem_list, alice)  # a problem without a deadline shows none
    assert [r["due_on"] for r in bearer(alice).get(f"/api/v1/problems?list={problem_list.pk}").json()] == [later, None]
