"""The satisfaction survey (R31): create a round with the default questionnaire (4 areas, 19 indicators),
edit it while a draft, issue one-time codes per county (its sample quota), take answers from the phone
page, close the round, and assign the follow-up of the lowest cities and counties (R31's `lowest_cities`
and `lowest_counties`, default 3 and 10) with a deadline.

Answers are anonymous as ballots are: the transaction that spends a code writes a pending response only;
another transaction (`survey_responses_flush`) moves a county's pending responses into `SurveyResponse` and
`SurveyAnswer` rows in an order drawn from the CSPRNG once there are `BATCH` of them, and closing the round
counts the rest. So no response's id, place or row transaction follows the code that answered it."""

from __future__ import annotations

import secrets
from collections import defaultdict
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from zugong.assessment import selectors_survey as read
from zugong.assessment.models_survey import (
    ANSWER_POINTS,
    DEFAULT_QUESTIONNAIRE,
    SURVEY_ALLOWED,
    FollowUpKind,
    PendingSurveyResponse,
    Survey,
    SurveyAnswer,
    SurveyCode,
    SurveyFollowUp,
    SurveyIndicator,
    SurveyResponse,
    SurveyStatus,
)
from zugong.assessment.services.ballots import ALPHABET, BATCH, CODE_LENGTH, MAX_CODES, code_hash
from zugong.core.audit import audit_record
from zugong.core.errors import Conflict, IllegalTransition, NotFound, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import OrgKind, OrgUnit
from zugong.core.permissions import Actor, require
from zugong.rectification.models import Source
from zugong.rectification.services.problems import problem_raise

MANAGE = "assessment.survey_manage"
INVALID_CODE = "问卷码无效或已使用"


def _lock(jurisdiction: Jurisdiction, survey_id: int) -> Survey:
    survey = Survey.objects.select_for_update(of=("self",)).select_related("org_unit").filter(pk=survey_id).first()
    if survey is None:
        raise NotFound(read.NOT_FOUND)
    require(jurisdiction, MANAGE, survey.org_unit)
    return survey


def _questionnaire(survey: Survey, areas: list[tuple[str, list[str]]]) -> int:
    rows = [SurveyIndicator(survey=survey, area=area.strip(), name=name.strip(), sort_order=n)
            for n, (area, name) in enumerate((a, i) for a, names in areas for i in names)]
    if not rows or any(not r.area or not r.name for r in rows):
        raise ValidationFailed("问卷至少须有一个测评领域和指标，且名称不能为空", field="indicators")
    SurveyIndicator.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def survey_create(*, actor: Actor, jurisdiction: Jurisdiction, org_unit: OrgUnit, title: str, year: int) -> Survey:
    require(jurisdiction, MANAGE, org_unit)
    if not title.strip():
        raise ValidationFailed("请填写测评名称", field="title")
    if not 2000 <= year <= 2100:
        raise ValidationFailed("年度无效", field="year")
    survey = Survey.objects.create(org_unit=org_unit, title=title.strip(), year=year,
                                   created_by_id=actor.pk if actor is not None else None)
    count = _questionnaire(survey, DEFAULT_QUESTIONNAIRE)
    audit_record(actor=actor, action="assessment.survey_create", obj=survey, org_unit=org_unit,
                 summary={"title": survey.title, "year": year, "indicators": count})
    return survey


@transaction.atomic
def survey_questionnaire_set(*, actor: Actor, jurisdiction: Jurisdiction, survey_id: int,
                             areas: list[tuple[str, list[str]]]) -> int:
    """Replace the questionnaire while the survey is a draft."""
    survey = _lock(jurisdiction, survey_id)
    if survey.status != SurveyStatus.DRAFT:
        raise IllegalTransition(f"测评已{SurveyStatus(survey.status).label}，不能再修改问卷")
    SurveyIndicator.objects.filter(survey=survey).delete()
    count = _questionnaire(survey, areas)
    audit_record(actor=actor, action="assessment.survey_questionnaire_set", obj=survey, org_unit=survey.org_unit,
                 summary={"indicators": count})
    return count


@transaction.atomic
def survey_codes_issue(*, actor: Actor, jurisdiction: Jurisdiction, survey_id: int, county: OrgUnit,
                       count: int) -> list[str]:
    """One-time codes for respondents of one county; returned once for printing, only hashes stay."""
    from secrets import choice

    survey = _lock(jurisdiction, survey_id)
    if survey.status == SurveyStatus.CLOSED:
        raise IllegalTransition("测评已结束，不能再发放问卷码")
    if county.kind != OrgKind.COUNTY or not county.path.startswith(survey.org_unit.path):
        raise ValidationFailed(f"{county.name}不是本次测评范围内的县（市、区）", field="org_unit")
    if not 1 <= count <= MAX_CODES:
        raise ValidationFailed(f"一次发放 1 至 {MAX_CODES} 个问卷码", field="count")
    codes: set[str] = set()
    while len(codes) < count:
        codes.add("".join(choice(ALPHABET) for _ in range(CODE_LENGTH)))
    try:
        with transaction.atomic():
            SurveyCode.objects.bulk_create([SurveyCode(survey=survey, org_unit=county, code_hash=code_hash(c))
                                            for c in sorted(codes)])
    except IntegrityError as exc:
        raise Conflict("问卷码生成冲突，请重试") from exc
    audit_record(actor=actor, action="assessment.survey_codes_issue", obj=survey, org_unit=survey.org_unit,
                 summary={"county": county.pk, "count": count})
    return sorted(codes)


