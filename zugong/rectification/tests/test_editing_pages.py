"""Correcting a list or a problem on its page before work has started; refused with the reason once a plan
was submitted; a township may not, another county gets 404."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User

from zugong.conftest import Tree, logged_in
from zugong.core.models import AuditEvent
from zugong.rectification.models import Severity
from zugong.rectification.tests.helpers import add_problem, issue_list, rectifying_problem


@pytest.fixture(autouse=True)
def _media(settings: object, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]


def test_edit_a_list_and_a_problem_on_their_pages(tree: Tree, alice: User, bob: User, carol: User) -> None:
    problem_list = issue_list(tree, alice)
    problem = add_problem(problem_list, alice, "台帐不全")
    county = logged_in(alice)
    assert 'id="zg-list-edit"' in county.get(f"/rectification/lists/{problem_list.pk}/").content.decode()
    assert 'id="zg-problem-edit"' in county.get(f"/rectification/problems/{problem.pk}/").content.decode()
    assert county.get(f"/rectification/lists/{problem_list.pk}/edit/").status_code == 200
    done = county.post(f"/rectification/lists/{problem_list.pk}/edit/", {
        "title": "甲镇问题清单（修订）", "owner_person": "张书记", "issued_on": problem_list.issued_on.isoformat()})
    assert done.status_code == 302
    problem_list.refresh_from_db()
    assert problem_list.title == "甲镇问题清单（修订）"
    county.post(f"/rectification/problems/{problem.pk}/edit/", {
        "description": "台账不全", "severity": Severity.SERIOUS, "responsible_person": ""})
    problem.refresh_from_db()
    assert (problem.description, problem.severity) == ("台账不全", Severity.SERIOUS)
    assert AuditEvent.objects.get(action="rectification.problem_update").summary["changed"]["description"] == [
        "台帐不全", "台账不全"]
    assert logged_in(bob).get(f"/rectification/problems/{problem.pk}/edit/").status_code == 403
    assert logged_in(carol).get(f"/rectification/problems/{problem.pk}/edit/").status_code == 404


def test_editing_after_a_plan_says_why(tree: Tree, alice: User, bob: User) -> None:
    problem = rectifying_problem(tree, alice, bob)
    county = logged_in(alice)
    assert 'id="zg-problem-edit"' not in county.get(f"/rectification/problems/{problem.pk}/").content.decode()
    refused = county.post(f"/rectification/problems/{problem.pk}/edit/", {
        "description": "改", "severity": Severity.GENERAL, "responsible_person": ""})
    assert refused.status_code == 200 and "该问题已提交整改方案，整改工作已开始，不能再修改" in refused.content.decode()
    refused = county.post(f"/rectification/lists/{problem.problem_list_id}/edit/", {
        "title": "改", "owner_person": "", "issued_on": problem.problem_list.issued_on.isoformat()})
    assert "整改工作已开始" in refused.content.decode()
