"""`evaluate(since=)` evaluates each rule for its own periods (the demo's year back): a yearly rule this
year and last year, a quarterly one five quarters, a monthly one thirteen months — not twelve of each."""

from __future__ import annotations

from datetime import date

from zugong.core.models import Meeting, MeetingKind
from zugong.rules.demo_data import _periods, since
from zugong.rules.engine import evaluate
from zugong.rules.models import Finding


def _starts(code: str, part: str = "") -> list[date]:
    return sorted(set(Finding.objects.filter(rule__code=code, part=part).values_list("period_start", flat=True)))


def test_each_rule_is_evaluated_for_its_own_periods_back_to_since(tree):
    as_of = date(2024, 5, 15)
    evaluate(as_of=as_of, since=since(as_of), rule="R12")
    evaluate(as_of=as_of, since=since(as_of), rule="R07")
    assert since(as_of) == date(2023, 5, 1)
    assert _starts("R12", "retreat") == [date(2023, 1, 1), date(2024, 1, 1)]
    assert _starts("R12", "symposium") == [date(2023, 4, 1), date(2023, 7, 1), date(2023, 10, 1),
                                          date(2024, 1, 1), date(2024, 4, 1)]
    months = _starts("R07")
    assert (months[0], months[-1], len(months)) == (date(2023, 5, 1), date(2024, 5, 1), 13)


def test_since_on_a_period_boundary(tree):
    """The day before, of and after the first day of a year: last year is evaluated only from its own days."""
    for day, expected in ((date(2022, 12, 31), [date(2022, 1, 1), date(2023, 1, 1)]),
                          (date(2023, 1, 1), [date(2023, 1, 1)]),
                          (date(2023, 1, 2), [date(2023, 1, 1)])):
        Finding.objects.all().delete()
        evaluate(as_of=date(2023, 6, 1), since=day, rule="R12")
        assert _starts("R12", "retreat") == expected, day


def test_the_demo_meetings_cover_the_same_periods():
    today = date(2026, 12, 5)
    assert _periods("year", today) == [(date(2026, 1, 1), date(2026, 12, 31)), (date(2025, 1, 1), date(2025, 12, 31))]
    assert len(_periods("quarter", today)) == 5 and len(_periods("month", today)) == 13


def test_a_yearly_rule_shows_the_current_year_after_the_demo_evaluation(tree, alice):
    from django.utils import timezone

    from zugong.conftest import logged_in
    today = timezone.localdate()
    Meeting.objects.create(kind=MeetingKind.RETREAT, org_unit=tree.county_a, held_on=today.replace(day=1))
    evaluate(as_of=today, since=since(today), rule="R12")
    retreat = Finding.objects.get(rule__code="R12", part="retreat", period_start=today.replace(month=1, day=1),
                                  org_unit=tree.county_a)
    assert retreat.status == "compliant"
    page = logged_in(alice).get("/rules/", {"rule": "R12"})
    years = {start.year for start in page.context["periods"]}
    assert years == {today.year - 1, today.year}
    assert page.context["period"].year == today.year
