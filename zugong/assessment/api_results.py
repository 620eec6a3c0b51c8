"""JSON API of published results, mounted under the assessment router: a campaign's published ratings and a
unit's team and unit ratings of published campaigns (`selectors_results.py`; the 岗位调整建议 for the
selection module are a selector only, `post_adjustment_proposals`)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from zugong.assessment import selectors_results as read
from zugong.core.request import RowId, jurisdiction_of
from zugong.core.selectors import org_unit_get

router = Router(tags=["assessment"])
VIEW = "assessment.campaign_view"


class AssessmentResultRow(Schema):
    subject_id: int
    kind: str = Field(description="cadre 领导干部, team 领导班子, unit 单位")
    name: str
    cadre_id: int | None
    org_unit_id: int
    rating: str = Field(description="公布的等次（优秀/称职/基本称职/不称职；班子和单位：好/较好/一般/较差）")


class AssessmentResultsOut(Schema):
    campaign_id: int
    title: str
    year: int
    status: str
    results: list[AssessmentResultRow]


class TeamRatingRow(Schema):
    org_unit_id: int
    org_unit: str
    kind: str
    rating: str
    campaign_id: int
    campaign: str
    campaign_kind: str
    year: int
    period: str


class TeamRatingYear(Schema):
    year: int | None = Field(None, ge=2000, le=2100)


@router.get("/assessments/{campaign_id}/results", response=AssessmentResultsOut,
            summary="考核公布的结果（公布前 409）")
def results(request: HttpRequest, campaign_id: RowId) -> AssessmentResultsOut:
    campaign, subjects = read.published_results(jurisdiction_of(request, VIEW), campaign_id)
    return AssessmentResultsOut(campaign_id=campaign.pk, title=campaign.title, year=campaign.year, status=campaign.status,
                      results=[AssessmentResultRow(subject_id=s.pk, kind=s.kind, name=s.name, cadre_id=s.cadre_id,
                                         org_unit_id=s.org_unit_id, rating=s.rating) for s in subjects])


@router.get("/org-units/{org_unit_id}/assessment-ratings", response=list[TeamRatingRow],
            summary="一个单位及其下属单位的领导班子和单位考核等次（已公布的考核）")
def team_ratings(request: HttpRequest, org_unit_id: RowId, filters: Query[TeamRatingYear]) -> list[TeamRatingRow]:
    jurisdiction = jurisdiction_of(request, VIEW)
    unit = org_unit_get(jurisdiction, org_unit_id)
    return [TeamRatingRow(**r.__dict__) for r in read.team_ratings(jurisdiction, under=unit, year=filters.year)]
