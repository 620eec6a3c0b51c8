from datetime import date

import pytest
from django.db.models import F

from zugong.core.models import Meeting, MeetingKind
from zugong.rules.engine import evaluate
from zugong.rules.models import Finding


def _finding(code, unit, period_start, part=""):
    return Finding.objects.get(rule__code=code, subject_id=str(unit.pk), period_start=period_start, part=part)


@pytest.fixture
def march_meeting(tree):
    return Meeting.objects.create(kind=MeetingKind.LEDGER_MEETING, org_unit=tree.township_a, held_on=date(2024, 3, 10))


def test_r07_running_month_is_due_soon_for_townships_without_meeting(tree, march_meeting):
    report = evaluate(as_of=date(2024, 3, 28), rule="R07")
    assert _finding("R07", tree.township_a, date(2024, 3, 1)).status == "compliant"
    missing = _finding("R07", tree.township_a2, date(2024, 3, 1))
    assert missing.status == "due_soon"
    assert missing.detail == "2024年3月民情分析会 0 次，应不少于 1 次"
    assert _finding("R07", tree.township_a, date(2024, 3, 1)).detail == "2024年3月民情分析会 1 次，达到不少于 1 次的要求"
    # February (closed 28 days ago, grace 5 days) is violated everywhere
    assert _finding("R07", tree.township_b, date(2024, 2, 1)).status == "violated"
    row = report.as_dict()["rules"][0]
    assert row == {"code": "R07", "status": "violated", "subjects": 6, "compliant": 1, "due_soon": 2,
                   "overdue": 0, "violated": 3}


def test_r07_early_in_month_is_pending_then_overdue_in_grace_then_violated(tree, march_meeting):
    evaluate(as_of=date(2024, 3, 5), rule="R07")
    assert _finding("R07", tree.township_a2, date(2024, 3, 1)).status == "pending"
    evaluate(as_of=date(2024, 4, 3), rule="R07")
    assert _finding("R07", tree.township_a2, date(2024, 3, 1)).status == "overdue"
    evaluate(as_of=date(2024, 4, 10), rule="R07")
    assert _finding("R07", tree.township_a2, date(2024, 3, 1)).status == "violated"
    assert _finding("R07", tree.township_a, date(2024, 3, 1)).status == "compliant"


def test_re_evaluation_replaces_findings_idempotently(tree, march_meeting):
    evaluate(as_of=date(2024, 3, 28), rule="R07")
    first = sorted(Finding.objects.values_list("rule__code", "period_start", "subject_id", "status", "detail"))
    evaluate(as_of=date(2024, 3, 28), rule="R07")
    second = sorted(Finding.objects.values_list("rule__code", "period_start", "subject_id", "status", "detail"))
    assert first == second
    assert len(second) == 6


def test_r12_retreat_yearly_and_symposium_quarterly_per_county(tree):
    Meeting.objects.create(kind=MeetingKind.RETREAT, org_unit=tree.county_a, held_on=date(2024, 1, 20))
    Meeting.objects.create(kind=MeetingKind.SYMPOSIUM, org_unit=tree.county_a, held_on=date(2024, 2, 20))
    evaluate(as_of=date(2024, 4, 2), rule="R12")
    assert _finding("R12", tree.county_a, date(2024, 1, 1), "retreat").status == "compliant"
    assert _finding("R12", tree.county_b, date(2024, 1, 1), "retreat").status == "pending"
    assert _finding("R12", tree.county_a, date(2024, 1, 1), "symposium").status == "compliant"
    q1_b = _finding("R12", tree.county_b, date(2024, 1, 1), "symposium")
    assert q1_b.status == "overdue"
    assert q1_b.detail == "2024年第1季度座谈会 0 次，应不少于 1 次"
    assert not Finding.objects.filter(rule__code="R12", subject_id=str(tree.township_a.pk)).exists()


