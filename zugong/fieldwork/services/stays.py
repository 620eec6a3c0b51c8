"""蹲点调研 (R06): batches, each participant's stay, the log of what was done and the suggestions
forwarded to departments with a reply deadline (转送 → 已回复 / 已采纳); what units spend on their
linked villages (联系点).

A stay's days are also written as field days (one row per cadre and day, `FieldDay`), the days R26
counts without double counting."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from zugong.cadres.models import Cadre
from zugong.core.audit import audit_record
from zugong.core.calendar import add_days
from zugong.core.errors import Conflict, IllegalTransition, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import OrgUnit
from zugong.core.permissions import Actor, require
from zugong.fieldwork.locks import lock_batch, lock_suggestion
from zugong.fieldwork.models import (
    SENIOR_RANK_LEVELS,
    SUGGESTION_ALLOWED,
    FieldBatch,
    FieldDay,
    FieldDayKind,
    FieldStay,
    LinkSpending,
    LogKind,
    PlaceKind,
    StayLog,
    Suggestion,
    SuggestionStatus,
)
from zugong.fieldwork.selectors_stays import ORGANISER_KINDS, PLACE_UNIT_KINDS
from zugong.rules.registry import param


def _dates(start: date, end: date) -> None:
    if end < start:
        raise ValidationFailed("结束日期不能早于开始日期", field="end_date")


@transaction.atomic
def batch_create(*, actor: Actor, jurisdiction: Jurisdiction, organiser: OrgUnit, theme: str, start_date: date,
                 end_date: date) -> FieldBatch:
    """The organiser's next batch of the year (numbered 1, 2, 3 … in the order they are created)."""
    require(jurisdiction, "fieldwork.batch_manage", organiser)
    if organiser.kind not in ORGANISER_KINDS:
        raise ValidationFailed("蹲点调研批次由省、市、县组织，请选择省、市或县", field="organiser")
    if not theme.strip():
        raise ValidationFailed("请填写调研主题", field="theme")
    _dates(start_date, end_date)
    year = start_date.year
    OrgUnit.objects.select_for_update(of=("self",)).filter(pk=organiser.pk).first()  # numbering: one at a time
    last = FieldBatch.objects.filter(organiser=organiser, year=year).aggregate(n=Max("number"))["n"] or 0
    batch = FieldBatch.objects.create(organiser=organiser, year=year, number=last + 1, theme=theme.strip()[:200],
                                      start_date=start_date, end_date=end_date)
    audit_record(actor=actor, action="fieldwork.batch_create", obj=batch, org_unit=organiser,
                 summary={"year": year, "number": batch.number, "theme": batch.theme})
    return batch


def _place(place_kind: str, place: OrgUnit | None, place_name: str) -> tuple[OrgUnit | None, str]:
    if place_kind not in PlaceKind.values:
        raise ValidationFailed("蹲点类型应为村、社区或企业", field="place_kind")
    if place_kind == PlaceKind.ENTERPRISE:
        if not place_name.strip():
            raise ValidationFailed("请填写蹲点企业的名称", field="place_name")
        return None, place_name.strip()[:120]
    if place is None or place.kind != PLACE_UNIT_KINDS[PlaceKind(place_kind)]:
        raise ValidationFailed(f"请选择蹲点的{PlaceKind(place_kind).label}", field="place")
    return place, place.name


