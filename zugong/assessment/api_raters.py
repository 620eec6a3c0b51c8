"""JSON API of the rater scores (自评, 上级评, 同级评) and of the weights of a leaf's score, mounted under the
assessment router; the same services and reads as the page (`rater_views.py`)."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from zugong.assessment import selectors
from zugong.assessment.models import Campaign, RaterScore
from zugong.assessment.services import raters as svc
from zugong.cadres.selectors import cadre_get
from zugong.core.api_auth import permitted
from zugong.core.request import RowId, actor_of, jurisdiction_of

router = Router(tags=["assessment"])
STAFF = "assessment.rating_set"


class WeightsIo(Schema):
    org: int = Field(100, ge=0, le=100, description="组织评分权重（%）")
    self_: int = Field(0, ge=0, le=100, alias="self", description="自评权重（%）")
    manager: int = Field(0, ge=0, le=100, description="上级评分权重（%）")
    peer: int = Field(0, ge=0, le=100, description="同级评分权重（%，各同级评分人的平均）")


class RaterScoresIn(Schema):
    subject_id: int = Field(ge=1, le=2**31 - 1)
    role: str = Field(pattern="^(self|manager|peer)$", description="self 自评, manager 上级评, peer 同级评")
    rater_cadre_id: int | None = Field(None, ge=1, le=2**31 - 1,
                                       description="同级评：评分人（干部 id，须为考核对象所在单位的干部；必填）")
    values: dict[int, Decimal | None] = Field(description="末级指标 id → 录入值（null 清除）", max_length=500)


class RaterScoreOut(Schema):
    subject_id: int
    indicator_id: int
    role: str
    rater: str
    rater_cadre_id: int | None
    value: Decimal
    score: Decimal


class SavedOut(Schema):
    saved: int


class EvaluationShareIo(Schema):
    share: Decimal = Field(ge=0, le=1, max_digits=4, decimal_places=3,
                           description="民主测评占比（0–1）：最终得分 = 指标总分 × (1 − 占比) + 民主测评得分 × 占比")


def _weights(c: Campaign) -> WeightsIo:
    return WeightsIo.model_validate({"org": c.org_weight, "self": c.self_weight, "manager": c.manager_weight,
                                     "peer": c.peer_weight})


@router.get("/assessments/{campaign_id}/score-weights", response=WeightsIo, by_alias=True,
            summary="末级指标得分的权重（组织评分、自评、上级评、同级评）")
def score_weights(request: HttpRequest, campaign_id: RowId) -> WeightsIo:
    return _weights(selectors.campaign_get(jurisdiction_of(request, STAFF), campaign_id))


@router.put("/assessments/{campaign_id}/score-weights", auth=permitted("assessment.campaign_create", scope=selectors.campaigns_visible,
                                                                      by="campaign_id"),
            response=WeightsIo, by_alias=True, summary="设置末级指标得分的权重（合计 100；定等次前）")
def score_weights_set(request: HttpRequest, campaign_id: RowId, payload: WeightsIo) -> WeightsIo:
    campaign = svc.score_weights_set(actor=actor_of(request), jurisdiction=jurisdiction_of(request),
                                     campaign_id=campaign_id, org=payload.org, self_=payload.self_,
                                     manager=payload.manager, peer=payload.peer)
    return _weights(campaign)


@router.get("/assessments/{campaign_id}/rater-scores", response=list[RaterScoreOut],
            summary="评分人评分（仅考核工作人员可见）")
def rater_scores(request: HttpRequest, campaign_id: RowId) -> list[RaterScoreOut]:
    campaign = selectors.campaign_get(jurisdiction_of(request, STAFF), campaign_id)
    rows = RaterScore.objects.filter(subject__campaign=campaign).order_by("subject_id", "indicator_id", "role",
                                                                          "rater")
    return [RaterScoreOut(subject_id=r.subject_id, indicator_id=r.indicator_id, role=r.role, rater=r.rater,
                          rater_cadre_id=r.rater_cadre_id, value=r.value, score=r.score) for r in rows]


@router.post("/assessments/{campaign_id}/rater-scores", auth=permitted("assessment.score_set", scope=selectors.campaigns_visible, by="campaign_id"),
             response=SavedOut, summary="录入一位评分人对一个考核对象的评分（评分中）")
def rater_scores_set(request: HttpRequest, campaign_id: RowId, payload: RaterScoresIn) -> SavedOut:
    jurisdiction = jurisdiction_of(request)
    peer = cadre_get(jurisdiction, payload.rater_cadre_id) if payload.rater_cadre_id is not None else None
    n = svc.rater_scores_set(actor=actor_of(request), jurisdiction=jurisdiction, campaign_id=campaign_id,
                             subject_id=payload.subject_id, role=payload.role, peer=peer, values=payload.values)
    return SavedOut(saved=n)


@router.get("/assessments/{campaign_id}/evaluation-share", response=EvaluationShareIo, summary="民主测评占比")
def evaluation_share(request: HttpRequest, campaign_id: RowId) -> EvaluationShareIo:
    return EvaluationShareIo(share=selectors.campaign_get(jurisdiction_of(request, STAFF), campaign_id).evaluation_share)


@router.put("/assessments/{campaign_id}/evaluation-share",
            auth=permitted("assessment.campaign_create", scope=selectors.campaigns_visible, by="campaign_id"),
            response=EvaluationShareIo, summary="设置民主测评占比（公布前；留痕）")
def evaluation_share_set(request: HttpRequest, campaign_id: RowId, payload: EvaluationShareIo) -> EvaluationShareIo:
    campaign = svc.evaluation_share_set(actor=actor_of(request), jurisdiction=jurisdiction_of(request),
                                        campaign_id=campaign_id, share=payload.share)
    return EvaluationShareIo(share=campaign.evaluation_share)
