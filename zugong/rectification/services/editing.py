"""Editing a problem list and its problems while work has not started on them: the issuing level may
correct a list's title, responsible person and date, and a problem's description, severity and
responsible person, as long as no rectification plan was ever submitted for it (for a list: for any of
its problems). Once the owner unit has started, the record stands; every change is audited with the
values before and after. A problem's own deadline (`due_on`) may be set or moved until it is closed."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from zugong.core.audit import audit_record
from zugong.core.errors import Conflict, IllegalTransition, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.permissions import Actor, require
from zugong.rectification import locks
from zugong.rectification.models import Problem, ProblemList, ProblemStatus, RectificationPlan, Severity
from zugong.rectification.services.problems import check_due_on
from zugong.rectification.services.withdrawal import refuse_if_problem_withdrawn, refuse_if_withdrawn


def _started(problems: Any) -> bool:
    return bool(problems.exclude(status=ProblemStatus.OPEN).exists()
                or RectificationPlan.objects.filter(problem__in=problems).exists())


def _changes(row: Any, values: dict[str, Any]) -> dict[str, list[Any]]:
    changed = {k: [str(getattr(row, k)), str(v)] for k, v in values.items() if getattr(row, k) != v}
    for key, value in values.items():
        setattr(row, key, value)
    return changed


@transaction.atomic
def problem_list_update(
    *, actor: Actor, jurisdiction: Jurisdiction, list_id: int, title: str, owner_person: str, issued_on: date,
) -> ProblemList:
    problem_list = locks.lock_problem_list(list_id)
    require(jurisdiction, "rectification.list_issue", problem_list.issuing_unit)
    refuse_if_withdrawn(problem_list)
    if _started(problem_list.problems.all()):
        raise Conflict("该清单已有问题提交整改方案，整改工作已开始，不能再修改清单")
    if not title.strip() or len(title.strip()) > 200:
        raise ValidationFailed("请填写清单名称（不超过 200 字）", field="title")
    if issued_on > timezone.localdate():
        raise ValidationFailed("下发日期不能晚于今天", field="issued_on")
    changed = _changes(problem_list, {"title": title.strip(), "owner_person": owner_person.strip()[:100],
                                      "issued_on": issued_on})
    if not changed:
        raise ValidationFailed("没有修改任何内容", field="title")
    problem_list.save(update_fields=list(changed))
    audit_record(actor=actor, action="rectification.problem_list_update", obj=problem_list,
                 org_unit=problem_list.owner_unit, summary={"changed": changed})
    return problem_list


@transaction.atomic
def problem_due_set(*, actor: Actor, jurisdiction: Jurisdiction, problem_id: int, due_on: date | None) -> Problem:
    """The issuing level sets, moves or clears a problem's own deadline at any time before it is closed (unlike its
    text, which is fixed once work started); audited before and after."""
    problem = locks.lock_problem(problem_id)
    refuse_if_problem_withdrawn(problem)
    require(jurisdiction, "rectification.list_issue", problem.problem_list.issuing_unit)
    if problem.status == ProblemStatus.CLOSED:
        raise IllegalTransition("该问题已销号，不能再修改问题时限")
    check_due_on(due_on, problem.raised_on)
    if due_on == problem.due_on:
        raise ValidationFailed("没有修改任何内容", field="due_on")
    before, problem.due_on = problem.due_on, due_on
    problem.save(update_fields=["due_on"])
    audit_record(actor=actor, action="rectification.problem_due_set", obj=problem, org_unit=problem.org_unit,
                 summary={"before": before.isoformat() if before else None,
                          "after": due_on.isoformat() if due_on else None})
    return problem


@transaction.atomic
def problem_update(
    *, actor: Actor, jurisdiction: Jurisdiction, problem_id: int, description: str, severity: str,
    responsible_person: str,
) -> Problem:
    problem = locks.lock_problem(problem_id)
    refuse_if_problem_withdrawn(problem)
    require(jurisdiction, "rectification.list_issue", problem.problem_list.issuing_unit)
    if _started(Problem.objects.filter(pk=problem.pk)):
        raise Conflict("该问题已提交整改方案，整改工作已开始，不能再修改")
    text = description.strip()
    if not text or len(text) > 5000:
        raise ValidationFailed("请填写问题描述（不超过 5000 字）", field="description")
    if severity not in Severity.values:
        raise ValidationFailed("请选择严重程度", field="severity")
    changed = _changes(problem, {"description": text, "severity": severity,
                                 "responsible_person": responsible_person.strip()[:100]})
    if not changed:
        raise ValidationFailed("没有修改任何内容", field="description")
    problem.save(update_fields=list(changed))
    audit_record(actor=actor, action="rectification.problem_update", obj=problem, org_unit=problem.org_unit,
                 summary={"changed": changed})
    return problem
