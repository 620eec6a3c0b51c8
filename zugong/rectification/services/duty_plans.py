"""述职 plans (who reports to whom for a year) and their 民主测评, run by the assessment module: opening it
creates a campaign whose subjects are the secretaries (cadres), voter classes with weights, and starts it;
reading it closes the voting and writes each reported secretary's score and the grade it maps to
(`selectors_duty.grade_of_score`) onto the report. The reviewing level acts (`rectification.list_issue`,
and the assessment module's own actions for the campaign, which the same org department holds)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from zugong.assessment.models import CampaignKind, CampaignStatus, SubjectKind
from zugong.assessment.services.ballots import voter_class_weight_set
from zugong.assessment.services.campaigns import campaign_create, campaign_transition, subject_add
from zugong.cadres.models import Cadre
from zugong.core.audit import audit_record
from zugong.core.errors import Conflict, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import OrgUnit
from zugong.core.permissions import Actor, require
from zugong.rectification.duty_models import DutyPlan, DutyPlanEntry
from zugong.rectification.locks import lock_duty_plan
from zugong.rectification.models import DutyReport
from zugong.rectification.selectors_duty import evaluation_of
from zugong.rectification.services.duty import duty_report_evaluate

ISSUE = "rectification.list_issue"
MAX_CLASSES = 10
# The campaign's path to results, one step at a time (assessment's table allows one step forward only).
TO_CLOSE = {CampaignStatus.OPEN: [CampaignStatus.SCORING, CampaignStatus.RATING],
            CampaignStatus.SCORING: [CampaignStatus.RATING]}


@transaction.atomic
def duty_plan_create(*, actor: Actor, jurisdiction: Jurisdiction, reviewing_unit: OrgUnit, year: int,
                     meeting: str, held_on: date | None = None) -> DutyPlan:
    require(jurisdiction, ISSUE, reviewing_unit)
    if not 2000 <= year <= 2100:
        raise ValidationFailed("述职年度无效", field="year")
    if not meeting.strip():
        raise ValidationFailed("请填写述职会议", field="meeting")
    if held_on is not None and not year <= held_on.year <= year + 1:
        raise ValidationFailed("会议日期应在述职年度当年或次年", field="held_on")
    if DutyPlan.objects.filter(reviewing_unit=reviewing_unit, year=year).exists():
        raise Conflict(f"{reviewing_unit.name}{year}年度的述职计划已建立")
    plan = DutyPlan.objects.create(year=year, reviewing_unit=reviewing_unit, meeting=meeting.strip()[:200],
                                   held_on=held_on, created_by_id=getattr(actor, "pk", None))
    audit_record(actor=actor, action="rectification.duty_plan_create", obj=plan, org_unit=reviewing_unit,
                 summary={"year": year, "meeting": plan.meeting})
    return plan


@transaction.atomic
def duty_plan_entry_add(*, actor: Actor, jurisdiction: Jurisdiction, plan_id: int, org_unit: OrgUnit,
                        secretary: str = "", cadre: Cadre | None = None) -> DutyPlanEntry:
    """A unit strictly under the reviewing level reports; its secretary by name, or the cadre (needed for the
    民主测评). Not once the 民主测评 is open: its ballots would not name the new secretary."""
    plan = lock_duty_plan(plan_id)
    require(jurisdiction, ISSUE, plan.reviewing_unit)
    if plan.campaign_id is not None:
        raise Conflict("民主测评已开始，不能再增加述职人")
    if org_unit.pk == plan.reviewing_unit_id or not org_unit.path.startswith(plan.reviewing_unit.path):
        raise ValidationFailed(f"{org_unit.name}不是{plan.reviewing_unit.name}的下级，不能向其述职", field="org_unit")
    if cadre is not None and not cadre.org_unit.path.startswith(org_unit.path):
        raise ValidationFailed(f"干部{cadre.name}不在{org_unit.name}，不能作为其述职人", field="cadre")
    name = (secretary.strip() or (cadre.name if cadre is not None else ""))[:100]
    if not name:
        raise ValidationFailed("请填写述职人或选择干部", field="secretary")
    if DutyPlanEntry.objects.filter(plan=plan, org_unit=org_unit).exists():
        raise Conflict(f"{org_unit.name}已在该述职计划中")
    entry = DutyPlanEntry.objects.create(plan=plan, org_unit=org_unit, secretary=name, cadre=cadre)
    audit_record(actor=actor, action="rectification.duty_plan_entry_add", obj=plan, org_unit=plan.reviewing_unit,
                 summary={"org_unit": org_unit.pk, "secretary": name, "cadre": cadre.pk if cadre else None})
    return entry


def _classes(voter_classes: Sequence[tuple[str, Decimal]]) -> list[tuple[str, Decimal]]:
    rows = [(name.strip(), weight) for name, weight in voter_classes if name.strip()]
    if not rows:
        raise ValidationFailed("请至少设置一个投票人类别及其权重", field="voter_classes")
    if len(rows) > MAX_CLASSES or len({n for n, _w in rows}) != len(rows):
        raise ValidationFailed(f"投票人类别不能重复，最多 {MAX_CLASSES} 个", field="voter_classes")
    return rows


@transaction.atomic
def duty_evaluation_open(*, actor: Actor, jurisdiction: Jurisdiction, plan_id: int,
                         voter_classes: Sequence[tuple[str, Decimal]]) -> DutyPlan:
    """Open the meeting's 民主测评 in the assessment module: a campaign (专项考核) of the reviewing unit, one subject
    per secretary's cadre, the voter classes with their weights, started. Codes and slips are then issued on the
    campaign's own page; voters vote on the phone page like any 民主测评."""
    plan = lock_duty_plan(plan_id)
    require(jurisdiction, ISSUE, plan.reviewing_unit)
    if plan.campaign_id is not None:
        raise Conflict("该述职计划的民主测评已开启")
    entries = list(DutyPlanEntry.objects.filter(plan=plan).select_related("cadre", "org_unit").order_by("pk"))
    if not entries:
        raise ValidationFailed("述职计划中还没有述职人，不能开启民主测评", field="voter_classes")
    missing = [e.org_unit.name for e in entries if e.cadre is None]
    if missing:
        raise ValidationFailed(f"以下述职单位未选择述职人（干部），不能开启民主测评：{'、'.join(missing)}",
                               field="voter_classes")
    classes = _classes(voter_classes)
    campaign = campaign_create(actor=actor, jurisdiction=jurisdiction, org_unit=plan.reviewing_unit,
                               title=f"{plan.year}年度{plan.meeting}民主测评", kind=CampaignKind.SPECIAL,
                               year=plan.year)
    for entry in entries:
        subject_add(actor=actor, jurisdiction=jurisdiction, campaign_id=campaign.pk, kind=SubjectKind.CADRE,
                    cadre=entry.cadre)
    for name, weight in classes:
        voter_class_weight_set(actor=actor, jurisdiction=jurisdiction, campaign_id=campaign.pk, name=name,
                               weight=weight)
    campaign_transition(actor=actor, jurisdiction=jurisdiction, campaign_id=campaign.pk, to=CampaignStatus.OPEN)
    plan.campaign = campaign
    plan.save(update_fields=["campaign"])
    audit_record(actor=actor, action="rectification.duty_evaluation_open", obj=plan, org_unit=plan.reviewing_unit,
                 summary={"campaign": campaign.pk, "subjects": len(entries), "classes": [n for n, _w in classes]})
    return plan


