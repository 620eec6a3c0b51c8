"""The dashboard headlines each rule's CURRENT period (pending findings counted apart, not in the rate),
shows closed periods as the trend, and never shows 0.0 % for a rate with nothing judged."""

from __future__ import annotations

import re
from datetime import date

from django.utils import timezone

from zugong.conftest import logged_in
from zugong.rules.kinds.periods import period_containing
from zugong.rules.models import Finding, Rule


def _findings(rule: Rule, unit, start: date, end: date, statuses: list[str]) -> None:
    for i, status in enumerate(statuses):
        Finding.objects.create(rule=rule, period_start=start, period_end=end, subject_type="core.orgunit",
                               subject_id=f"{start}-{i}", subject_label=f"对象{i}", org_unit=unit, status=status,
                               detail="", evaluated_at=timezone.now())


def _row(html: str, code: str) -> str:
    match = re.search(rf'<tr data-rule="{code}">(.*?)</tr>', html, re.S)
    assert match, code
    return match.group(1)


def test_current_period_is_the_headline_with_pending_apart(tree, alice):
    today = timezone.localdate()
    month = period_containing("month", today)
    last = month.previous()
    r07 = Rule.objects.get(code="R07")
    # given: last month all compliant; this month one compliant, one overdue and three still running
    _findings(r07, tree.township_a, last.start, last.end, ["compliant", "compliant"])
    _findings(r07, tree.township_a, month.start, month.end, ["compliant", "overdue", "pending", "pending", "pending"])
    html = logged_in(alice).get("/rules/").content.decode()
    row = _row(html, "R07")
    assert f"<td>{month.start.isoformat()} <small data-current>本期</small></td>" in row
    assert "<td>50.0%</td>" in row and "<td data-pending>3</td>" in row
    # the rule page's trend is the closed periods; the current one can still be chosen
    page = logged_in(alice).get("/rules/", {"rule": "R07"})
    assert page.context["trend"] == {"labels": [last.start.isoformat()], "values": [100.0]}
    assert page.context["period"] == month.start
    assert page.context["periods"] == [month.start, last.start]


def test_a_yearly_rule_shows_the_current_year(tree, alice):
    today = timezone.localdate()
    year = period_containing("year", today)
    r04 = Rule.objects.get(code="R04")
    _findings(r04, tree.county_a, year.previous().start, year.previous().end, ["compliant", "violated"])
    _findings(r04, tree.county_a, year.start, year.end, ["compliant", "pending"])
    row = _row(logged_in(alice).get("/rules/").content.decode(), "R04")
    assert f"<td>{year.start.isoformat()} <small data-current>本期</small></td>" in row
    assert "<td>100.0%</td>" in row and "<td data-pending>1</td>" in row


def test_a_period_with_only_pending_findings_shows_a_dash_not_zero(tree, alice):
    today = timezone.localdate()
    month = period_containing("month", today)
    r09 = Rule.objects.get(code="R09")
    _findings(r09, tree.township_a, month.start, month.end, ["pending", "pending"])
    html = logged_in(alice).get("/rules/").content.decode()
    row = _row(html, "R09")
    assert "<td>—</td>" in row and "<td data-pending>2</td>" in row
    assert ">0.0%<" not in html
    drill = logged_in(alice).get("/rules/", {"rule": "R09"}).content.decode()
    assert ">0.0%<" not in drill and "<td>—</td>" in drill


def test_without_findings_of_today_the_latest_judged_closed_period_is_shown(tree, alice):
    # given: findings only of an old month (nothing evaluated for the running one)
    r07 = Rule.objects.get(code="R07")
    _findings(r07, tree.township_a, date(2024, 3, 1), date(2024, 3, 31), ["compliant", "violated"])
    _findings(r07, tree.township_a, date(2024, 4, 1), date(2024, 4, 30), ["pending"])
    row = _row(logged_in(alice).get("/rules/").content.decode(), "R07")
    assert "<td>2024-03-01</td>" in row and "<td>50.0%</td>" in row


def test_period_boundaries_of_the_headline(tree, alice):
    """The day before, of and after a month's end: the headline moves to the next month with the day."""
    from zugong.core.jurisdiction import jurisdiction_for
    from zugong.rules.selectors import summaries

    r07 = Rule.objects.get(code="R07")
    _findings(r07, tree.township_a, date(2024, 3, 1), date(2024, 3, 31), ["compliant"])
    _findings(r07, tree.township_a, date(2024, 4, 1), date(2024, 4, 30), ["pending"])
    j = jurisdiction_for(alice)
    heads = {day: next(s for s in summaries(j, org=None, today=day) if s.rule.code == "R07").period_start
             for day in (date(2024, 3, 30), date(2024, 3, 31), date(2024, 4, 1))}
    assert heads == {date(2024, 3, 30): date(2024, 3, 1), date(2024, 3, 31): date(2024, 3, 1),
                     date(2024, 4, 1): date(2024, 4, 1)}
    trend_on_last_day = next(s for s in summaries(j, org=None, today=date(2024, 3, 31)) if s.rule.code == "R07").trend
    assert trend_on_last_day == []  # March is not closed on its last day
