"""A claim (认项) withdrawn by the claiming unit before its first report: pending or approved, audited, the unit may
claim again; refused (409) once it reported, when refused or withdrawn already; nobody else withdraws it; the page
and the API."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.contrib.auth.models import User

from zugong.conftest import Tree, bearer, logged_in, make_user
from zugong.core.errors import IllegalTransition, NotFound
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import AuditEvent, Role
from zugong.rectification.models import ClaimStatus, Project, ProjectClaim
from zugong.rectification.services.projects import claim_review, claim_withdraw, project_claim, project_report
from zugong.rectification.tests.project_helpers import published


@pytest.fixture
def clerk(tree: Tree) -> User:
    return make_user("clerk", tree.township_a2, Role.TOWNSHIP_STAFF)


def _claim(project: Project, clerk: User, tree: Tree) -> ProjectClaim:
    return project_claim(actor=clerk, jurisdiction=jurisdiction_for(clerk), project_id=project.pk,
                         org_unit=tree.township_a2, note="承担两个村")


def _withdraw(user: User, claim: ProjectClaim, reason: str = "人手不足") -> ProjectClaim:
    return claim_withdraw(actor=user, jurisdiction=jurisdiction_for(user), claim_id=claim.pk, reason=reason)


def test_a_pending_claim_is_withdrawn_and_the_unit_may_claim_again(tree: Tree, alice: User, clerk: User) -> None:
    project = published(tree, alice)
    claim = _claim(project, clerk, tree)
    _withdraw(clerk, claim)
    assert ProjectClaim.objects.get(pk=claim.pk).status == ClaimStatus.WITHDRAWN
    event = AuditEvent.objects.get(action="rectification.claim_withdraw")
    assert event.summary == {"status": "published", "claim": claim.pk, "org_unit": tree.township_a2.pk,
                             "status_before": "pending", "reason": "人手不足"}
    again = _claim(project, clerk, tree)
    assert again.pk != claim.pk and again.status == ClaimStatus.PENDING


def test_an_approved_claim_is_withdrawn_before_the_first_report_only(tree: Tree, alice: User, clerk: User) -> None:
    project = published(tree, alice)
    first = _claim(project, clerk, tree)
    claim_review(actor=alice, jurisdiction=jurisdiction_for(alice), claim_id=first.pk, approve=True)
    _withdraw(clerk, first)
    assert ProjectClaim.objects.get(pk=first.pk).status == ClaimStatus.WITHDRAWN
    # claimed again, approved, reported: no withdrawal any more
    second = _claim(project, clerk, tree)
    claim_review(actor=alice, jurisdiction=jurisdiction_for(alice), claim_id=second.pk, approve=True)
    project_report(actor=clerk, jurisdiction=jurisdiction_for(clerk), project_id=project.pk,
                   org_unit=tree.township_a2, text="完成选址", percent=30, reported_on=date(2026, 11, 20))
    with pytest.raises(IllegalTransition, match="丙乡已报告过该项目的进展，不能撤回认项") as refused:
        _withdraw(clerk, second)
    assert refused.value.status == 409
    assert ProjectClaim.objects.get(pk=second.pk).status == ClaimStatus.APPROVED


def test_a_refused_or_withdrawn_claim_is_not_withdrawn(tree: Tree, alice: User, clerk: User) -> None:
    project = published(tree, alice)
    claim = _claim(project, clerk, tree)
    claim_review(actor=alice, jurisdiction=jurisdiction_for(alice), claim_id=claim.pk, approve=False,
                 reason="不在改造范围")
    with pytest.raises(IllegalTransition, match="该认项未通过，不能撤回"):
        _withdraw(clerk, claim)
    other = _claim(project, clerk, tree)
    _withdraw(clerk, other)
    with pytest.raises(IllegalTransition, match="该认项已撤回，不能撤回"):
        _withdraw(clerk, other)
    assert AuditEvent.objects.filter(action="rectification.claim_withdraw").count() == 1


def test_only_the_claiming_unit_withdraws(tree: Tree, alice: User, bob: User, carol: User, clerk: User) -> None:
    project = published(tree, alice)
    claim = _claim(project, clerk, tree)
    with pytest.raises(NotFound):  # another township's clerk
        _withdraw(bob, claim)
    with pytest.raises(NotFound):  # another county
        _withdraw(carol, claim)
    assert ProjectClaim.objects.get(pk=claim.pk).status == ClaimStatus.PENDING


def test_withdrawing_through_the_page_and_the_api(tree: Tree, alice: User, bob: User, clerk: User) -> None:
    project = published(tree, alice)
    claim = _claim(project, clerk, tree)
    url = f"/rectification/projects/{project.pk}/"
    assert f'id="zg-claim-withdraw-{claim.pk}"' in logged_in(clerk).get(url).content.decode()
    assert f'id="zg-claim-withdraw-{claim.pk}"' not in logged_in(bob).get(url).content.decode()
    done = logged_in(clerk).post(f"/rectification/project-claims/{claim.pk}/withdraw/", {"reason": ""})
    assert done.status_code == 302 and done["Location"] == url
    assert ProjectClaim.objects.get(pk=claim.pk).status == ClaimStatus.WITHDRAWN
    assert f'id="zg-claim-withdraw-{claim.pk}"' not in logged_in(clerk).get(url).content.decode()
    # the API: a new claim withdrawn; a second time 409
    again = _claim(project, clerk, tree)
    path = f"/api/v1/project-claims/{again.pk}/withdraw"
    assert bearer(bob).post(path, json.dumps({}), content_type="application/json").status_code == 404
    ok = bearer(clerk).post(path, json.dumps({"reason": "改由乙镇承担"}), content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "withdrawn"
    twice = bearer(clerk).post(path, json.dumps({}), content_type="application/json")
    assert twice.status_code == 409 and "不能撤回" in twice.json()["error"]["message"]
