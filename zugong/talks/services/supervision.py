"""Reminders (提醒), written inquiries (函询) and admonishments (诫勉), each with response and outcome."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from zugong.cadres.models import Cadre
from zugong.core.audit import audit_record
from zugong.core.errors import IllegalTransition, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.permissions import Actor, require
from zugong.talks.locks import lock_supervision_action
from zugong.talks.models import SupervisionAction, SupervisionKind
from zugong.talks.services.common import actor_id


@transaction.atomic
def supervision_record(*, actor: Actor, jurisdiction: Jurisdiction, cadre: Cadre, kind: str, issued_on: date,
                       matter: str, response_due_on: date | None = None) -> SupervisionAction:
    if kind not in SupervisionKind.values:
        raise ValidationFailed("方式无效，可选：提醒、函询、诫勉", field="kind")
    if not matter.strip():
        raise ValidationFailed("请填写事项", field="matter")
    if response_due_on and response_due_on < issued_on:
        raise ValidationFailed("答复期限不能早于发出日期", field="response_due_on")
    require(jurisdiction, "talks.supervision_record", cadre.org_unit)
    action = SupervisionAction.objects.create(
        org_unit=cadre.org_unit, cadre=cadre, kind=kind, issued_on=issued_on, matter=matter,
        response_due_on=response_due_on, created_by_id=actor_id(actor))
    audit_record(actor=actor, action="talks.supervision_record", obj=action, org_unit=cadre.org_unit,
                 summary={"cadre": cadre.pk, "kind": kind, "issued_on": issued_on.isoformat()})
    return action


@transaction.atomic
def supervision_respond(*, actor: Actor, jurisdiction: Jurisdiction, action_id: int, responded_on: date,
                        response: str) -> SupervisionAction:
    locked = lock_supervision_action(action_id)
    require(jurisdiction, "talks.supervision_respond", locked.org_unit)
    if locked.responded_on is not None:
        raise IllegalTransition("该事项已登记答复，不能重复登记")
    if not response.strip():
        raise ValidationFailed("请填写答复内容", field="response")
    locked.responded_on, locked.response = responded_on, response
    locked.save(update_fields=["responded_on", "response"])
    audit_record(actor=actor, action="talks.supervision_respond", obj=locked, org_unit=locked.org_unit,
                 summary={"responded_on": responded_on.isoformat()})
    return locked


@transaction.atomic
def supervision_conclude(*, actor: Actor, jurisdiction: Jurisdiction, action_id: int,
                         outcome: str) -> SupervisionAction:
    locked = lock_supervision_action(action_id)
    require(jurisdiction, "talks.supervision_conclude", locked.org_unit)
    if not outcome.strip():
        raise ValidationFailed("请填写处理结果", field="outcome")
    if locked.kind == SupervisionKind.INQUIRY and locked.responded_on is None:
        raise IllegalTransition("函询尚未收到本人答复，不能办结")
    locked.outcome = outcome
    locked.save(update_fields=["outcome"])
    audit_record(actor=actor, action="talks.supervision_conclude", obj=locked, org_unit=locked.org_unit,
                 summary={"outcome": outcome})
    return locked