def test_r12_counts_province_city_and_county_org_departments(tree):
    # given: the province and the city held their retreats and symposia, the counties nothing
    for unit in (tree.province, tree.city):
        Meeting.objects.create(kind=MeetingKind.RETREAT, org_unit=unit, held_on=date(2024, 1, 20))
        Meeting.objects.create(kind=MeetingKind.SYMPOSIUM, org_unit=unit, held_on=date(2024, 2, 20))
    # when
    evaluate(as_of=date(2024, 4, 2), rule="R12")
    # then: the province and the city are subjects of both parts, like every county; townships are not
    subjects = set(Finding.objects.filter(rule__code="R12", part="symposium", period_start=date(2024, 1, 1))
                   .values_list("subject_label", "status"))
    assert subjects == {("示范省", "compliant"), ("示范市", "compliant"), ("甲县", "overdue"), ("乙县", "overdue")}
    assert _finding("R12", tree.province, date(2024, 1, 1), "retreat").status == "compliant"
    assert _finding("R12", tree.city, date(2024, 1, 1), "retreat").detail.startswith("2024年务虚会 1 次")


def test_r29_more_than_two_study_sessions_a_quarter_is_violated(tree):
    for day in (5, 15, 25):
        Meeting.objects.create(kind=MeetingKind.STUDY_GROUP, org_unit=tree.county_a, held_on=date(2024, 2, day))
    Meeting.objects.create(kind=MeetingKind.STUDY_GROUP, org_unit=tree.city, held_on=date(2024, 3, 1))
    evaluate(as_of=date(2024, 3, 20), rule="R29")
    too_many = _finding("R29", tree.county_a, date(2024, 1, 1))
    assert too_many.status == "violated"
    assert too_many.detail == "2024年第1季度中心组学习 3 次，应不多于 2 次"
    assert _finding("R29", tree.city, date(2024, 1, 1)).status == "compliant"
    assert _finding("R29", tree.province, date(2024, 1, 1)).status == "due_soon"


def test_scoped_evaluation_leaves_other_counties_untouched(tree, march_meeting):
    evaluate(as_of=date(2024, 3, 28), rule="R07")
    Meeting.objects.create(kind=MeetingKind.LEDGER_MEETING, org_unit=tree.township_b, held_on=date(2024, 3, 20))
    Meeting.objects.create(kind=MeetingKind.LEDGER_MEETING, org_unit=tree.township_a2, held_on=date(2024, 3, 20))
    evaluate(as_of=date(2024, 3, 28), org_unit=tree.county_a, rule="R07")
    assert _finding("R07", tree.township_a2, date(2024, 3, 1)).status == "compliant"
    assert _finding("R07", tree.township_b, date(2024, 3, 1)).status == "due_soon"
    assert Finding.objects.filter(rule__code="R07").count() == 6


def test_rule_without_source_is_no_data_source_never_compliant(tree):
    from zugong.rules.tests.sources import without_sources

    with without_sources("R22"):
        report = evaluate(as_of=date(2024, 3, 28), rule="R22")
    assert report.as_dict()["rules"][0]["status"] == "no_data_source"
    assert set(Finding.objects.filter(rule__code="R22").values_list("status", flat=True)) == {"no_data_source"}


def test_a_broken_source_reports_error_and_the_others_are_still_evaluated(tree):
    from zugong.core.models import OrgUnit
    from zugong.rules.registry import AggregateSource
    from zugong.rules.tests.sources import registered, village_events

    def broken(ctx):
        return OrgUnit.objects.values(parent_id=F("parent_id"))

    with registered("R04", AggregateSource(subject_type="x", population=broken, events=village_events,
                                           event_label="谈话")):
        report = evaluate(as_of=date(2024, 3, 28)).as_dict()
    statuses = {r["code"]: r["status"] for r in report["rules"]}
    assert statuses["R04"] == "error"
    assert statuses["R07"] == "violated"
