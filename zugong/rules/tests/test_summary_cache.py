"""The dashboards' compliance counts are kept in the shared cache until the findings change
(`rules/summary_cache.py`): kept counts are read without counting, and every way findings change makes
them stale at once."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zugong.conftest import logged_in
from zugong.core.models import Meeting, MeetingKind
from zugong.rules import selectors
from zugong.rules.engine import evaluate
from zugong.rules.models import Finding

AS_OF = date(2024, 4, 3)
MARCH = date(2024, 3, 1)


@pytest.fixture
def evaluated(tree, people):
    Meeting.objects.create(kind=MeetingKind.LEDGER_MEETING, org_unit=tree.township_a, held_on=date(2024, 3, 10))
    evaluate(as_of=AS_OF, rule="R07", periods=2)
    return tree


def _counts_findings(client, **query) -> tuple[bool, str]:
    with CaptureQueriesContext(connection) as ctx:
        html = client.get("/rules/", query).content.decode()
    counted = any('from "rules_finding"' in q["sql"].lower() and "count(" in q["sql"].lower()
                  for q in ctx.captured_queries)
    return counted, html


def _march(jurisdiction) -> dict[str, int]:
    summary = selectors.summary_of(jurisdiction, rule=selectors.rule_get("R07"), org=None, today=date(2024, 3, 20))
    return dict(summary.rate.counts)


def test_kept_counts_are_read_without_counting(evaluated, alice):
    client = logged_in(alice)
    assert _counts_findings(client)[0]  # the first opening counts
    counted, html = _counts_findings(client)
    assert not counted and 'data-rule="R07"' in html  # the second reads what was kept


def test_an_evaluation_makes_the_kept_counts_stale(evaluated, alice):
    from zugong.core.jurisdiction import jurisdiction_for

    jurisdiction = jurisdiction_for(alice)
    before = _march(jurisdiction)
    assert before == _march(jurisdiction)  # kept
    # 丙乡 holds its March meeting late; the evaluation rewrites its finding and the counts change at once.
    Meeting.objects.create(kind=MeetingKind.LEDGER_MEETING, org_unit=evaluated.township_a2, held_on=date(2024, 3, 30))
    evaluate(as_of=AS_OF, rule="R07", periods=2)
    after = _march(jurisdiction)
    assert after != before and sum(after.values()) == sum(before.values())
    assert after == {status: n for status, n in Finding.objects.filter(
        rule__code="R07", period_start=MARCH, org_unit__path__startswith=evaluated.county_a.path)
        .values_list("status").order_by().annotate(n=Count("id"))}


def test_a_finding_written_through_the_orm_makes_them_stale(evaluated, alice):
    from zugong.core.jurisdiction import jurisdiction_for

    jurisdiction = jurisdiction_for(alice)
    before = _march(jurisdiction)
    finding = Finding.objects.filter(rule__code="R07", period_start=MARCH,
                                     org_unit__path__startswith=evaluated.county_a.path).first()
    assert finding is not None
    Finding.objects.create(rule=finding.rule, period_start=MARCH, period_end=finding.period_end,
                           subject_type="core.orgunit", subject_id="x", subject_label="新单位", org_unit=finding.org_unit,
                           status="violated", detail="", evaluated_at=timezone.now())
    assert sum(_march(jurisdiction).values()) == sum(before.values()) + 1
    finding.delete()
    assert sum(_march(jurisdiction).values()) == sum(before.values())


def test_each_jurisdiction_keeps_its_own_counts(evaluated, alice, carol):
    from zugong.core.jurisdiction import jurisdiction_for

    for user, county in ((alice, evaluated.county_a), (carol, evaluated.county_b)):
        expected = Finding.objects.filter(rule__code="R07", period_start=MARCH,
                                          org_unit__path__startswith=county.path).count()
        assert sum(_march(jurisdiction_for(user)).values()) == expected


def test_zero_seconds_counts_every_time(evaluated, alice, settings):
    settings.ZUGONG_RULES_COUNTS_CACHE_SECONDS = 0
    client = logged_in(alice)
    assert _counts_findings(client)[0] and _counts_findings(client)[0]