@transaction.atomic
def survey_transition(*, actor: Actor, jurisdiction: Jurisdiction, survey_id: int, to: str,
                      on: date | None = None) -> Survey:
    survey = _lock(jurisdiction, survey_id)
    if to not in SurveyStatus.values or to not in SURVEY_ALLOWED[survey.status]:
        target = SurveyStatus(to).label if to in SurveyStatus.values else to
        raise IllegalTransition(f"测评当前为“{SurveyStatus(survey.status).label}”，不能转为“{target}”")
    before, survey.status = survey.status, to
    fields = ["status"]
    if to == SurveyStatus.CLOSED:
        survey.closed_on = on or timezone.localdate()
        fields.append("closed_on")
    survey.save(update_fields=fields)
    if to == SurveyStatus.CLOSED:  # answering has ended: every county's last, smaller batch is counted too
        survey_responses_flush(survey_id=survey.pk, minimum=1)
    audit_record(actor=actor, action="assessment.survey_transition", obj=survey, org_unit=survey.org_unit,
                 summary={"from": before, "to": to})
    return survey


def questionnaire_of(code: str) -> tuple[Survey, OrgUnit, list[SurveyIndicator]]:
    """What a valid, unused code answers (the phone page's questionnaire); refused otherwise."""
    found = (SurveyCode.objects.select_related("survey", "org_unit")
             .filter(code_hash=code_hash(code), used=False).first())
    if found is None or found.survey.status != SurveyStatus.OPEN:
        raise Conflict(INVALID_CODE)
    return found.survey, found.org_unit, list(SurveyIndicator.objects.filter(survey=found.survey))


@transaction.atomic
def survey_answer(*, code: str, answers: dict[int, str]) -> PendingSurveyResponse:
    """Every indicator answered once (满意 / 基本满意 / 不满意); the code is spent by a conditional update. The
    questionnaire is kept pending; once `BATCH` of its county are pending, another transaction counts them."""
    survey, county, indicators = questionnaire_of(code)
    missing = [i.name for i in indicators if answers.get(i.pk) not in ANSWER_POINTS]
    if missing:
        raise ValidationFailed(f"请回答每一项（尚未回答：{'、'.join(missing)}）", field="answers")
    if SurveyCode.objects.filter(code_hash=code_hash(code), used=False).update(used=True) != 1:
        raise Conflict(INVALID_CODE)
    pending = PendingSurveyResponse.objects.create(
        survey=survey, org_unit=county, answers={str(i.pk): ANSWER_POINTS[answers[i.pk]] for i in indicators})
    audit_record(actor=None, action="assessment.survey_answer", obj=survey, org_unit=survey.org_unit,
                 summary={"county": county.pk})
    survey_id, county_id = survey.pk, county.pk
    transaction.on_commit(lambda: survey_responses_flush(survey_id=survey_id, county_id=county_id, minimum=BATCH))
    return pending


def _count(survey: Survey, county_id: int, batch: list[PendingSurveyResponse]) -> None:
    secrets.SystemRandom().shuffle(batch)
    responses = SurveyResponse.objects.bulk_create([SurveyResponse(survey=survey, org_unit_id=county_id)
                                                    for _ in batch])
    SurveyAnswer.objects.bulk_create([
        SurveyAnswer(response=response, survey=survey, org_unit_id=county_id, indicator_id=int(indicator_id),
                     points=points)
        for response, p in zip(responses, batch, strict=True) for indicator_id, points in sorted(p.answers.items())])


@transaction.atomic
def survey_responses_flush(*, survey_id: int, county_id: int | None = None, minimum: int = 1) -> int:
    """Count the pending responses of each county (or of one) that has at least `minimum` of them — all of
    them once the round is closed — as response rows in an order drawn from the system's CSPRNG, in this
    transaction (never the one that spent a code), and delete them from the pending table. Returns how many
    were counted."""
    survey = (Survey.objects.select_for_update(of=("self",)).select_related("org_unit")  # one flush at a time
              .filter(pk=survey_id).first())
    if survey is None:
        raise NotFound(read.NOT_FOUND)
    if survey.status == SurveyStatus.CLOSED:  # an answer committed while the round closed is not left behind
        minimum = 1
    rows = PendingSurveyResponse.objects.filter(survey=survey).order_by()
    by_county: dict[int, list[PendingSurveyResponse]] = defaultdict(list)
    for p in rows if county_id is None else rows.filter(org_unit_id=county_id):
        by_county[p.org_unit_id].append(p)
    counted = {c: batch for c, batch in by_county.items() if len(batch) >= minimum}
    for county, batch in counted.items():
        _count(survey, county, batch)
    flushed = [p.pk for batch in counted.values() for p in batch]
    if flushed:
        PendingSurveyResponse.objects.filter(pk__in=flushed).delete()
        audit_record(actor=None, action="assessment.survey_responses_flush", obj=survey, org_unit=survey.org_unit,
                     summary={"responses": len(flushed), "counties": len(counted)})
    return len(flushed)


