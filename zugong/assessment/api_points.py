"""JSON API of the points cards (R32) and of the uses of published results, mounted under /api/v1/ by
zugong/api.py; the same services and reads as the pages (`points_views.py`, `views.result_use`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from zugong.assessment import selectors
from zugong.assessment import selectors_points as read
from zugong.assessment.models import ResultUse
from zugong.assessment.models_points import PointEntry, PointItem
from zugong.assessment.services import points as svc
from zugong.assessment.services import uses
from zugong.cadres.selectors import cadre_get
from zugong.core.api_auth import permitted
from zugong.core.request import RowId, actor_of, jurisdiction_of
from zugong.core.selectors import org_unit_get

router = Router(tags=["assessment"])
VIEW = "assessment.points_view"
ID = Field(ge=1, le=2**31 - 1)


class PointItemOut(Schema):
    id: int
    org_unit_id: int
    org_unit: str
    name: str
    role: str = Field(description="适用对象（空为全部干部）")
    points: Decimal = Field(description="每次分值；负数为扣分")
    source: str = Field(description="系统数据来源（空为人工登记）：visits, duty, talks, meetings")


class PointItemIn(Schema):
    org_unit_id: int = ID
    name: str = Field(max_length=100)
    points: Decimal = Field(max_digits=6, decimal_places=2, description="每次分值；负数为扣分")
    role: str = Field("", max_length=40)
    source: str = Field("", max_length=20)


class PointEntryOut(Schema):
    id: int
    item_id: int
    item: str
    cadre_id: int
    cadre: str
    org_unit_id: int
    on: date
    quantity: Decimal
    points: Decimal = Field(description="项目分值 × 次数")
    evidence: str
    status: str = Field(description="pending 待审核, approved 已审核, rejected 未通过")
    auto: bool = Field(description="由系统数据计入")
    decision_note: str


class PointEntryIn(Schema):
    item_id: int = ID
    cadre_id: int = ID
    on: date
    quantity: Decimal = Field(Decimal("1"), gt=0, max_digits=7, decimal_places=2)
    evidence: str = Field(max_length=20000, description="佐证材料（必填）")


class PointDecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=300, description="不通过时必填")


class PointEntryFilters(Schema):
    status: str = Field("", pattern="^(|pending|approved|rejected)$")
    period: str = Field("", max_length=10, description="2026、2026Q1 或 2026-03；空为全部")
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=1_000_000)


class PointTotalsFilters(Schema):
    period: str = Field("", max_length=10, description="2026、2026Q1 或 2026-03；空为今天所在的 R32 评定周期")


class PointTotalOut(Schema):
    cadre_id: int
    name: str
    unit_id: int
    unit: str
    total: Decimal = Field(description="期间内已审核积分之和")
    rank: int = Field(description="本单位内名次，积分相同者名次相同")


def _item_out(i: PointItem) -> PointItemOut:
    return PointItemOut(id=i.pk, org_unit_id=i.org_unit_id, org_unit=i.org_unit.name, name=i.name, role=i.role,
                        points=i.points, source=i.source)


def _entry_out(e: PointEntry) -> PointEntryOut:
    return PointEntryOut(id=e.pk, item_id=e.item_id, item=e.item.name, cadre_id=e.cadre_id, cadre=e.cadre.name,
                         org_unit_id=e.org_unit_id, on=e.on, quantity=e.quantity, points=e.points,
                         evidence=e.evidence, status=e.status, auto=e.auto, decision_note=e.decision_note)


@router.get("/points/items", response=list[PointItemOut], summary="积分项目（本级和上级设置的）")
def point_items(request: HttpRequest) -> list[PointItemOut]:
    rows = read.items_applicable(jurisdiction_of(request, VIEW)).order_by("org_unit__path", "sort_order", "pk")
    return [_item_out(i) for i in rows]


@router.post("/points/items", auth=permitted(svc.MANAGE), response={201: PointItemOut}, summary="添加积分项目")
def point_item_add(request: HttpRequest, payload: PointItemIn) -> Status[PointItemOut]:
    jurisdiction = jurisdiction_of(request)
    item = svc.point_item_set(actor=actor_of(request), jurisdiction=jurisdiction,
                              org_unit=org_unit_get(jurisdiction, payload.org_unit_id), name=payload.name,
                              points=payload.points, role=payload.role, source=payload.source)
    return Status(201, _item_out(item))


@router.get("/points/entries", response=list[PointEntryOut], summary="积分记录")
def point_entries(request: HttpRequest, filters: Query[PointEntryFilters]) -> list[PointEntryOut]:
    rows = read.entries_visible(jurisdiction_of(request, VIEW)).order_by("-on", "-pk")
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.period:
        period = read.period_of(filters.period)
        rows = rows.filter(on__range=(period.start, period.end))
    return [_entry_out(e) for e in rows[filters.offset:filters.offset + filters.limit]]


@router.post("/points/entries", auth=permitted(svc.RECORD), response={201: PointEntryOut},
             summary="登记积分（附佐证材料，待审核）")
def point_entry_add(request: HttpRequest, payload: PointEntryIn) -> Status[PointEntryOut]:
    jurisdiction = jurisdiction_of(request)
    entry = svc.point_entry_record(actor=actor_of(request), jurisdiction=jurisdiction, item_id=payload.item_id,
                                   cadre=cadre_get(jurisdiction, payload.cadre_id), on=payload.on,
                                   quantity=payload.quantity, evidence=payload.evidence)
    return Status(201, _entry_out(read.entries_visible(jurisdiction).get(pk=entry.pk)))


@router.post("/points/entries/{entry_id}/decision",
             auth=permitted(svc.APPROVE, scope=read.entries_visible, by="entry_id"), response=PointEntryOut,
             summary="审核积分（不能审核本人登记的）")
def point_entry_decide(request: HttpRequest, entry_id: RowId, payload: PointDecisionIn) -> PointEntryOut:
    jurisdiction = jurisdiction_of(request)
    svc.point_entry_decide(actor=actor_of(request), jurisdiction=jurisdiction, entry_id=entry_id,
                           approve=payload.approve, note=payload.note)
    return _entry_out(read.entries_visible(jurisdiction).get(pk=entry_id))


@router.get("/points/totals", response=list[PointTotalOut], summary="期间积分与本单位排名")
def point_totals(request: HttpRequest, filters: Query[PointTotalsFilters]) -> list[PointTotalOut]:
    period = read.period_of(filters.period) if filters.period else read.current_period(timezone.localdate())
    return [PointTotalOut(**t.__dict__) for t in read.totals(jurisdiction_of(request, VIEW), period)]


class PointsFillIn(Schema):
    org_unit_id: int = ID
    period: str = Field("", max_length=10, description="2026、2026Q1 或 2026-03；空为今天所在的 R32 评定周期")


class PointsFillOut(Schema):
    org_unit_id: int
    period: str
    start: date
    end: date
    entries: int = Field(description="计入的自动积分条数（每个项目、干部和期间一条；再次计入时替换）")


@router.post("/points/fill", auth=permitted(svc.MANAGE), response=PointsFillOut,
             summary="从系统数据计入积分（入户走访、值班签到、谈心谈话、参加会议、办结工单）")
def points_fill(request: HttpRequest, payload: PointsFillIn) -> PointsFillOut:
    jurisdiction = jurisdiction_of(request)
    period = read.period_of(payload.period) if payload.period else read.current_period(timezone.localdate())
    unit = org_unit_get(jurisdiction, payload.org_unit_id)
    n = svc.points_fill(actor=actor_of(request), jurisdiction=jurisdiction, org_unit=unit, start=period.start,
                        end=period.end)
    return PointsFillOut(org_unit_id=unit.pk, period=period.text, start=period.start, end=period.end, entries=n)


# --- uses of published results ----------------------------------------------------------------------------

class ResultUseOut(Schema):
    id: int
    subject_id: int
    subject: str
    rating: str
    kind: str = Field(description="commendation 表彰, priority_use 优先使用, admonishment 诫勉谈话, "
                                  "post_adjustment 岗位调整建议")
    kind_label: str
    decided_on: date
    note: str
    supervision_action_id: int | None = Field(description="诫勉谈话记入谈话模块的监督措施")


class ResultUseIn(Schema):
    subject_id: int = ID
    kind: str = Field(max_length=16)
    decided_on: date
    note: str = Field("", max_length=300)


def _use_out(u: ResultUse) -> ResultUseOut:
    return ResultUseOut(id=u.pk, subject_id=u.subject_id, subject=u.subject.name, rating=u.subject.rating,
                        kind=u.kind, kind_label=str(u.get_kind_display()), decided_on=u.decided_on, note=u.note,
                        supervision_action_id=u.supervision_action_id)


@router.get("/assessments/{campaign_id}/uses", response=list[ResultUseOut],
            summary="考核结果运用（仅考核工作人员可见）")
def result_uses(request: HttpRequest, campaign_id: RowId) -> list[ResultUseOut]:
    campaign = selectors.campaign_get(jurisdiction_of(request, "assessment.rating_set"), campaign_id)
    return [_use_out(u) for u in selectors.result_uses_of(campaign)]


@router.post("/assessments/{campaign_id}/uses",
             auth=permitted("assessment.result_use", scope=selectors.campaigns_visible, by="campaign_id"),
             response={201: ResultUseOut}, summary="登记考核结果运用（公布后；须与等次相符）")
def result_use_record(request: HttpRequest, campaign_id: RowId, payload: ResultUseIn) -> Status[ResultUseOut]:
    jurisdiction = jurisdiction_of(request)
    campaign = selectors.campaign_get(jurisdiction, campaign_id)
    use = uses.result_use_record(actor=actor_of(request), jurisdiction=jurisdiction, campaign_id=campaign.pk,
                                 subject_id=payload.subject_id, kind=payload.kind, decided_on=payload.decided_on,
                                 note=payload.note)
    return Status(201, _use_out(selectors.result_uses_of(campaign).get(pk=use.pk)))
