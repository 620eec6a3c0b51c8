"""The problem-information archive (R18): receiving an entry and moving it through verification."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from zugong.cadres.models import Cadre
from zugong.core.audit import audit_record
from zugong.core.errors import IllegalTransition, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.permissions import Actor, require
from zugong.selection.locks import lock_problem
from zugong.selection.models import (
    PROBLEM_ALLOWED,
    ProblemEntry,
    ProblemHandling,
    ProblemSource,
    ProblemStatus,
)


def _actor_id(actor: Actor) -> int | None:
    return actor.pk if actor is not None else None


@transaction.atomic
def problem_record(*, actor: Actor, jurisdiction: Jurisdiction, cadre: Cadre, source: str, received_on: date,
                   summary: str, document_number: str = "") -> ProblemEntry:
    require(jurisdiction, "selection.problem_record", cadre.org_unit)
    if source not in ProblemSource.values:
        raise ValidationFailed("来源无效，可选：中省巡视、纪检监察、政法、网络舆情、信访、审计、其他", field="source")
    if received_on > timezone.localdate():
        raise ValidationFailed("收到日期不能晚于今天", field="received_on")
    if not summary.strip():
        raise ValidationFailed("请填写问题内容", field="summary")
    entry = ProblemEntry.objects.create(
        cadre=cadre, org_unit=cadre.org_unit, source=source, received_on=received_on, summary=summary.strip(),
        document_number=document_number.strip(), created_by_id=_actor_id(actor))
    # The content is confidential: the audit chain names the entry, never what it says.
    audit_record(actor=actor, action="selection.problem_record", obj=entry, org_unit=entry.org_unit,
                 summary={"cadre": cadre.pk, "source": source, "received_on": received_on.isoformat()})
    return entry


def _check_conclusion(status: str, handling: str, conclusion: str) -> None:
    if status == ProblemStatus.CONFIRMED and handling not in ProblemHandling.values:
        raise ValidationFailed("已查实的问题须选择处理方式：提醒、函询、诫勉、组织处理或移送纪检", field="handling")
    if status != ProblemStatus.CONFIRMED and handling:
        raise ValidationFailed("只有已查实的问题才登记处理方式", field="handling")
    if status != ProblemStatus.VERIFYING and not conclusion.strip():
        raise ValidationFailed("请填写核实结论", field="conclusion")


@transaction.atomic
def problem_transition(*, actor: Actor, jurisdiction: Jurisdiction, entry_id: int, to: str, handling: str = "",
                       conclusion: str = "") -> ProblemEntry:
    """待核实 → 核实中 → 已查实（处理方式）/ 查无实据 / 已澄清."""
    locked = lock_problem(entry_id)
    require(jurisdiction, "selection.problem_transition", locked.org_unit)
    if to not in PROBLEM_ALLOWED.get(locked.status, frozenset()):
        current = ProblemStatus(locked.status).label
        target = ProblemStatus(to).label if to in ProblemStatus.values else to
        raise IllegalTransition(f"该问题信息当前为“{current}”，不能改为“{target}”")
    _check_conclusion(to, handling, conclusion)
    locked.status, locked.handling = to, handling
    fields = ["status", "handling"]
    if to != ProblemStatus.VERIFYING:
        locked.conclusion, locked.concluded_on = conclusion.strip(), timezone.localdate()
        fields += ["conclusion", "concluded_on"]
    locked.save(update_fields=fields)
    audit_record(actor=actor, action="selection.problem_transition", obj=locked, org_unit=locked.org_unit,
                 summary={"to": to, "handling": handling})
    return locked