@transaction.atomic
def stay_add(*, actor: Actor, jurisdiction: Jurisdiction, batch_id: int, cadre: Cadre, place_kind: str,
             place: OrgUnit | None = None, place_name: str = "", start_date: date, end_date: date) -> FieldStay:
    """A 处级以上 cadre of the jurisdiction joins the batch, staying at a village, community or enterprise."""
    batch = lock_batch(batch_id)
    require(jurisdiction, "fieldwork.batch_manage", batch.organiser)
    if not jurisdiction.contains(cadre.org_unit):
        raise ValidationFailed("该干部不在您的管辖范围内", field="cadre")
    if cadre.rank_level not in SENIOR_RANK_LEVELS:
        raise ValidationFailed(f"{cadre.name}不是处级以上干部，不能参加蹲点调研", field="cadre")
    unit, name = _place(place_kind, place, place_name)
    if unit is not None and not jurisdiction.contains(unit):
        raise ValidationFailed("蹲点村（社区）不在您的管辖范围内", field="place")
    _dates(start_date, end_date)
    if (end_date - start_date).days >= 366:
        raise ValidationFailed("一次蹲点不能超过一年", field="end_date")
    if FieldStay.objects.filter(batch=batch, cadre=cadre).exists():
        raise Conflict(f"{cadre.name}已参加{batch}")
    days = (end_date - start_date).days + 1
    stay = FieldStay.objects.create(batch=batch, cadre=cadre, place_kind=place_kind, place=unit, place_name=name,
                                    start_date=start_date, end_date=end_date, days=days)
    field_days_add(cadre=cadre, start=start_date, end=end_date, kind=FieldDayKind.STAY)
    audit_record(actor=actor, action="fieldwork.stay_add", obj=stay, org_unit=batch.organiser,
                 summary={"batch": batch.pk, "cadre": cadre.pk, "place": name, "days": days})
    return stay


def field_days_add(*, cadre: Cadre, start: date, end: date, kind: str) -> int:
    """Record each day of [start, end] as a field day of the cadre; days already recorded (by another stay
    or trip) are kept as they are. Returns how many days were new."""
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    before = FieldDay.objects.filter(cadre=cadre, day__range=(start, end)).count()
    FieldDay.objects.bulk_create([FieldDay(cadre=cadre, day=d, kind=kind) for d in days], ignore_conflicts=True,
                                 batch_size=500)
    return FieldDay.objects.filter(cadre=cadre, day__range=(start, end)).count() - before


@transaction.atomic
def stay_log_add(*, actor: Actor, jurisdiction: Jurisdiction, stay: FieldStay, day: date, kind: str, content: str,
                 money: Decimal | None = None, goods: str = "") -> StayLog:
    require(jurisdiction, "fieldwork.stay_record", stay.batch.organiser)
    if kind not in LogKind.values:
        raise ValidationFailed("请选择日志类型", field="kind")
    if not stay.start_date <= day <= stay.end_date:
        raise ValidationFailed(f"日期应在蹲点期间（{stay.start_date:%Y-%m-%d}至{stay.end_date:%Y-%m-%d}）内",
                               field="day")
    if not content.strip():
        raise ValidationFailed("请填写工作内容", field="content")
    if money is not None and money < 0:
        raise ValidationFailed("资金不能为负数", field="money")
    log = StayLog.objects.create(stay=stay, day=day, kind=kind, content=content.strip()[:5000],
                                 money=money or Decimal(0), goods=goods.strip()[:200])
    audit_record(actor=actor, action="fieldwork.stay_log_add", obj=log, org_unit=stay.batch.organiser,
                 summary={"stay": stay.pk, "day": day.isoformat(), "kind": kind, "money": str(log.money)})
    return log


def default_reply_due(organiser: OrgUnit, sent: date) -> date:
    """The reply day R06's `suggestions` part gives a suggestion forwarded on `sent` by a batch of `organiser`."""
    days = int(param("R06", "suggestions.days", org_unit=organiser, on=sent))
    return add_days(sent, days, workdays=bool(param("R06", "suggestions.workdays", org_unit=organiser, on=sent)))


