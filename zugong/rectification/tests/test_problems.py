"""The life of a problem: every allowed step, every forbidden pair, the refusals and the evidence checks."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from zugong.conftest import Tree, make_user
from zugong.core.errors import Conflict, Forbidden, IllegalTransition, NotFound, ValidationFailed
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import Attachment, AuditEvent, Role
from zugong.core.permissions import SYSTEM
from zugong.rectification.models import (
    PROBLEM_ALLOWED,
    ClosureStatus,
    PlanStatus,
    Problem,
    ProblemStatus,
    Severity,
    Source,
)
from zugong.rectification.services import problems as svc
from zugong.rectification.services.withdrawal import problem_withdraw
from zugong.rectification.tests.helpers import (
    add_problem,
    exe_as_pdf,
    issue_list,
    pdf_upload,
    png_bytes,
    rectifying_problem,
    upload_evidence,
)

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _media(settings: object, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]


def j(user: User):  # type: ignore[no-untyped-def]
    return jurisdiction_for(user)


def test_full_life_issue_plan_accept_progress_close_approve(tree: Tree, alice: User, bob: User) -> None:
    # given: county A issues a list to township A
    problem = add_problem(issue_list(tree, alice), alice, severity=Severity.SERIOUS)
    assert (problem.number, problem.status, problem.org_unit, problem.responsible_person) == (
        1, ProblemStatus.OPEN, tree.township_a, "张书记")
    # when: the township plans, the county accepts, the township reports and asks to close with evidence
    plan = svc.plan_submit(actor=bob, jurisdiction=j(bob), problem_id=problem.pk, measures="建立台账",
                           deadline=TODAY + timedelta(days=30),
                           milestones=[{"title": "建台账", "due": (TODAY + timedelta(days=10)).isoformat()}])
    assert plan.milestones == [{"title": "建台账", "due": (TODAY + timedelta(days=10)).isoformat()}]
    svc.plan_review(actor=alice, jurisdiction=j(alice), problem_id=problem.pk, accept=True)
    update = svc.progress_report(actor=bob, jurisdiction=j(bob), problem_id=problem.pk, text="台账已建立",
                                 files=[SimpleUploadedFile("现场.png", png_bytes())])
    closure = svc.closure_request(actor=bob, jurisdiction=j(bob), problem_id=problem.pk, summary="已整改",
                                  files=[pdf_upload()])
    svc.closure_review(actor=alice, jurisdiction=j(alice), problem_id=problem.pk, approve=True)
    # then
    problem.refresh_from_db()
    closure.refresh_from_db()
    plan.refresh_from_db()
    assert (problem.status, problem.closed_on) == (ProblemStatus.CLOSED, TODAY)
    assert plan.status == PlanStatus.ACCEPTED and closure.status == ClosureStatus.APPROVED
    assert [a.name for a in closure.evidence.all()] == ["整改报告.pdf"]
    assert Attachment.objects.filter(owner_type="rectification.progressupdate", owner_id=str(update.pk)).count() == 1
    actions = list(AuditEvent.objects.filter(action__startswith="rectification.").order_by("sequence")
                   .values_list("action", flat=True))
    assert actions == ["rectification.problem_list_create", "rectification.problem_add", "rectification.plan_submit",
                       "rectification.plan_review", "rectification.progress_report",
                       "rectification.closure_request", "rectification.closure_review"]


def test_returned_plan_goes_back_to_open_with_reason_and_can_be_resubmitted(tree: Tree, alice: User,
                                                                            bob: User) -> None:
    problem = add_problem(issue_list(tree, alice), alice)
    svc.plan_submit(actor=bob, jurisdiction=j(bob), problem_id=problem.pk, measures="x", deadline=TODAY)
    with pytest.raises(ValidationFailed, match="请填写退回理由"):
        svc.plan_review(actor=alice, jurisdiction=j(alice), problem_id=problem.pk, accept=False, reason=" ")
    plan = svc.plan_review(actor=alice, jurisdiction=j(alice), problem_id=problem.pk, accept=False,
                           reason="措施不具体")
    problem.refresh_from_db()
    assert (plan.status, plan.reason, problem.status) == (PlanStatus.RETURNED, "措施不具体", ProblemStatus.OPEN)
    svc.plan_submit(actor=bob, jurisdiction=j(bob), problem_id=problem.pk, measures="具体措施", deadline=TODAY)
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.PLAN_SUBMITTED and problem.plans.count() == 2


def test_rejected_closure_goes_back_to_rectifying_with_reason(tree: Tree, alice: User, bob: User) -> None:
    problem = rectifying_problem(tree, alice, bob)
    evidence = upload_evidence(problem, bob)
    svc.closure_request(actor=bob, jurisdiction=j(bob), problem_id=problem.pk, summary="已整改",
                        evidence_ids=[evidence.pk])
    closure = svc.closure_review(actor=alice, jurisdiction=j(alice), problem_id=problem.pk, approve=False,
                                 reason="佐证材料不足")
    problem.refresh_from_db()
    assert (closure.status, closure.reason, problem.status, problem.closed_on) == (
        ClosureStatus.REJECTED, "佐证材料不足", ProblemStatus.RECTIFYING, None)


def test_closed_problem_is_reopened_with_a_reason(tree: Tree, alice: User, bob: User) -> None:
    problem = rectifying_problem(tree, alice, bob)
    svc.closure_request(actor=bob, jurisdiction=j(bob), problem_id=problem.pk, summary="已整改", files=[pdf_upload()])
    svc.closure_review(actor=alice, jurisdiction=j(alice), problem_id=problem.pk, approve=True)
    with pytest.raises(ValidationFailed, match="请填写重新打开的理由"):
        svc.problem_reopen(actor=alice, jurisdiction=j(alice), problem_id=problem.pk, reason="")
    svc.problem_reopen(actor=alice, jurisdiction=j(alice), problem_id=problem.pk, reason="回头看发现反弹")
    problem.refresh_from_db()
    assert (problem.status, problem.closed_on, problem.reopenings.get().reason) == (
        ProblemStatus.RECTIFYING, None, "回头看发现反弹")


def test_closure_is_refused_409_while_the_plan_is_not_accepted(tree: Tree, alice: User, bob: User) -> None:
    problem = add_problem(issue_list(tree, alice), alice)
    with pytest.raises(IllegalTransition, match="整改方案尚未提交和通过审核，不能申请销号"):
        svc.closure_request(actor=bob, jurisdiction=j(bob), problem_id=problem.pk, summary="x", files=[pdf_upload()])
    svc.plan_submit(actor=bob, jurisdiction=j(bob), problem_id=problem.pk, measures="x", deadline=TODAY)
    with pytest.raises(IllegalTransition, match="整改方案尚未通过审核，不能申请销号") as refused:
        svc.closure_request(actor=bob, jurisdiction=j(bob), problem_id=problem.pk, summary="x", files=[pdf_upload()])
    assert refused.value.status == 409


def test_closure_without_evidence_is_refused_409_and_nothing_changes(tree: Tree, alice: User, bob: User) -> None:
    problem = rectifying_problem(tree, alice, bob)
    with pytest.raises(Conflict, match="申请销号须附佐证材料") as refused:
        svc.closure_request(actor=bob, jurisdiction=j(bob), problem_id=problem.pk, summary="已整改")
    assert (refused.value.status, refused.value.code) == (409, "evidence_missing")
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.RECTIFYING and not problem.closures.exists()


def test_a_renamed_executable_is_refused_as_evidence_and_no_file_is_kept(tree: Tree, alice: User, bob: User) -> None:
    problem = rectifying_problem(tree, alice, bob)
    with pytest.raises(ValidationFailed, match="佐证.pdf：只接受 PDF"):
        svc.closure_request(actor=bob, jurisdiction=j(bob), problem_id=problem.pk, summary="已整改",
                            files=[exe_as_pdf()])
    with pytest.raises(ValidationFailed, match="佐证.pdf：只接受 PDF"):
        svc.evidence_upload(actor=bob, jurisdiction=j(bob), problem_id=problem.pk, files=[exe_as_pdf()])
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.RECTIFYING and not Attachment.objects.exists()
    assert not any(Path(settings.MEDIA_ROOT).rglob("*.*"))


def test_a_word_document_is_not_evidence(tree: Tree, alice: User, bob: User) -> None:
    import docx

    buffer = __import__("io").BytesIO()
    docx.Document().save(buffer)
    problem = rectifying_problem(tree, alice, bob)
    with pytest.raises(ValidationFailed, match="销号佐证材料只接受 PDF 或 JPEG/PNG 图片"):
        svc.evidence_upload(actor=bob, jurisdiction=j(bob), problem_id=problem.pk,
                            files=[SimpleUploadedFile("说明.docx", buffer.getvalue())])


def test_evidence_of_another_problem_is_refused(tree: Tree, alice: User, bob: User) -> None:
    one = rectifying_problem(tree, alice, bob)
    other = add_problem(one.problem_list, alice, "第二个问题")
    foreign = svc.evidence_upload(actor=bob, jurisdiction=j(bob), problem_id=other.pk, files=[pdf_upload()])[0]
    with pytest.raises(ValidationFailed, match=f"佐证材料 {foreign.pk} 不是该问题的图片或 PDF 材料"):
        svc.closure_request(actor=bob, jurisdiction=j(bob), problem_id=one.pk, summary="x", evidence_ids=[foreign.pk])


def test_nobody_decides_on_their_own_submission(tree: Tree, alice: User) -> None:
    problem = add_problem(issue_list(tree, alice), alice)
    svc.plan_submit(actor=alice, jurisdiction=j(alice), problem_id=problem.pk, measures="x", deadline=TODAY)
    with pytest.raises(Conflict, match="不能审核本人提交的整改方案"):
        svc.plan_review(actor=alice, jurisdiction=j(alice), problem_id=problem.pk, accept=True)


def test_the_township_cannot_decide_and_another_county_cannot_see(tree: Tree, alice: User, bob: User,
                                                                   carol: User) -> None:
    problem = add_problem(issue_list(tree, alice), alice)
    svc.plan_submit(actor=bob, jurisdiction=j(bob), problem_id=problem.pk, measures="x", deadline=TODAY)
    with pytest.raises(NotFound):  # the issuing county lies outside bob's township
        svc.plan_review(actor=bob, jurisdiction=j(bob), problem_id=problem.pk, accept=True)
    with pytest.raises(NotFound):
        svc.plan_review(actor=carol, jurisdiction=j(carol), problem_id=problem.pk, accept=True)
    leader = make_user("leader", tree.county_a, Role.LEADER)
    with pytest.raises(Forbidden, match="您没有审核整改方案的权限"):
        svc.plan_review(actor=leader, jurisdiction=j(leader), problem_id=problem.pk, accept=True)


def test_a_list_goes_only_to_a_unit_under_the_issuing_level(tree: Tree, alice: User) -> None:
    with pytest.raises(ValidationFailed, match="丙乡不在甲镇的下级范围内"):
        svc.problem_list_create(actor=alice, jurisdiction=j(alice), title="t", source=Source.OTHER,
                                issuing_unit=tree.township_a, owner_unit=tree.township_a2, issued_on=TODAY)


def test_plan_dates_and_milestones_are_checked(tree: Tree, alice: User, bob: User) -> None:
    problem = add_problem(issue_list(tree, alice), alice)
    call = lambda **kw: svc.plan_submit(actor=bob, jurisdiction=j(bob), problem_id=problem.pk,  # noqa: E731
                                        measures="x", **kw)
    with pytest.raises(ValidationFailed, match="整改时限不能早于今天"):
        call(deadline=TODAY - timedelta(days=1))
    with pytest.raises(ValidationFailed, match="第 1 个节点“a”的日期应在提出日期和整改时限之间"):
        call(deadline=TODAY, milestones=[{"title": "a", "due": (TODAY + timedelta(days=1)).isoformat()}])
    with pytest.raises(ValidationFailed, match="第 1 个节点的日期不正确"):
        call(deadline=TODAY, milestones=[{"title": "a", "due": "明天"}])
    assert call(deadline=TODAY, milestones=[{"title": "a", "due": TODAY.isoformat()}]).deadline == TODAY


def test_problem_raise_joins_the_years_list_of_that_source(tree: Tree, alice: User) -> None:
    one = svc.problem_raise(actor=None, jurisdiction=SYSTEM, source=Source.SATISFACTION, issuing_unit=tree.county_a,
                            owner_unit=tree.township_a, description="群众满意度偏低", origin="surveys.followup:3")
    two = svc.problem_raise(actor=None, jurisdiction=SYSTEM, source=Source.SATISFACTION, issuing_unit=tree.county_a,
                            owner_unit=tree.township_a, description="办事效率低")
    assert one.problem_list_id == two.problem_list_id and (one.number, two.number) == (1, 2)
    assert one.problem_list.title == f"{TODAY.year}年满意度测评问题清单" and one.origin == "surveys.followup:3"
    with pytest.raises(Forbidden):
        svc.problem_raise(actor=None, jurisdiction=j(make_user("b2", tree.township_a, Role.TOWNSHIP_STAFF)),
                          source=Source.OTHER, issuing_unit=tree.township_a, owner_unit=tree.village_a,
                          description="x")


def test_progress_only_while_rectifying(tree: Tree, alice: User, bob: User) -> None:
    problem = add_problem(issue_list(tree, alice), alice)
    with pytest.raises(IllegalTransition, match="整改方案通过后、销号前才能报告进展"):
        svc.progress_report(actor=bob, jurisdiction=j(bob), problem_id=problem.pk, text="x")


# Every pair of states the table forbids, tried through the service that would make that step.
def _bring_to(problem: Problem, status: str, alice: User, bob: User) -> None:
    paths: dict[str, list[str]] = {
        ProblemStatus.OPEN: [], ProblemStatus.PLAN_SUBMITTED: ["submit"], ProblemStatus.RECTIFYING: ["submit", "accept"],
        ProblemStatus.CLOSURE_REQUESTED: ["submit", "accept", "close"],
        ProblemStatus.CLOSED: ["submit", "accept", "close", "approve"], ProblemStatus.WITHDRAWN: ["withdraw"]}
    path = paths[status]
    for step in path:
        _step(problem, step, alice, bob)


def _step(problem: Problem, step: str, alice: User, bob: User) -> None:
    pk = problem.pk
    if step == "submit":
        svc.plan_submit(actor=bob, jurisdiction=j(bob), problem_id=pk, measures="x", deadline=TODAY)
    elif step == "accept":
        svc.plan_review(actor=alice, jurisdiction=j(alice), problem_id=pk, accept=True)
    elif step == "return":
        svc.plan_review(actor=alice, jurisdiction=j(alice), problem_id=pk, accept=False, reason="r")
    elif step == "close":
        svc.closure_request(actor=bob, jurisdiction=j(bob), problem_id=pk, summary="x", files=[pdf_upload()])
    elif step == "approve":
        svc.closure_review(actor=alice, jurisdiction=j(alice), problem_id=pk, approve=True)
    elif step == "reject":
        svc.closure_review(actor=alice, jurisdiction=j(alice), problem_id=pk, approve=False, reason="r")
    elif step == "reopen":
        svc.problem_reopen(actor=alice, jurisdiction=j(alice), problem_id=pk, reason="r")
    elif step == "withdraw":
        problem_withdraw(actor=alice, jurisdiction=j(alice), problem_id=pk, reason="r")


_ALL_STEPS = ["submit", "accept", "return", "close", "approve", "reject", "reopen", "withdraw"]
_STEP_TARGET = {"submit": ProblemStatus.PLAN_SUBMITTED, "accept": ProblemStatus.RECTIFYING,
                "return": ProblemStatus.OPEN, "close": ProblemStatus.CLOSURE_REQUESTED,
                "approve": ProblemStatus.CLOSED, "reject": ProblemStatus.RECTIFYING,
                "reopen": ProblemStatus.RECTIFYING, "withdraw": ProblemStatus.WITHDRAWN}
_FROM_FOR_STEP = {"accept": {ProblemStatus.PLAN_SUBMITTED}, "return": {ProblemStatus.PLAN_SUBMITTED},
                  "approve": {ProblemStatus.CLOSURE_REQUESTED}, "reject": {ProblemStatus.CLOSURE_REQUESTED},
                  "reopen": {ProblemStatus.CLOSED}}
FORBIDDEN = [(status, step) for status in ProblemStatus.values for step in _ALL_STEPS
             if _STEP_TARGET[step] not in PROBLEM_ALLOWED[status]
             or (step in _FROM_FOR_STEP and status not in _FROM_FOR_STEP[step])]


def test_the_forbidden_list_covers_every_pair_outside_the_table() -> None:
    # each of the first 7 steps is allowed from exactly one state, withdrawing from the 4 states before 已销号, and
    # every table edge is one step
    assert len(FORBIDDEN) == 6 * 8 - 7 - 4
    edges = {(s, _STEP_TARGET[step]) for s in ProblemStatus.values for step in _ALL_STEPS
             if (s, step) not in FORBIDDEN}
    assert edges == {(s, t) for s, targets in PROBLEM_ALLOWED.items() for t in targets}


@pytest.mark.parametrize(("status", "step"), FORBIDDEN)
def test_every_forbidden_step_is_refused_with_409(tree: Tree, alice: User, bob: User, status: str, step: str) -> None:
    problem = add_problem(issue_list(tree, alice), alice)
    _bring_to(problem, status, alice, bob)
    with pytest.raises((IllegalTransition, Conflict)) as refused:
        _step(problem, step, alice, bob)
    assert refused.value.status == 409
    problem.refresh_from_db()
    assert problem.status == status
