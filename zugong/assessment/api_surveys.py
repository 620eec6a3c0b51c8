"""JSON API of the satisfaction survey (R31) and the score sheet, mounted under /api/v1/ by zugong/api.py."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from zugong.assessment import selectors
from zugong.assessment import selectors_survey as read
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
    missing: int = Field(description="未评分的末级指标数（按 0 分计）")
    evaluation: Decimal = Field(description="民主测评得分（考核的民主测评占比为 0 时为 0）")
    final: Decimal = Field(description="指标总分 × (1 − 民主测评占比) + 民主测评得分 × 民主测评占比；排名依此")
    scores: dict[str, Decimal] = Field(description="末级指标名称 → 得分（0–100）")


@router.get("/assessments/{campaign_id}/scores", response=list[ScoreRow], summary="考核得分（仅考核工作人员可见）")
def score_list(request: HttpRequest, campaign_id: RowId) -> list[ScoreRow]:
    campaign = selectors.campaign_get(jurisdiction_of(request, "assessment.rating_set"), campaign_id)
    leaves, sheets = selectors.score_sheet(campaign)
    names = {i.pk: i.name for i in leaves}
    return [ScoreRow(subject_id=s.subject_id, name=s.name, rank=s.rank, total=s.total, missing=s.missing,
                     evaluation=s.evaluation, final=s.final,
                     scores={names[k]: v.score for k, v in s.leaf_scores.items() if k in names}) for s in sheets]