@transaction.atomic
def suggestion_forward(*, actor: Actor, jurisdiction: Jurisdiction, stay: FieldStay, content: str,
                       department: OrgUnit, forwarded_on: date | None = None,
                       reply_due: date | None = None) -> Suggestion:
    """Forward (转送) a suggestion of the stay to a department, due for a reply by `reply_due`
    (R06's `suggestions.days` after forwarding — working days where its `workdays` is set — unless given)."""
    require(jurisdiction, "fieldwork.stay_record", stay.batch.organiser)
    if not jurisdiction.contains(department):
        raise ValidationFailed("转送部门不在您的管辖范围内", field="department")
    if not content.strip():
        raise ValidationFailed("请填写意见建议", field="content")
    sent = forwarded_on or timezone.localdate()
    due = reply_due or default_reply_due(stay.batch.organiser, sent)
    if due < sent:
        raise ValidationFailed("答复期限不能早于转送日期", field="reply_due")
    suggestion = Suggestion.objects.create(stay=stay, content=content.strip()[:5000], department=department,
                                           forwarded_on=sent, reply_due=due)
    audit_record(actor=actor, action="fieldwork.suggestion_forward", obj=suggestion, org_unit=stay.batch.organiser,
                 summary={"stay": stay.pk, "department": department.pk, "reply_due": due.isoformat()})
    return suggestion


@transaction.atomic
def suggestion_answer(*, actor: Actor, jurisdiction: Jurisdiction, suggestion_id: int, status: str, reply: str,
                      replied_on: date | None = None) -> Suggestion:
    """The department's reply (已回复), or the suggestion adopted (已采纳), as the transition table allows."""
    suggestion = lock_suggestion(suggestion_id)
    require(jurisdiction, "fieldwork.suggestion_answer", suggestion.stay.batch.organiser)
    if status not in SUGGESTION_ALLOWED.get(suggestion.status, set()):
        labels = dict(SuggestionStatus.choices)
        raise IllegalTransition(f"该建议当前为“{labels[suggestion.status]}”，不能改为“{labels.get(status, status)}”")
    if not reply.strip() and suggestion.status == SuggestionStatus.FORWARDED:
        raise ValidationFailed("请填写部门的答复意见", field="reply")
    day = replied_on or timezone.localdate()
    if day < suggestion.forwarded_on:
        raise ValidationFailed("答复日期不能早于转送日期", field="replied_on")
    changed = ["status"]
    if suggestion.replied_on is None:
        suggestion.replied_on = day
        changed.append("replied_on")
    if reply.strip():
        suggestion.reply = reply.strip()[:5000]
        changed.append("reply")
    suggestion.status = status
    suggestion.save(update_fields=changed)
    audit_record(actor=actor, action="fieldwork.suggestion_answer", obj=suggestion,
                 org_unit=suggestion.stay.batch.organiser,
                 summary={"status": status, "replied_on": suggestion.replied_on.isoformat()})
    return suggestion


@transaction.atomic
def link_spending_record(*, actor: Actor, jurisdiction: Jurisdiction, village: OrgUnit, giver: OrgUnit,
                         spent_on: date, purpose: str, amount: Decimal | None = None,
                         goods: str = "") -> LinkSpending:
    """Money or goods a unit gave its linked village (联系点), e.g. 2.2 万元 for a broadcast system."""
    require(jurisdiction, "fieldwork.spending_record", village)
    if village.kind not in PLACE_UNIT_KINDS.values():
        raise ValidationFailed("联系点应为村或社区", field="village")
    if not jurisdiction.contains(giver):
        raise ValidationFailed("联系单位不在您的管辖范围内", field="giver")
    if (amount is None or amount == 0) and not goods.strip():
        raise ValidationFailed("请填写资金或物资", field="amount")
    if amount is not None and amount < 0:
        raise ValidationFailed("资金不能为负数", field="amount")
    if not purpose.strip():
        raise ValidationFailed("请填写用途", field="purpose")
    row = LinkSpending.objects.create(village=village, giver=giver, spent_on=spent_on, amount=amount or Decimal(0),
                                      goods=goods.strip()[:200], purpose=purpose.strip()[:200])
    audit_record(actor=actor, action="fieldwork.link_spending_record", obj=row, org_unit=village,
                 summary={"giver": giver.pk, "amount": str(row.amount), "goods": row.goods})
    return row