@transaction.atomic
def duty_evaluation_read(*, actor: Actor, jurisdiction: Jurisdiction, plan_id: int) -> int:
    """Close the 民主测评's voting (the campaign moves to 定等次; assessment counts the last pending ballots) and
    write each secretary's score and grade onto the report recorded for the unit and year. Secretaries with no
    ballot or no report yet are left as they are. Once. Returns how many reports were graded."""
    plan = lock_duty_plan(plan_id)
    require(jurisdiction, ISSUE, plan.reviewing_unit)
    if plan.campaign_id is None:
        raise Conflict("该述职计划尚未开启民主测评")
    if plan.results_read_at is not None:
        raise Conflict("该述职计划的民主测评结果已读入")
    assert plan.campaign is not None
    for status in TO_CLOSE.get(CampaignStatus(plan.campaign.status), []):
        campaign_transition(actor=actor, jurisdiction=jurisdiction, campaign_id=plan.campaign_id, to=status)
    plan.refresh_from_db(fields=["campaign"])
    results = evaluation_of(jurisdiction, plan)
    reports = dict(DutyReport.objects.filter(
        year=plan.year, reviewing_unit=plan.reviewing_unit, org_unit__in=DutyPlanEntry.objects.filter(plan=plan).values("org_unit"))
        .values_list("org_unit_id", "pk"))
    graded = 0
    for entry in DutyPlanEntry.objects.filter(plan=plan).order_by("pk"):
        row, report_id = results.get(entry.pk), reports.get(entry.org_unit_id)
        if row is None or row.score is None or report_id is None:
            continue
        duty_report_evaluate(actor=actor, jurisdiction=jurisdiction, report_id=report_id, grade=row.grade,
                             score=row.score)
        graded += 1
    plan.results_read_at = timezone.now()
    plan.save(update_fields=["results_read_at"])
    audit_record(actor=actor, action="rectification.duty_evaluation_read", obj=plan, org_unit=plan.reviewing_unit,
                 summary={"campaign": plan.campaign_id, "graded": graded})
    return graded
