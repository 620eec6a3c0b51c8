"""Ratings (等次): the scale of the subject, R14's cap from the year's 约谈 (talks.caps), the negative list
(负面清单) and the campaign's 优秀 quota. Every refusal is a 409 with the reason the page shows."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from zugong.assessment.locks import lock_campaign, lock_subject
from zugong.assessment.models import (
    TOP_RATINGS,
    Campaign,
    CampaignStatus,
    NegativeEntry,
    NegativeSituation,
    Subject,
    SubjectKind,
)
from zugong.core.audit import audit_record
from zugong.core.errors import Conflict, GateRefused, IllegalTransition, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.permissions import Actor, require
from zugong.talks.caps import Cap, rating_cap, rating_caps

# talks.caps speaks of a team's top rating as 优秀; the assessment scale of teams says 好.
_CAP_TEAM_NAME = {"优秀": "好"}


@dataclass(frozen=True)
class RatingLimit:
    """What a subject may be rated: the allowed ratings and, when limited, why (shown on the page)."""

    allowed: tuple[str, ...]
    reasons: tuple[str, ...]


def _r14_of(subject: Subject, cap: Cap) -> tuple[tuple[str, ...], str]:
    if subject.kind == SubjectKind.CADRE:
        return cap.allowed, (f"本年度被{cap.reason}" if cap.reason.startswith("约谈") else cap.reason)
    return tuple(_CAP_TEAM_NAME.get(r, r) for r in cap.allowed), cap.reason


def _r14(subject: Subject, year: int) -> tuple[tuple[str, ...], str]:
    if subject.kind == SubjectKind.CADRE:
        assert subject.cadre is not None
        return _r14_of(subject, rating_cap(cadre=subject.cadre, year=year))
    return _r14_of(subject, rating_cap(team=subject.org_unit, year=year))


def rating_limit(subject: Subject, year: int) -> RatingLimit:
    """R14 and the negative list applied to the subject's scale (the quota is the campaign's, see below)."""
    return _limit(subject, *_r14(subject, year))


def rating_limits(subjects: Sequence[Subject], year: int) -> dict[int, RatingLimit]:
    """`rating_limit` of every subject (subject id → limit) in a fixed number of queries (`talks.caps.rating_caps`);
    the subjects' negative entries are read from their prefetch (`selectors.subjects_of`)."""
    cadres = [s.cadre for s in subjects if s.kind == SubjectKind.CADRE and s.cadre is not None]
    teams = [s.org_unit for s in subjects if s.kind != SubjectKind.CADRE]
    by_cadre, by_team = rating_caps(cadres=cadres, teams=teams, year=year)
    return {s.pk: _limit(s, *_r14_of(s, by_cadre[s.cadre_id] if s.kind == SubjectKind.CADRE and s.cadre_id
                                         else by_team[s.org_unit_id])) for s in subjects}


def _limit(subject: Subject, allowed: tuple[str, ...], r14_reason: str) -> RatingLimit:
    reasons = [r14_reason] if r14_reason else []
    negatives = [str(NegativeSituation(e.situation).label) for e in subject.negative_entries.all()]
    if negatives:
        allowed = tuple(r for r in allowed if r not in TOP_RATINGS)
        reasons.append(f"列入负面清单（{'、'.join(negatives)}）：不得评为“{subject.scale[0]}”等次")
    return RatingLimit(tuple(r for r in subject.scale if r in allowed), tuple(reasons))


def excellent_quota(campaign: Campaign, kind_count: int) -> int:
    """优秀 places for `kind_count` subjects of one scale: the share of them, rounded down."""
    return math.floor(campaign.excellent_share * kind_count)


def _quota_check(campaign: Campaign, subject: Subject) -> None:
    same_scale = Subject.objects.filter(campaign=campaign)
    same_scale = (same_scale.filter(kind=SubjectKind.CADRE) if subject.kind == SubjectKind.CADRE
                  else same_scale.exclude(kind=SubjectKind.CADRE))
    total = same_scale.count()
    quota = excellent_quota(campaign, total)
    taken = same_scale.filter(rating__in=TOP_RATINGS).exclude(pk=subject.pk).count()
    if taken >= quota:
        share = f"{(campaign.excellent_share * 100).normalize():f}%"
        raise Conflict(f"“{subject.scale[0]}”等次名额已满：共 {total} 个考核对象，比例 {share}，"
                       f"最多 {quota} 个，已评定 {taken} 个", code="quota_full")


@transaction.atomic
def rating_set(*, actor: Actor, jurisdiction: Jurisdiction, campaign_id: int, subject_id: int,
               rating: str) -> Subject:
    """Rate one subject. The campaign row is locked first, so two clerks cannot both take the last 优秀 place."""
    campaign = lock_campaign(campaign_id)
    require(jurisdiction, "assessment.rating_set", campaign.org_unit)
    if campaign.status != CampaignStatus.RATING:
        raise IllegalTransition(f"考核当前为“{CampaignStatus(campaign.status).label}”，只有在“定等次”阶段才能评定等次")
    subject = lock_subject(campaign, subject_id)
    if rating not in subject.scale:
        raise ValidationFailed(f"等次须为{'、'.join(subject.scale)}之一", field="rating")
    limit = rating_limit(subject, campaign.year)
    if rating not in limit.allowed:
        raise GateRefused(f"{subject.name}：{'；'.join(limit.reasons)}", code="rating_capped")
    if rating in TOP_RATINGS:
        _quota_check(campaign, subject)
    subject.rating = rating
    subject.rating_note = "；".join(limit.reasons)[:300]
    subject.rated_at = timezone.now()
    subject.save(update_fields=["rating", "rating_note", "rated_at"])
    audit_record(actor=actor, action="assessment.rating_set", obj=campaign, org_unit=campaign.org_unit,
                 summary={"subject": subject.pk, "rating": rating})
    return subject


@transaction.atomic
def negative_entry_record(*, actor: Actor, jurisdiction: Jurisdiction, campaign_id: int, subject_id: int,
                          situation: str, note: str = "") -> NegativeEntry:
    campaign = lock_campaign(campaign_id)
    require(jurisdiction, "assessment.rating_set", campaign.org_unit)
    if campaign.status in (CampaignStatus.PUBLISHED, CampaignStatus.ARCHIVED):
        raise IllegalTransition("考核结果已公布，不能再登记负面清单")
    subject = lock_subject(campaign, subject_id)
    if situation not in NegativeSituation.values:
        raise ValidationFailed("负面清单情形无效", field="situation")
    if subject.rating in TOP_RATINGS:
        raise Conflict(f"{subject.name}已评为“{subject.rating}”，请先改评等次再登记负面清单")
    entry = NegativeEntry.objects.create(subject=subject, situation=situation, note=note.strip()[:300],
                                         recorded_by_id=actor.pk if actor is not None else None)
    audit_record(actor=actor, action="assessment.negative_entry_record", obj=campaign, org_unit=campaign.org_unit,
                 summary={"subject": subject.pk, "situation": situation})
    return entry
