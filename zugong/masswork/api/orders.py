"""Order endpoints (民心墙): list, detail, member suggestions, and the transitions dispatch / accept /
complete / rate / explain. A transition the order's state does not allow answers 409 with a Chinese
message."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from zugong.core.api_auth import permitted
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.request import Limit, Offset, RowId, actor_of, jurisdiction_of
from zugong.core.schemas import Out
from zugong.masswork import selectors
from zugong.masswork.models import Channel, ServiceCategory, ServiceOrder, Urgency
from zugong.masswork.services import orders as order_services
from zugong.masswork.services.orders import resident_name_shown
from zugong.masswork.services.validation import mask_phone

router = Router(tags=["orders"])


class OrderOut(Out):
    id: int
    wall_id: int
    wall: str
    status: str
    status_label: str
    channel: str
    category: str
    urgency: int
    resident_name: str
    resident_phone: str  # masked (138****8000): GET /orders/{id}/resident-phone gives it in full, logged
    description: str
    ordered_at: datetime
    dispatch_due: date
    member_id: int | None
    member: str | None
    dispatched_at: datetime | None
    handle_due: date | None
    accepted_at: datetime | None
    done_at: datetime | None
    report: str
    rating: str
    rating_reason: str
    explanation: str


def order_out(order: ServiceOrder, jurisdiction: Jurisdiction) -> OrderOut:
    """The order as `jurisdiction` may see it: the resident's name and phone masked unless its role calls
    residents back (the phone in full only through /resident-phone, logged)."""
    return OrderOut(
        id=order.pk, wall_id=order.wall_id, wall=order.wall.name, status=order.status,
        status_label=str(order.get_status_display()), channel=order.channel, category=order.category,
        urgency=order.urgency, resident_name=resident_name_shown(jurisdiction=jurisdiction, order=order),
        resident_phone=mask_phone(order.resident_phone),
        description=order.description, ordered_at=order.ordered_at, dispatch_due=order.dispatch_due,
        member_id=order.member_id, member=order.member.name if order.member else None,
        dispatched_at=order.dispatched_at, handle_due=order.handle_due, accepted_at=order.accepted_at,
        done_at=order.done_at, report=order.report, rating=order.rating, rating_reason=order.rating_reason,
        explanation=order.explanation,
    )


class OrderIn(Schema):
    wall_id: RowId
    channel: str = Channel.PHONE
    category: str = ServiceCategory.OTHER
    urgency: int = Urgency.NORMAL
    resident_name: str
    resident_phone: str
    address: str = ""
    description: str


class DispatchIn(Schema):
    member_id: RowId
    handle_due: date | None = None


class CompleteIn(Schema):
    report: str


class RateIn(Schema):
    rating: str
    reason: str = ""


class ExplainIn(Schema):
    explanation: str


class SuggestionOut(Out):
    member_id: int
    name: str
    score: int
    specialty_hits: int
    claims_post: bool
    load: int


class WallStatsOut(Out):
    total: int
    dispatched: int
    done: int
    satisfied: int
    basic: int
    unsatisfied: int
    overdue: int
    satisfaction_rate: float


@router.get("/orders", response=list[OrderOut])
def order_list(request: HttpRequest, status: str = "", wall_id: RowId | None = None, overdue: bool = False,
               limit: Limit = 50, offset: Offset = 0) -> list[OrderOut]:
    jurisdiction = jurisdiction_of(request, "masswork.order_view")
    orders = selectors.order_list(jurisdiction, status=status, wall_id=wall_id,
                                  overdue_on=timezone.localdate() if overdue else None,
                                  limit=max(1, min(limit, 500)), offset=max(0, offset))
    return [order_out(o, jurisdiction) for o in orders]


@router.post("/orders", auth=permitted("masswork.order_place"), response={201: OrderOut})
def order_create(request: HttpRequest, payload: OrderIn) -> Status[OrderOut]:
    jurisdiction = jurisdiction_of(request)
    wall = selectors.wall_get(jurisdiction, payload.wall_id)
    order = order_services.order_place(
        actor=actor_of(request), jurisdiction=jurisdiction, wall=wall, channel=payload.channel, category=payload.category,
        urgency=payload.urgency, resident_name=payload.resident_name, resident_phone=payload.resident_phone,
        address=payload.address, description=payload.description)
    return Status(201, order_out(selectors.order_get(jurisdiction, order.pk), jurisdiction))


@router.get("/orders/{order_id}", response=OrderOut)
def order_detail(request: HttpRequest, order_id: RowId) -> OrderOut:
    jurisdiction = jurisdiction_of(request, "masswork.order_view")
    return order_out(selectors.order_get(jurisdiction, order_id), jurisdiction)


@router.get("/orders/{order_id}/suggestions", response=list[SuggestionOut])
def order_suggestions(request: HttpRequest, order_id: RowId) -> list[SuggestionOut]:
    order = selectors.order_get(jurisdiction_of(request, "masswork.order_view"), order_id)
    return [SuggestionOut(member_id=s.member.pk, name=s.member.name, score=s.score,
                          specialty_hits=s.specialty_hits, claims_post=s.claims_post, load=s.load)
            for s in selectors.member_suggestions(order)]


@router.post("/orders/{order_id}/dispatch",
             auth=permitted("masswork.order_dispatch", scope=selectors.orders_visible, by="order_id"),
             response=OrderOut)
def order_dispatch(request: HttpRequest, order_id: RowId, payload: DispatchIn) -> OrderOut:
    jurisdiction = jurisdiction_of(request)
    selectors.order_get(jurisdiction, order_id)  # 404 outside the jurisdiction, before any lock
    order_services.order_dispatch(actor=actor_of(request), jurisdiction=jurisdiction, order_id=order_id,
                                  member_id=payload.member_id, handle_due=payload.handle_due)
    return order_out(selectors.order_get(jurisdiction, order_id), jurisdiction)


@router.post("/orders/{order_id}/accept",
             auth=permitted("masswork.order_accept", scope=selectors.orders_visible, by="order_id"),
             response=OrderOut)
def order_accept(request: HttpRequest, order_id: RowId) -> OrderOut:
    jurisdiction = jurisdiction_of(request)
    selectors.order_get(jurisdiction, order_id)
    order_services.order_accept(actor=actor_of(request), jurisdiction=jurisdiction, order_id=order_id)
    return order_out(selectors.order_get(jurisdiction, order_id), jurisdiction)


@router.post("/orders/{order_id}/complete",
             auth=permitted("masswork.order_complete", scope=selectors.orders_visible, by="order_id"),
             response=OrderOut)
def order_complete(request: HttpRequest, order_id: RowId, payload: CompleteIn) -> OrderOut:
    jurisdiction = jurisdiction_of(request)
    selectors.order_get(jurisdiction, order_id)
    order_services.order_complete(actor=actor_of(request), jurisdiction=jurisdiction,
                                  order_id=order_id, report=payload.report)
    return order_out(selectors.order_get(jurisdiction, order_id), jurisdiction)


@router.post("/orders/{order_id}/rate",
             auth=permitted("masswork.order_rate_on_behalf", scope=selectors.orders_visible, by="order_id"),
             response=OrderOut)
def order_rate(request: HttpRequest, order_id: RowId, payload: RateIn) -> OrderOut:
    """A rating taken down by staff (by phone); residents rate on the public page with their code."""
    jurisdiction = jurisdiction_of(request)
    selectors.order_get(jurisdiction, order_id)
    order_services.order_rate_on_behalf(actor=actor_of(request), jurisdiction=jurisdiction,
                                        order_id=order_id, rating=payload.rating, reason=payload.reason)
    return order_out(selectors.order_get(jurisdiction, order_id), jurisdiction)


@router.post("/orders/{order_id}/explain",
             auth=permitted("masswork.order_explain", scope=selectors.orders_visible, by="order_id"),
             response=OrderOut)
def order_explain(request: HttpRequest, order_id: RowId, payload: ExplainIn) -> OrderOut:
    jurisdiction = jurisdiction_of(request)
    selectors.order_get(jurisdiction, order_id)
    order_services.order_explain(actor=actor_of(request), jurisdiction=jurisdiction,
                                 order_id=order_id, explanation=payload.explanation)
    return order_out(selectors.order_get(jurisdiction, order_id), jurisdiction)


@router.get("/walls/{wall_id}/stats", response=WallStatsOut)
def wall_stats(request: HttpRequest, wall_id: RowId) -> WallStatsOut:
    jurisdiction = jurisdiction_of(request, "masswork.order_view")
    wall = selectors.wall_get(jurisdiction, wall_id)
    stats = selectors.order_stats(selectors.orders_visible(jurisdiction).filter(wall_id=wall.pk),
                                  today=timezone.localdate())
    return WallStatsOut(**stats.__dict__, satisfaction_rate=stats.satisfaction_rate)


@router.get("/walls/{wall_id}/members/stats", response=list[selectors.MemberStats])
def wall_member_stats(request: HttpRequest, wall_id: RowId) -> list[selectors.MemberStats]:
    wall = selectors.wall_get(jurisdiction_of(request, "masswork.order_view"), wall_id)
    return selectors.member_stats(wall)

