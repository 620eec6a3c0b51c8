"""Campaigns: create, add subjects, set the indicator tree (weights total 100 at each level), move through
the state machine; publishing writes each cadre's 年度考核 result into the cadre registry."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from zugong.assessment.indicator_sources import SOURCES
from zugong.assessment.locks import lock_campaign
from zugong.assessment.models import (
    CAMPAIGN_ALLOWED,
    Campaign,
    CampaignKind,
    CampaignStatus,
    EvaluationMethod,
    Focus,
    Indicator,
    ScoringMethod,
    Subject,
    SubjectKind,
)
from zugong.assessment.services.ballots import ballots_flush
from zugong.cadres.exporters import record_of
from zugong.cadres.models import Cadre, ReviewRating
from zugong.cadres.records import ReviewData
from zugong.cadres.selectors import cadre_record_get
from zugong.cadres.services import cadre_save_record
from zugong.core.audit import audit_record
from zugong.core.errors import Conflict, IllegalTransition, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import OrgUnit
from zugong.core.permissions import Actor, require

HUNDRED = Decimal("100")
REVIEW_OF_RATING = {"优秀": ReviewRating.EXCELLENT, "称职": ReviewRating.COMPETENT,
                    "基本称职": ReviewRating.BASIC, "不称职": ReviewRating.INCOMPETENT}


def _actor_id(actor: Actor) -> int | None:
    return actor.pk if actor is not None else None


@transaction.atomic
def campaign_create(*, actor: Actor, jurisdiction: Jurisdiction, org_unit: OrgUnit, title: str, kind: str,
                    year: int, period: str = "", excellent_share: Decimal = Decimal("0.15"), focus: str = "",
                    theme: str = "", evaluation_share: Decimal = Decimal("0")) -> Campaign:
    require(jurisdiction, "assessment.campaign_create", org_unit)
    if not title.strip():
        raise ValidationFailed("请填写考核名称", field="title")
    if kind not in CampaignKind.values:
        raise ValidationFailed("考核类型无效", field="kind")
    if not 2000 <= year <= 2100:
        raise ValidationFailed("年度无效", field="year")
    if focus not in Focus.values:
        raise ValidationFailed("考核方式无效", field="focus")
    if focus == Focus.CLASSIFIED and not theme.strip():
        raise ValidationFailed("分类考核须写明部门类别或主题", field="theme")
    if not Decimal("0") <= excellent_share <= Decimal("1"):
        raise ValidationFailed("优秀比例须在 0 到 1 之间", field="excellent_share")
    if not Decimal("0") <= evaluation_share <= Decimal("1"):
        raise ValidationFailed("民主测评占比须在 0 到 1 之间", field="evaluation_share")
    campaign = Campaign.objects.create(org_unit=org_unit, title=title.strip(), kind=kind, year=year,
                                       period=period.strip(), excellent_share=excellent_share, focus=focus,
                                       theme=theme.strip(), evaluation_share=evaluation_share,
                                       created_by_id=_actor_id(actor))
    audit_record(actor=actor, action="assessment.campaign_create", obj=campaign, org_unit=org_unit,
                 summary={"title": campaign.title, "kind": kind, "year": year})
    return campaign


def _editable(jurisdiction: Jurisdiction, campaign_id: int, action: str) -> Campaign:
    campaign = lock_campaign(campaign_id)
    require(jurisdiction, action, campaign.org_unit)
    if campaign.status != CampaignStatus.DRAFT:
        raise IllegalTransition(f"考核已{CampaignStatus(campaign.status).label}，不能再修改考核对象和指标")
    return campaign


@transaction.atomic
def subject_add(*, actor: Actor, jurisdiction: Jurisdiction, campaign_id: int, kind: str,
                cadre: Cadre | None = None, org_unit: OrgUnit | None = None) -> Subject:
    """A cadre (kind cadre) or a unit's team or the unit itself (kind team / unit), inside the campaign's unit."""
    campaign = _editable(jurisdiction, campaign_id, "assessment.campaign_create")
    if (kind == SubjectKind.CADRE) != (cadre is not None) or (cadre is None and org_unit is None):
        raise ValidationFailed("领导干部须选择干部，领导班子和单位须选择单位", field="kind")
    unit = cadre.org_unit if cadre is not None else org_unit
    assert unit is not None
    if not unit.path.startswith(campaign.org_unit.path):
        raise ValidationFailed(f"{unit.name}不在本次考核的组织单位{campaign.org_unit.name}范围内", field="org_unit")
    try:
        with transaction.atomic():
            subject = Subject.objects.create(campaign=campaign, kind=kind, org_unit=unit, cadre=cadre)
    except IntegrityError as exc:
        name = cadre.name if cadre is not None else unit.name
        raise Conflict(f"{name}已是本次考核的考核对象") from exc
    audit_record(actor=actor, action="assessment.subject_add", obj=campaign, org_unit=campaign.org_unit,
                 summary={"subject": subject.pk, "kind": kind, "cadre": cadre.pk if cadre else None,
                          "org_unit": unit.pk})
    return subject


@dataclass
class IndicatorSpec:
    name: str
    weight: Decimal
    scoring: str = ScoringMethod.SCALE
    evaluation: str = ""
    source: str = ""  # 按数据计数: which system data (indicator_sources.SOURCES)
    children: list[IndicatorSpec] = field(default_factory=list)


def _level_name(parent: IndicatorSpec | None) -> str:
    return "第一级指标" if parent is None else f"“{parent.name}”的下级指标"


def weight_errors(specs: list[IndicatorSpec], parent: IndicatorSpec | None = None) -> list[str]:
    """Each level (the roots, and the children of each indicator) must total 100; the message names it."""
    errors: list[str] = []
    total = sum((s.weight for s in specs), Decimal("0"))
    if specs and total != HUNDRED:
        errors.append(f"{_level_name(parent)}权重合计为 {total.normalize():f}，须为 100")
    for spec in specs:
        errors.extend(weight_errors(spec.children, spec))
    return errors


def _check_spec(spec: IndicatorSpec) -> None:
    if not spec.name.strip():
        raise ValidationFailed("请填写指标名称", field="indicators")
    if spec.weight <= 0:
        raise ValidationFailed(f"指标“{spec.name}”的权重须大于 0", field="indicators")
    if spec.scoring not in ScoringMethod.values:
        raise ValidationFailed(f"指标“{spec.name}”的计分方法无效", field="indicators")
    if spec.evaluation and spec.evaluation not in EvaluationMethod.values:
        raise ValidationFailed(f"指标“{spec.name}”的考核方法无效", field="indicators")
    if spec.source and spec.source not in SOURCES:
        raise ValidationFailed(f"指标“{spec.name}”的系统数据无效", field="indicators")
    if (spec.scoring == ScoringMethod.COUNT) != bool(spec.source):
        raise ValidationFailed(f"指标“{spec.name}”：按数据计数的指标须选择系统数据，其他计分方法不读系统数据",
                               field="indicators")
    if spec.source and spec.children:
        raise ValidationFailed(f"指标“{spec.name}”：读取系统数据的指标不能有下级指标", field="indicators")
    for child in spec.children:
        _check_spec(child)


def _insert(campaign: Campaign, specs: list[IndicatorSpec], parent: Indicator | None) -> int:
    count = 0
    for order, spec in enumerate(specs):
        row = Indicator.objects.create(campaign=campaign, parent=parent, name=spec.name.strip(), weight=spec.weight,
                                       scoring=spec.scoring, evaluation=spec.evaluation, source=spec.source,
                                       sort_order=order)
        count += 1 + _insert(campaign, spec.children, row)
    return count


@transaction.atomic
def indicator_tree_set(*, actor: Actor, jurisdiction: Jurisdiction, campaign_id: int,
                       indicators: list[IndicatorSpec]) -> int:
    """Replace the campaign's indicator tree as a whole; refused unless every level totals 100."""
    campaign = _editable(jurisdiction, campaign_id, "assessment.campaign_create")
    for spec in indicators:
        _check_spec(spec)
    errors = weight_errors(indicators)
    if errors:
        raise ValidationFailed("；".join(errors), field="indicators")
    Indicator.objects.filter(campaign=campaign).delete()
    count = _insert(campaign, indicators, None)
    audit_record(actor=actor, action="assessment.indicator_tree_set", obj=campaign, org_unit=campaign.org_unit,
                 summary={"indicators": count})
    return count


