"""Township and village endpoints: the sentiment ledger and its 民情分析会, household visits, the
duty roster and check-in (phone-friendly JSON for the village office)."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Router, Schema, Status

from zugong.cadres.selectors import cadre_get
from zugong.core.api_auth import permitted
from zugong.core.errors import NotFound
from zugong.core.request import Limit, RowId, actor_of, jurisdiction_of
from zugong.core.selectors import meetings_visible, org_unit_get
from zugong.masswork import selectors
from zugong.masswork.models import DutyShift, LedgerEntry, Pairing
from zugong.masswork.selectors import user_get
from zugong.masswork.services import duty, ledger, visits

router = Router(tags=["township"])


class LedgerOut(Schema):
    id: int
    org_unit_id: int
    source: str
    recorded_on: date
    household: str
    matter: str
    status: str
    meeting_id: int | None
    decision: str


def ledger_out(entry: LedgerEntry) -> LedgerOut:
    return LedgerOut(id=entry.pk, org_unit_id=entry.org_unit_id, source=entry.source, recorded_on=entry.recorded_on,
                     household=entry.household, matter=entry.matter, status=entry.status,
                     meeting_id=entry.meeting_id, decision=entry.decision)


class LedgerIn(Schema):
    org_id: RowId  # where the matter was raised: a village, community or the township
    source: str
    matter: str
    household: str = ""
    recorded_on: date | None = None


class LedgerResolveIn(Schema):
    resolved_on: date | None = None


class DiscussIn(Schema):
    entry_ids: list[RowId]
    decision: str


class VisitIn(Schema):
    village_id: RowId
    cadre_id: RowId
    household: str
    visited_on: date
    matters: str = ""


class VisitOut(Schema):
    id: int
    ledger_entry_id: int | None


class ShiftIn(Schema):
    village_id: RowId
    cadre_id: RowId
    user_id: RowId  # the account of the cadre on the shift: only it may check in
    day: date


class ShiftOut(Schema):
    id: int
    village_id: int
    cadre: str
    user_id: int | None
    day: date
    checked_in: bool


def shift_out(shift: DutyShift) -> ShiftOut:
    return ShiftOut(id=shift.pk, village_id=shift.village_id, cadre=shift.cadre.name, user_id=shift.user_id,
                    day=shift.day, checked_in=shift.checked_in_at is not None)


@router.get("/ledger", response=list[LedgerOut])
def ledger_list(request: HttpRequest, status: str = "", limit: Limit = 100) -> list[LedgerOut]:
    rows = selectors.ledger_visible(jurisdiction_of(request, "masswork.township_view"))
    if status:
        rows = rows.filter(status=status)
    return [ledger_out(e) for e in rows.order_by("-recorded_on", "-pk")[:max(1, min(limit, 500))]]


@router.post("/ledger", auth=permitted("masswork.ledger_record"), response={201: LedgerOut})
def ledger_add(request: HttpRequest, payload: LedgerIn) -> Status[LedgerOut]:
    jurisdiction = jurisdiction_of(request)
    entry = ledger.ledger_entry_add(actor=actor_of(request), jurisdiction=jurisdiction,
                                    org_unit=org_unit_get(jurisdiction, payload.org_id), source=payload.source,
                                    matter=payload.matter, household=payload.household,
                                    recorded_on=payload.recorded_on)
    return Status(201, ledger_out(entry))


@router.post("/ledger/{entry_id}/resolve",
             auth=permitted("masswork.ledger_record", scope=selectors.ledger_visible, by="entry_id"),
             response=LedgerOut)
def ledger_resolve(request: HttpRequest, entry_id: RowId, payload: LedgerResolveIn) -> LedgerOut:
    jurisdiction = jurisdiction_of(request)
    selectors.ledger_entry_get(jurisdiction, entry_id)  # 404 outside the jurisdiction, before any lock
    return ledger_out(ledger.ledger_resolve(actor=actor_of(request), jurisdiction=jurisdiction, entry_id=entry_id,
                                            resolved_on=payload.resolved_on))


@router.post("/meetings/{meeting_id}/ledger",
             auth=permitted("masswork.ledger_record", scope=meetings_visible, by="meeting_id"),
             response=list[LedgerOut])
def ledger_discuss(request: HttpRequest, meeting_id: RowId, payload: DiscussIn) -> list[LedgerOut]:
    jurisdiction = jurisdiction_of(request)
    meeting = meetings_visible(jurisdiction).filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound("未找到该会议，或不在您的管辖范围内")
    entries = ledger.ledger_discuss(actor=actor_of(request), jurisdiction=jurisdiction, meeting=meeting,
                                    entry_ids=payload.entry_ids, decision=payload.decision)
    return [ledger_out(e) for e in entries]


@router.post("/visits", auth=permitted("masswork.visit_record"), response={201: VisitOut})
def visit_create(request: HttpRequest, payload: VisitIn) -> Status[VisitOut]:
    jurisdiction = jurisdiction_of(request)
    visit = visits.household_visit_record(
        actor=actor_of(request), jurisdiction=jurisdiction,
        village=org_unit_get(jurisdiction, payload.village_id),
        cadre=cadre_get(jurisdiction, payload.cadre_id), household=payload.household,
        visited_on=payload.visited_on, matters=payload.matters)
    return Status(201, VisitOut(id=visit.pk, ledger_entry_id=visit.ledger_entry_id))


@router.get("/duty", response=list[ShiftOut])
def duty_list(request: HttpRequest, village_id: RowId | None = None, day: date | None = None) -> list[ShiftOut]:
    rows = selectors.duty_visible(jurisdiction_of(request, "masswork.township_view"))
    if village_id is not None:
        rows = rows.filter(village_id=village_id)
    if day is not None:
        rows = rows.filter(day=day)
    return [shift_out(s) for s in rows.order_by("-day", "pk")[:500]]


@router.post("/duty", auth=permitted("masswork.duty_schedule"), response={201: ShiftOut})
def duty_schedule(request: HttpRequest, payload: ShiftIn) -> Status[ShiftOut]:
    jurisdiction = jurisdiction_of(request)
    shift = duty.duty_shift_schedule(actor=actor_of(request), jurisdiction=jurisdiction,
                                     village=org_unit_get(jurisdiction, payload.village_id),
                                     cadre=cadre_get(jurisdiction, payload.cadre_id),
                                     user=user_get(jurisdiction, payload.user_id), day=payload.day)
    return Status(201, shift_out(shift))


@router.post("/duty/{shift_id}/check-in",
             auth=permitted("masswork.duty_check_in", scope=selectors.duty_visible, by="shift_id"),
             response=ShiftOut)
def duty_check_in(request: HttpRequest, shift_id: RowId) -> ShiftOut:
    jurisdiction = jurisdiction_of(request)
    selectors.duty_shift_get(jurisdiction, shift_id)  # 404 outside the jurisdiction, before any lock
    return shift_out(duty.duty_check_in(actor=actor_of(request), jurisdiction=jurisdiction,
                                        shift_id=shift_id))


class PairingIn(Schema):
    cadre_id: RowId
    village_id: RowId
    valid_from: date
    household: str = ""
    household_phone: str = ""
    household_address: str = ""
    needs: str = ""


class PairingOut(Schema):
    id: int
    cadre: str
    village_id: int
    household: str
    needs: str
    resolution: str
    resolved_on: date | None


class ResolveIn(Schema):
    resolution: str
    resolved_on: date | None = None


class InVillageIn(Schema):
    village_id: RowId
    cadre_id: RowId
    day: date


def pairing_out(pairing: Pairing) -> PairingOut:
    return PairingOut(id=pairing.pk, cadre=pairing.cadre.name, village_id=pairing.village_id,
                      household=pairing.household, needs=pairing.needs, resolution=pairing.resolution,
                      resolved_on=pairing.resolved_on)


@router.get("/pairings", response=list[PairingOut])
def pairing_list(request: HttpRequest, cadre_id: RowId | None = None) -> list[PairingOut]:
    rows = selectors.pairings_visible(jurisdiction_of(request, "masswork.township_view"))
    if cadre_id is not None:
        rows = rows.filter(cadre_id=cadre_id)
    return [pairing_out(p) for p in rows.order_by("cadre_id", "pk")[:500]]


@router.post("/pairings", auth=permitted("masswork.pairing_record"), response={201: PairingOut})
def pairing_create(request: HttpRequest, payload: PairingIn) -> Status[PairingOut]:
    jurisdiction = jurisdiction_of(request)
    pairing = visits.pairing_create(
        actor=actor_of(request), jurisdiction=jurisdiction,
        cadre=cadre_get(jurisdiction, payload.cadre_id),
        village=org_unit_get(jurisdiction, payload.village_id), valid_from=payload.valid_from,
        household=payload.household, household_phone=payload.household_phone,
        household_address=payload.household_address, needs=payload.needs)
    return Status(201, pairing_out(pairing))


@router.post("/pairings/{pairing_id}/resolve",
             auth=permitted("masswork.pairing_record", scope=selectors.pairings_visible, by="pairing_id"),
             response=PairingOut)
def pairing_resolve(request: HttpRequest, pairing_id: RowId, payload: ResolveIn) -> PairingOut:
    jurisdiction = jurisdiction_of(request)
    selectors.pairing_get(jurisdiction, pairing_id)
    return pairing_out(visits.pairing_resolve(actor=actor_of(request), jurisdiction=jurisdiction,
                                              pairing_id=pairing_id, resolution=payload.resolution,
                                              resolved_on=payload.resolved_on))


@router.post("/in-village-days",
             auth=permitted("masswork.in_village_day_record"),
             response={201: dict[str, int]})
def in_village_day(request: HttpRequest, payload: InVillageIn) -> Status[dict[str, int]]:
    jurisdiction = jurisdiction_of(request)
    row = duty.in_village_day_record(actor=actor_of(request), jurisdiction=jurisdiction,
                                     village=org_unit_get(jurisdiction, payload.village_id),
                                     cadre=cadre_get(jurisdiction, payload.cadre_id), day=payload.day)
    return Status(201, {"id": row.pk})
