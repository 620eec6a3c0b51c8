"""R22: special supervision of selection work (选人用人专项检查) — recording an inspection of a county or a
municipal department by the level above, with its findings and accountability handling, and keeping the
two lists of accountability situations."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from zugong.core.audit import audit_record
from zugong.core.errors import Forbidden, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import OrgKind, OrgUnit
from zugong.core.permissions import Actor, permission, require
from zugong.selection.models import AccountabilitySituation, AccountableHead, SpecialInspection


def _actor_id(actor: Actor) -> int | None:
    return actor.pk if actor is not None else None


def rotation_kind(unit: OrgUnit) -> str | None:
    """"county" or "department" (a municipal department: a department directly under a city), else None."""
    if unit.kind == OrgKind.COUNTY:
        return "county"
    if unit.kind == OrgKind.DEPARTMENT and unit.parent is not None and unit.parent.kind == OrgKind.CITY:
        return "department"
    return None


@transaction.atomic
def inspection_record(*, actor: Actor, jurisdiction: Jurisdiction, inspected_unit: OrgUnit, started_on: date,
                      team: str, findings: str = "", situation_ids: list[int] | None = None,
                      handling: str = "") -> SpecialInspection:
    """The level above records its inspection of a county or municipal department (never a unit's own)."""
    if rotation_kind(inspected_unit) is None:
        raise ValidationFailed(f"{inspected_unit.name}不是县（市、区）或市直部门，不在专项检查轮回范围内",
                               field="inspected_unit")
    parent = inspected_unit.parent
    if parent is None or not jurisdiction.contains(parent):
        raise Forbidden(f"{inspected_unit.name}的选人用人专项检查由上级组织部门开展")
    require(jurisdiction, "selection.inspection_record", parent)
    if started_on > timezone.localdate():
        raise ValidationFailed("检查日期不能晚于今天", field="started_on")
    if not team.strip():
        raise ValidationFailed("请填写检查组", field="team")
    wanted = set(situation_ids or [])
    situations = list(AccountabilitySituation.objects.filter(pk__in=wanted, active=True))
    if len(situations) != len(wanted):
        raise ValidationFailed("所选责任追究情形无效或已停用", field="situations")
    if situations and not handling.strip():
        raise ValidationFailed("认定追究责任情形的，须写明问责处理", field="handling")
    row = SpecialInspection.objects.create(inspected_unit=inspected_unit, started_on=started_on, team=team.strip(),
                                           findings=findings.strip(), handling=handling.strip(),
                                           recorded_by_id=_actor_id(actor))
    row.situations.set(situations)
    audit_record(actor=actor, action="selection.inspection_record", obj=row, org_unit=inspected_unit,
                 summary={"unit": inspected_unit.pk, "on": started_on.isoformat(),
                          "situations": sorted(s.pk for s in situations)})
    return row


def _keeper(jurisdiction: Jurisdiction) -> None:
    """The lists are shared by every county: only a city's or the province's org department keeps them."""
    if jurisdiction.is_superuser:
        return
    units = [g.org_unit_id for g in jurisdiction.grants if g.role in permission("selection.situation_edit").roles]
    if not OrgUnit.objects.filter(pk__in=units, kind__in=(OrgKind.CITY, OrgKind.PROVINCE)).exists():
        raise Forbidden("责任追究情形由市级以上组织部门维护")


@transaction.atomic
def situation_add(*, actor: Actor, jurisdiction: Jurisdiction, head: str, text: str) -> AccountabilitySituation:
    require(jurisdiction, "selection.situation_edit", None)
    _keeper(jurisdiction)
    if head not in AccountableHead.values:
        raise ValidationFailed("请选择追究对象", field="head")
    if not text.strip():
        raise ValidationFailed("请填写情形", field="text")
    last = AccountabilitySituation.objects.filter(head=head).order_by("-order").first()
    row = AccountabilitySituation.objects.create(head=head, text=text.strip()[:200],
                                                 order=(last.order + 1) if last else 1)
    audit_record(actor=actor, action="selection.situation_add", obj=row, summary={"head": head, "text": row.text})
    return row


@transaction.atomic
def situation_retire(*, actor: Actor, jurisdiction: Jurisdiction, situation_id: int) -> AccountabilitySituation:
    """停用 a situation: kept on the inspections that named it, no longer offered."""
    require(jurisdiction, "selection.situation_edit", None)
    _keeper(jurisdiction)
    row = AccountabilitySituation.objects.select_for_update().filter(pk=situation_id, active=True).first()
    if row is None:
        raise ValidationFailed("没有这个在用的情形", field="situation")
    row.active = False
    row.save(update_fields=["active"])
    audit_record(actor=actor, action="selection.situation_retire", obj=row, summary={"text": row.text})
    return row
