"""Points cards (R32): items set by the org department; entries typed with evidence by the unit and approved
by the org department (never by the person who entered them); entries counted from zugong's own data for
a period (visits made, duty check-ins, talks held as talker, meetings attended, 民心墙 orders completed by
the wall member who is the cadre — see `order_links`), one per item, cadre and
period, recounted when filled again.

An entry's points = the item's points × the quantity (a count from data, or what was typed)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone

from zugong.assessment.models_points import EntryStatus, PointEntry, PointItem
from zugong.cadres.models import Cadre, CadreStatus
from zugong.core.audit import audit_record
from zugong.core.errors import Conflict, NotFound, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import OrgUnit
from zugong.core.permissions import Actor, require

MANAGE, RECORD, APPROVE = "assessment.points_manage", "assessment.points_record", "assessment.points_approve"


def _visits(cadres: QuerySet[Cadre], start: date, end: date) -> dict[int, int]:
    from zugong.masswork.models import HouseholdVisit

    rows = (HouseholdVisit.objects.filter(cadre__in=cadres, visited_on__range=(start, end))
            .values_list("cadre_id").annotate(n=Count("id")))
    return dict(rows)


def _duty(cadres: QuerySet[Cadre], start: date, end: date) -> dict[int, int]:
    from zugong.masswork.models import DutyShift

    rows = (DutyShift.objects.filter(cadre__in=cadres, day__range=(start, end), checked_in_at__isnull=False)
            .values_list("cadre_id").annotate(n=Count("id")))
    return dict(rows)


def _talks(cadres: QuerySet[Cadre], start: date, end: date) -> dict[int, int]:
    from zugong.talks.models import Talk

    rows = (Talk.objects.filter(talkers__cadre__in=cadres, held_on__range=(start, end))
            .values_list("talkers__cadre_id").annotate(n=Count("id", distinct=True)))
    return dict(rows)


def _meetings(cadres: QuerySet[Cadre], start: date, end: date) -> dict[int, int]:
    from zugong.meetings.models import MeetingAttendee

    rows = (MeetingAttendee.objects.filter(cadre__in=cadres, meeting__held_on__range=(start, end))
            .values_list("cadre_id").annotate(n=Count("meeting_id", distinct=True)))
    return dict(rows)


def _orders(cadres: QuerySet[Cadre], start: date, end: date) -> dict[int, int]:
    from zugong.assessment.order_links import orders_completed

    return orders_completed(cadres, start, end)


@dataclass(frozen=True)
class PointSource:
    key: str
    label: str
    count: Callable[[QuerySet[Cadre], date, date], dict[int, int]]  # cadre id → occurrences in the period


SOURCES: dict[str, PointSource] = {s.key: s for s in (
    PointSource("visits", "入户走访", _visits),
    PointSource("duty", "值班签到", _duty),
    PointSource("talks", "开展谈心谈话", _talks),
    PointSource("meetings", "参加会议", _meetings),
    PointSource("orders", "办结工单", _orders),
)}


@transaction.atomic
def point_item_set(*, actor: Actor, jurisdiction: Jurisdiction, org_unit: OrgUnit, name: str, points: Decimal,
                   role: str = "", source: str = "") -> PointItem:
    require(jurisdiction, MANAGE, org_unit)
    if not name.strip():
        raise ValidationFailed("请填写积分项目", field="name")
    if points == 0 or abs(points) > 1000:
        raise ValidationFailed("每次分值不能为 0，且绝对值不超过 1000（扣分项填负数）", field="points")
    if source and source not in SOURCES:
        raise ValidationFailed("系统数据无效", field="source")
    item = PointItem.objects.create(org_unit=org_unit, name=name.strip(), points=points, role=role.strip(),
                                    source=source, sort_order=PointItem.objects.filter(org_unit=org_unit).count())
    audit_record(actor=actor, action="assessment.point_item_set", obj=item, org_unit=org_unit,
                 summary={"name": item.name, "points": str(points), "source": source})
    return item


def _item_for(cadre: Cadre, item_id: int) -> PointItem:
    item = PointItem.objects.select_related("org_unit").filter(pk=item_id).first()
    if item is None or not cadre.org_unit.path.startswith(item.org_unit.path):
        raise ValidationFailed("该积分项目不适用于这名干部", field="item")
    if item.source:
        raise ValidationFailed(f"“{item.name}”由系统数据计入，不能手工登记", field="item")
    return item


@transaction.atomic
def point_entry_record(*, actor: Actor, jurisdiction: Jurisdiction, item_id: int, cadre: Cadre, on: date,
                       quantity: Decimal, evidence: str) -> PointEntry:
    require(jurisdiction, RECORD, cadre.org_unit)
    item = _item_for(cadre, item_id)
    if not Decimal("0") < quantity <= Decimal("1000"):
        raise ValidationFailed("次数须大于 0 且不超过 1000", field="quantity")
    if not evidence.strip():
        raise ValidationFailed("请填写佐证材料", field="evidence")
    if on > timezone.localdate():
        raise ValidationFailed("日期不能晚于今天", field="on")
    entry = PointEntry.objects.create(item=item, cadre=cadre, org_unit=cadre.org_unit, on=on, quantity=quantity,
                                      points=item.points * quantity, evidence=evidence.strip(),
                                      entered_by_id=actor.pk if actor is not None else None)
    audit_record(actor=actor, action="assessment.point_entry_record", obj=entry, org_unit=cadre.org_unit,
                 summary={"item": item.pk, "cadre": cadre.pk, "points": str(entry.points)})
    return entry


@transaction.atomic
def point_entry_decide(*, actor: Actor, jurisdiction: Jurisdiction, entry_id: int, approve: bool,
                       note: str = "") -> PointEntry:
    entry = (PointEntry.objects.select_for_update(of=("self",)).select_related("org_unit", "item")
             .filter(pk=entry_id).first())
    if entry is None:
        raise NotFound("未找到该积分记录")
    require(jurisdiction, APPROVE, entry.org_unit)
    if entry.status != EntryStatus.PENDING:
        raise Conflict(f"该积分记录{EntryStatus(entry.status).label}，不能再审核")
    if actor is not None and entry.entered_by_id == actor.pk:
        raise Conflict("不能审核自己登记的积分")
    if not approve and not note.strip():
        raise ValidationFailed("不通过须写明理由", field="note")
    entry.status = EntryStatus.APPROVED if approve else EntryStatus.REJECTED
    entry.decided_by_id, entry.decided_at, entry.decision_note = (actor.pk if actor else None), timezone.now(), note
    entry.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_record(actor=actor, action="assessment.point_entry_decide", obj=entry, org_unit=entry.org_unit,
                 summary={"status": entry.status})
    return entry


@transaction.atomic
def points_fill(*, actor: Actor, jurisdiction: Jurisdiction, org_unit: OrgUnit, start: date, end: date) -> int:
    """Count every automatic item of the unit's cards for the serving cadres under it, for [start, end]:
    one approved entry per item, cadre and period (replaced when counted again; a count of 0 removes it)."""
    require(jurisdiction, MANAGE, org_unit)
    if end < start:
        raise ValidationFailed("结束日期不能早于开始日期", field="end")
    items = [i for i in PointItem.objects.filter(source__in=SOURCES) if org_unit.path.startswith(i.org_unit.path)
             or i.org_unit.path.startswith(org_unit.path)]
    cadres = Cadre.objects.filter(org_unit__path__startswith=org_unit.path, status=CadreStatus.SERVING)
    units = dict(cadres.values_list("pk", "org_unit_id"))
    written = 0
    for item in items:
        counts = SOURCES[item.source].count(cadres, start, end)
        PointEntry.objects.filter(item=item, auto=True, on=start, cadre_id__in=list(units)).delete()
        rows = [PointEntry(item=item, cadre_id=pk, org_unit_id=units[pk], on=start, quantity=n, points=item.points * n,
                           status=EntryStatus.APPROVED, auto=True, evidence=f"系统计入：{start}–{end} 共 {n} 次")
                for pk, n in sorted(counts.items()) if n and pk in units]
        written += len(PointEntry.objects.bulk_create(rows))
    audit_record(actor=actor, action="assessment.points_fill", obj=org_unit, org_unit=org_unit,
                 summary={"start": start.isoformat(), "end": end.isoformat(), "entries": written})
    return written
