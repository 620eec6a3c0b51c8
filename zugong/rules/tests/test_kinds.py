"""Every evaluated kind with compliant, due-soon, overdue and violated cases (test-only source)."""

from datetime import date

import pytest

from zugong.core.models import CalendarOverride, Meeting, MeetingKind, OrgKind, OrgUnit
from zugong.core.services import org_unit_create
from zugong.rules.engine import evaluate
from zugong.rules.kinds.deadline import due_dates
from zugong.rules.models import Finding
from zugong.rules.tests.sources import aggregate_source, deadline_source, registered


def _visit(unit, day, attendees="甲乙"):
    Meeting.objects.create(kind=MeetingKind.OTHER, org_unit=unit, held_on=day, attendees=attendees)


def _status(code, unit, period_start):
    return Finding.objects.get(rule__code=code, subject_id=str(unit.pk), period_start=period_start).status


def test_coverage_r04_every_village_needs_one_event_in_the_year(tree):
    _visit(tree.village_a, date(2024, 5, 1))
    with registered("R04", aggregate_source()):
        evaluate(as_of=date(2024, 12, 28), rule="R04")
        assert _status("R04", tree.village_a, date(2024, 1, 1)) == "compliant"
        assert _status("R04", tree.village_b, date(2024, 1, 1)) == "due_soon"
        evaluate(as_of=date(2025, 1, 3), rule="R04")
        assert _status("R04", tree.village_b, date(2024, 1, 1)) == "overdue"
        evaluate(as_of=date(2025, 2, 1), rule="R04")
        assert _status("R04", tree.village_b, date(2024, 1, 1)) == "violated"
        assert _status("R04", tree.village_a, date(2024, 1, 1)) == "compliant"


def test_threshold_r09_counts_visits_against_ten_per_month(tree):
    for day in range(1, 11):
        _visit(tree.village_a, date(2024, 3, day))
    for day in range(1, 7):
        _visit(tree.village_b, date(2024, 3, day))
    _visit(tree.village_b, date(2024, 2, 28))  # another month: not counted
    with registered("R09", aggregate_source()):
        evaluate(as_of=date(2024, 3, 27), rule="R09")
        assert _status("R09", tree.village_a, date(2024, 3, 1)) == "compliant"
        short = Finding.objects.get(rule__code="R09", subject_id=str(tree.village_b.pk), period_start=date(2024, 3, 1))
        assert (short.status, short.measure, short.target) == ("due_soon", 6.0, 10.0)
        assert short.detail == "2024年3月走访 6 户，应不少于 10 户"
        evaluate(as_of=date(2024, 4, 2), rule="R09")
        assert _status("R09", tree.village_b, date(2024, 3, 1)) == "overdue"
        evaluate(as_of=date(2024, 4, 30), rule="R09")
        assert _status("R09", tree.village_b, date(2024, 3, 1)) == "violated"


def test_threshold_sums_the_measure_and_share_of_days(tree):
    # R11: a village office staffed every day of the month; measure = staffed days reported
    _visit(tree.village_a, date(2024, 4, 30), attendees="x" * 30)
    _visit(tree.village_b, date(2024, 4, 30), attendees="x" * 29)
    with registered("R11", aggregate_source(measure=True)):
        evaluate(as_of=date(2024, 5, 20), rule="R11", periods=2)
    assert _status("R11", tree.village_a, date(2024, 4, 1)) == "compliant"
    short = Finding.objects.get(rule__code="R11", subject_id=str(tree.village_b.pk), period_start=date(2024, 4, 1))
    assert (short.status, short.measure, short.target) == ("violated", 29.0, 30.0)
    assert short.detail == "2024年4月走访 29 户，应不少于 30 户"


def _item(parent, name, start, done=None):
    unit = org_unit_create(actor=None, kind=OrgKind.PARTY_GROUP, name=name, parent=parent)
    OrgUnit.objects.filter(pk=unit.pk).update(valid_from=start, valid_to=done)
    return unit


@pytest.fixture
def items(tree):
    return {
        "on_time": _item(tree.township_a, "按期", date(2024, 3, 1), date(2024, 3, 20)),
        "late": _item(tree.township_a, "逾期办结", date(2024, 2, 1), date(2024, 3, 10)),
        "overdue": _item(tree.township_a, "逾期未办", date(2024, 2, 10)),
        "due_soon": _item(tree.township_b, "将到期", date(2024, 2, 28)),
        "pending": _item(tree.township_b, "未到期", date(2024, 3, 25)),
    }


