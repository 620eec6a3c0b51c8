"""R02 side evidence (旁证): for an assessed team or unit, one request to each agency of R02's configurable
list (`bodies`), due R02's `days` (15) after it is sent, calendar days unless `workdays`; the reply closes it. Overdue is a
reply missing after the due day (or given after it)."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction

from zugong.assessment.locks import lock_campaign, lock_subject
from zugong.assessment.models import CampaignStatus, SideEvidenceRequest, SubjectKind
from zugong.core.audit import audit_record
from zugong.core.calendar import add_days
from zugong.core.errors import Conflict, IllegalTransition, NotFound, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import OrgUnit
from zugong.core.permissions import Actor, require
from zugong.rules.registry import param


def agencies_for(org_unit: OrgUnit, on: date) -> list[str]:
    return [str(b) for b in param("R02", "bodies", org_unit=org_unit, on=on)]


@transaction.atomic
def side_evidence_request(*, actor: Actor, jurisdiction: Jurisdiction, campaign_id: int, subject_id: int,
                          requested_on: date, agencies: list[str] | None = None) -> list[SideEvidenceRequest]:
    """Ask each agency (default: R02's whole list) about one team or unit of the campaign."""
    campaign = lock_campaign(campaign_id)
    require(jurisdiction, "assessment.campaign_create", campaign.org_unit)
    if campaign.status in (CampaignStatus.PUBLISHED, CampaignStatus.ARCHIVED):
        raise IllegalTransition("考核结果已公布，不能再征求旁证")
    subject = lock_subject(campaign, subject_id)
    if subject.kind == SubjectKind.CADRE:
        raise ValidationFailed("旁证针对被考核的领导班子或单位", field="subject")
    configured = agencies_for(subject.org_unit, requested_on)
    chosen = configured if agencies is None else agencies
    unknown = [a for a in chosen if a not in configured]
    if unknown or not chosen:
        raise ValidationFailed(f"旁证单位须为{'、'.join(configured)}中的单位", field="agencies")
    days = int(param("R02", "days", org_unit=subject.org_unit, on=requested_on))
    due_on = add_days(requested_on, days, workdays=bool(param("R02", "workdays", org_unit=subject.org_unit,
                                                             on=requested_on)))
    try:
        with transaction.atomic():
            rows = SideEvidenceRequest.objects.bulk_create([
                SideEvidenceRequest(assessed=subject, org_unit=subject.org_unit, agency=a, requested_on=requested_on,
                                    due_on=due_on,
                                    requested_by_id=actor.pk if actor is not None else None) for a in chosen])
    except IntegrityError as exc:
        raise Conflict(f"已向其中的单位征求过{subject.name}的旁证") from exc
    audit_record(actor=actor, action="assessment.side_evidence_request", obj=campaign, org_unit=campaign.org_unit,
                 summary={"subject": subject.pk, "agencies": chosen, "due_on": str(rows[0].due_on)})
    return rows


@transaction.atomic
def side_evidence_reply(*, actor: Actor, jurisdiction: Jurisdiction, request_id: int, replied_on: date,
                        reply: str) -> SideEvidenceRequest:
    row = (SideEvidenceRequest.objects.select_for_update(of=("self",)).select_related("assessed__campaign__org_unit")
           .filter(pk=request_id).first())
    if row is None:
        raise NotFound("未找到该旁证")
    campaign = row.assessed.campaign
    require(jurisdiction, "assessment.campaign_create", campaign.org_unit)
    if row.replied_on is not None:
        raise Conflict(f"{row.agency}的旁证已于 {row.replied_on} 回复")
    if not reply.strip():
        raise ValidationFailed("请填写回复意见", field="reply")
    if replied_on < row.requested_on:
        raise ValidationFailed("回复日期不能早于发函日期", field="replied_on")
    row.replied_on, row.reply = replied_on, reply.strip()
    row.save(update_fields=["replied_on", "reply"])
    audit_record(actor=actor, action="assessment.side_evidence_reply", obj=campaign, org_unit=campaign.org_unit,
                 summary={"request": row.pk, "agency": row.agency, "late": row.is_overdue(replied_on)})
    return row