def _assign(survey: Survey, rows: list[read.UnitScore], kind: str, today: date, due_on: date) -> list[SurveyFollowUp]:
    return [SurveyFollowUp(survey=survey, org_unit_id=r.org_unit_id, kind=kind, rank=r.rank, score=r.score,
                           assigned_on=today, due_on=due_on) for r in rows]


def follow_up_problem_text(survey: Survey, row: SurveyFollowUp, unit: OrgUnit) -> str:
    """The problem's description: stored text, so in Chinese whatever language the page that assigns it is in."""
    with translation.override(settings.LANGUAGE_CODE):
        task = str(FollowUpKind(row.kind).label)
    return (f"{survey.title}：{unit.name}得分 {row.score}，排名第 {row.rank} 名，列入末位{task}；"
            f"须于 {row.due_on:%Y-%m-%d} 前完成{task}")


def _raise_problems(actor: Actor, jurisdiction: Jurisdiction, survey: Survey, rows: list[SurveyFollowUp],
                    today: date) -> None:
    """Each task becomes a problem of its unit's 满意度测评 list (issued by the round's organising unit) through
    rectification's public service; the task keeps the problem, the problem's `origin` names the task."""
    units = OrgUnit.objects.in_bulk([r.org_unit_id for r in rows])
    for row in rows:
        unit = units[row.org_unit_id]
        row.problem = problem_raise(actor=actor, jurisdiction=jurisdiction, source=Source.SATISFACTION,
                                    issuing_unit=survey.org_unit, owner_unit=unit,
                                    description=follow_up_problem_text(survey, row, unit),
                                    origin=f"assessment.surveyfollowup:{row.pk}", raised_on=today, due_on=row.due_on)
    SurveyFollowUp.objects.bulk_update(rows, ["problem"])


@transaction.atomic
def survey_follow_ups_assign(*, actor: Actor, jurisdiction: Jurisdiction, survey_id: int, today: date,
                             due_on: date) -> list[SurveyFollowUp]:
    """After the round closes: 督导检查 for the lowest `lowest_cities` cities and 整改落实专项检查 for the
    lowest `lowest_counties` counties (R31 at the organising unit on the closing day); once per survey."""
    from zugong.rules.registry import param

    survey = _lock(jurisdiction, survey_id)
    if survey.status != SurveyStatus.CLOSED:
        raise IllegalTransition("测评结束后才能下达跟进任务")
    if due_on <= today:
        raise ValidationFailed("完成期限须晚于下达日期", field="due_on")
    if SurveyFollowUp.objects.filter(survey=survey).exists():
        raise Conflict("本次测评的跟进任务已下达")
    on = survey.closed_on or today
    cities = int(param("R31", "lowest_cities", org_unit=survey.org_unit, on=on))
    counties = int(param("R31", "lowest_counties", org_unit=survey.org_unit, on=on))
    lowest_cities = list(reversed(read.ranking(survey, "city")))[:cities]
    lowest_counties = list(reversed(read.ranking(survey, "county")))[:counties]
    rows = SurveyFollowUp.objects.bulk_create(
        _assign(survey, lowest_cities, FollowUpKind.SUPERVISION, today, due_on)
        + _assign(survey, lowest_counties, FollowUpKind.SPECIAL_CHECK, today, due_on))
    _raise_problems(actor, jurisdiction, survey, rows, today)
    audit_record(actor=actor, action="assessment.survey_follow_ups_assign", obj=survey, org_unit=survey.org_unit,
                 summary={"cities": len(lowest_cities), "counties": len(lowest_counties), "due_on": due_on.isoformat()})
    return rows


@transaction.atomic
def survey_follow_up_done(*, actor: Actor, jurisdiction: Jurisdiction, follow_up_id: int, done_on: date,
                          note: str) -> SurveyFollowUp:
    row = SurveyFollowUp.objects.select_for_update(of=("self",)).filter(pk=follow_up_id).first()
    if row is None:
        raise NotFound("未找到该跟进任务")
    _lock(jurisdiction, row.survey_id)
    if row.done_on is not None:
        raise Conflict("该跟进任务已完成")
    if not note.strip():
        raise ValidationFailed("请填写检查情况", field="note")
    row.done_on, row.note = done_on, note.strip()
    row.save(update_fields=["done_on", "note"])
    audit_record(actor=actor, action="assessment.survey_follow_up_done", obj=row.survey, org_unit=row.org_unit,
                 summary={"follow_up": row.pk, "done_on": done_on.isoformat()})
    return row

