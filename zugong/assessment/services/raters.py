"""Rater scores (自评, 上级评, 同级评) per leaf indicator, typed from the collected score forms while the campaign
is 评分中, and the campaign's four weights of a leaf's score (组织评分, 自评, 上级评, 同级评; totalling 100),
set until rating starts. How they combine: `selectors.leaf_blend`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from zugong.assessment.locks import lock_campaign
from zugong.assessment.models import Campaign, CampaignStatus, RaterRole, RaterScore, Subject, SubjectKind
from zugong.assessment.services.scores import _leaves, _scoring, score_of, typed_leaf
from zugong.cadres.models import Cadre
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


def _peer(subject: Subject, peer: Cadre | None) -> Cadre:
    """A 同级评 rater is a cadre of the roster in the subject's unit (a team or unit: inside it), never the
    subject themselves."""
    if peer is None:
        raise ValidationFailed("同级评须从干部名册中选择评分人", field="rater_cadre")
    unit = subject.org_unit
    inside = (peer.org_unit_id == unit.pk if subject.kind == SubjectKind.CADRE
              else peer.org_unit.path.startswith(unit.path))
    if not inside:
        raise ValidationFailed(f"同级评分人须为考核对象所在单位（{unit.name}）的干部，{peer.name}所在单位为"
                               f"{peer.org_unit.name}", field="rater_cadre")
    if subject.cadre_id is not None and peer.pk == subject.cadre_id:
        raise ValidationFailed("考核对象本人不能作为同级评分人（本人评分请选“自评”）", field="rater_cadre")
    return peer


@transaction.atomic
def rater_scores_set(*, actor: Actor, jurisdiction: Jurisdiction, campaign_id: int, subject_id: int, role: str,
                     values: dict[int, Decimal | None], peer: Cadre | None = None) -> int:
    """One rater's values for a subject's typed leaves (None clears one); 按数据计数 leaves are not rated.
    A 同级评 names its rater, a cadre of the subject's unit picked from the roster (`_peer`)."""
    campaign = _scoring(jurisdiction, campaign_id)
    subject = Subject.objects.select_related("org_unit").filter(campaign=campaign, pk=subject_id).first()
    if subject is None:
        raise NotFound("未找到该考核对象")
    if role not in RaterRole.values:
        raise ValidationFailed("评分人类别须为自评、上级评或同级评", field="role")
    rater = _peer(subject, peer) if role == RaterRole.PEER else None
    who = rater.name[:40] if rater is not None else ""
    leaves = _leaves(campaign)
    changed = 0
    for indicator_id, value in sorted(values.items()):
        indicator = typed_leaf(leaves, indicator_id, counted="不由评分人打分")
        key: dict[str, Any] = {"subject": subject, "indicator": indicator, "role": role, "rater_cadre": rater}
        if rater is None:
            key["rater"] = ""
        if value is None:
            changed += RaterScore.objects.filter(**key).delete()[0]
            continue
        RaterScore.objects.update_or_create(**key, defaults={
            "rater": who, "value": value, "score": score_of(indicator, value), "entered_at": timezone.now(),
            "entered_by_id": actor.pk if actor is not None else None})
        changed += 1
    audit_record(actor=actor, action="assessment.rater_scores_set", obj=campaign, org_unit=campaign.org_unit,
                 summary={"subject": subject.pk, "role": role, "rater_cadre": rater.pk if rater else None,
                          "scores": changed})
    return changed


SHARE_OPEN = (*WEIGHTS_OPEN, CampaignStatus.RATING)


@transaction.atomic
def evaluation_share_set(*, actor: Actor, jurisdiction: Jurisdiction, campaign_id: int, share: Decimal) -> Campaign:
    """民主测评's share of the final score (0–1; 最终得分 = 指标总分 × (1 − share) + 民主测评得分 × share),
    changeable until the campaign is published; each change is audited with the share before and after."""
    campaign = lock_campaign(campaign_id)
    require(jurisdiction, "assessment.campaign_create", campaign.org_unit)
    if campaign.status not in SHARE_OPEN:
        raise IllegalTransition(f"考核{CampaignStatus(campaign.status).label}，不能再修改民主测评占比")
    if not Decimal("0") <= share <= Decimal("1"):
        raise ValidationFailed("民主测评占比须在 0 到 100% 之间", field="evaluation_share")
    new = share.quantize(Decimal("0.001"))
    before = campaign.evaluation_share
    campaign.evaluation_share = new
    campaign.save(update_fields=["evaluation_share"])
    audit_record(actor=actor, action="assessment.evaluation_share_set", obj=campaign, org_unit=campaign.org_unit,
                 summary={"from": str(before), "to": str(new)})
    return campaign
