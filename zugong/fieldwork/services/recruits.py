"""R23 completed: between [2] and [3] years in the township, a recruit's transfer or secondment out needs an
explicit approval with a reason, signed; under [2] years it stays refused (the cadres app's gate), from [3]
years none is needed."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from zugong.cadres.dates import add_years
from zugong.cadres.models import Cadre
from zugong.core.audit import audit_record
from zugong.core.errors import ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.permissions import Actor, require
from zugong.fieldwork.models import MoveKind, TransferApproval
from zugong.fieldwork.selectors_recruits import years_between
from zugong.rules.registry import param, rule_enabled

# An approval is used within this many days of being signed.
APPROVAL_DAYS = 90


@transaction.atomic
def transfer_approval_grant(*, actor: Actor, jurisdiction: Jurisdiction, cadre: Cadre, kind: str, destination: str,
                            reason: str, signed_by: str, approved_on: date | None = None) -> TransferApproval:
    require(jurisdiction, "fieldwork.transfer_approve", cadre.org_unit)
    day = approved_on or timezone.localdate()
    if kind not in MoveKind.values:
        raise ValidationFailed("类型应为调出或借调", field="kind")
    if cadre.township_recruit_on is None:
        raise ValidationFailed(f"{cadre.name}不是新录用乡镇公务员，调出无需审批", field="cadre")
    if not (reason.strip() and signed_by.strip() and destination.strip()):
        raise ValidationFailed("请填写拟去单位、理由和签批人", field="reason")
    if not rule_enabled("R23", org_unit=cadre.org_unit, on=day):
        raise ValidationFailed("本地未启用R23，调出无需审批", field="cadre")
    least = int(param("R23", "min_years_before_transfer", org_unit=cadre.org_unit, on=day))
    full = int(param("R23", "min_years_in_township", org_unit=cadre.org_unit, on=day))
    years = years_between(cadre.township_recruit_on, day)
    if day < add_years(cadre.township_recruit_on, least):
        raise ValidationFailed(f"{cadre.name}在乡镇工作不满 {least} 年，不得调出或借调，不能审批",
                               field="cadre")
    if day >= add_years(cadre.township_recruit_on, full):
        raise ValidationFailed(f"{cadre.name}在乡镇工作已满 {full} 年，调出无需审批", field="cadre")
    approval = TransferApproval.objects.create(
        cadre=cadre, kind=kind, destination=destination.strip()[:200], reason=reason.strip()[:5000],
        signed_by=signed_by.strip()[:40], approved_by=actor if actor is not None else None, approved_on=day,
        valid_until=day + timedelta(days=APPROVAL_DAYS), years_in_township=years)
    audit_record(actor=actor, action="fieldwork.transfer_approve", obj=approval, org_unit=cadre.org_unit,
                 summary={"cadre": cadre.pk, "kind": kind, "years": str(years), "signed_by": approval.signed_by})
    return approval
