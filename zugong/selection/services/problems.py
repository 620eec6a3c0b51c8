"""The problem-information archive (R18): receiving an entry and moving it through verification."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from zugong.cadres.models import Cadre
from zugong.core.audit import audit_record
from zugong.core.errors import IllegalTransition, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import OrgKind, OrgUnit
from zugong.core.orgtree import ancestor_paths
from zugong.core.permissions import Actor, require
from zugong.masswork.models import Petition
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


HOME_KINDS = (OrgKind.COUNTY, OrgKind.CITY, OrgKind.PROVINCE)


def _home(unit: OrgUnit) -> OrgUnit:
    """The jurisdiction an entry belongs to: the nearest county (else city, else province) at or above its unit."""
    rows = OrgUnit.objects.filter(kind__in=HOME_KINDS, path__in=ancestor_paths(unit.path)).order_by("-depth")
    return rows.first() or unit


def _petition(jurisdiction: Jurisdiction, petition_id: int, cadre: Cadre, source: str) -> Petition:
    """A 信访 entry's petition record: one the recorder sees, received in the cadre's own county (or city)."""
    from zugong.masswork.selectors import petitions_visible

    if source != ProblemSource.PETITION:
        raise ValidationFailed("只有来源为信访的问题信息才能关联信访件", field="petition")
    petition = petitions_visible(jurisdiction).filter(pk=petition_id).first()
    if petition is None:
        raise ValidationFailed(f"未找到编号为 {petition_id} 的信访件，或不在您的管辖范围内，不能关联",
                               field="petition")
    home = _home(cadre.org_unit)
    if not petition.org_unit.path.startswith(home.path):
        raise ValidationFailed(f"该信访件由{petition.org_unit.name}受理，不属于{cadre.name}所在的{home.name}，"
                               "不能关联其他辖区的信访件", field="petition")
    return petition


@transaction.atomic
def problem_record(*, actor: Actor, jurisdiction: Jurisdiction, cadre: Cadre, source: str, received_on: date,
                   summary: str, document_number: str = "", petition_id: int | None = None) -> ProblemEntry:
    """An entry about a cadre; one that came from 信访 may name its petition record (`petition_id`), which must lie
    in the recorder's jurisdiction and in the cadre's own county."""
    require(jurisdiction, "selection.problem_record", cadre.org_unit)
    if source not in ProblemSource.values:
        raise ValidationFailed("来源无效，可选：中省巡视、纪检监察、政法、网络舆情、信访、审计、其他", field="source")
    petition = _petition(jurisdiction, petition_id, cadre, source) if petition_id is not None else None
    if received_on > timezone.localdate():
        raise ValidationFailed("收到日期不能晚于今天", field="received_on")
    if not summary.strip():
        raise ValidationFailed("请填写问题内容", field="summary")
    entry = ProblemEntry.objects.create(
        cadre=cadre, org_unit=cadre.org_unit, source=source, received_on=received_on, summary=summary.strip(),
        document_number=document_number.strip(), petition=petition, created_by_id=_actor_id(actor))
    # The content is confidential: the audit chain names the entry, never what it says.
    audit_record(actor=actor, action="selection.problem_record", obj=entry, org_unit=entry.org_unit,
                 summary={"cadre": cadre.pk, "source": source, "received_on": received_on.isoformat(),
                          "petition": petition.pk if petition else None})
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
