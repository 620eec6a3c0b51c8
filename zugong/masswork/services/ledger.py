"""The township sentiment ledger (民情台账) and its link to the monthly 民情分析会 (R07).

The meeting itself is a core `Meeting(kind="ledger_meeting")`; R07 (one a month) is evaluated by the
rule engine on those meetings. Here each ledger entry records which meeting discussed it and what
the meeting decided.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from zugong.core.audit import audit_record
from zugong.core.errors import Forbidden, IllegalTransition, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import Meeting, MeetingKind, OrgUnit
from zugong.core.orgtree import township_of
from zugong.core.permissions import Actor, require
from zugong.masswork.locks import lock_ledger_entries, lock_ledger_entry
from zugong.masswork.models import LedgerEntry, LedgerSource, LedgerStatus
from zugong.masswork.services.validation import clean_text


def ledger_township(org: OrgUnit) -> OrgUnit:
    """The township whose ledger takes a matter raised at `org` (core.orgtree `township_of`, required here)."""
    township = township_of(org)
    if township is None:
        raise ValidationFailed("民情台账只能记在乡镇（街道）下", field="org_unit")
    return township


def ledger_entry_create(
    *, actor: Actor, org_unit: OrgUnit, source: str, matter: str, household: str = "",
    recorded_on: date | None = None, source_ref: str = "",
) -> LedgerEntry:
    """An entry raised by another service that already checked its own action (a visit in a village
    adds to the township's ledger even when the visitor holds no role at the township)."""
    township = ledger_township(org_unit)
    if source not in LedgerSource.values:
        raise ValidationFailed("民情来源不正确", field="source")
    entry = LedgerEntry.objects.create(
        org_unit=township, raised_at=org_unit, source=source, source_ref=source_ref[:40], household=household.strip()[:60],
        matter=clean_text(matter, field="matter", label="民情事项", max_length=2000),
        recorded_on=recorded_on or timezone.localdate())
    audit_record(actor=actor, action="masswork.ledger_entry_add", obj=entry, org_unit=township,
                 summary={"source": source})
    return entry


@transaction.atomic
def ledger_entry_add(
    *, actor: Actor, jurisdiction: Jurisdiction, org_unit: OrgUnit, source: str, matter: str,
    household: str = "", recorded_on: date | None = None, source_ref: str = "",
) -> LedgerEntry:
    """A matter raised at `org_unit` (a village, community or the township itself), checked there: village
    staff record what their village raised, as with a visit; the entry goes into the township's ledger."""
    require(jurisdiction, "masswork.ledger_record", org_unit)
    return ledger_entry_create(actor=actor, org_unit=org_unit, source=source, matter=matter, household=household,
                               recorded_on=recorded_on, source_ref=source_ref)


@transaction.atomic
def ledger_discuss(
    *, actor: Actor, jurisdiction: Jurisdiction, meeting: Meeting, entry_ids: list[int], decision: str,
) -> list[LedgerEntry]:
    """Record that a 民情分析会 discussed these entries and what it decided."""
    if meeting.kind != MeetingKind.LEDGER_MEETING:
        raise ValidationFailed("只能关联民情分析会", field="meeting")
    require(jurisdiction, "masswork.ledger_record", meeting.org_unit)
    text = clean_text(decision, field="decision", label="会议议定", max_length=2000)
    entries = lock_ledger_entries(entry_ids, org_unit_id=meeting.org_unit_id)
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
def ledger_resolve(*, actor: Actor, jurisdiction: Jurisdiction, entry_id: int, resolved_on: date | None = None
                   ) -> LedgerEntry:
    entry = lock_ledger_entry(entry_id)
    if (entry.raised_at is not None and jurisdiction.contains(entry.raised_at)
            and not jurisdiction.contains(entry.org_unit)):
        # A village's staff read what their village raised, but the ledger is the township's to close.
        raise Forbidden("民情事项由乡镇办结，村干部只能查看本村提出的事项")
    require(jurisdiction, "masswork.ledger_record", entry.org_unit)
    if entry.status == LedgerStatus.RESOLVED:
        raise IllegalTransition("该民情事项已办结")
    entry.status, entry.resolved_on = LedgerStatus.RESOLVED, resolved_on or timezone.localdate()
    entry.save(update_fields=["status", "resolved_on"])
    audit_record(actor=actor, action="masswork.ledger_resolve", obj=entry, org_unit=entry.org_unit)
    return entry
