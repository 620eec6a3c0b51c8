"""API of 报备 (the superior's review of a selection's plan) and of the selection counts
(`GET /selections/stats`). Mounted by `selection.api`'s router (endpoints: docs/selection.md)."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from zugong.core.api_auth import permitted
from zugong.core.errors import ValidationFailed
from zugong.core.request import Limit, Offset, RowId, actor_of, jurisdiction_of
from zugong.core.selectors import org_roots, org_unit_by_code
from zugong.selection import selectors
from zugong.selection.models import PlanReview, ReviewDecision
from zugong.selection.services import review as svc
from zugong.selection.stats import selection_stats

router = Router(tags=["selection"])


class ReviewOut(Schema):
    id: int
    selection_id: int
    selection: str
    org_unit: str
    reviewer_unit_id: int
    reviewer_unit: str
    submitted_on: date
    decision: str
    decision_label: str
    reason: str
    reviewed_on: date | None


class ReviewFilters(Schema):
    decision: str = Field("", max_length=10)
    limit: Limit = 50
    offset: Offset = 0


class PlanSubmitIn(Schema):
    on: date | None = Field(None, description="报备日期；不填为今天")


class PlanDecideIn(Schema):
    decision: str = Field(description="approved 同意, adjust 责令调整")
    reason: str = Field("", max_length=5000, description="责令调整时必填")
    on: date | None = Field(None, description="审核日期；不填为今天")


class StatsOut(Schema):
    org: str
    start: date
    end: date
    reported: int = Field(description="报备（上级审核）的选拔任用工作方案数")
    adjusted: int = Field(description="其中责令调整的")
    decided_by_vote: int = Field(description="全委会票决的干部人数")
    checked: int = Field(description="个人有关事项报告核查办结的人数")
    not_truthful: int = Field(description="其中漏报、瞒报（未如实报告）的人数")
    handled: dict[str, int] = Field(description="未如实报告者的处理方式 → 人数")
    sentence: str


def review_out(r: PlanReview) -> ReviewOut:
    return ReviewOut(id=r.pk, selection_id=r.selection_id, selection=r.selection.title,
                     org_unit=r.selection.org_unit.name, reviewer_unit_id=r.reviewer_unit_id,
                     reviewer_unit=r.reviewer_unit.name, submitted_on=r.submitted_on, decision=r.decision,
                     decision_label=str(r.get_decision_display()), reason=r.reason, reviewed_on=r.reviewed_on)


def _day(raw: str | None, name: str) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed(f"{name} 应为日期（YYYY-MM-DD）", field=name) from None


def stats(request: HttpRequest, org: str = "") -> StatsOut:
    """?org=DIVISION_CODE&from=YYYY-MM-DD&to=YYYY-MM-DD; without org the caller's top unit, without from/to
    the current year (`from` is read raw: it is a Python keyword). Mounted in `selection.api` ahead of
    `/selections/{selection_id}`, which would take "stats" for an id."""
    jurisdiction = jurisdiction_of(request, "selection.selection_view")
    if len(org) > 20:
        raise ValidationFailed("区划代码太长", field="org")
    unit = org_unit_by_code(jurisdiction, org) if org else org_roots(jurisdiction).first()
    if unit is None:
        raise ValidationFailed("请提供统计单位 org（区划代码）", field="org")
    today = timezone.localdate()
    start = _day(request.GET.get("from"), "from") or date(today.year, 1, 1)
    end = _day(request.GET.get("to"), "to") or date(today.year, 12, 31)
    if end < start:
        raise ValidationFailed("统计期间的结束日期不能早于开始日期", field="to")
    figures = selection_stats(unit, start, end)
    return StatsOut(org=unit.division_code or unit.name, start=start, end=end, reported=figures.reported,
                    adjusted=figures.adjusted, decided_by_vote=figures.decided_by_vote, checked=figures.checked,
                    not_truthful=figures.not_truthful, handled=figures.handled, sentence=figures.sentence(unit))


@router.get("/plan-reviews", response=list[ReviewOut], summary="方案报备及审核")
def review_list(request: HttpRequest, filters: Query[ReviewFilters]) -> list[ReviewOut]:
    jurisdiction = jurisdiction_of(request, "selection.selection_view")
    if filters.decision and filters.decision not in ReviewDecision.values:
        raise ValidationFailed(f"不支持的审核意见：{filters.decision}", field="decision")
    rows = selectors.review_list(jurisdiction, decision=filters.decision)
    return [review_out(r) for r in rows[filters.offset:filters.offset + filters.limit]]


@router.post("/selections/{selection_id}/plan-reviews", response={201: ReviewOut},
             auth=permitted("selection.plan_submit", scope=selectors.selections_visible, by="selection_id"),
             summary="将选拔任用工作方案报上级组织部门审核（报备）")
def review_submit(request: HttpRequest, selection_id: RowId, payload: PlanSubmitIn) -> Status[ReviewOut]:
    jurisdiction = jurisdiction_of(request)
    review = svc.plan_submit(actor=actor_of(request), jurisdiction=jurisdiction, selection_id=selection_id,
                             on=payload.on or timezone.localdate())
    return Status(201, review_out(selectors.review_get(jurisdiction, review.pk)))


@router.post("/plan-reviews/{review_id}", response=ReviewOut,
             auth=permitted("selection.plan_review", scope=selectors.reviews_visible, by="review_id"),
             summary="上级组织部门审核报备的方案：同意或责令调整")
def review_decide(request: HttpRequest, review_id: RowId, payload: PlanDecideIn) -> ReviewOut:
    jurisdiction = jurisdiction_of(request)
    svc.plan_review(actor=actor_of(request), jurisdiction=jurisdiction, review_id=review_id,
                    decision=payload.decision, reason=payload.reason, on=payload.on or timezone.localdate())
    return review_out(selectors.review_get(jurisdiction, review_id))
