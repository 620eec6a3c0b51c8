"""Reads of the satisfaction survey (R31), scoped to the jurisdiction by the survey's organising unit.

How a unit's score is computed (shown on the page and in the API's description):
an indicator's score for a county = the mean points of its answers (满意 100, 基本满意 60, 不满意 0);
for a city, of the answers of all its counties. An area's score = the mean of its indicators' scores;
the unit's score = the mean of its indicators' scores (each indicator weighs the same). Units rank by
score, highest first; equal scores share a rank (1, 2, 2, 4). One grouped query over the answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, F, Q, QuerySet

from zugong.assessment.models_survey import (
    PendingSurveyResponse,
    Survey,
    SurveyAnswer,
    SurveyCode,
    SurveyFollowUp,
    SurveyIndicator,
)
from zugong.core.errors import NotFound, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction, scope
from zugong.core.models import OrgUnit

NOT_FOUND = "未找到该满意度测评，或不在您的管辖范围内"
LEVELS = {"city": "市", "county": "县（市、区）"}
TWO = Decimal("0.01")


def surveys_visible(jurisdiction: Jurisdiction) -> QuerySet[Survey]:
    return scope(Survey.objects.select_related("org_unit"), jurisdiction)


def survey_get(jurisdiction: Jurisdiction, pk: int) -> Survey:
    survey = surveys_visible(jurisdiction).filter(pk=pk).first()
    if survey is None:
        raise NotFound(NOT_FOUND)
    return survey


def indicators_of(survey: Survey) -> list[SurveyIndicator]:
    return list(SurveyIndicator.objects.filter(survey=survey).order_by("sort_order", "pk"))


@dataclass(frozen=True)
class UnitScore:
    org_unit_id: int
    code: str  # the division code (行政区划代码), or the unit's id when it has none
    name: str
    score: Decimal
    rank: int
    answers: int
    indicators: dict[int, Decimal] = field(default_factory=dict)  # indicator id → score


def _grouped(survey: Survey, level: str) -> Any:
    if level not in LEVELS:
        raise ValidationFailed("level 须为 city 或 county", field="level")
    unit = F("org_unit_id") if level == "county" else F("org_unit__parent_id")
    return (SurveyAnswer.objects.filter(survey=survey).order_by().values("indicator_id", unit_id=unit)
            .annotate(mean=Avg("points"), n=Count("id")))


def ranking(survey: Survey, level: str) -> list[UnitScore]:
    """Cities or counties of the round, best first, each with its indicator scores."""
    per: dict[int, dict[int, Decimal]] = {}
    answers: dict[int, int] = {}
    for row in _grouped(survey, level):
        unit_id = int(row["unit_id"])
        per.setdefault(unit_id, {})[int(row["indicator_id"])] = Decimal(str(row["mean"]))
        answers[unit_id] = answers.get(unit_id, 0) + int(row["n"])
    units = {u.pk: u for u in OrgUnit.objects.filter(pk__in=per)}
    score = {pk: (sum(v.values(), Decimal("0")) / len(v)).quantize(TWO) for pk, v in per.items()}
    out: list[UnitScore] = []
    for position, pk in enumerate(sorted(per, key=lambda pk: (-score[pk], units[pk].path)), start=1):
        rank = out[-1].rank if out and out[-1].score == score[pk] else position
        unit = units[pk]
        out.append(UnitScore(pk, unit.division_code or str(pk), unit.name, score[pk], rank, answers[pk],
                             {i: m.quantize(TWO) for i, m in per[pk].items()}))
    return out


def area_scores(indicators: list[SurveyIndicator], row: UnitScore) -> dict[str, Decimal]:
    """The mean of each area's indicator scores for one unit."""
    areas: dict[str, list[Decimal]] = {}
    for i in indicators:
        if i.pk in row.indicators:
            areas.setdefault(i.area, []).append(row.indicators[i.pk])
    return {a: (sum(v, Decimal("0")) / len(v)).quantize(TWO) for a, v in areas.items()}


def previous_round(jurisdiction: Jurisdiction, survey: Survey) -> Survey | None:
    """The same organising unit's latest survey of an earlier year (the year-over-year comparison)."""
    return (surveys_visible(jurisdiction).filter(org_unit=survey.org_unit, year__lt=survey.year)
            .order_by("-year", "-pk").first())


def pending_responses(survey: Survey) -> int:
    """Questionnaires submitted but not yet counted (a county's batch is counted once it holds `BATCH`, and
    every batch when the round closes): the rankings show counted answers only."""
    return PendingSurveyResponse.objects.filter(survey=survey).count()


@dataclass(frozen=True)
class CountyQuota:
    org_unit_id: int
    name: str
    issued: int
    answered: int


def quotas(survey: Survey) -> list[CountyQuota]:
    """Codes issued per county (its sample quota) and how many were answered."""
    rows = (SurveyCode.objects.filter(survey=survey).order_by("org_unit__path")
            .values("org_unit_id", "org_unit__name", "org_unit__path")
            .annotate(issued=Count("id"), answered=Count("id", filter=Q(used=True))))
    return [CountyQuota(r["org_unit_id"], r["org_unit__name"], r["issued"], r["answered"]) for r in rows]


def follow_ups_of(survey: Survey) -> QuerySet[SurveyFollowUp]:
    return SurveyFollowUp.objects.filter(survey=survey).select_related("org_unit", "problem").order_by("kind", "rank", "pk")


def received(survey: Survey) -> dict[int, int]:
    """county id → responses so far (counted and pending, codes and public link alike). Two grouped queries."""
    from zugong.assessment.models_survey import PendingSurveyResponse, SurveyResponse

    out: dict[int, int] = {}
    for model in (SurveyResponse, PendingSurveyResponse):
        for county_id, n in (model.objects.filter(survey=survey).order_by().values_list("org_unit_id")
                             .annotate(n=Count("id"))):
            out[county_id] = out.get(county_id, 0) + n
    return out


@dataclass(frozen=True)
class LinkQuota:
    county_id: int
    name: str
    target: int
    received: int

    @property
    def percent(self) -> int:
        return min(100, self.received * 100 // self.target) if self.target else 0


def link_quotas(survey: Survey) -> list[LinkQuota]:
    """The public link's quota per county with its progress (responses of every channel). Three queries."""
    from zugong.assessment.models_survey import SurveyQuota

    counts = received(survey)
    return [LinkQuota(q.org_unit_id, q.org_unit.name, q.target, counts.get(q.org_unit_id, 0))
            for q in SurveyQuota.objects.filter(survey=survey).select_related("org_unit").order_by("org_unit__path")]
