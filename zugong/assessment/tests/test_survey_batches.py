"""Survey responses are counted in shuffled batches, like ballots: the transaction that spends a survey code
writes a pending response only; another transaction moves a county's pending responses into `SurveyResponse`
and `SurveyAnswer` rows in an order drawn from the CSPRNG once `BATCH` of them are pending, and closing the
round counts the rest. So no id, no table order, no row's transaction and no log follows the order in which
codes were spent, and no response is lost."""

from __future__ import annotations

import itertools
import json
from decimal import Decimal

import pytest
from django.db import connection

from zugong.assessment import selectors_survey as read
from zugong.assessment.models_survey import (
    ANSWER_POINTS,
    PendingSurveyResponse,
    SurveyAnswer,
    SurveyCode,
    SurveyResponse,
)
from zugong.assessment.services import surveys as svc
from zugong.assessment.services.ballots import BATCH, code_hash
from zugong.conftest import logged_in
from zugong.core.models import AuditEvent, OrgUnit

from .test_surveys import Round, round_  # noqa: F401

ANSWERS = ("满意", "基本满意", "不满意")


def _codes(r: Round, county: OrgUnit, n: int) -> list[str]:
    return svc.survey_codes_issue(actor=r.prov, jurisdiction=r.jp, survey_id=r.survey.pk, county=county, count=n)


def _patterns(r: Round, n: int) -> list[tuple[int, ...]]:
    """n different questionnaires (points per indicator, in questionnaire order)."""
    first = list(itertools.islice(itertools.product(ANSWERS, repeat=3), n))
    return [tuple(ANSWER_POINTS[a] for a in (*head, *["满意"] * (len(r.indicators) - 3))) for head in first]


def _answer(r: Round, code: str, pattern: tuple[int, ...]) -> None:
    by_points = {p: a for a, p in ANSWER_POINTS.items()}
    svc.survey_answer(code=code, answers={i.pk: by_points[p] for i, p in zip(r.indicators, pattern, strict=True)})


def _counted(r: Round) -> list[tuple[int, ...]]:
    """The responses as counted, in id order (also the order of insertion)."""
    points = {(a.response_id, a.indicator_id): a.points for a in SurveyAnswer.objects.all()}
    return [tuple(points[(pk, i.pk)] for i in r.indicators)
            for pk in SurveyResponse.objects.order_by("pk").values_list("pk", flat=True)]


def test_a_response_below_a_batch_stays_pending_and_the_page_says_so(round_: Round,  # noqa: F811
                                                                     django_capture_on_commit_callbacks) -> None:
    # given: three respondents of 甲县
    codes = _codes(round_, round_.tree.county_a, 3)
    with django_capture_on_commit_callbacks(execute=True):
        for code, pattern in zip(codes, _patterns(round_, 3), strict=True):
            _answer(round_, code, pattern)
    # then: the codes are spent, nothing is counted yet, and the page says three are pending
    assert PendingSurveyResponse.objects.count() == 3 and not SurveyResponse.objects.exists()
    assert [(q.issued, q.answered) for q in read.quotas(round_.survey)] == [(3, 3)]
    assert read.ranking(round_.survey, "county") == []
    page = logged_in(round_.prov).get(f"/assessment/surveys/{round_.survey.pk}/").content.decode()
    assert 'id="zg-survey-pending"' in page and "另有 3 份问卷已提交、尚待计入" in page and "每满 10 份" in page


def test_the_batchth_response_of_a_county_counts_the_batch_in_another_transaction(
        round_: Round, django_capture_on_commit_callbacks) -> None:  # noqa: F811
    # given: BATCH − 1 respondents of 甲县 and BATCH − 1 of 乙县 (below a batch each: nothing counted)
    codes_a, codes_b = _codes(round_, round_.tree.county_a, BATCH), _codes(round_, round_.tree.county_b, BATCH - 1)
    patterns = _patterns(round_, BATCH)
    for code, pattern in [*zip(codes_a[:-1], patterns, strict=False), *zip(codes_b, patterns, strict=False)]:
        with django_capture_on_commit_callbacks(execute=True):
            _answer(round_, code, pattern)
    assert PendingSurveyResponse.objects.count() == 2 * (BATCH - 1) and not SurveyResponse.objects.exists()
    # when: 甲县's BATCH-th answer; its transaction writes no response, the flush runs after its commit
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _answer(round_, codes_a[-1], patterns[-1])
    assert not SurveyResponse.objects.exists() and len(callbacks) == 1
    callbacks[0]()
    # then: 甲县's whole batch is counted, 乙县's stays pending (a batch is one county's)
    assert SurveyResponse.objects.filter(org_unit=round_.tree.county_a).count() == BATCH
    assert set(PendingSurveyResponse.objects.values_list("org_unit_id", flat=True)) == {round_.tree.county_b.pk}
    assert sorted(_counted(round_)) == sorted(patterns)
    assert AuditEvent.objects.get(action="assessment.survey_responses_flush").summary == {
        "responses": BATCH, "counties": 1}


