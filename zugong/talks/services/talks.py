"""Recording talks and their follow-ups; recording a talk satisfies the talkees' open triggers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from zugong.cadres.models import Cadre
from zugong.core.audit import audit_record
from zugong.core.errors import ValidationFailed
from zugong.core.models import OrgUnit
from zugong.talks.locks import lock_triggers
from zugong.talks.models import (
    TALKER_ROLE_RANK,
    Talk,
    Talker,
    TalkFollowUp,
    TalkKind,
    TalkTrigger,
    TriggerStatus,
)
from zugong.talks.services.common import WRITE_ROLES, Actor, require_role


@dataclass(frozen=True)
class FollowUpInput:
    action: str
    owner: str
    deadline: date | None = None


def _common_root(units: list[OrgUnit]) -> OrgUnit:
    """The unit of a talk: the talkee's unit, or the closest unit containing every talkee's unit."""
    candidate: OrgUnit | None = units[0]
    while candidate is not None and not all(u.path.startswith(candidate.path) for u in units):
        candidate = candidate.parent
    if candidate is None:
        raise ValidationFailed("谈话对象不在同一辖区内，请分别记录", field="talkees")
    return candidate


def _validate(kind: str, talkers: list[Talker], talkees: list[Cadre], held_on: date) -> None:
    if kind not in TalkKind.values:
        raise ValidationFailed(f"谈话类型“{kind}”无效", field="kind")
    if not talkers:
        raise ValidationFailed("请至少选择一名谈话人", field="talkers")
    if not talkees:
        raise ValidationFailed("请至少选择一名谈话对象", field="talkees")
    if held_on > timezone.localdate():
        raise ValidationFailed("谈话日期不能晚于今天", field="held_on")


@transaction.atomic
def talk_record(
    *, actor: Actor, held_on: date, kind: str, talkers: list[Talker], talkees: list[Cadre], place: str = "",
    topics: str = "", summary: str = "", trigger: TalkTrigger | None = None,
    follow_ups: list[FollowUpInput] | None = None,
) -> Talk:
    _validate(kind, talkers, talkees, held_on)
    org_unit = _common_root([c.org_unit for c in talkees])
    require_role(actor, org_unit, WRITE_ROLES, "记录谈心谈话")
    for talker in talkers:
        require_role(actor, talker.org_unit, WRITE_ROLES, "以该谈话人记录谈话")
    lead = min(talkers, key=lambda t: TALKER_ROLE_RANK[t.role]).role  # type: ignore[index]
    talk = Talk.objects.create(
        org_unit=org_unit, held_on=held_on, kind=kind, lead_role=lead, trigger=trigger, place=place,
        topics=topics, summary=summary, created_by_id=getattr(actor, "pk", None))
    talk.talkers.set(talkers)
    talk.talkees.set(talkees)
    for item in follow_ups or []:
        TalkFollowUp.objects.create(talk=talk, action=item.action, owner=item.owner, deadline=item.deadline)
    satisfied = _satisfy_triggers(talk, [c.pk for c in talkees])
    audit_record(actor=actor, action="talk.record", obj=talk, org_unit=org_unit, summary={
        "held_on": held_on.isoformat(), "kind": kind, "talkers": [t.pk for t in talkers],
        "talkees": [c.pk for c in talkees], "satisfied_triggers": satisfied})
    return talk


def _satisfy_triggers(talk: Talk, cadre_ids: list[int]) -> list[int]:
    """Every open trigger of a talkee raised on or before the talk is satisfied by it."""
    ids = list(TalkTrigger.objects.filter(cadre_id__in=cadre_ids, status=TriggerStatus.OPEN,
                                          raised_on__lte=talk.held_on).values_list("pk", flat=True))
    if talk.trigger_id and talk.trigger_id not in ids:
        ids.append(talk.trigger_id)
    locked = list(lock_triggers(ids))
    for trigger in locked:
        trigger.status = TriggerStatus.SATISFIED
        trigger.satisfied_by = talk
        trigger.save(update_fields=["status", "satisfied_by"])
    return [t.pk for t in locked]


@transaction.atomic
def talk_follow_up_done(*, actor: Actor, follow_up: TalkFollowUp, done_on: date) -> TalkFollowUp:
    talk = follow_up.talk
    require_role(actor, talk.org_unit, WRITE_ROLES, "办结谈话跟进事项")
    follow_up.done_on = done_on
    follow_up.save(update_fields=["done_on"])
    audit_record(actor=actor, action="talk.follow_up_done", obj=follow_up, org_unit=talk.org_unit,
                 summary={"talk": talk.pk, "done_on": done_on.isoformat()})
    return follow_up


@transaction.atomic
def talker_register(*, actor: Actor, org_unit: OrgUnit, name: str, role: str, user_id: int | None = None,
                    cadre: Cadre | None = None) -> Talker:
    require_role(actor, org_unit, WRITE_ROLES, "登记谈话人")
    if not name.strip():
        raise ValidationFailed("谈话人姓名不能为空", field="name")
    talker = Talker.objects.create(org_unit=org_unit, name=name.strip(), role=role, user_id=user_id, cadre=cadre)
    audit_record(actor=actor, action="talk.talker_register", obj=talker, org_unit=org_unit,
                 summary={"name": talker.name, "role": role})
    return talker
