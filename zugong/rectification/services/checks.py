"""The issuing level's periodic check of an open problem (R24: each quarter unless a level set another
`period`): one record per problem and period, judged 到位 / 基本到位 / 不到位."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from zugong.core.audit import audit_record
from zugong.core.errors import Conflict, IllegalTransition, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.permissions import Actor, require
from zugong.rectification import locks
from zugong.rectification.cadence import check_period_kind, period_of
from zugong.rectification.models import ProblemStatus, QuarterlyCheck, Verdict
from zugong.rectification.services.withdrawal import refuse_if_problem_withdrawn


@transaction.atomic
def check_record(
    *, actor: Actor, jurisdiction: Jurisdiction, problem_id: int, verdict: str, checked_on: date | None = None,
    note: str = "",
) -> QuarterlyCheck:
    problem = locks.lock_problem(problem_id)
    refuse_if_problem_withdrawn(problem)
    issuing_unit = problem.problem_list.issuing_unit
    require(jurisdiction, "rectification.check_record", issuing_unit)
    if problem.status == ProblemStatus.CLOSED:
        raise IllegalTransition("该问题已销号，不再需要整改检查")
    if verdict not in Verdict.values:
        raise ValidationFailed("请选择检查结论：到位、基本到位或不到位", field="verdict")
    day = checked_on or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationFailed("检查日期不能晚于今天", field="checked_on")
    if day < problem.raised_on:
        raise ValidationFailed("检查日期不能早于问题提出日期", field="checked_on")
    period = period_of(check_period_kind(issuing_unit, day), day)
    if QuarterlyCheck.objects.filter(problem=problem, period_start=period.start).exists():
        raise Conflict(f"该问题{period.label}已检查过")
    check = QuarterlyCheck.objects.create(problem=problem, checked_on=day, period_start=period.start, verdict=verdict,
                                          note=note.strip()[:5000], checked_by_id=getattr(actor, "pk", None))
    audit_record(actor=actor, action="rectification.check_record", obj=problem, org_unit=problem.org_unit,
                 summary={"check": check.pk, "period": period.label, "verdict": verdict})
    return check
