"""JSON API of the satisfaction survey (R31) and the score sheet, mounted under /api/v1/ by zugong/api.py."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from zugong.assessment import selectors
from zugong.assessment import selectors_survey as read
from zugong.assessment.models import ScoringMethod
from zugong.assessment.models_survey import Survey
from zugong.core.request import RowId, jurisdiction_of

router = Router(tags=["assessment"])
VIEW = "assessment.survey_view"


class SurveyRow(Schema):
    id: int
    title: str
    year: int
    org_unit_id: int
    org_unit: str
    status: str
    status_label: str


class RankingFilters(Schema):
    level: str = Field("county", pattern="^(city|county)$", description="city 市，county 县（市、区）")


class RankingRow(Schema):
    org: str = Field(description="行政区划代码（无代码时为组织 id）")
    name: str
    score: Decimal = Field(description="全部指标得分的平均；指标得分为答卷平均分（满意 100，基本满意 60，不满意 0）")
    rank: int = Field(description="得分相同者名次相同")


class SurveyFilters(Schema):
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=1_000_000)


def _row(s: Survey) -> SurveyRow:
    return SurveyRow(id=s.pk, title=s.title, year=s.year, org_unit_id=s.org_unit_id, org_unit=s.org_unit.name,
                     status=s.status, status_label=str(s.get_status_display()))


@router.get("/surveys", response=list[SurveyRow], summary="满意度测评列表")
def survey_list(request: HttpRequest, filters: Query[SurveyFilters]) -> list[SurveyRow]:
    rows = read.surveys_visible(jurisdiction_of(request, VIEW)).order_by("-year", "-pk")
    return [_row(s) for s in rows[filters.offset:filters.offset + filters.limit]]


@router.get("/surveys/{survey_id}/ranking", response=list[RankingRow], summary="满意度测评排名（市或县）")
def survey_ranking(request: HttpRequest, survey_id: RowId, filters: Query[RankingFilters]) -> list[RankingRow]:
    survey = read.survey_get(jurisdiction_of(request, VIEW), survey_id)
    return [RankingRow(org=r.code, name=r.name, score=r.score, rank=r.rank) for r in read.ranking(survey, filters.level)]


class ScoreRow(Schema):
    subject_id: int
    name: str
    rank: int
    total: Decimal = Field(description="Σ 第一级指标权重 × 得分 ÷ 100；上级指标得分 = Σ 下级权重 × 下级得分 ÷ 100")
    missing: int = Field(description="未评组织评分的末级指标数（按 0 分计）")
    evaluation: Decimal = Field(description="民主测评得分（考核的民主测评占比为 0 时为 0）")
    final: Decimal = Field(description="指标总分 × (1 − 民主测评占比) + 民主测评得分 × 民主测评占比；排名依此")
    scores: dict[str, Decimal] = Field(description="末级指标名称 → 计入总分的（合成）得分（0–100）")
    parts: dict[str, dict[str, Decimal | None]] = Field(description=(
        "末级指标名称 → {org 组织评分, self 自评, manager 上级评, peer 同级评（各同级评分人的平均）, score 合成得分}；"
        "未评的部分为 null（按 0 计）；合成得分 = (组织权重 × 组织评分 + 自评权重 × 自评 + 上级权重 × 上级评 + "
        "同级权重 × 同级评) ÷ 100，按数据计数的指标为系统数据得分本身"))


class ScoreSheetOut(Schema):
    weights: dict[str, int] = Field(description="末级指标得分的权重（%）：org 组织评分、self 自评、manager 上级评、peer 同级评")
    evaluation_share: Decimal = Field(description="民主测评占比（0–1）")
    formula: str
    counted: list[str] = Field(description="按数据计数的末级指标（不由评分人打分，只取系统数据得分）")
    subjects: list[ScoreRow]


def _parts(leaf_id: int, s: selectors.SubjectScores) -> dict[str, Decimal | None]:
    org = s.leaf_scores.get(leaf_id)
    theirs = s.raters.get(leaf_id, {})
    return {"org": org.score if org else None, "self": theirs.get("self"), "manager": theirs.get("manager"),
            "peer": theirs.get("peer"), "score": s.blended.get(leaf_id, Decimal("0"))}


@router.get("/assessments/{campaign_id}/scores", response=ScoreSheetOut,
            summary="考核得分：合成得分及各部分（仅考核工作人员可见）")
def score_list(request: HttpRequest, campaign_id: RowId) -> ScoreSheetOut:
    campaign = selectors.campaign_get(jurisdiction_of(request, "assessment.rating_set"), campaign_id)
    leaves, sheets = selectors.score_sheet(campaign)
    share = campaign.evaluation_share
    weights = {"org": campaign.org_weight, "self": campaign.self_weight, "manager": campaign.manager_weight,
               "peer": campaign.peer_weight}
    formula = (f"末级指标得分 = 组织评分 × {weights['org']}% + 自评 × {weights['self']}% + 上级评 × "
               f"{weights['manager']}% + 同级评（平均）× {weights['peer']}%（按数据计数的指标取系统数据得分）；"
               f"上级指标得分 = Σ 下级权重 × 下级得分 ÷ 100；指标总分 = Σ 第一级权重 × 得分 ÷ 100；"
               f"最终得分 = 指标总分 × (1 − {share}) + 民主测评得分 × {share}")
    rows = [ScoreRow(subject_id=s.subject_id, name=s.name, rank=s.rank, total=s.total, missing=s.missing,
                     evaluation=s.evaluation, final=s.final,
                     scores={i.name: s.blended.get(i.pk, Decimal("0")) for i in leaves},
                     parts={i.name: _parts(i.pk, s) for i in leaves}) for s in sheets]
    return ScoreSheetOut(weights=weights, evaluation_share=share, formula=formula, subjects=rows,
                         counted=[i.name for i in leaves if i.scoring == ScoringMethod.COUNT])
