"""Petitions (信访, R28): intake, first-contact ownership (首问责任制) and transfer, acceptance within
[15] days, closure within [60] days of acceptance extendable once by [30] days, written reply,
satisfaction, repeat detection, and leader reception days (接访日)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import jieba
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from zugong.core.audit import access_record, audit_record
from zugong.core.calendar import add_days
from zugong.core.errors import Forbidden, IllegalTransition, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction, jurisdiction_for
from zugong.core.models import OrgUnit
from zugong.core.permissions import Actor, may, require
from zugong.masswork.locks import lock_petition
from zugong.masswork.models import (
    PETITION_ALLOWED,
    Petition,
    PetitionChannel,
    PetitionerAccessGrant,
    PetitionStatus,
    ReceptionDay,
    Satisfaction,
)
from zugong.masswork.params import bool_param, int_param
from zugong.masswork.services.validation import clean_text, mask_id_number, mask_name, mask_phone

SIMILARITY_THRESHOLD = 0.6
REPEAT_WINDOW_DAYS = 365
_WORD = re.compile(r"\w", re.UNICODE)
STOPWORDS = frozenset("的 了 和 是 在 我 我们 你 他 她 它 有 就 也 都 请 要 对 与 及 把 被 给 这 那 一个 没有 问题 反映".split())


def tokenize(text: str) -> set[str]:
    """jieba words of two or more characters, without stopwords and punctuation."""
    return {w for w in jieba.lcut(text) if len(w) >= 2 and _WORD.search(w) and w not in STOPWORDS}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _require_handler(jurisdiction: Jurisdiction, petition: Petition) -> None:
    require(jurisdiction, "masswork.petition_handle", petition.org_unit)


def _person(actor: Actor) -> User:
    """Petitions are owned by a person (首问责任制): the system cannot receive or hold one."""
    if actor is None:
        raise Forbidden("信访事项只能由工作人员本人办理")
    return actor


def _require_owner(actor: Actor, petition: Petition) -> User:
    person = _person(actor)
    if petition.owner_id != person.pk:
        raise Forbidden("只有首问责任人可以办理该信访事项，请先由其移交")
    return person


def next_states(status: str) -> list[str]:
    """The states a petition in `status` may move to, in the order of the procedure (for the pages)."""
    return [s for s in PetitionStatus.values if s in PETITION_ALLOWED[status]]


def _transition(petition: Petition, to: str) -> None:
    if to not in PETITION_ALLOWED[petition.status]:
        raise IllegalTransition(f"信访事项当前状态为“{petition.get_status_display()}”，不能执行该操作"
                                f"（不能转为“{PetitionStatus(to).label}”）")
    petition.status = to


def find_repeat(*, org_unit: OrgUnit, id_number: str, name: str, phone: str, tokens: set[str],
                received_on: date) -> Petition | None:
    """An open petition of the same person, or with a highly similar request, under the same unit."""
    open_ones = Petition.objects.filter(
        org_unit_id=org_unit.pk, status__in=[PetitionStatus.RECEIVED, PetitionStatus.ACCEPTED],
        received_on__gte=received_on - timedelta(days=REPEAT_WINDOW_DAYS)).order_by("received_on", "pk")
    if id_number:
        same = open_ones.filter(petitioner_id_number=id_number).first()
        if same:
            return same
    if phone:
        same = open_ones.filter(petitioner_name=name, petitioner_phone=phone).first()
        if same:
            return same
    for candidate in open_ones.only("pk", "tokens"):
        if jaccard(tokens, set(candidate.tokens.split())) >= SIMILARITY_THRESHOLD:
            return candidate
    return None


def _deadline(org: OrgUnit, start: date, name: str) -> date:
    return add_days(start, int_param("R28", name, org_unit=org, on=start),
                    workdays=bool_param("R28", "workdays", org_unit=org, on=start))


@transaction.atomic
def petition_receive(
    *, actor: Actor, jurisdiction: Jurisdiction, org_unit: OrgUnit, channel: str, petitioner_name: str,
    subject: str, content: str, received_on: date | None = None, petitioner_phone: str = "",
    petitioner_id_number: str = "", petitioner_address: str = "", visitors: int = 1,
    reception_day: ReceptionDay | None = None,
) -> Petition:
    """Register a petition; the staff member who receives it becomes its first-contact owner."""
    require(jurisdiction, "masswork.petition_receive", org_unit)
    person = _person(actor)
    if channel not in PetitionChannel.values:
        raise ValidationFailed("信访方式不正确", field="channel")
    if not 1 <= visitors <= 500:
        raise ValidationFailed("来访人数应在 1 至 500 之间", field="visitors")
    day = received_on or timezone.localdate()
    text = clean_text(content, field="content", label="信访内容", max_length=10000)
    tokens = tokenize(subject + " " + text)
    name = clean_text(petitioner_name, field="petitioner_name", label="信访人姓名", max_length=40)
    repeat = find_repeat(org_unit=org_unit, id_number=petitioner_id_number.strip(), name=name,
                         phone=petitioner_phone.strip(), tokens=tokens, received_on=day)
    petition = Petition.objects.create(
        org_unit=org_unit, channel=channel, petitioner_name=name, petitioner_phone=petitioner_phone.strip()[:20],
        petitioner_id_number=petitioner_id_number.strip()[:18], petitioner_address=petitioner_address.strip()[:200],
        visitors=visitors if channel == PetitionChannel.VISIT else 1,
        subject=clean_text(subject, field="subject", label="事由", max_length=200), content=text,
        tokens=" ".join(sorted(tokens)), received_on=day, received_by=person, owner=person,
        reception_day=reception_day, accept_due=_deadline(org_unit, day, "accept_days"), repeat_of=repeat)
    audit_record(actor=actor, action="masswork.petition_receive", obj=petition, org_unit=org_unit,
                 summary={"channel": channel, "repeat_of": repeat.pk if repeat else None})
    return petition


@transaction.atomic
def petition_transfer_request(*, actor: Actor, jurisdiction: Jurisdiction, petition_id: int,
                              to_user: User) -> Petition:
    petition = lock_petition(petition_id)
    _require_handler(jurisdiction, petition)
    owner = _require_owner(actor, petition)
    if petition.status not in (PetitionStatus.RECEIVED, PetitionStatus.ACCEPTED):
        raise IllegalTransition("已办结或不予受理的信访事项不能移交")
    if to_user.pk == owner.pk:
        raise ValidationFailed("不能移交给自己", field="to_user")
    if not may(jurisdiction_for(to_user), "masswork.petition_handle", petition.org_unit):
        raise ValidationFailed("接收人没有办理该单位信访事项的权限", field="to_user")
    petition.transfer_to_id = to_user.pk
    petition.save(update_fields=["transfer_to"])
    audit_record(actor=actor, action="masswork.petition_transfer_request", obj=petition,
                 org_unit=petition.org_unit, summary={"to": to_user.pk})
    return petition


@transaction.atomic
def petition_transfer_accept(*, actor: Actor, jurisdiction: Jurisdiction, petition_id: int) -> Petition:
    """The owner stays responsible until the receiver accepts (首问责任制)."""
    petition = lock_petition(petition_id)
    _require_handler(jurisdiction, petition)
    receiver = _person(actor)
    if petition.transfer_to_id != receiver.pk:
        raise IllegalTransition("该信访事项没有移交给您")
    previous = petition.owner_id
    petition.owner_id, petition.transfer_to_id = receiver.pk, None
    petition.save(update_fields=["owner", "transfer_to"])
    audit_record(actor=actor, action="masswork.petition_transfer_accept", obj=petition,
                 org_unit=petition.org_unit, summary={"from": previous})
    return petition


@transaction.atomic
def petition_decide(*, actor: Actor, jurisdiction: Jurisdiction, petition_id: int, accept: bool,
                    note: str = "", decided_on: date | None = None) -> Petition:
    petition = lock_petition(petition_id)
    _require_handler(jurisdiction, petition)
    _require_owner(actor, petition)
    day = decided_on or timezone.localdate()
    if day < petition.received_on:
        raise ValidationFailed("受理日期不能早于登记日期", field="decided_on")
    reason = clean_text(note, field="note", label="不予受理的理由", max_length=2000, required=not accept)
    _transition(petition, PetitionStatus.ACCEPTED if accept else PetitionStatus.REJECTED)
    petition.accepted_on = day if accept else None
    petition.decision_note = reason
    petition.close_due = _deadline(petition.org_unit, day, "days") if accept else None
    if not accept:
        petition.closed_on = day
    petition.save(update_fields=["status", "accepted_on", "decision_note", "close_due", "closed_on"])
    audit_record(actor=actor, action="masswork.petition_decide", obj=petition, org_unit=petition.org_unit,
                 summary={"accept": accept, "on": day})
    return petition


def petition_extendable(petition: Petition) -> bool:
    """Accepted and not yet extended: the closure deadline may be extended once."""
    return petition.status == PetitionStatus.ACCEPTED and petition.close_due is not None and not petition.extended


@transaction.atomic
def petition_extend(*, actor: Actor, jurisdiction: Jurisdiction, petition_id: int,
                    reason: str) -> Petition:
    petition = lock_petition(petition_id)
    _require_handler(jurisdiction, petition)
    _require_owner(actor, petition)
    if petition.extended:
        raise IllegalTransition("办结期限只能延长一次")
    if not petition_extendable(petition) or petition.close_due is None:
        raise IllegalTransition("只有已受理、正在办理的信访事项可以延期")
    why = clean_text(reason, field="reason", label="延期理由", max_length=2000)
    petition.close_due = _deadline(petition.org_unit, petition.close_due, "extend_days")
    petition.extended, petition.extension_reason = True, why
    petition.save(update_fields=["close_due", "extended", "extension_reason"])
    audit_record(actor=actor, action="masswork.petition_extend", obj=petition, org_unit=petition.org_unit,
                 summary={"close_due": petition.close_due})
    return petition


@transaction.atomic
def petition_close(*, actor: Actor, jurisdiction: Jurisdiction, petition_id: int, reply: str,
                   closed_on: date | None = None) -> Petition:
    """办结 with the written reply (信函答复制) that the reply letter prints."""
    petition = lock_petition(petition_id)
    _require_handler(jurisdiction, petition)
    _require_owner(actor, petition)
    day = closed_on or timezone.localdate()
    if petition.accepted_on and day < petition.accepted_on:
        raise ValidationFailed("办结日期不能早于受理日期", field="closed_on")
    text = clean_text(reply, field="reply", label="答复意见", max_length=10000)
    _transition(petition, PetitionStatus.CLOSED)
    petition.reply, petition.closed_on = text, day
    petition.save(update_fields=["status", "reply", "closed_on"])
    audit_record(actor=actor, action="masswork.petition_close", obj=petition, org_unit=petition.org_unit,
                 summary={"on": day, "late": bool(petition.close_due and day > petition.close_due)})
    return petition


@transaction.atomic
def petition_rate(*, actor: Actor, jurisdiction: Jurisdiction, petition_id: int,
                  satisfaction: str) -> Petition:
    petition = lock_petition(petition_id)
    _require_handler(jurisdiction, petition)
    if petition.status != PetitionStatus.CLOSED:
        raise IllegalTransition("信访事项办结后才能记录满意度")
    if satisfaction not in Satisfaction.values:
        raise ValidationFailed("满意度只能是满意、基本满意或不满意", field="satisfaction")
    petition.satisfaction = satisfaction
    petition.save(update_fields=["satisfaction"])
    audit_record(actor=actor, action="masswork.petition_rate", obj=petition, org_unit=petition.org_unit,
                 summary={"satisfaction": satisfaction})
    return petition


@transaction.atomic
def reception_day_schedule(*, actor: Actor, jurisdiction: Jurisdiction, org_unit: OrgUnit, day: date,
                           leader_name: str, leader_title: str = "", location: str = "") -> ReceptionDay:
    require(jurisdiction, "masswork.reception_day_record", org_unit)
    row = ReceptionDay.objects.create(
        org_unit=org_unit, day=day, leader_name=clean_text(leader_name, field="leader_name", label="接访领导",
                                                           max_length=40),
        leader_title=leader_title.strip()[:80], location=location.strip()[:120], created_by=actor)
    audit_record(actor=actor, action="masswork.reception_day_schedule", obj=row, org_unit=org_unit)
    return row


@transaction.atomic
def reception_day_record(*, actor: Actor, jurisdiction: Jurisdiction, reception_day: ReceptionDay,
                         record: str) -> ReceptionDay:
    require(jurisdiction, "masswork.reception_day_record", reception_day.org_unit)
    if reception_day.day > timezone.localdate():
        raise IllegalTransition("接访日尚未到来，不能登记接访情况")
    reception_day.record = clean_text(record, field="record", label="接访情况", max_length=5000)
    reception_day.held = True
    reception_day.save(update_fields=["record", "held"])
    audit_record(actor=actor, action="masswork.reception_day_record", obj=reception_day,
                 org_unit=reception_day.org_unit)
    return reception_day


def may_see_identity(*, user: User, jurisdiction: Jurisdiction, petition: Petition) -> bool:
    """org_admin over the unit, the current first-contact owner, or an explicit grant."""
    if may(jurisdiction, "masswork.petitioner_identity_view", petition.org_unit) or petition.owner_id == user.pk:
        return True
    today = timezone.localdate()
    grants = PetitionerAccessGrant.objects.filter(user_id=user.pk).select_related("org_unit")
    return any(petition.org_unit.path.startswith(g.org_unit.path) and (g.valid_to is None or today < g.valid_to)
               for g in grants)


def petitioner_identity(*, user: User, jurisdiction: Jurisdiction, petition: Petition,
                        reveal: bool, channel: str = "web") -> dict[str, str | bool]:
    """The petitioner's identity, masked unless revealed by someone allowed; a full view is logged."""
    if reveal and may_see_identity(user=user, jurisdiction=jurisdiction, petition=petition):
        access_record(user=user, obj=petition, field="petitioner", org_unit=petition.org_unit, channel=channel)
        return {"name": petition.petitioner_name, "phone": petition.petitioner_phone,
                "id_number": petition.petitioner_id_number, "address": petition.petitioner_address, "masked": False}
    if reveal:
        raise Forbidden("您无权查看信访人身份信息")
    return {"name": mask_name(petition.petitioner_name),
            "phone": mask_phone(petition.petitioner_phone) if petition.petitioner_phone else "",
            "id_number": mask_id_number(petition.petitioner_id_number) if petition.petitioner_id_number else "",
            "address": "***" if petition.petitioner_address else "", "masked": True}


@transaction.atomic
def petitioner_access_grant(*, actor: Actor, jurisdiction: Jurisdiction, user: User, org_unit: OrgUnit,
                            valid_to: date | None = None) -> PetitionerAccessGrant:
    """An org_admin lets `user` see petitioners' identities under `org_unit` (each view still logged)."""
    require(jurisdiction, "masswork.petitioner_access_grant", org_unit)
    grant = PetitionerAccessGrant.objects.create(user=user, org_unit=org_unit, granted_by=actor, valid_to=valid_to)
    audit_record(actor=actor, action="masswork.petitioner_access_grant", obj=grant, org_unit=org_unit,
                 summary={"user": user.pk, "valid_to": valid_to})
    return grant
