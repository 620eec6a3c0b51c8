"""述职评议: a party secretary's annual duty report to the reviewing level, its grade or score, and the
written feedback whose problems become the secretary's problem list (source 述职评议). The reviewing
level acts, with the action that issues problem lists (`rectification.list_issue`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from zugong.core.attachments import attachment_check, attachments_store
from zugong.core.audit import audit_record
from zugong.core.errors import Conflict, NotFound, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import OrgUnit
from zugong.core.permissions import Actor, require
from zugong.rectification.models import DutyReport, Grade, Severity, Source
from zugong.rectification.services.problems import problem_add, problem_list_create

MAX_FEEDBACK_PROBLEMS = 100


def _lock(report_id: int) -> DutyReport:
    row = (DutyReport.objects.select_for_update(of=("self",)).select_related("org_unit", "reviewing_unit")
           .filter(pk=report_id).first())
    if row is None:
        raise NotFound("未找到该述职评议，或不在您的管辖范围内")
    return row


@transaction.atomic
def duty_report_record(
    *, actor: Actor, jurisdiction: Jurisdiction, org_unit: OrgUnit, reviewing_unit: OrgUnit, year: int,
    secretary: str, reported_on: date, summary: str = "", files: Sequence[UploadedFile[bytes]] = (),
) -> DutyReport:
    require(jurisdiction, "rectification.list_issue", reviewing_unit)
    if org_unit.pk == reviewing_unit.pk or not org_unit.path.startswith(reviewing_unit.path):
        raise ValidationFailed(f"{org_unit.name}不是{reviewing_unit.name}的下级，不能向其述职", field="org_unit")
    if reported_on > timezone.localdate():
        raise ValidationFailed("述职日期不能晚于今天", field="reported_on")
    if not reported_on.year - 1 <= year <= reported_on.year:
        raise ValidationFailed("述职年度应为述职日期的当年或上一年", field="year")
    if not secretary.strip():
        raise ValidationFailed("请填写述职人", field="secretary")
    if DutyReport.objects.filter(org_unit=org_unit, year=year).exists():
        raise Conflict(f"{org_unit.name}{year}年度的述职已登记")
    checked = [attachment_check(upload) for upload in files]
    report = DutyReport.objects.create(
        year=year, org_unit=org_unit, reviewing_unit=reviewing_unit, secretary=secretary.strip()[:100],
        reported_on=reported_on, summary=summary.strip()[:20000], created_by_id=getattr(actor, "pk", None))
    audit_record(actor=actor, action="rectification.duty_report_record", obj=report, org_unit=org_unit,
                 summary={"year": year, "secretary": report.secretary, "files": [f.name for f in checked]})
    attachments_store(actor=actor, owner=report, org_unit=org_unit, files=checked)
    return report


@transaction.atomic
def duty_report_evaluate(
    *, actor: Actor, jurisdiction: Jurisdiction, report_id: int, grade: str = "", score: Decimal | None = None,
) -> DutyReport:
    """The evaluation: a grade (好 / 较好 / 一般 / 差), a score out of 100, or both."""
    report = _lock(report_id)
    require(jurisdiction, "rectification.list_issue", report.reviewing_unit)
    if grade and grade not in Grade.values:
        raise ValidationFailed("评议等次应为好、较好、一般或差", field="grade")
    if score is not None and not Decimal(0) <= score <= Decimal(100):
        raise ValidationFailed("评议得分应在 0 到 100 之间", field="score")
    if not grade and score is None:
        raise ValidationFailed("请填写评议等次或得分", field="grade")
    report.grade, report.score = grade, score
    report.save(update_fields=["grade", "score"])
    audit_record(actor=actor, action="rectification.duty_report_evaluate", obj=report, org_unit=report.org_unit,
                 summary={"grade": grade, "score": str(score) if score is not None else None})
    return report


@transaction.atomic
def duty_feedback_issue(
    *, actor: Actor, jurisdiction: Jurisdiction, report_id: int, feedback: str,
    problems: Sequence[tuple[str, str]], issued_on: date | None = None, files: Sequence[UploadedFile[bytes]] = (),
) -> DutyReport:
    """Feed the problems back in writing: they become the secretary's problem list (述职评议), once. The written
    feedback document (`files`, checked by content) is kept on that list, readable by the secretary's unit."""
    report = _lock(report_id)
    require(jurisdiction, "rectification.list_issue", report.reviewing_unit)
    if report.feedback_list_id is not None:
        raise Conflict("该述职已书面反馈问题，请在问题清单中增加问题")
    items = [(text.strip(), severity) for text, severity in problems if text.strip()]
    if not items:
        raise ValidationFailed("书面反馈至少应列出一个问题", field="problems")
    if len(items) > MAX_FEEDBACK_PROBLEMS:
        raise ValidationFailed(f"一次最多反馈 {MAX_FEEDBACK_PROBLEMS} 个问题", field="problems")
    checked = [attachment_check(upload) for upload in files]
    problem_list = problem_list_create(
        actor=actor, jurisdiction=jurisdiction, source=Source.DUTY_REVIEW, issuing_unit=report.reviewing_unit,
        owner_unit=report.org_unit, owner_person=report.secretary, issued_on=issued_on or timezone.localdate(),
        title=f"{report.year}年度{report.org_unit.name}党组织书记抓基层党建述职评议问题清单")
    for text, severity in items:
        problem_add(actor=actor, jurisdiction=jurisdiction, list_id=problem_list.pk, description=text,
                    severity=severity if severity in Severity.values else Severity.GENERAL)
    report.feedback = feedback.strip()[:20000]
    report.feedback_list = problem_list
    report.save(update_fields=["feedback", "feedback_list"])
    audit_record(actor=actor, action="rectification.duty_feedback_issue", obj=report, org_unit=report.org_unit,
                 summary={"list": problem_list.pk, "problems": len(items), "files": [f.name for f in checked]})
    attachments_store(actor=actor, owner=problem_list, org_unit=report.org_unit, files=checked)
    return report