def _open_check(campaign: Campaign) -> None:
    if not Subject.objects.filter(campaign=campaign).exists():
        raise IllegalTransition("尚未确定考核对象，不能启动考核")


def _rating_check(campaign: Campaign) -> None:
    unrated = Subject.objects.filter(campaign=campaign, rating="").count()
    if unrated:
        raise IllegalTransition(f"尚有 {unrated} 个考核对象未评定等次，不能公布")


def _write_reviews(actor: Actor, jurisdiction: Jurisdiction, campaign: Campaign) -> int:
    """年度考核 results go into each cadre's record through the registry's own service."""
    written = 0
    for subject in Subject.objects.filter(campaign=campaign, kind=SubjectKind.CADRE).order_by("pk"):
        assert subject.cadre_id is not None
        cadre = cadre_record_get(jurisdiction, subject.cadre_id)
        record = record_of(cadre)
        reviews = [r for r in record.reviews if r.year != campaign.year]
        reviews.append(ReviewData(campaign.year, REVIEW_OF_RATING[subject.rating]))
        record.reviews = sorted(reviews, key=lambda r: r.year)
        try:
            cadre_save_record(actor=actor, jurisdiction=jurisdiction, cadre=cadre, record=record)
        except ValidationFailed as exc:
            raise Conflict(f"干部{cadre.name}的干部信息有误（{exc.message}），年度考核结果无法写入干部信息库："
                           "请先在干部信息中更正后再公布") from exc
        written += 1
    return written


@transaction.atomic
def campaign_transition(*, actor: Actor, jurisdiction: Jurisdiction, campaign_id: int, to: str) -> Campaign:
    campaign = lock_campaign(campaign_id)
    action = "assessment.campaign_publish" if to == CampaignStatus.PUBLISHED else "assessment.campaign_advance"
    require(jurisdiction, action, campaign.org_unit)
    if to not in CampaignStatus.values or to not in CAMPAIGN_ALLOWED[campaign.status]:
        target = CampaignStatus(to).label if to in CampaignStatus.values else to
        raise IllegalTransition(f"考核当前为“{CampaignStatus(campaign.status).label}”，不能转为“{target}”")
    if to == CampaignStatus.OPEN:
        _open_check(campaign)
    if to == CampaignStatus.RATING:  # voting has closed: the last, smaller batch is counted too
        ballots_flush(campaign_id=campaign.pk, minimum=1)
    reviews = 0
    if to == CampaignStatus.PUBLISHED:
        _rating_check(campaign)
        if campaign.kind == CampaignKind.ANNUAL:
            reviews = _write_reviews(actor, jurisdiction, campaign)
    before = campaign.status
    campaign.status = to
    campaign.save(update_fields=["status"])
    audit_record(actor=actor, action=action, obj=campaign, org_unit=campaign.org_unit,
                 summary={"from": before, "to": to, "reviews_written": reviews,
                          "at": timezone.now().isoformat()})
    return campaign
