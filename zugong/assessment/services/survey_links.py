"""The satisfaction survey's public link (R31: "one-time codes or a public link with dedupe"), beside the
one-time codes: one URL per round (`/m/survey/l/<token>/`), the respondent choosing their county among those
with a sample quota, answers stopping for a county once its quota is reached.

What dedupe means here, and its limits:
- **Phone**: the respondent gives a mobile number; what is kept is HMAC-SHA256(server secret key,
  "survey:<round id>:<number>") in `SurveyLinkDedupe` — no number, no time, no county, nothing linking it to
  the response. The same number cannot answer the round twice (a unique constraint; concurrent submissions
  race on it, one wins). The number is not verified (no SMS in this system): someone with several numbers can
  answer several times, and a family sharing one phone answers once. Anyone holding the secret key could
  test the ~10¹¹ mobile numbers against a digest; without it the digests reveal nothing.
- **Browser**: a signed cookie (`zg_sv<round id>`, signed with the secret key, a year) set after a submission
  refuses the same browser at once, before any number is typed; clearing cookies or another browser evades it.
So the link keeps honest respondents from answering twice by mistake and makes repeat answering cost a new
phone number; where a controlled sample matters, the one-time codes remain (both may run in one round).
Responses from the link are counted exactly like coded ones (pending, then shuffled batches)."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction

from zugong.assessment.models_survey import (
    ANSWER_POINTS,
    PendingSurveyResponse,
    Survey,
    SurveyIndicator,
    SurveyLinkDedupe,
    SurveyQuota,
    SurveyStatus,
)
from zugong.assessment.selectors_survey import received
from zugong.assessment.services.ballots import BATCH
from zugong.assessment.services.surveys import _lock, survey_responses_flush
from zugong.core.audit import audit_record
from zugong.core.errors import Conflict, IllegalTransition, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import OrgKind, OrgUnit
from zugong.core.permissions import Actor

INVALID_LINK = "测评链接无效，或测评不在进行中"
MOBILE = re.compile(r"^1[3-9]\d{9}$")
MAX_TARGET = 100_000


@transaction.atomic
def survey_link_set(*, actor: Actor, jurisdiction: Jurisdiction, survey_id: int, enabled: bool) -> Survey:
    """Open the round's public link (a new unguessable token each time) or withdraw it."""
    survey = _lock(jurisdiction, survey_id)
    if survey.status == SurveyStatus.CLOSED:
        raise IllegalTransition("测评已结束，不能再开启或关闭公开链接")
    survey.public_token = secrets.token_urlsafe(18)[:24] if enabled else ""
    survey.save(update_fields=["public_token"])
    audit_record(actor=actor, action="assessment.survey_link_set", obj=survey, org_unit=survey.org_unit,
                 summary={"enabled": enabled})
    return survey


@transaction.atomic
def survey_quota_set(*, actor: Actor, jurisdiction: Jurisdiction, survey_id: int, county: OrgUnit,
                     target: int) -> SurveyQuota | None:
    """A county's sample quota for the link (0 removes it: the link then does not offer the county)."""
    survey = _lock(jurisdiction, survey_id)
    if survey.status == SurveyStatus.CLOSED:
        raise IllegalTransition("测评已结束，不能再修改样本配额")
    if county.kind != OrgKind.COUNTY or not county.path.startswith(survey.org_unit.path):
        raise ValidationFailed(f"{county.name}不是本次测评范围内的县（市、区）", field="org_unit")
    if not 0 <= target <= MAX_TARGET:
        raise ValidationFailed(f"样本量须在 0 至 {MAX_TARGET} 之间", field="target")
    quota: SurveyQuota | None = None
    if target == 0:
        SurveyQuota.objects.filter(survey=survey, org_unit=county).delete()
    else:
        quota, _created = SurveyQuota.objects.update_or_create(survey=survey, org_unit=county,
                                                               defaults={"target": target})
    audit_record(actor=actor, action="assessment.survey_quota_set", obj=survey, org_unit=survey.org_unit,
                 summary={"county": county.pk, "target": target})
    return quota


def survey_by_token(token: str) -> Survey:
    survey = (Survey.objects.select_related("org_unit").filter(public_token=token).first()
              if token and len(token) <= 32 else None)
    if survey is None or survey.status != SurveyStatus.OPEN:
        raise Conflict(INVALID_LINK)
    return survey


def link_form(token: str) -> tuple[Survey, list[tuple[OrgUnit, bool]], list[SurveyIndicator]]:
    """The public page: the round, its counties with a quota (and whether each is full), the questionnaire."""
    survey = survey_by_token(token)
    counts = received(survey)
    counties = [(q.org_unit, counts.get(q.org_unit_id, 0) >= q.target)
                for q in SurveyQuota.objects.filter(survey=survey).select_related("org_unit")
                .order_by("org_unit__path")]
    return survey, counties, list(SurveyIndicator.objects.filter(survey=survey))


def phone_digest(survey_id: int, phone: str) -> str:
    number = re.sub(r"[\s-]", "", phone)
    if not MOBILE.match(number):
        raise ValidationFailed("请填写 11 位手机号码（只用于防止重复答卷，不保存号码）", field="phone")
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"survey:{survey_id}:{number}".encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def survey_answer_link(*, token: str, county_id: int, phone: str,
                       answers: dict[int, str]) -> PendingSurveyResponse:
    """An answer through the public link: an open round, a county with a quota not yet reached (its row
    locked, so two answers cannot both take the last place), every indicator answered, a phone not used for
    this round before. Kept pending and counted in shuffled batches like a coded answer."""
    survey = survey_by_token(token)
    quota = (SurveyQuota.objects.select_for_update(of=("self",)).select_related("org_unit")
             .filter(survey=survey, org_unit_id=county_id).first())
    if quota is None:
        raise ValidationFailed("请选择所在的县（市、区）", field="county")
    county = quota.org_unit
    indicators = list(SurveyIndicator.objects.filter(survey=survey))
    missing = [i.name for i in indicators if answers.get(i.pk) not in ANSWER_POINTS]
    if missing:
        raise ValidationFailed(f"请回答每一项（尚未回答：{'、'.join(missing)}）", field="answers")
    digest = phone_digest(survey.pk, phone)
    if received(survey).get(county.pk, 0) >= quota.target:
        raise Conflict(f"{county.name}的样本已满（{quota.target} 份），感谢您的参与")
    try:
        with transaction.atomic():
            SurveyLinkDedupe.objects.create(survey=survey, digest=digest)
    except IntegrityError as exc:
        raise Conflict("该手机号码已参加过本次测评") from exc
    pending = PendingSurveyResponse.objects.create(
        survey=survey, org_unit=county, answers={str(i.pk): ANSWER_POINTS[answers[i.pk]] for i in indicators})
    audit_record(actor=None, action="assessment.survey_answer_link", obj=survey, org_unit=survey.org_unit,
                 summary={"county": county.pk})
    survey_id = survey.pk
    transaction.on_commit(lambda: survey_responses_flush(survey_id=survey_id, county_id=county.pk, minimum=BATCH))
    return pending
