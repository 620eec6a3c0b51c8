"""Household visits (走访, R09) and pairing (联村结对 / 结亲家, R08)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from zugong.cadres.models import Cadre
from zugong.core.audit import audit_record
from zugong.core.errors import IllegalTransition, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import OrgKind, OrgUnit
from zugong.core.permissions import Actor, require
from zugong.masswork.locks import lock_pairing
from zugong.masswork.models import HouseholdVisit, LedgerSource, Pairing
from zugong.masswork.services.ledger import ledger_entry_create
from zugong.masswork.services.validation import clean_text


def _village(org: OrgUnit) -> None:
    if org.kind not in (OrgKind.VILLAGE, OrgKind.COMMUNITY):
        raise ValidationFailed("请选择村或社区", field="village")


@transaction.atomic
def household_visit_record(
    *, actor: Actor, jurisdiction: Jurisdiction, village: OrgUnit, cadre: Cadre, household: str,
    visited_on: date, matters: str = "",
) -> HouseholdVisit:
    """A visit; matters raised go into the township's sentiment ledger."""
    require(jurisdiction, "masswork.visit_record", village)
    _village(village)
    if visited_on > timezone.localdate():
        raise ValidationFailed("走访日期不能晚于今天", field="visited_on")
    visit = HouseholdVisit.objects.create(
        org_unit=village, cadre=cadre, visited_on=visited_on, created_by=actor,
        household=clean_text(household, field="household", label="农户", max_length=60),
        matters=clean_text(matters, field="matters", label="反映事项", max_length=2000, required=False))
    if visit.matters:
        visit.ledger_entry = ledger_entry_create(
            actor=actor, org_unit=village, source=LedgerSource.VISIT, matter=visit.matters,
            household=visit.household, recorded_on=visited_on, source_ref=f"visit:{visit.pk}")
        visit.save(update_fields=["ledger_entry"])
    audit_record(actor=actor, action="masswork.household_visit_record", obj=visit, org_unit=village,
                 summary={"cadre": cadre.pk})
    return visit


@transaction.atomic
def pairing_create(
    *, actor: Actor, jurisdiction: Jurisdiction, cadre: Cadre, village: OrgUnit, valid_from: date,
    household: str = "", household_phone: str = "", household_address: str = "", needs: str = "",
) -> Pairing:
    """Link a cadre to a village (no household) or pair with one household in it (结亲家)."""
    require(jurisdiction, "masswork.pairing_record", village)
    _village(village)
    pairing = Pairing.objects.create(
        cadre=cadre, village=village, valid_from=valid_from, household=household.strip()[:60],
        household_phone=household_phone.strip()[:20], household_address=household_address.strip()[:200],
        needs=needs.strip()[:2000])
    audit_record(actor=actor, action="masswork.pairing_create", obj=pairing, org_unit=village,
                 summary={"cadre": cadre.pk, "household": bool(pairing.household)})
    return pairing


@transaction.atomic
def pairing_resolve(*, actor: Actor, jurisdiction: Jurisdiction, pairing_id: int, resolution: str,
                    resolved_on: date | None = None) -> Pairing:
    """The completion card (办结卡): what was done for the paired household."""
    pairing = lock_pairing(pairing_id)
    require(jurisdiction, "masswork.pairing_record", pairing.village)
    if not pairing.household:
        raise IllegalTransition("联系村记录没有结对农户，无需办结")
    pairing.resolution = clean_text(resolution, field="resolution", label="办结情况", max_length=2000)
    pairing.resolved_on = resolved_on or timezone.localdate()
    pairing.save(update_fields=["resolution", "resolved_on"])
    audit_record(actor=actor, action="masswork.pairing_resolve", obj=pairing, org_unit=pairing.village)
    return pairing
