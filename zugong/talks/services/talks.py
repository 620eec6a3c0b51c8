"""Recording talks and their follow-ups; recording a talk satisfies the talkees' open triggers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from zugong.cadres.models import Cadre
from zugong.core.audit import audit_record
from zugong.core.errors import NotFound, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import OrgUnit
from zugong.core.permissions import Actor, require
from zugong.talks.locks import lock_follow_up, lock_triggers
from zugong.talks.models import (
    TALKER_ROLE_RANK,
    Talk,
    Talker,
    TalkerRole,
    TalkFollowUp,
    TalkKind,
    TalkTrigger,
    TriggerStatus,
)
from zugong.talks.services.common import actor_id


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
    *, actor: Actor, jurisdiction: Jurisdiction, held_on: date, kind: str, talkers: list[Talker],
    talkees: list[Cadre], place: str = "", topics: str = "", summary: str = "", trigger: TalkTrigger | None = None,
    follow_ups: list[FollowUpInput] | None = None,
) -> Talk:
    """A talker outside the jurisdiction is refused like the talkee (404): nobody records in another's name."""
    _validate(kind, talkers, talkees, held_on)
    org_unit = _common_root([c.org_unit for c in talkees])
    require(jurisdiction, "talks.talk_record", org_unit)
    for talker in talkers:
        require(jurisdiction, "talks.talk_record", talker.org_unit)
    lead = min(talkers, key=lambda t: TALKER_ROLE_RANK[TalkerRole(t.role)]).role
    talk = Talk.objects.create(
        org_unit=org_unit, held_on=held_on, kind=kind, lead_role=lead, trigger=trigger, place=place,
        topics=topics, summary=summary, created_by_id=actor_id(actor))
    talk.talkers.set(talkers)
    talk.talkees.set(talkees)
    TalkFollowUp.objects.bulk_create(
        TalkFollowUp(talk=talk, action=item.action, owner=item.owner, deadline=item.deadline)
        for item in follow_ups or [])
    satisfied = _satisfy_triggers(talk, [c.pk for c in talkees])
    audit_record(actor=actor, action="talks.talk_record", obj=talk, org_unit=org_unit, summary={
        "held_on": held_on.isoformat(), "kind": kind, "talkers": [t.pk for t in talkers],
        "talkees": [c.pk for c in talkees], "satisfied_triggers": satisfied})
    return talk


def _satisfy_triggers(talk: Talk, cadre_ids: list[int]) -> list[int]:
    """Every open trigger of a talkee raised on or before the talk is satisfied by it."""
    ids = list(TalkTrigger.objects.filter(cadre_id__in=cadre_ids, status=TriggerStatus.OPEN,
                                          raised_on__lte=talk.held_on).values_list("pk", flat=True))
    if talk.trigger_id and talk.trigger_id not in ids:
        ids.append(talk.trigger_id)
    locked = [t for t in lock_triggers(ids) if t.status == TriggerStatus.OPEN]
    for trigger in locked:
        trigger.status = TriggerStatus.SATISFIED
        trigger.satisfied_by = talk
        trigger.save(update_fields=["status", "satisfied_by"])
    return [t.pk for t in locked]


@transaction.atomic
def talk_follow_up_done(*, actor: Actor, jurisdiction: Jurisdiction, follow_up_id: int, done_on: date,
                        talk_id: int | None = None) -> TalkFollowUp:
    """Close a follow-up action; `talk_id`, when given, must be the talk it belongs to (page URLs)."""
    locked = lock_follow_up(follow_up_id)
    if talk_id is not None and locked.talk_id != talk_id:
        raise NotFound("未找到该跟进事项")
    talk = locked.talk
    require(jurisdiction, "talks.talk_follow_up_done", talk.org_unit)
    locked.done_on = done_on
    locked.save(update_fields=["done_on"])
    audit_record(actor=actor, action="talks.talk_follow_up_done", obj=locked, org_unit=talk.org_unit,
                 summary={"talk": talk.pk, "done_on": done_on.isoformat()})
    return locked


@transaction.atomic
def talker_register(*, actor: Actor, jurisdiction: Jurisdiction, org_unit: OrgUnit, name: str, role: str,
                    user_id: int | None = None, cadre: Cadre | None = None) -> Talker:
    require(jurisdiction, "talks.talker_register", org_unit)
    if not name.strip():
        raise ValidationFailed("谈话人姓名不能为空", field="name")
    if role not in TalkerRole.values:
        raise ValidationFailed(f"谈话人身份“{role}”无效", field="role")
    talker = Talker.objects.create(org_unit=org_unit, name=name.strip(), role=role, user_id=user_id, cadre=cadre)
    audit_record(actor=actor, action="talks.talker_register", obj=talker, org_unit=org_unit,
                 summary={"name": talker.name, "role": role})
    return talker
