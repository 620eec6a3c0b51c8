"""R26 调查研究: a jurisdiction's topic list for the year (registered by its deadline, each leader leading
at most [2]), results submitted and evaluated at the year's end; research trips, whose days are field
days like a stay's (a day counted once)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from zugong.cadres.models import Cadre
from zugong.core.audit import audit_record
from zugong.core.errors import Conflict, IllegalTransition, NotFound, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import OrgUnit
from zugong.core.permissions import Actor, require
from zugong.fieldwork.models import (
    TOPIC_ALLOWED,
    FieldDayKind,
    ResearchTopic,
    ResearchTrip,
    TopicCall,
    TopicGrade,
    TopicStatus,
)
from zugong.fieldwork.selectors_research import org_department_leaders_q
from zugong.fieldwork.services.stays import field_days_add
from zugong.rules.registry import param


@transaction.atomic
def topic_call_open(*, actor: Actor, jurisdiction: Jurisdiction, org_unit: OrgUnit, year: int,
                    register_by: date) -> TopicCall:
    """Open the year's topic list of a unit; topics are registered up to `register_by` (年初)."""
    require(jurisdiction, "fieldwork.topic_manage", org_unit)
    if register_by.year != year:
        raise ValidationFailed(f"申报截止日期应在{year}年内", field="register_by")
    if TopicCall.objects.filter(org_unit=org_unit, year=year).exists():
        raise Conflict(f"{org_unit.name}{year}年的调研课题已开始申报")
    call = TopicCall.objects.create(org_unit=org_unit, year=year, register_by=register_by)
    audit_record(actor=actor, action="fieldwork.topic_call_open", obj=call, org_unit=org_unit,
                 summary={"year": year, "register_by": register_by.isoformat()})
    return call


def _lock_topic(pk: int) -> ResearchTopic:
    topic = (ResearchTopic.objects.select_for_update(of=("self",)).select_related("call__org_unit", "leader")
             .filter(pk=pk).first())
    if topic is None:
        raise NotFound("未找到该调研课题")
    return topic


@transaction.atomic
def topic_register(*, actor: Actor, jurisdiction: Jurisdiction, call: TopicCall, title: str, leader: Cadre,
                   registered_on: date | None = None) -> ResearchTopic:
    require(jurisdiction, "fieldwork.topic_manage", call.org_unit)
    day = registered_on or timezone.localdate()
    if day > call.register_by:
        raise ValidationFailed(f"{call.year}年调研课题已于{call.register_by:%Y年%m月%d日}截止申报", field="title")
    if not title.strip():
        raise ValidationFailed("请填写课题名称", field="title")
    if not (jurisdiction.contains(leader.org_unit)
            and Cadre.objects.filter(org_department_leaders_q(), pk=leader.pk).exists()):
        raise ValidationFailed(f"{leader.name}不是管辖范围内的组织部领导，不能牵头课题", field="leader")
    Cadre.objects.select_for_update(of=("self",)).filter(pk=leader.pk).first()  # counts below: one at a time
    most = int(param("R26", "topics.max_topics", org_unit=call.org_unit, on=date(call.year, 12, 31)))
    led = ResearchTopic.objects.filter(leader=leader, call__year=call.year).count()
    if led >= most:
        raise ValidationFailed(f"{leader.name}{call.year}年已牵头 {led} 个课题，每人最多牵头 {most} 个", field="leader")
    topic = ResearchTopic.objects.create(call=call, title=title.strip()[:200], leader=leader, registered_on=day)
    audit_record(actor=actor, action="fieldwork.topic_register", obj=topic, org_unit=call.org_unit,
                 summary={"year": call.year, "title": topic.title, "leader": leader.pk})
    return topic


def _advance(topic: ResearchTopic, target: str) -> None:
    if target not in TOPIC_ALLOWED[topic.status]:
        labels = dict(TopicStatus.choices)
        raise IllegalTransition(f"该课题当前为“{labels[topic.status]}”，不能改为“{labels[target]}”")


@transaction.atomic
def topic_submit(*, actor: Actor, jurisdiction: Jurisdiction, topic_id: int, result: str,
                 submitted_on: date | None = None) -> ResearchTopic:
    """The topic's result (调研报告) handed in."""
    topic = _lock_topic(topic_id)
    require(jurisdiction, "fieldwork.topic_manage", topic.call.org_unit)
    _advance(topic, TopicStatus.SUBMITTED)
    if not result.strip():
        raise ValidationFailed("请填写调研成果", field="result")
    topic.status, topic.result = TopicStatus.SUBMITTED, result.strip()[:10000]
    topic.submitted_on = submitted_on or timezone.localdate()
    topic.save(update_fields=["status", "result", "submitted_on"])
    audit_record(actor=actor, action="fieldwork.topic_submit", obj=topic, org_unit=topic.call.org_unit,
                 summary={"submitted_on": topic.submitted_on.isoformat()})
    return topic


@transaction.atomic
def topic_evaluate(*, actor: Actor, jurisdiction: Jurisdiction, topic_id: int, grade: str, commendation: str = "",
                   evaluated_on: date | None = None) -> ResearchTopic:
    """The year-end evaluation: a grade and, where given, a commendation (表彰)."""
    topic = _lock_topic(topic_id)
    require(jurisdiction, "fieldwork.topic_manage", topic.call.org_unit)
    _advance(topic, TopicStatus.EVALUATED)
    if grade not in TopicGrade.values:
        raise ValidationFailed("请选择评定等次", field="grade")
    topic.status, topic.grade, topic.commendation = TopicStatus.EVALUATED, grade, commendation.strip()[:200]
    topic.evaluated_on = evaluated_on or timezone.localdate()
    topic.save(update_fields=["status", "grade", "commendation", "evaluated_on"])
    audit_record(actor=actor, action="fieldwork.topic_evaluate", obj=topic, org_unit=topic.call.org_unit,
                 summary={"grade": grade, "commendation": topic.commendation})
    return topic


@transaction.atomic
def trip_record(*, actor: Actor, jurisdiction: Jurisdiction, cadre: Cadre, place: str, start_date: date,
                end_date: date, purpose: str = "", topic: ResearchTopic | None = None) -> tuple[ResearchTrip, int]:
    """A research trip and its field days; returns the trip and how many of its days were new (a day
    already counted by a stay or another trip is not counted again)."""
    require(jurisdiction, "fieldwork.trip_record", cadre.org_unit)
    if not place.strip():
        raise ValidationFailed("请填写调研地点", field="place")
    if end_date < start_date:
        raise ValidationFailed("结束日期不能早于开始日期", field="end_date")
    if (end_date - start_date).days > 366:
        raise ValidationFailed("一次调研不能超过一年", field="end_date")
    trip = ResearchTrip.objects.create(cadre=cadre, topic=topic, place=place.strip()[:200], start_date=start_date,
                                       end_date=end_date, purpose=purpose.strip()[:300])
    new_days = field_days_add(cadre=cadre, start=start_date, end=end_date, kind=FieldDayKind.TRIP)
    audit_record(actor=actor, action="fieldwork.trip_record", obj=trip, org_unit=cadre.org_unit,
                 summary={"cadre": cadre.pk, "days": (end_date - start_date).days + 1, "new_days": new_days})
    return trip, new_days
