"""Rater scores (自评, 上级评, 同级评) per leaf indicator, typed from the collected score forms while the campaign
is 评分中, and the campaign's four weights of a leaf's score (组织评分, 自评, 上级评, 同级评; totalling 100),
set until rating starts. How they combine: `selectors.leaf_blend`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from zugong.assessment.locks import lock_campaign
from zugong.assessment.models import Campaign, CampaignStatus, RaterRole, RaterScore, Subject
from zugong.assessment.services.scores import _leaves, _scoring, score_of, typed_leaf
from zugong.core.audit import audit_record
from zugong.core.errors import IllegalTransition, NotFound, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.permissions import Actor, require

WEIGHTS_OPEN = (CampaignStatus.DRAFT, CampaignStatus.OPEN, CampaignStatus.SCORING)


@transaction.atomic
def score_weights_set(*, actor: Actor, jurisdiction: Jurisdiction, campaign_id: int, org: int, self_: int,
                      manager: int, peer: int) -> Campaign:
    """The four weights of a typed leaf's score, in percent; they must total 100. Refused once rating starts."""
    campaign = lock_campaign(campaign_id)
    require(jurisdiction, "assessment.campaign_create", campaign.org_unit)
    if campaign.status not in WEIGHTS_OPEN:
        raise IllegalTransition(f"考核已{CampaignStatus(campaign.status).label}，不能再修改评分权重")
    weights = {"org_weight": org, "self_weight": self_, "manager_weight": manager, "peer_weight": peer}
    if any(not 0 <= w <= 100 for w in weights.values()):
        raise ValidationFailed("每项权重须在 0 到 100 之间", field="weights")
    if sum(weights.values()) != 100:
        raise ValidationFailed(f"组织评分、自评、上级评、同级评的权重合计为 {sum(weights.values())}，须为 100",
                               field="weights")
    for name, value in weights.items():
        setattr(campaign, name, value)
    campaign.save(update_fields=list(weights))
    audit_record(actor=actor, action="assessment.score_weights_set", obj=campaign, org_unit=campaign.org_unit,
                 summary={"org": org, "self": self_, "manager": manager, "peer": peer})
    return campaign


def _rater(role: str, rater: str) -> str:
    if role not in RaterRole.values:
        raise ValidationFailed("评分人类别须为自评、上级评或同级评", field="role")
    if role == RaterRole.PEER and not rater.strip():
        raise ValidationFailed("同级评须填写评分人姓名", field="rater")
    return rater.strip() if role == RaterRole.PEER else ""


@transaction.atomic
def rater_scores_set(*, actor: Actor, jurisdiction: Jurisdiction, campaign_id: int, subject_id: int, role: str,
                     rater: str, values: dict[int, Decimal | None]) -> int:
    """One rater's values for a subject's typed leaves (None clears one); 按数据计数 leaves are not rated."""
    campaign = _scoring(jurisdiction, campaign_id)
    subject = Subject.objects.filter(campaign=campaign, pk=subject_id).first()
    if subject is None:
        raise NotFound("未找到该考核对象")
    who = _rater(role, rater)
    leaves = _leaves(campaign)
    changed = 0
    for indicator_id, value in sorted(values.items()):
        indicator = typed_leaf(leaves, indicator_id, counted="不由评分人打分")
        key: dict[str, Any] = {"subject": subject, "indicator": indicator, "role": role, "rater": who}
        if value is None:
            changed += RaterScore.objects.filter(**key).delete()[0]
            continue
        RaterScore.objects.update_or_create(**key, defaults={
            "value": value, "score": score_of(indicator, value), "entered_at": timezone.now(),
            "entered_by_id": actor.pk if actor is not None else None})
        changed += 1
    audit_record(actor=actor, action="assessment.rater_scores_set", obj=campaign, org_unit=campaign.org_unit,
                 summary={"subject": subject.pk, "role": role, "rater": who, "scores": changed})
    return changed
