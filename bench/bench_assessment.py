"""Assessment (issue 11): scoring a satisfaction survey round and tallying a democratic evaluation, each
beside hand-written SQL computing the same numbers in the same run.

Data (generated with SQL in scratch database zg_bench_assessment, reused across runs): the province-scale
tree (~100 counties), one R31 round with the default questionnaire (19 indicators) and 52,632 responses
spread over the counties — 1,000,008 answers; one campaign with 10 team subjects, 4 voter classes and
50,000 ballots — 500,000 marks.

Figures, medians of alternating runs:
1. `selectors_survey.ranking(survey, "county")` (one grouped query over the answers, the per-county mean of
   indicator means and the ranks in Python, one query for the units) against one SQL statement doing the
   two-level aggregation, the join to the units and the rank;
2. `selectors.evaluation_results(campaign)` (the 民主测评 tally: one grouped query over the marks, the
   weighted score per subject in Python) against the raw grouped count of the marks, fetched.
Targets (issue 11): both ≤ 1.5× raw.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import connection

from bench.common import ensure_province_tree, report, require_postgres, time_pair_ms, use_scratch_database

RESPONSES = 52_632  # × 19 indicators = 1,000,008 answers
BALLOTS = 50_000
SUBJECTS = 10
REPEAT = 10
TARGET = 1.5

RAW_RANKING = """
SELECT o.division_code, o.name, s.score, rank() OVER (ORDER BY s.score DESC)
FROM (SELECT unit_id, round(avg(mean), 2) AS score
      FROM (SELECT org_unit_id AS unit_id, indicator_id, avg(points) AS mean FROM assessment_surveyanswer
            WHERE survey_id = %s GROUP BY 1, 2) per_indicator
      GROUP BY unit_id) s
JOIN core_orgunit o ON o.id = s.unit_id
ORDER BY s.score DESC, o.path
"""

RAW_TALLY = """
SELECT m.subject_id, b.voter_class_id, m.grade, count(*)
FROM assessment_ballotmark m JOIN assessment_ballot b ON b.id = m.ballot_id
WHERE b.campaign_id = %s GROUP BY 1, 2, 3
"""


def _survey(tree: dict[str, Any]) -> Any:
    from zugong.assessment.models_survey import Survey
    from zugong.assessment.services.surveys import survey_create
    from zugong.core.permissions import SYSTEM

    survey = Survey.objects.filter(title="bench").first()
    if survey is not None:
        return survey
    survey = survey_create(actor=None, jurisdiction=SYSTEM, org_unit=tree["province"], title="bench", year=2026)
    counties = [c.pk for c in tree["counties"]]
    with connection.cursor() as cursor:
        cursor.execute("""INSERT INTO assessment_surveyresponse (survey_id, org_unit_id)
                          SELECT %s, (%s::int[])[1 + g %% %s] FROM generate_series(1, %s) g""",
                       [survey.pk, counties, len(counties), RESPONSES])
        # points vary by county (its bias) and by respondent and indicator
        cursor.execute("""INSERT INTO assessment_surveyanswer (response_id, survey_id, org_unit_id, indicator_id, points)
                          SELECT r.id, r.survey_id, r.org_unit_id, i.id,
                                 (ARRAY[100, 60, 0])[1 + (r.id * 7 + i.id * 13 + r.org_unit_id * (r.id %% 3)) %% 3]
                          FROM assessment_surveyresponse r CROSS JOIN assessment_surveyindicator i
                          WHERE r.survey_id = %s AND i.survey_id = %s""", [survey.pk, survey.pk])
        cursor.execute("VACUUM ANALYZE assessment_surveyanswer")
    return survey


def _campaign(tree: dict[str, Any]) -> Any:
    from zugong.assessment.models import Campaign, Subject, VoterClass, VoterClassWeight
    from zugong.core.models import OrgUnit

    campaign = Campaign.objects.filter(title="bench").first()
    if campaign is not None:
        return campaign
    campaign = Campaign.objects.create(org_unit=tree["province"], title="bench", kind="annual", year=2026,
                                       status="scoring")
    for unit in OrgUnit.objects.filter(pk__in=tree["township_ids"][:SUBJECTS]):
        Subject.objects.create(campaign=campaign, kind="team", org_unit=unit)
    classes = []
    for n, (name, weight) in enumerate((("班子成员", 30), ("中层干部", 30), ("服务对象", 20), ("群众代表", 20))):
        voter_class = VoterClass.objects.create(campaign=campaign, name=name, sort_order=n)
        VoterClassWeight.objects.create(voter_class=voter_class, version=1, weight=weight)
        classes.append(voter_class.pk)
    with connection.cursor() as cursor:
        cursor.execute("""INSERT INTO assessment_ballot (campaign_id, voter_class_id)
                          SELECT %s, (%s::int[])[1 + g %% 4] FROM generate_series(1, %s) g""",
                       [campaign.pk, classes, BALLOTS])
        cursor.execute("""INSERT INTO assessment_ballotmark (ballot_id, subject_id, grade)
                          SELECT b.id, s.id, (ARRAY['好', '较好', '一般', '较差'])[1 + (b.id * 3 + s.id) %% 4]
                          FROM assessment_ballot b CROSS JOIN assessment_subject s
                          WHERE b.campaign_id = %s AND s.campaign_id = %s""", [campaign.pk, campaign.pk])
        cursor.execute("VACUUM ANALYZE assessment_ballot")
        cursor.execute("VACUUM ANALYZE assessment_ballotmark")
    return campaign


def _raw(statement: str, pk: int) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(statement, [pk])
        return cursor.fetchall()


def main() -> None:
    from zugong.assessment import selectors
    from zugong.assessment import selectors_survey as read

    require_postgres()
    use_scratch_database("zg_bench_assessment")
    tree = ensure_province_tree()
    survey, campaign = _survey(tree), _campaign(tree)
    ranked = read.ranking(survey, "county")
    raw = _raw(RAW_RANKING, survey.pk)
    assert len(ranked) == len(raw) and all(abs(r.score - s) <= Decimal("0.01") for r, (_c, _n, s, _r) in zip(
        ranked, raw, strict=True)), "the two rankings differ"
    print(f"survey: {sum(r.answers for r in ranked):,} answers over {len(ranked)} counties")
    measured, baseline = time_pair_ms(lambda: read.ranking(survey, "county"), lambda: _raw(RAW_RANKING, survey.pk),
                                      repeat=REPEAT, warmup=2)
    worst = report("R31 ranking of counties (1,000,008 answers)", measured, baseline, target=TARGET)
    results = selectors.evaluation_results(campaign)
    print(f"evaluation: {BALLOTS:,} ballots, {len(results)} subjects, best {results[0].name} {results[0].score}")
    measured, baseline = time_pair_ms(lambda: selectors.evaluation_results(campaign),
                                      lambda: _raw(RAW_TALLY, campaign.pk), repeat=REPEAT, warmup=2)
    worst = max(worst, report("民主测评 tally (50,000 ballots, 500,000 marks)", measured, baseline, target=TARGET))
    if worst > TARGET:
        raise SystemExit(1)
