"""JSON API of 蹲点调研 (R06), mounted with the field work router under /api/v1/: batches, stays, their
logs and the suggestions forwarded to departments. A row outside the caller's jurisdiction is 404."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from annotated_types import Interval
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from zugong.cadres.selectors import cadres_visible
from zugong.core.api_auth import permitted
from zugong.core.errors import ValidationFailed
from zugong.core.request import Limit, Offset, RowId, actor_of, jurisdiction_of
from zugong.fieldwork import selectors, selectors_stays
from zugong.fieldwork.models import FieldBatch, FieldStay, LogKind, PlaceKind, Suggestion, SuggestionStatus
from zugong.fieldwork.services.stays import (
    batch_create,
    link_spending_record,
    stay_add,
    stay_log_add,
    suggestion_answer,
    suggestion_forward,
)

router = Router(tags=["fieldwork"])
Year = Annotated[int, Interval(ge=2000, le=2100)]
VIEW = "fieldwork.stay_view"


class BatchOut(Schema):
    id: int
    organiser_id: int
    organiser: str
    year: int
    number: int
    theme: str
    start_date: date
    end_date: date
    stays: int


def _batch(batch: FieldBatch, stays: int | None = None) -> BatchOut:
    return BatchOut(id=batch.pk, organiser_id=batch.organiser_id, organiser=batch.organiser.name, year=batch.year,
                    number=batch.number, theme=batch.theme, start_date=batch.start_date, end_date=batch.end_date,
                    stays=stays if stays is not None else getattr(batch, "stay_count", 0))


class StayOut(Schema):
    id: int
    batch_id: int
    cadre_id: int
    cadre: str
    place_kind: str
    place_id: int | None
    place_name: str
    start_date: date
    end_date: date
    days: int


def _stay(stay: FieldStay) -> StayOut:
    return StayOut(id=stay.pk, batch_id=stay.batch_id, cadre_id=stay.cadre_id, cadre=stay.cadre.name,
                   place_kind=stay.place_kind, place_id=stay.place_id, place_name=stay.place_name,
                   start_date=stay.start_date, end_date=stay.end_date, days=stay.days)


class StaySuggestionOut(Schema):
    id: int
    stay_id: int
    content: str
    department_id: int
    department: str
    forwarded_on: date
    reply_due: date
    status: str
    replied_on: date | None
    reply: str


def _suggestion(s: Suggestion) -> StaySuggestionOut:
    return StaySuggestionOut(id=s.pk, stay_id=s.stay_id, content=s.content, department_id=s.department_id,
                         department=s.department.name, forwarded_on=s.forwarded_on, reply_due=s.reply_due,
                         status=s.status, replied_on=s.replied_on, reply=s.reply)


@router.get("/field-batches", response=list[BatchOut], summary="蹲点调研批次")
def field_batches(request: HttpRequest, year: Year | None = None, limit: Limit = 100,
                  offset: Offset = 0) -> list[BatchOut]:
    rows = selectors_stays.batches_visible(jurisdiction_of(request, VIEW))
    if year is not None:
        rows = rows.filter(year=year)
    return [_batch(b) for b in rows[offset:offset + limit]]


class BatchIn(Schema):
    organiser_id: RowId
    theme: str = Field(..., min_length=1, max_length=200)
    start_date: date
    end_date: date


@router.post("/field-batches", auth=permitted("fieldwork.batch_manage"), response={201: BatchOut},
             summary="新建蹲点调研批次")
def field_batch_create(request: HttpRequest, payload: BatchIn) -> Status[BatchOut]:
    jurisdiction = jurisdiction_of(request)
    organiser = selectors.visible_unit(jurisdiction, payload.organiser_id)
    batch = batch_create(actor=actor_of(request), jurisdiction=jurisdiction, organiser=organiser,
                         theme=payload.theme, start_date=payload.start_date, end_date=payload.end_date)
    return Status(201, _batch(batch, 0))


@router.get("/field-stays", response=list[StayOut], summary="蹲点调研人员及蹲点地点")
def field_stays(request: HttpRequest, batch_id: RowId | None = None, limit: Limit = 100,
                offset: Offset = 0) -> list[StayOut]:
    rows = selectors_stays.stays_visible(jurisdiction_of(request, VIEW))
    if batch_id is not None:
        rows = rows.filter(batch_id=batch_id)
    return [_stay(s) for s in rows.order_by("batch_id", "start_date", "pk")[offset:offset + limit]]


class StayIn(Schema):
    cadre_id: RowId
    place_kind: PlaceKind
    place_id: RowId | None = None
    place_name: str = Field("", max_length=120)
    start_date: date
    end_date: date


@router.post("/field-batches/{batch_id}/stays", response={201: StayOut}, summary="登记参加蹲点调研的干部",
             auth=permitted("fieldwork.batch_manage", scope=selectors_stays.batches_visible, by="batch_id"))
def field_stay_add(request: HttpRequest, batch_id: RowId, payload: StayIn) -> Status[StayOut]:
    jurisdiction = jurisdiction_of(request)
    cadre = cadres_visible(jurisdiction).filter(pk=payload.cadre_id).first()
    if cadre is None:
        raise ValidationFailed("未找到该干部，或不在您的管辖范围内", field="cadre_id")
    place = selectors.visible_unit(jurisdiction, payload.place_id) if payload.place_id is not None else None
    stay = stay_add(actor=actor_of(request), jurisdiction=jurisdiction, batch_id=batch_id, cadre=cadre,
                    place_kind=payload.place_kind, place=place, place_name=payload.place_name,
                    start_date=payload.start_date, end_date=payload.end_date)
    return Status(201, _stay(stay))


class LogIn(Schema):
    day: date
    kind: LogKind
    content: str = Field(..., min_length=1, max_length=5000)
    money: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    goods: str = Field("", max_length=200)


class LogOut(Schema):
    id: int
    stay_id: int
    day: date
    kind: str
    content: str
    money: Decimal
    goods: str


@router.post("/field-stays/{stay_id}/logs", response={201: LogOut}, summary="登记蹲点日志（办实事等）",
             auth=permitted("fieldwork.stay_record", scope=selectors_stays.stays_visible, by="stay_id"))
def field_stay_log(request: HttpRequest, stay_id: RowId, payload: LogIn) -> Status[LogOut]:
    jurisdiction = jurisdiction_of(request)
    stay = selectors_stays.stay_get(jurisdiction, stay_id)
    log = stay_log_add(actor=actor_of(request), jurisdiction=jurisdiction, stay=stay, day=payload.day,
                       kind=payload.kind, content=payload.content, money=payload.money, goods=payload.goods)
    return Status(201, LogOut(id=log.pk, stay_id=stay.pk, day=log.day, kind=log.kind, content=log.content,
                              money=log.money, goods=log.goods))


class SuggestionIn(Schema):
    content: str = Field(..., min_length=1, max_length=5000)
    department_id: RowId
    forwarded_on: date | None = None
    reply_due: date | None = None


@router.post("/field-stays/{stay_id}/suggestions", response={201: StaySuggestionOut}, summary="转送蹲点调研意见建议",
             auth=permitted("fieldwork.stay_record", scope=selectors_stays.stays_visible, by="stay_id"))
def field_suggestion_forward(request: HttpRequest, stay_id: RowId, payload: SuggestionIn) -> Status[StaySuggestionOut]:
    jurisdiction = jurisdiction_of(request)
    stay = selectors_stays.stay_get(jurisdiction, stay_id)
    department = selectors.visible_unit(jurisdiction, payload.department_id)
    suggestion = suggestion_forward(actor=actor_of(request), jurisdiction=jurisdiction, stay=stay,
                                    content=payload.content, department=department,
                                    forwarded_on=payload.forwarded_on, reply_due=payload.reply_due)
    return Status(201, _suggestion(suggestion))


@router.get("/suggestions", response=list[StaySuggestionOut], summary="蹲点调研意见建议及办理情况")
def field_suggestions(request: HttpRequest, status: SuggestionStatus | None = None, overdue: bool = False,
                      limit: Limit = 100, offset: Offset = 0) -> list[StaySuggestionOut]:
    jurisdiction = jurisdiction_of(request, VIEW)
    rows = (selectors_stays.suggestions_overdue(jurisdiction, timezone.localdate()) if overdue
            else selectors_stays.suggestions_visible(jurisdiction))
    if status is not None:
        rows = rows.filter(status=status)
    return [_suggestion(s) for s in rows[offset:offset + limit]]


class AnswerIn(Schema):
    status: SuggestionStatus
    reply: str = Field("", max_length=5000)
    replied_on: date | None = None


@router.post("/suggestions/{suggestion_id}/answer", response=StaySuggestionOut, summary="登记部门答复或采纳",
             auth=permitted("fieldwork.suggestion_answer", scope=selectors_stays.suggestions_visible,
                            by="suggestion_id"))
def field_suggestion_answer(request: HttpRequest, suggestion_id: RowId, payload: AnswerIn) -> StaySuggestionOut:
    jurisdiction = jurisdiction_of(request)
    suggestion = suggestion_answer(actor=actor_of(request), jurisdiction=jurisdiction, suggestion_id=suggestion_id,
                                   status=payload.status, reply=payload.reply, replied_on=payload.replied_on)
    return _suggestion(suggestion)


class SpendingTotal(Schema):
    village_id: int
    village: str
    money: Decimal
    times: int


@router.get("/link-spendings", response=list[SpendingTotal], summary="联系点投入（按村合计）")
def link_spending_totals(request: HttpRequest, year: Year | None = None) -> list[SpendingTotal]:
    rows = selectors_stays.spending_totals(jurisdiction_of(request, VIEW), year or timezone.localdate().year)
    return [SpendingTotal(village_id=r["village_id"], village=r["village__name"], money=r["money"] or Decimal(0),
                          times=r["times"]) for r in rows[:1000]]


class SpendingIn(Schema):
    village_id: RowId
    giver_id: RowId
    spent_on: date
    amount: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    goods: str = Field("", max_length=200)
    purpose: str = Field(..., min_length=1, max_length=200)


class SpendingOut(Schema):
    id: int
    village_id: int
    amount: Decimal
    goods: str


@router.post("/link-spendings", auth=permitted("fieldwork.spending_record"), response={201: SpendingOut},
             summary="登记联系点投入（资金、物资）")
def link_spending_create(request: HttpRequest, payload: SpendingIn) -> Status[SpendingOut]:
    jurisdiction = jurisdiction_of(request)
    village = selectors.visible_unit(jurisdiction, payload.village_id)
    giver = selectors.visible_unit(jurisdiction, payload.giver_id)
    row = link_spending_record(actor=actor_of(request), jurisdiction=jurisdiction, village=village, giver=giver,
                               spent_on=payload.spent_on, amount=payload.amount, goods=payload.goods,
                               purpose=payload.purpose)
    return Status(201, SpendingOut(id=row.pk, village_id=village.pk, amount=row.amount, goods=row.goods))
