"""Indicator scores: typed by the campaign's staff on the leaf indicators, or read from zugong's data for
indicators scored 按数据计数 (indicator_sources). Scores are entered while the campaign is 评分中.

How a typed value becomes a score (0–100): 打分 the value itself (0–100); 达标/不达标 1 → 100, 0 → 0;
扣分 100 − the points deducted (not below 0); 按数据计数 the rate read (%).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from zugong.assessment.indicator_sources import SOURCES
from zugong.assessment.locks import lock_campaign
from zugong.assessment.models import (
    Campaign,
    CampaignStatus,
    Indicator,
    IndicatorScore,
    ScoringMethod,
    Subject,
)
from zugong.core.audit import audit_record
from zugong.core.errors import IllegalTransition, NotFound, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.permissions import Actor, require

ZERO, HUNDRED = Decimal("0"), Decimal("100")


def score_of(indicator: Indicator, value: Decimal) -> Decimal:
    """The score a value gives under the indicator's scoring method; refused (in Chinese) when out of range."""
    if indicator.scoring == ScoringMethod.PASS_FAIL:
        if value not in (ZERO, Decimal("1")):
            raise ValidationFailed(f"指标“{indicator.name}”为达标/不达标：填 1（达标）或 0（不达标）", field="scores")
        return HUNDRED if value == 1 else ZERO
    if not ZERO <= value <= HUNDRED:
        what = "扣分" if indicator.scoring == ScoringMethod.DEDUCTION else "得分"
        raise ValidationFailed(f"指标“{indicator.name}”的{what}须在 0 到 100 之间", field="scores")
    return HUNDRED - value if indicator.scoring == ScoringMethod.DEDUCTION else value


def _scoring(jurisdiction: Jurisdiction, campaign_id: int) -> Campaign:
    campaign = lock_campaign(campaign_id)
    require(jurisdiction, "assessment.score_set", campaign.org_unit)
    if campaign.status != CampaignStatus.SCORING:
        raise IllegalTransition(f"考核当前为“{CampaignStatus(campaign.status).label}”，“评分中”才能录入得分")
    return campaign


def _leaves(campaign: Campaign) -> dict[int, Indicator]:
    rows = list(Indicator.objects.filter(campaign=campaign))
    parents = {i.parent_id for i in rows}
    return {i.pk: i for i in rows if i.pk not in parents}


def typed_leaf(leaves: dict[int, Indicator], indicator_id: int, *, counted: str) -> Indicator:
    """A leaf of the campaign whose score is typed by a person; `counted` ends the refusal for one counted from
    data ("不能手工录入", "不由评分人打分")."""
    indicator = leaves.get(indicator_id)
    if indicator is None:
        raise ValidationFailed("只能为本次考核的末级指标录入得分", field="scores")
    if indicator.scoring == ScoringMethod.COUNT:
        raise ValidationFailed(f"指标“{indicator.name}”按系统数据计分，{counted}", field="scores")
    return indicator


def _save(subject: Subject, indicator: Indicator, value: Decimal, score: Decimal, basis: str, actor: Actor) -> None:
    IndicatorScore.objects.update_or_create(
        subject=subject, indicator=indicator,
        defaults={"value": value, "score": score, "basis": basis, "entered_at": timezone.now(),
                  "entered_by_id": actor.pk if actor is not None else None})


@transaction.atomic
def scores_set(*, actor: Actor, jurisdiction: Jurisdiction, campaign_id: int, subject_id: int,
               values: dict[int, Decimal | None]) -> int:
    """A subject's typed values per leaf indicator (None clears a score); automatic indicators are refused."""
    campaign = _scoring(jurisdiction, campaign_id)
    subject = Subject.objects.filter(campaign=campaign, pk=subject_id).select_related("org_unit", "cadre").first()
    if subject is None:
        raise NotFound("未找到该考核对象")
    leaves = _leaves(campaign)
    changed = 0
    for indicator_id, value in sorted(values.items()):
        indicator = typed_leaf(leaves, indicator_id, counted="不能手工录入")
        if value is None:
            changed += IndicatorScore.objects.filter(subject=subject, indicator=indicator).delete()[0]
            continue
        _save(subject, indicator, value, score_of(indicator, value), "", actor)
        changed += 1
    audit_record(actor=actor, action="assessment.scores_set", obj=campaign, org_unit=campaign.org_unit,
                 summary={"subject": subject.pk, "scores": changed})
    return changed


@transaction.atomic
def scores_read_data(*, actor: Actor, jurisdiction: Jurisdiction, campaign_id: int) -> int:
    """Read every 按数据计数 indicator for every subject from zugong's data (the rate becomes the score)."""
    campaign = _scoring(jurisdiction, campaign_id)
    automatic = [i for i in _leaves(campaign).values() if i.scoring == ScoringMethod.COUNT and i.source in SOURCES]
    subjects = list(Subject.objects.filter(campaign=campaign).select_related("org_unit", "cadre").order_by("pk"))
    for indicator in automatic:
        for subject in subjects:
            reading = SOURCES[indicator.source].read(subject, campaign.year)
            _save(subject, indicator, reading.rate, reading.rate, reading.basis, actor)
    audit_record(actor=actor, action="assessment.scores_set", obj=campaign, org_unit=campaign.org_unit,
                 summary={"read_data": len(automatic), "subjects": len(subjects)})
    return len(automatic) * len(subjects)
