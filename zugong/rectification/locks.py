"""Row locks of the rectification module: `select_for_update(of=("self",))`, returning the locked row."""

from __future__ import annotations

from zugong.core.errors import NotFound
from zugong.rectification.models import Closure, DutyPlan, Problem, ProblemList, Project, ProjectClaim


def lock_problem(problem_id: int) -> Problem:
    row = (Problem.objects.select_for_update(of=("self",)).select_related("problem_list__issuing_unit", "org_unit")
           .filter(pk=problem_id).first())
    if row is None:
        raise NotFound("未找到该问题，或不在您的管辖范围内")
    return row


def lock_problem_list(list_id: int) -> ProblemList:
    row = (ProblemList.objects.select_for_update(of=("self",)).select_related("issuing_unit", "owner_unit")
           .filter(pk=list_id).first())
    if row is None:
        raise NotFound("未找到该问题清单，或不在您的管辖范围内")
    return row


def lock_problems_of_list(list_id: int) -> list[Problem]:
    return list(Problem.objects.select_for_update(of=("self",)).filter(problem_list_id=list_id).order_by("pk"))


def lock_pending_closure(problem_id: int) -> Closure | None:
    return (Closure.objects.select_for_update(of=("self",)).filter(problem_id=problem_id, status="pending")
            .order_by("pk").first())


def lock_project(project_id: int) -> Project:
    row = (Project.objects.select_for_update(of=("self",)).select_related("issuing_unit", "lead_unit")
           .filter(pk=project_id).first())
    if row is None:
        raise NotFound("未找到该项目，或不在您的管辖范围内")
    return row


def lock_published_key_tasks(issuing_unit_id: int) -> list[Project]:
    return list(Project.objects.select_for_update(of=("self",)).select_related("lead_unit")
                .filter(issuing_unit_id=issuing_unit_id, status="published", kind="key_task").order_by("pk"))


def lock_claim(claim_id: int) -> ProjectClaim:
    row = (ProjectClaim.objects.select_for_update(of=("self",)).select_related("project__issuing_unit", "org_unit")
           .filter(pk=claim_id).first())
    if row is None:
        raise NotFound("未找到该认项申请，或不在您的管辖范围内")
    return row


def lock_duty_plan(plan_id: int) -> DutyPlan:
    row = (DutyPlan.objects.select_for_update(of=("self",)).select_related("reviewing_unit")
           .filter(pk=plan_id).first())
    if row is None:
        raise NotFound("未找到该述职计划，或不在您的管辖范围内")
    return row
