"""The township sentiment ledger (民情台账) and its link to the monthly 民情分析会 (R07).

The meeting itself is a core `Meeting(kind="ledger_meeting")`; R07 (one a month) is evaluated by the
rule engine on those meetings. Here each ledger entry records which meeting discussed it and what
the meeting decided.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from zugong.core.audit import audit_record
from zugong.core.errors import IllegalTransition, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import Meeting, MeetingKind, OrgKind, OrgUnit
from zugong.masswork.models import LedgerEntry, LedgerSource, LedgerStatus
from zugong.masswork.services.common import require_in_scope
from zugong.masswork.services.validation import clean_text


def township_of(org: OrgUnit) -> OrgUnit:
    unit: OrgUnit | None = org
    while unit is not None and unit.kind != OrgKind.TOWNSHIP:
        unit = unit.parent
    if unit is None:
        raise ValidationFailed("民情台账只能记在乡镇（街道）下", field="org_unit")
    return unit


@transaction.atomic
def ledger_entry_add(
    *, actor: User | None, jurisdiction: Jurisdiction | None, org_unit: OrgUnit, source: str, matter: str,
    household: str = "", recorded_on: date | None = None, source_ref: str = "",
) -> LedgerEntry:
    township = township_of(org_unit)
    if jurisdiction is not None:
        require_in_scope(jurisdiction, township, "该乡镇")
    if source not in LedgerSource.values:
        raise ValidationFailed("民情来源不正确", field="source")
    entry = LedgerEntry.objects.create(
        org_unit=township, source=source, source_ref=source_ref[:40], household=household.strip()[:60],
        matter=clean_text(matter, field="matter", label="民情事项", max_length=2000),
        recorded_on=recorded_on or timezone.localdate())
    audit_record(actor=actor, action="masswork.ledger_add", obj=entry, org_unit=township,
                 summary={"source": source})
    return entry


@transaction.atomic
def ledger_discuss(
    *, actor: User, jurisdiction: Jurisdiction, meeting: Meeting, entry_ids: list[int], decision: str,
) -> list[LedgerEntry]:
    """Record that a 民情分析会 discussed these entries and what it decided."""
    if meeting.kind != MeetingKind.LEDGER_MEETING:
        raise ValidationFailed("只能关联民情分析会", field="meeting")
    require_in_scope(jurisdiction, meeting.org_unit, "该会议")
    text = clean_text(decision, field="decision", label="会议议定", max_length=2000)
    entries = list(LedgerEntry.objects.select_for_update().filter(pk__in=entry_ids, org_unit_id=meeting.org_unit_id)
                   .order_by("pk"))
    if len(entries) != len(set(entry_ids)):
        raise ValidationFailed("部分台账事项不属于该乡镇", field="entry_ids")
    for entry in entries:
        entry.meeting, entry.decision = meeting, text
        if entry.status == LedgerStatus.OPEN:
            entry.status = LedgerStatus.IN_PROGRESS
        entry.save(update_fields=["meeting", "decision", "status"])
    audit_record(actor=actor, action="masswork.ledger_discuss", obj=meeting, org_unit=meeting.org_unit,
                 summary={"entries": sorted(entry_ids)})
    return entries


@transaction.atomic
def ledger_resolve(*, actor: User, jurisdiction: Jurisdiction, entry_id: int, resolved_on: date | None = None
                   ) -> LedgerEntry:
    entry = LedgerEntry.objects.select_for_update().select_related("org_unit").get(pk=entry_id)
    require_in_scope(jurisdiction, entry.org_unit, "该台账事项")
    if entry.status == LedgerStatus.RESOLVED:
        raise IllegalTransition("该民情事项已办结")
    entry.status, entry.resolved_on = LedgerStatus.RESOLVED, resolved_on or timezone.localdate()
    entry.save(update_fields=["status", "resolved_on"])
    audit_record(actor=actor, action="masswork.ledger_resolve", obj=entry, org_unit=entry.org_unit)
    return entry
