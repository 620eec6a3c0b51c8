"""Village collective income (R27): a village's quarterly report and a county's grading thresholds."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from zugong.core.audit import audit_record
from zugong.core.errors import Conflict, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import OrgKind, OrgUnit
from zugong.core.permissions import Actor, require
from zugong.fieldwork.locks import lock_income_report
from zugong.fieldwork.models import IncomeScale, VillageIncomeReport
from zugong.fieldwork.selectors import quarter_label, quarter_start, report_due


@transaction.atomic
def income_report_submit(
    *, actor: Actor, jurisdiction: Jurisdiction, village: OrgUnit, quarter: date, income: Decimal,
    channels: str = "", goal: Decimal | None = None, measures: str = "", submitted_on: date | None = None,
) -> VillageIncomeReport:
    require(jurisdiction, "fieldwork.income_report", village)
    if village.kind != OrgKind.VILLAGE:
        raise ValidationFailed("集体经济收入按村报送，请选择一个村", field="village")
    start = quarter_start(quarter)
    if income < 0:
        raise ValidationFailed("已实现收入不能为负数", field="income")
    day = submitted_on or timezone.localdate()
    if day < start:
        raise ValidationFailed(f"{quarter_label(start)}尚未开始，不能报送", field="quarter")
    if VillageIncomeReport.objects.filter(village=village, quarter_start=start).exists():
        raise Conflict(f"{village.name}{quarter_label(start)}的集体经济收入已报送")
    report = VillageIncomeReport.objects.create(village=village, quarter_start=start, income=income,
                                                channels=channels.strip()[:300], goal=goal,
                                                measures=measures.strip()[:5000], submitted_on=day)
    audit_record(actor=actor, action="fieldwork.income_report", obj=report, org_unit=village,
                 summary={"quarter": quarter_label(start), "income": str(income)})
    return report


@transaction.atomic
def income_report_correct(
    *, actor: Actor, jurisdiction: Jurisdiction, village: OrgUnit, quarter: date, income: Decimal, reason: str,
    channels: str = "", goal: Decimal | None = None, measures: str = "", corrected_on: date | None = None,
) -> VillageIncomeReport:
    """Correct a report already sent, up to the quarter's due day: after it the quarter's 通报 is out (the
    published figures stay as they were). The first `submitted_on` is kept for R27's deadline; the figures
    before and after go to the audit log."""
    require(jurisdiction, "fieldwork.income_report", village)
    start = quarter_start(quarter)
    reason = reason.strip()[:200]
    if not reason:
        raise ValidationFailed("请填写更正原因", field="reason")
    if income < 0:
        raise ValidationFailed("已实现收入不能为负数", field="income")
    report = lock_income_report(village.pk, start)
    day = corrected_on or timezone.localdate()
    due = report_due(start, village)
    if day > due:
        raise Conflict(f"{quarter_label(start)}的通报已于{due.isoformat()}截止报送后发布，不能再更正")
    before = {"income": str(report.income), "goal": None if report.goal is None else str(report.goal),
              "channels": report.channels, "measures": report.measures}
    report.income, report.goal = income, goal
    report.channels, report.measures = channels.strip()[:300], measures.strip()[:5000]
    report.corrected_on, report.correction_reason = day, reason
    report.save(update_fields=["income", "goal", "channels", "measures", "corrected_on", "correction_reason"])
    audit_record(actor=actor, action="fieldwork.income_report", obj=report, org_unit=village,
                 summary={"quarter": quarter_label(start), "correction": reason, "before": before,
                          "income": str(income), "goal": None if goal is None else str(goal)})
    return report


@transaction.atomic
def income_scale_set(
    *, actor: Actor, jurisdiction: Jurisdiction, org_unit: OrgUnit, valid_from: date,
    thresholds: tuple[Decimal, Decimal, Decimal, Decimal],
) -> IncomeScale:
    """A new version of the five-colour thresholds (orange, yellow, green, blue from, 万元) from a date."""
    require(jurisdiction, "fieldwork.income_scale_set", org_unit)
    if any(t < 0 for t in thresholds) or list(thresholds) != sorted(set(thresholds)):
        raise ValidationFailed("橙、黄、绿、蓝四个起点应从低到高排列且互不相同", field="thresholds")
    if IncomeScale.objects.filter(org_unit=org_unit, valid_from=valid_from).exists():
        raise Conflict(f"{org_unit.name}自{valid_from}起已有一版预警标准")
    orange, yellow, green, blue = thresholds
    scale = IncomeScale.objects.create(org_unit=org_unit, valid_from=valid_from, orange_from=orange,
                                       yellow_from=yellow, green_from=green, blue_from=blue)
    audit_record(actor=actor, action="fieldwork.income_scale_set", obj=scale, org_unit=org_unit,
                 summary={"valid_from": valid_from.isoformat(), "thresholds": [str(t) for t in thresholds]})
    return scale
