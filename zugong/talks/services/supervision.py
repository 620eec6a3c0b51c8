"""Reminders (提醒), written inquiries (函询) and admonishments (诫勉), each with response and outcome."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from zugong.cadres.models import Cadre
from zugong.core.audit import audit_record
from zugong.core.errors import IllegalTransition, ValidationFailed
from zugong.talks.locks import lock_supervision_action
from zugong.talks.models import SupervisionAction, SupervisionKind
from zugong.talks.services.common import WRITE_ROLES, Actor, require_role


@transaction.atomic
def supervision_record(*, actor: Actor, cadre: Cadre, kind: str, issued_on: date, matter: str,
                       response_due_on: date | None = None) -> SupervisionAction:
    if kind not in SupervisionKind.values:
        raise ValidationFailed("方式无效，可选：提醒、函询、诫勉", field="kind")
    if not matter.strip():
        raise ValidationFailed("请填写事项", field="matter")
    if response_due_on and response_due_on < issued_on:
        raise ValidationFailed("答复期限不能早于发出日期", field="response_due_on")
    require_role(actor, cadre.org_unit, WRITE_ROLES, "记录提醒、函询、诫勉")
    action = SupervisionAction.objects.create(
        org_unit=cadre.org_unit, cadre=cadre, kind=kind, issued_on=issued_on, matter=matter,
        response_due_on=response_due_on, created_by_id=getattr(actor, "pk", None))
    audit_record(actor=actor, action="supervision.record", obj=action, org_unit=cadre.org_unit,
                 summary={"cadre": cadre.pk, "kind": kind, "issued_on": issued_on.isoformat()})
    return action


@transaction.atomic
def supervision_respond(*, actor: Actor, action: SupervisionAction, responded_on: date,
                        response: str) -> SupervisionAction:
    require_role(actor, action.org_unit, WRITE_ROLES, "登记答复")
    locked = lock_supervision_action(action.pk)
    if locked.responded_on is not None:
        raise IllegalTransition("该事项已登记答复，不能重复登记")
    if not response.strip():
        raise ValidationFailed("请填写答复内容", field="response")
    locked.responded_on, locked.response = responded_on, response
    locked.save(update_fields=["responded_on", "response"])
    audit_record(actor=actor, action="supervision.respond", obj=locked, org_unit=locked.org_unit,
                 summary={"responded_on": responded_on.isoformat()})
    return locked


@transaction.atomic
def supervision_conclude(*, actor: Actor, action: SupervisionAction, outcome: str) -> SupervisionAction:
    require_role(actor, action.org_unit, WRITE_ROLES, "登记处理结果")
    if not outcome.strip():
        raise ValidationFailed("请填写处理结果", field="outcome")
    locked = lock_supervision_action(action.pk)
    if locked.kind == SupervisionKind.INQUIRY and locked.responded_on is None:
        raise IllegalTransition("函询尚未收到本人答复，不能办结")
    locked.outcome = outcome
    locked.save(update_fields=["outcome"])
    audit_record(actor=actor, action="supervision.conclude", obj=locked, org_unit=locked.org_unit,
                 summary={"outcome": outcome})
    return locked