def test_responses_are_counted_in_the_order_the_csprng_draws(round_: Round, monkeypatch) -> None:  # noqa: F811
    class Reversing:
        def shuffle(self, rows: list) -> None:
            rows.reverse()

    monkeypatch.setattr("zugong.assessment.services.surveys.secrets.SystemRandom", Reversing)
    patterns = _patterns(round_, 5)
    for code, pattern in zip(_codes(round_, round_.tree.county_a, 5), patterns, strict=True):
        _answer(round_, code, pattern)
    assert svc.survey_responses_flush(survey_id=round_.survey.pk) == 5
    assert _counted(round_) == list(reversed(patterns))


def test_two_batches_are_not_counted_in_answer_order(round_: Round,  # noqa: F811
                                                     django_capture_on_commit_callbacks) -> None:
    patterns = _patterns(round_, 2 * BATCH)
    for code, pattern in zip(_codes(round_, round_.tree.county_a, 2 * BATCH), patterns, strict=True):
        with django_capture_on_commit_callbacks(execute=True):
            _answer(round_, code, pattern)
    counted = _counted(round_)
    assert sorted(counted) == sorted(patterns) and not PendingSurveyResponse.objects.exists()
    assert sorted(counted[:BATCH]) == sorted(patterns[:BATCH])  # each batch holds its own respondents
    assert counted != patterns  # both batches keeping the answer order: 1 in (10!)², about 1.3 × 10^13


def test_closing_the_round_counts_every_county_s_rest_and_nothing_is_lost(round_: Round) -> None:  # noqa: F811
    t = round_.tree
    for code in _codes(round_, t.county_a, 3):
        svc.survey_answer(code=code, answers={i.pk: "满意" for i in round_.indicators})
    for code in _codes(round_, t.county_b, 2):
        svc.survey_answer(code=code, answers={i.pk: "不满意" for i in round_.indicators})
    svc.survey_transition(actor=round_.prov, jurisdiction=round_.jp, survey_id=round_.survey.pk, to="closed")
    assert not PendingSurveyResponse.objects.exists()
    assert SurveyResponse.objects.count() == 5 and SurveyAnswer.objects.count() == 5 * 19
    assert [(r.name, r.score, r.answers) for r in read.ranking(round_.survey, "county")] == [
        ("甲县", Decimal("100.00"), 57), ("乙县", Decimal("0.00"), 38)]
    page = logged_in(round_.prov).get(f"/assessment/surveys/{round_.survey.pk}/").content.decode()
    assert "zg-survey-pending" not in page


def test_a_flush_after_the_round_closed_counts_even_one(round_: Round) -> None:  # noqa: F811
    # an answer whose transaction committed while the round was closing: its own flush counts it
    [code] = _codes(round_, round_.tree.county_a, 1)
    svc.survey_answer(code=code, answers={i.pk: "满意" for i in round_.indicators})
    round_.survey.status = "closed"
    round_.survey.save(update_fields=["status"])
    assert svc.survey_responses_flush(survey_id=round_.survey.pk, county_id=round_.tree.county_a.pk,
                                      minimum=BATCH) == 1
    assert SurveyResponse.objects.count() == 1


def test_no_log_names_a_code_or_a_response(round_: Round, django_capture_on_commit_callbacks) -> None:  # noqa: F811
    codes = _codes(round_, round_.tree.county_a, BATCH)
    for code, pattern in zip(codes, _patterns(round_, BATCH), strict=True):
        with django_capture_on_commit_callbacks(execute=True):
            _answer(round_, code, pattern)
    logged = " ".join(json.dumps(e.summary, ensure_ascii=False) + e.object_id for e in AuditEvent.objects.all())
    assert not [c for c in [*codes, *(code_hash(c) for c in codes)] if c in logged]
    answered = AuditEvent.objects.filter(action="assessment.survey_answer")
    assert [e.summary for e in answered] == [{"county": round_.tree.county_a.pk}] * BATCH
    assert {e.object_id for e in answered} == {str(round_.survey.pk)}


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="transaction ids (xmin) are PostgreSQL's")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_response_row_carries_the_transaction_of_a_code_spent(round_: Round) -> None:  # noqa: F811
    # given: each answer commits on its own, as on the phone page; the BATCH-th flushes after its commit
    codes = _codes(round_, round_.tree.county_a, BATCH)
    for code, pattern in zip(codes, _patterns(round_, BATCH), strict=True):
        _answer(round_, code, pattern)
    assert SurveyResponse.objects.count() == BATCH and not PendingSurveyResponse.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT xmin::text FROM assessment_surveycode WHERE used AND survey_id = %s",
                       [round_.survey.pk])
        spent = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT DISTINCT xmin::text FROM assessment_surveyresponse WHERE survey_id = %s",
                       [round_.survey.pk])
        counted = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT DISTINCT xmin::text FROM assessment_surveyanswer WHERE survey_id = %s",
                       [round_.survey.pk])
        answers = {row[0] for row in cursor.fetchall()}
    # then: every code spent in its own transaction; every response and answer in the one flush's
    assert len(spent) == BATCH
    assert len(counted) == 1 and counted == answers and not counted & spent
    assert SurveyCode.objects.filter(survey=round_.survey, used=True).count() == BATCH
