"""Row locks of the assessment app: `of=("self",)`, returning the row the service then changes."""

from __future__ import annotations

from zugong.assessment.models import Campaign, Subject
from zugong.core.errors import NotFound

NOT_FOUND = "未找到该考核，或不在您的管辖范围内"


def lock_campaign(pk: int) -> Campaign:
    campaign = Campaign.objects.select_for_update(of=("self",)).select_related("org_unit").filter(pk=pk).first()
    if campaign is None:
        raise NotFound(NOT_FOUND)
    return campaign


def lock_subject(campaign: Campaign, pk: int) -> Subject:
    subject = (Subject.objects.select_for_update(of=("self",)).select_related("org_unit", "cadre")
               .filter(campaign=campaign, pk=pk).first())
    if subject is None:
        raise NotFound("未找到该考核对象")
    return subject