def test_deadline_r05_thirty_calendar_days(tree, items):
    with registered("R05", deadline_source()):
        evaluate(as_of=date(2024, 3, 26), rule="R05", periods=1)
    found = {f.subject_label: f for f in Finding.objects.filter(rule__code="R05")}
    assert {k: found[u.name].status for k, u in items.items()} == {
        "on_time": "compliant", "late": "violated", "overdue": "overdue", "due_soon": "due_soon",
        "pending": "pending"}
    assert found["逾期办结"].detail == "测试事项2024-02-01起算，应于2024-03-02前办结，2024-03-10办结，逾期 8 天"
    assert found["逾期未办"].detail == "测试事项2024-02-10起算，应于2024-03-11前办结，尚未办结，已逾期 15 天"
    assert found["将到期"].due_date == date(2024, 3, 29)


def test_working_days_across_2024_spring_festival_and_make_up_sundays(db):
    # 2024-02-04 (Sunday) is a working day; 2024-02-10..17 are holidays; 2024-02-18 (Sunday) works
    assert due_dates({date(2024, 2, 2)}, 1, workdays=True) == {date(2024, 2, 2): date(2024, 2, 4)}
    assert due_dates({date(2024, 2, 2)}, 5, workdays=True)[date(2024, 2, 2)] == date(2024, 2, 8)
    assert due_dates({date(2024, 2, 8)}, 3, workdays=True)[date(2024, 2, 8)] == date(2024, 2, 19)
    assert due_dates({date(2024, 2, 9)}, 1, workdays=True)[date(2024, 2, 9)] == date(2024, 2, 18)
    assert due_dates({date(2024, 2, 9)}, 1, workdays=False)[date(2024, 2, 9)] == date(2024, 2, 10)


def test_working_day_deadline_r16_in_the_engine_and_calendar_override(tree, alice):
    from zugong.core.jurisdiction import jurisdiction_for
    from zugong.rules.services import rule_override_set

    rule_override_set(actor=alice, jurisdiction=jurisdiction_for(alice), code="R16", org_unit=tree.county_a,
                      valid_from=date(2024, 1, 1), params={"workdays": True})
    _item(tree.township_a, "除夕前诉求", date(2024, 2, 8))
    _item(tree.township_a, "节前办结", date(2024, 2, 8), date(2024, 2, 18))
    with registered("R16", deadline_source()):
        evaluate(as_of=date(2024, 2, 18), rule="R16", periods=1)
        open_item = Finding.objects.get(rule__code="R16", subject_label="除夕前诉求")
        assert (open_item.due_date, open_item.status) == (date(2024, 2, 19), "due_soon")
        assert Finding.objects.get(rule__code="R16", subject_label="节前办结").status == "compliant"
        # a local override makes 2024-02-18 a rest day: the deadline moves to 2024-02-20
        CalendarOverride.objects.create(day=date(2024, 2, 18), is_workday=False, note="本地调整")
        evaluate(as_of=date(2024, 2, 18), rule="R16", periods=1)
        assert Finding.objects.get(rule__code="R16", subject_label="除夕前诉求").due_date == date(2024, 2, 20)


def test_deadline_items_of_other_regions_and_months_are_left_out(tree, items):
    _item(tree.township_a, "上月已办", date(2024, 1, 2), date(2024, 1, 20))
    with registered("R05", deadline_source()):
        evaluate(as_of=date(2024, 3, 26), org_unit=tree.county_b, rule="R05", periods=1)
    assert sorted(Finding.objects.filter(rule__code="R05").values_list("subject_label", flat=True)) == [
        "将到期", "未到期"]
    with registered("R05", deadline_source()):
        evaluate(as_of=date(2024, 3, 26), rule="R05", periods=1)
    labels = set(Finding.objects.filter(rule__code="R05").values_list("subject_label", flat=True))
    assert "上月已办" not in labels
    assert len(labels) == 5


def test_re_evaluation_drops_subjects_that_left_and_keeps_unchanged_findings(tree):
    _visit(tree.village_a, date(2024, 3, 2))
    with registered("R04", aggregate_source()):
        evaluate(as_of=date(2024, 6, 1), rule="R04", periods=1)
        kept = Finding.objects.get(rule__code="R04", subject_id=str(tree.village_a.pk))
        OrgUnit.objects.filter(pk=tree.village_b.pk).update(kind=OrgKind.COMMUNITY)
        _visit(tree.village_a, date(2024, 4, 2))
        evaluate(as_of=date(2024, 6, 2), rule="R04", periods=1)
    rows = list(Finding.objects.filter(rule__code="R04").values_list("subject_id", "measure", "status"))
    assert rows == [(str(tree.village_a.pk), 2.0, "compliant")]
    # the changed measure was rewritten, so the row is a new one with the new detail
    assert Finding.objects.get(rule__code="R04").detail == "2024年走访 2 户，达到不少于 1 户的要求"
    assert kept.detail == "2024年走访 1 户，达到不少于 1 户的要求"
