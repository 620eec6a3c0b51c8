"""Uses of a published result (考核结果运用): 表彰 and 优先使用 follow 优秀 (表彰 also 好), 诫勉谈话 follows
基本称职 or 不称职 and is recorded in talks as a supervision action (诫勉), 岗位调整建议 follows 不称职 (a
team: 较差). Each use once per subject; only after publication."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction

from zugong.assessment.locks import lock_campaign, lock_subject
from zugong.assessment.models import USE_RATINGS, CampaignStatus, ResultUse, SubjectKind, UseKind
from zugong.core.audit import audit_record
from zugong.core.errors import Conflict, IllegalTransition, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.permissions import Actor, require

PUBLISHED = (CampaignStatus.PUBLISHED, CampaignStatus.ARCHIVED)


def _ratings_text(kind: str) -> str:
    return "或".join(f"“{r}”" for r in sorted(USE_RATINGS[kind], key=len))


@transaction.atomic
def result_use_record(*, actor: Actor, jurisdiction: Jurisdiction, campaign_id: int, subject_id: int, kind: str,
                      decided_on: date, note: str = "") -> ResultUse:
    campaign = lock_campaign(campaign_id)
    require(jurisdiction, "assessment.result_use", campaign.org_unit)
    if campaign.status not in PUBLISHED:
        raise IllegalTransition("考核结果公布后才能运用")
    subject = lock_subject(campaign, subject_id)
    if kind not in UseKind.values:
        raise ValidationFailed("结果运用方式无效", field="kind")
    label = UseKind(kind).label
    if subject.rating not in USE_RATINGS[kind]:
        raise Conflict(f"“{label}”只适用于评为{_ratings_text(kind)}的考核对象（{subject.name}为“{subject.rating}”）")
    if kind in (UseKind.PRIORITY_USE, UseKind.ADMONISHMENT) and subject.kind != SubjectKind.CADRE:
        raise ValidationFailed(f"“{label}”只适用于领导干部", field="kind")
    action = None
    if kind == UseKind.ADMONISHMENT:
        from zugong.talks.services.supervision import supervision_record

        assert subject.cadre is not None
        action = supervision_record(actor=actor, jurisdiction=jurisdiction, cadre=subject.cadre, kind="admonishment",
                                    issued_on=decided_on,
                                    matter=f"{campaign.title}评定为“{subject.rating}”，进行诫勉谈话。{note}".strip())
    try:
        with transaction.atomic():
            use = ResultUse.objects.create(subject=subject, kind=kind, decided_on=decided_on, note=note.strip(),
                                           supervision_action=action,
                                           created_by_id=actor.pk if actor is not None else None)
    except IntegrityError as exc:
        raise Conflict(f"{subject.name}已有“{label}”的结果运用") from exc
    audit_record(actor=actor, action="assessment.result_use_record", obj=campaign, org_unit=campaign.org_unit,
                 summary={"subject": subject.pk, "kind": kind, "supervision_action": action.pk if action else None})
    return use
