"""R04 coverage counts the roster and the talked-with in one statement (issue 17, item 7: the county figure was
1.74× its raw SQL with two COUNTs), with the same numbers as counting each set on its own."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from zugong.core.jurisdiction import jurisdiction_for
from zugong.talks.models import TalkKind
from zugong.talks.roster import coverage_counts, roster_cadres, talked_with
from zugong.talks.services.talks import talk_record

YEAR = (date(2025, 1, 1), date(2025, 12, 31))


def test_coverage_is_one_statement_with_the_counts_of_each_set(tree, alice, roster) -> None:
    # given two of the county's roster talked with in 2025 and one in 2024
    _talks(alice, roster)
    coverage_counts(tree.county_a, *YEAR)  # parameters read once
    with CaptureQueriesContext(connection) as captured:
        counts = coverage_counts(tree.county_a, *YEAR)
    selects = [q for q in captured.captured_queries if "cadres_cadre" in q["sql"]]
    assert len(selects) == 1
    whole = roster_cadres(tree.county_a, YEAR[1])
    assert counts == (whole.count(), whole.filter(talked_with(*YEAR)).count()) == (5, 2)
    assert coverage_counts(tree.province, *YEAR) == (6, 2)
    assert coverage_counts(tree.county_b, *YEAR) == (1, 0)


def _talks(alice, roster) -> None:
    for person, day in ((roster.secretary_a, date(2025, 3, 1)), (roster.head_a, date(2025, 11, 30)),
                        (roster.deputy_a, date(2024, 12, 31))):
        talk_record(actor=alice, jurisdiction=jurisdiction_for(alice), held_on=day, kind=TalkKind.ANNUAL,
                    talkers=[roster.minister], talkees=[person], summary="")
