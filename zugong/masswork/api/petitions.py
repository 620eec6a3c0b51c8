"""Petition endpoints (信访), added to the masswork router. Identities are masked unless `reveal=true`
is asked by someone allowed (org_admin over the unit, the first-contact owner, an explicit grant);
each full view is logged with access_record."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from zugong.core.api_auth import permitted
from zugong.core.errors import ValidationFailed
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.permissions import may
from zugong.core.request import Limit, Offset, RowId, actor_of, jurisdiction_of
from zugong.core.selectors import org_unit_get
from zugong.masswork import selectors
from zugong.masswork.models import Petition, ReceptionDay
from zugong.masswork.petition_reports import petition_stats, reply_docx, reply_pdf
from zugong.masswork.services import petitions as svc

router = Router(tags=["petitions"])


class IdentityOut(Schema):
    name: str
    phone: str
    id_number: str
    address: str
    masked: bool


class PetitionOut(Schema):
    id: int
    org_unit_id: int
    channel: str
    petitioner: IdentityOut
    visitors: int
    subject: str
    content: str
    status: str
    status_label: str
    received_on: date
    owner: str
    transfer_to: str | None
    accept_due: date
    accepted_on: date | None
    close_due: date | None
    extended: bool
    extension_reason: str
    closed_on: date | None
    reply: str
    satisfaction: str
    repeat_of: int | None


def petition_out(request: HttpRequest, petition: Petition, *, reveal: bool = False) -> PetitionOut:
    identity = svc.petitioner_identity(user=actor_of(request), jurisdiction=jurisdiction_of(request),
                                       petition=petition, reveal=reveal, channel="api")
    return PetitionOut(
        id=petition.pk, org_unit_id=petition.org_unit_id, channel=petition.channel,
        petitioner=IdentityOut.model_validate(identity), visitors=petition.visitors, subject=petition.subject,
        content=petition.content, status=petition.status, status_label=str(petition.get_status_display()),
        received_on=petition.received_on, owner=petition.owner.get_username(),
        transfer_to=petition.transfer_to.get_username() if petition.transfer_to else None,
        accept_due=petition.accept_due, accepted_on=petition.accepted_on, close_due=petition.close_due,
        extended=petition.extended, extension_reason=petition.extension_reason, closed_on=petition.closed_on,
        reply=petition.reply, satisfaction=petition.satisfaction, repeat_of=petition.repeat_of_id)


class PetitionIn(Schema):
    org_id: RowId
    channel: str
    petitioner_name: str
    petitioner_phone: str = ""
    petitioner_id_number: str = ""
    petitioner_address: str = ""
    visitors: int = 1
    subject: str
    content: str
    received_on: date | None = None


class TransferIn(Schema):
    user_id: RowId


class DecideIn(Schema):
    accept: bool
    note: str = ""
    decided_on: date | None = None


class ExtendIn(Schema):
    reason: str


class CloseIn(Schema):
    reply: str
    closed_on: date | None = None


class SatisfactionIn(Schema):
    satisfaction: str


class PetitionStatsOut(Schema):
    received: int
    visitors: int
    accepted: int
    closed: int
    overdue: int
    closure_rate: float
    sentence: str


@router.get("/petitions", response=list[PetitionOut])
def petition_list(request: HttpRequest, status: str = "", limit: Limit = 50, offset: Offset = 0) -> list[PetitionOut]:
    rows = selectors.petitions_visible(jurisdiction_of(request, "masswork.petition_view"))
    if status:
        rows = rows.filter(status=status)
    page = rows.order_by("-received_on", "-pk")[max(0, offset):max(0, offset) + max(1, min(limit, 500))]
    return [petition_out(request, p) for p in page]


@router.post("/petitions", auth=permitted("masswork.petition_receive"), response={201: PetitionOut})
def petition_create(request: HttpRequest, payload: PetitionIn) -> Status[PetitionOut]:
    jurisdiction = jurisdiction_of(request)
    org = org_unit_get(jurisdiction, payload.org_id)
    data = payload.dict(exclude={"org_id"})
    petition = svc.petition_receive(actor=actor_of(request), jurisdiction=jurisdiction, org_unit=org,
                                    **data)
    return Status(201, petition_out(request, selectors.petition_get(jurisdiction, petition.pk)))


class StatsQuery(Schema):
    org: RowId | None = None
    from_: date | None = Field(None, alias="from")
    to: date | None = None


@router.get("/petitions/stats", response=PetitionStatsOut)
def petition_statistics(request: HttpRequest, filters: Query[StatsQuery]) -> PetitionStatsOut:
    jurisdiction = jurisdiction_of(request, "masswork.petition_view")
    rows = selectors.petitions_visible(jurisdiction)
    if filters.org is not None:
        unit = org_unit_get(jurisdiction, filters.org)
        rows = rows.filter(org_unit__path__gte=unit.path, org_unit__path__lt=unit.path_upper)
    stats = petition_stats(rows, start=filters.from_, end=filters.to, today=timezone.localdate())
    return PetitionStatsOut(**stats.as_dict())


@router.get("/petitions/{petition_id}", response=PetitionOut)
def petition_detail(request: HttpRequest, petition_id: RowId, reveal: bool = False) -> PetitionOut:
    return petition_out(request, selectors.petition_get(jurisdiction_of(request, "masswork.petition_view"), petition_id), reveal=reveal)


def _after(request: HttpRequest, petition_id: RowId) -> PetitionOut:
    return petition_out(request, selectors.petition_get(jurisdiction_of(request, "masswork.petition_view"), petition_id))


@router.post("/petitions/{petition_id}/transfer",
             auth=permitted("masswork.petition_handle", scope=selectors.petitions_visible, by="petition_id"),
             response=PetitionOut)
def petition_transfer(request: HttpRequest, petition_id: RowId, payload: TransferIn) -> PetitionOut:
    jurisdiction = jurisdiction_of(request)
    petition = selectors.petition_get(jurisdiction, petition_id)
    target = User.objects.filter(pk=payload.user_id, is_active=True).first()
    if target is None or not may(jurisdiction_for(target), "masswork.petition_handle", petition.org_unit):
        raise ValidationFailed("接收人不存在或无权办理该信访事项", field="user_id")
    svc.petition_transfer_request(actor=actor_of(request), jurisdiction=jurisdiction,
                                  petition_id=petition_id, to_user=target)
    return _after(request, petition_id)


@router.post("/petitions/{petition_id}/transfer/accept",
             auth=permitted("masswork.petition_handle", scope=selectors.petitions_visible, by="petition_id"),
             response=PetitionOut)
def petition_transfer_accept(request: HttpRequest, petition_id: RowId) -> PetitionOut:
    jurisdiction = jurisdiction_of(request)
    selectors.petition_get(jurisdiction, petition_id)
    svc.petition_transfer_accept(actor=actor_of(request), jurisdiction=jurisdiction,
                                 petition_id=petition_id)
    return _after(request, petition_id)


@router.post("/petitions/{petition_id}/decide",
             auth=permitted("masswork.petition_handle", scope=selectors.petitions_visible, by="petition_id"),
             response=PetitionOut)
def petition_decide(request: HttpRequest, petition_id: RowId, payload: DecideIn) -> PetitionOut:
    jurisdiction = jurisdiction_of(request)
    selectors.petition_get(jurisdiction, petition_id)
    svc.petition_decide(actor=actor_of(request), jurisdiction=jurisdiction, petition_id=petition_id,
                        accept=payload.accept, note=payload.note, decided_on=payload.decided_on)
    return _after(request, petition_id)


@router.post("/petitions/{petition_id}/extend",
             auth=permitted("masswork.petition_handle", scope=selectors.petitions_visible, by="petition_id"),
             response=PetitionOut)
def petition_extend(request: HttpRequest, petition_id: RowId, payload: ExtendIn) -> PetitionOut:
    jurisdiction = jurisdiction_of(request)
    selectors.petition_get(jurisdiction, petition_id)
    svc.petition_extend(actor=actor_of(request), jurisdiction=jurisdiction, petition_id=petition_id,
                        reason=payload.reason)
    return _after(request, petition_id)


@router.post("/petitions/{petition_id}/close",
             auth=permitted("masswork.petition_handle", scope=selectors.petitions_visible, by="petition_id"),
             response=PetitionOut)
def petition_close(request: HttpRequest, petition_id: RowId, payload: CloseIn) -> PetitionOut:
    jurisdiction = jurisdiction_of(request)
    selectors.petition_get(jurisdiction, petition_id)
    svc.petition_close(actor=actor_of(request), jurisdiction=jurisdiction, petition_id=petition_id,
                       reply=payload.reply, closed_on=payload.closed_on)
    return _after(request, petition_id)


@router.post("/petitions/{petition_id}/satisfaction",
             auth=permitted("masswork.petition_handle", scope=selectors.petitions_visible, by="petition_id"),
             response=PetitionOut)
def petition_satisfaction(request: HttpRequest, petition_id: RowId, payload: SatisfactionIn) -> PetitionOut:
    jurisdiction = jurisdiction_of(request)
    selectors.petition_get(jurisdiction, petition_id)
    svc.petition_rate(actor=actor_of(request), jurisdiction=jurisdiction, petition_id=petition_id,
                      satisfaction=payload.satisfaction)
    return _after(request, petition_id)


def _letter(request: HttpRequest, petition_id: RowId, kind: str) -> HttpResponse:
    jurisdiction = jurisdiction_of(request)
    petition = selectors.petition_get(jurisdiction, petition_id)
    if not petition.reply:
        raise ValidationFailed("该信访事项尚未办结答复，不能生成答复意见书")
    # The letter carries the petitioner's name: a full view, allowed and logged like reveal=true.
    svc.petitioner_identity(user=actor_of(request), jurisdiction=jurisdiction, petition=petition,
                            reveal=True, channel="api")
    unit = petition.org_unit.name
    if kind == "pdf":
        response = HttpResponse(reply_pdf(petition, unit_name=unit), content_type="application/pdf")
    else:
        response = HttpResponse(reply_docx(petition, unit_name=unit), content_type=(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
    response["Content-Disposition"] = f'attachment; filename="petition-{petition.pk}-reply.{kind}"'
    return response


@router.get("/petitions/{petition_id}/reply.docx")
def petition_reply_docx(request: HttpRequest, petition_id: RowId) -> HttpResponse:
    return _letter(request, petition_id, "docx")


@router.get("/petitions/{petition_id}/reply.pdf")
def petition_reply_pdf(request: HttpRequest, petition_id: RowId) -> HttpResponse:
    return _letter(request, petition_id, "pdf")


class ReceptionDayIn(Schema):
    org_id: RowId
    day: date
    leader_name: str
    leader_title: str = ""
    location: str = ""


class ReceptionRecordIn(Schema):
    record: str


class ReceptionDayOut(Schema):
    id: int
    org_unit_id: int
    day: date
    leader_name: str
    leader_title: str
    location: str
    held: bool
    record: str


def reception_day_out(row: ReceptionDay) -> ReceptionDayOut:
    return ReceptionDayOut(id=row.pk, org_unit_id=row.org_unit_id, day=row.day, leader_name=row.leader_name,
                           leader_title=row.leader_title, location=row.location, held=row.held, record=row.record)


@router.get("/reception-days", response=list[ReceptionDayOut])
def reception_day_list(request: HttpRequest, limit: Limit = 100) -> list[ReceptionDayOut]:
    rows = selectors.reception_days_visible(jurisdiction_of(request, "masswork.petition_view"))
    return [reception_day_out(r) for r in rows.order_by("-day", "pk")[:max(1, min(limit, 500))]]


@router.post("/reception-days",
             auth=permitted("masswork.reception_day_record"),
             response={201: ReceptionDayOut})
def reception_day_create(request: HttpRequest, payload: ReceptionDayIn) -> Status[ReceptionDayOut]:
    jurisdiction = jurisdiction_of(request)
    row = svc.reception_day_schedule(actor=actor_of(request), jurisdiction=jurisdiction,
                                     org_unit=org_unit_get(jurisdiction, payload.org_id), day=payload.day,
                                     leader_name=payload.leader_name, leader_title=payload.leader_title,
                                     location=payload.location)
    return Status(201, reception_day_out(row))


@router.post("/reception-days/{day_id}/record",
             auth=permitted("masswork.reception_day_record", scope=selectors.reception_days_visible, by="day_id"),
             response=ReceptionDayOut)
def reception_day_record(request: HttpRequest, day_id: RowId, payload: ReceptionRecordIn) -> ReceptionDayOut:
    jurisdiction = jurisdiction_of(request)
    row = selectors.reception_day_get(jurisdiction, day_id)
    return reception_day_out(svc.reception_day_record(actor=actor_of(request), jurisdiction=jurisdiction,
                                                      reception_day=row, record=payload.record))
