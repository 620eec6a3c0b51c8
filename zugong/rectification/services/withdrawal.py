"""Withdrawing a problem list (撤回): the issuing level takes back a list issued in error or superseded, with a
reason. The list and its problems keep their whole record (plans, updates, closures, checks) and are shown as
withdrawn; from then on they owe nothing — no check is due (R24), no plan date is announced, nothing is carried
over to next year's 述职 — and every further step on them is refused (409). A withdrawal is final.

A single problem is withdrawn the same way (`problem_withdraw`): its status becomes 已撤回 (the table's final state),
its list goes on."""

from __future__ import annotations

from collections import Counter

from django.db import transaction
from django.utils import timezone

from zugong.core.audit import audit_record
from zugong.core.errors import IllegalTransition, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.permissions import Actor, require
from zugong.rectification import locks
from zugong.rectification.models import PROBLEM_ALLOWED, Problem, ProblemList, ProblemStatus


def refuse_if_withdrawn(problem_list: ProblemList) -> None:
    """Every step on a list or its problems calls this after taking its row lock."""
    if problem_list.withdrawn_on is not None:
        raise IllegalTransition(f"该问题清单已于{problem_list.withdrawn_on:%Y年%m月%d日}撤回"
                                f"（{problem_list.withdrawn_reason}），不能再办理")


def refuse_if_problem_withdrawn(problem: Problem) -> None:
    """Every step on a problem calls this after taking its row lock: its list or the problem itself withdrawn."""
    refuse_if_withdrawn(problem.problem_list)
    if problem.status == ProblemStatus.WITHDRAWN and problem.withdrawn_on is not None:
        raise IllegalTransition(f"该问题已于{problem.withdrawn_on:%Y年%m月%d日}撤回"
                                f"（{problem.withdrawn_reason}），不能再办理")


def _reason(reason: str) -> str:
    text = reason.strip()
    if not text or len(text) > 500:
        raise ValidationFailed("请填写撤回理由（不超过 500 字）", field="reason")
    return text


@transaction.atomic
def problem_list_withdraw(*, actor: Actor, jurisdiction: Jurisdiction, list_id: int, reason: str) -> ProblemList:
    problem_list = locks.lock_problem_list(list_id)
    require(jurisdiction, "rectification.list_issue", problem_list.issuing_unit)
    refuse_if_withdrawn(problem_list)
    text = _reason(reason)
    # the problems too, so that no step on one of them commits across the withdrawal
    statuses = Counter(problem.status for problem in locks.lock_problems_of_list(list_id))
    problem_list.withdrawn_on = timezone.localdate()
    problem_list.withdrawn_reason = text
    problem_list.withdrawn_by_id = getattr(actor, "pk", None)
    problem_list.save(update_fields=["withdrawn_on", "withdrawn_reason", "withdrawn_by"])
    audit_record(actor=actor, action="rectification.problem_list_withdraw", obj=problem_list,
                 org_unit=problem_list.owner_unit, summary={"reason": text, "problems": dict(statuses)})
    return problem_list


@transaction.atomic
def problem_withdraw(*, actor: Actor, jurisdiction: Jurisdiction, problem_id: int, reason: str) -> Problem:
    """The issuing level withdraws one problem (raised in error, superseded, merged into another): 已撤回, final;
    plans, updates, closures and checks are kept, nothing more is owed. A closed problem is not withdrawn."""
    problem = locks.lock_problem(problem_id)
    require(jurisdiction, "rectification.list_issue", problem.problem_list.issuing_unit)
    refuse_if_problem_withdrawn(problem)
    if ProblemStatus.WITHDRAWN not in PROBLEM_ALLOWED.get(problem.status, frozenset()):
        raise IllegalTransition(f"问题当前状态为“{ProblemStatus(problem.status).label}”，不能撤回"
                                "（已销号的问题如需继续整改，请重新打开）")
    text = _reason(reason)
    before = problem.status
    problem.status = ProblemStatus.WITHDRAWN
    problem.withdrawn_on = timezone.localdate()
    problem.withdrawn_reason = text
    problem.withdrawn_by_id = getattr(actor, "pk", None)
    problem.save(update_fields=["status", "withdrawn_on", "withdrawn_reason", "withdrawn_by"])
    audit_record(actor=actor, action="rectification.problem_withdraw", obj=problem, org_unit=problem.org_unit,
                 summary={"reason": text, "status_before": before, "list": problem.problem_list_id,
                          "number": problem.number})
    return problem
