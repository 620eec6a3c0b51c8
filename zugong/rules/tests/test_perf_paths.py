"""The set-based write path of the aggregate kinds: same findings on both databases, and on PostgreSQL
a re-evaluation rewrites only the findings that changed (one FULL JOIN diff against the stored ones)."""

from datetime import date

import pytest
from django.db import connection

from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import Meeting, MeetingKind, OrgKind, OrgUnit
from zugong.core.services import org_unit_create
from zugong.rules.engine import evaluate
from zugong.rules.models import Finding, Notification
from zugong.rules.services import rule_override_set
from zugong.rules.tests.sources import aggregate_source, registered

MARCH = date(2024, 3, 1)
PG = pytest.mark.skipif(connection.vendor != "postgresql", reason="the diff path is PostgreSQL's")


def _visit(unit, day, times=1):
    for _ in range(times):
        Meeting.objects.create(kind=MeetingKind.OTHER, org_unit=unit, held_on=day, attendees="甲乙")


def _rows(code="R09"):
    return sorted(Finding.objects.filter(rule__code=code).values_list(
        "subject_id", "period_start", "status", "measure", "target", "detail", "org_unit_id", "rule_version_id"))


def _ids(code="R09"):
    return dict(Finding.objects.filter(rule__code=code).values_list("subject_id", "id"))


def test_findings_status_and_chinese_detail_computed_in_sql(tree):
    _visit(tree.village_a, date(2024, 3, 4), times=10)
    _visit(tree.village_b, date(2024, 3, 5), times=3)
    with registered("R09", aggregate_source()):
        report = evaluate(as_of=date(2024, 3, 10), rule="R09", periods=1)
    a, b = str(tree.village_a.pk), str(tree.village_b.pk)
    rows = {r[0]: r[2:6] for r in _rows()}
    assert rows == {
        a: ("compliant", 10.0, 10.0, "2024年3月走访 10 户，达到不少于 10 户的要求"),
        b: ("pending", 3.0, 10.0, "2024年3月走访 3 户，应不少于 10 户"),
    }
    (rule,) = report.rules
    assert (rule.subjects, rule.compliant, rule.pending, rule.status) == (2, 1, 1, "compliant")


def test_unchanged_re_evaluation_gives_identical_findings_and_counts(tree):
    _visit(tree.village_a, date(2024, 3, 4), times=12)
    with registered("R09", aggregate_source()):
        first = evaluate(as_of=date(2024, 3, 10), rule="R09", periods=1).as_dict()
        before = _rows()
        second = evaluate(as_of=date(2024, 3, 11), rule="R09", periods=1).as_dict()
    assert _rows() == before
    assert first["rules"] == second["rules"]
    assert Finding.objects.filter(rule__code="R09").count() == 2


@PG
def test_postgres_keeps_unchanged_rows_and_replaces_only_changed_ones(tree):
    _visit(tree.village_a, date(2024, 3, 4), times=12)
    _visit(tree.village_b, date(2024, 3, 4), times=2)
    with registered("R09", aggregate_source()):
        evaluate(as_of=date(2024, 3, 10), rule="R09", periods=1)
        ids = _ids()
        stamps = dict(Finding.objects.values_list("id", "evaluated_at"))
        _visit(tree.village_b, date(2024, 3, 6))  # village B's count changes, village A's does not
        evaluate(as_of=date(2024, 3, 11), rule="R09", periods=1)
    a, b = str(tree.village_a.pk), str(tree.village_b.pk)
    after = _ids()
    assert after[a] == ids[a]
    assert Finding.objects.get(pk=after[a]).evaluated_at == stamps[ids[a]]
    assert after[b] != ids[b]
    assert Finding.objects.get(pk=after[b]).detail == "2024年3月走访 3 户，应不少于 10 户"


@PG
def test_postgres_session_settings_are_restored_after_the_job(tree):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('work_mem'), current_setting('jit'), "
                       "current_setting('enable_nestloop')")
        before = cursor.fetchone()
    with registered("R09", aggregate_source()):
        evaluate(as_of=date(2024, 3, 10), rule="R09", periods=1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('work_mem'), current_setting('jit'), "
                       "current_setting('enable_nestloop')")
        assert cursor.fetchone() == before


def test_new_subjects_are_added_and_leaving_subjects_removed(tree):
    with registered("R09", aggregate_source()):
        evaluate(as_of=date(2024, 3, 10), rule="R09", periods=1)
        village_c = org_unit_create(actor=None, kind=OrgKind.VILLAGE, name="丙村", parent=tree.township_a2,
                                    division_code="990121003001")
        OrgUnit.objects.filter(pk=tree.village_b.pk).update(kind=OrgKind.COMMUNITY)
        evaluate(as_of=date(2024, 3, 10), rule="R09", periods=1)
    assert {r[0] for r in _rows()} == {str(tree.village_a.pk), str(village_c.pk)}


def test_scoped_evaluation_leaves_other_subtrees_alone(tree):
    with registered("R09", aggregate_source()):
        evaluate(as_of=date(2024, 3, 10), rule="R09", periods=1)
        outside = Finding.objects.get(subject_id=str(tree.village_b.pk))
        _visit(tree.village_a, date(2024, 3, 4), times=10)
        _visit(tree.village_b, date(2024, 3, 4), times=10)
        evaluate(as_of=date(2024, 3, 10), org_unit=tree.county_a, rule="R09", periods=1)
    assert Finding.objects.get(subject_id=str(tree.village_a.pk)).status == "compliant"
    untouched = Finding.objects.get(subject_id=str(tree.village_b.pk))
    assert (untouched.pk, untouched.status, untouched.measure) == (outside.pk, "pending", 0.0)


def test_status_change_notifies_once_through_the_diff(tree, alice):
    with registered("R09", aggregate_source()):
        evaluate(as_of=date(2024, 3, 10), rule="R09", periods=1)  # pending: nobody notified
        assert Notification.objects.count() == 0
        evaluate(as_of=date(2024, 3, 28), rule="R09", periods=1)  # due soon
        evaluate(as_of=date(2024, 3, 29), rule="R09", periods=1)  # unchanged
    notices = list(Notification.objects.filter(user=alice).values_list("subject_id", "status"))
    assert notices == [(str(tree.village_a.pk), "due_soon")]


def test_a_renamed_subject_or_moved_unit_is_rewritten_though_its_count_is_unchanged(tree):
    _visit(tree.village_a, date(2024, 3, 4), times=10)
    with registered("R09", aggregate_source()):
        evaluate(as_of=date(2024, 3, 10), rule="R09", periods=1)
        OrgUnit.objects.filter(pk=tree.village_a.pk).update(name="新甲村")
        evaluate(as_of=date(2024, 3, 10), rule="R09", periods=1)
    finding = Finding.objects.get(subject_id=str(tree.village_a.pk))
    assert (finding.subject_label, finding.status, finding.measure) == ("新甲村", "compliant", 10.0)


def test_a_new_parameter_version_rewrites_target_and_detail(tree, alice):
    _visit(tree.village_a, date(2024, 3, 4), times=10)
    with registered("R09", aggregate_source()):
        evaluate(as_of=date(2024, 3, 10), rule="R09", periods=1)
        rule_override_set(actor=alice, jurisdiction=jurisdiction_for(alice), code="R09", org_unit=tree.county_a,
                          valid_from=date(2024, 3, 1), params={"min_total": 12})
        evaluate(as_of=date(2024, 3, 10), rule="R09", periods=1)
    finding = Finding.objects.get(subject_id=str(tree.village_a.pk))
    assert (finding.status, finding.target, finding.detail) == ("pending", 12.0, "2024年3月走访 10 户，应不少于 12 户")
    outside = Finding.objects.get(subject_id=str(tree.village_b.pk))
    assert outside.target == 10.0


@PG
def test_postgres_findings_carry_a_fingerprint_that_is_stable_across_runs(tree):
    _visit(tree.village_a, date(2024, 3, 4), times=3)
    with registered("R09", aggregate_source()):
        evaluate(as_of=date(2024, 3, 10), rule="R09", periods=1)
        first = _fingerprints()
        evaluate(as_of=date(2024, 3, 12), rule="R09", periods=1)
    assert first == _fingerprints()
    assert None not in first.values() and len(set(first.values())) == 2


def _fingerprints():
    with connection.cursor() as cursor:
        cursor.execute("SELECT subject_id, fingerprint FROM rules_finding")
        return dict(cursor.fetchall())


@PG
def test_a_re_evaluation_that_changes_nothing_reads_no_reminders(tree, alice):
    # given R07 evaluated a few days before month end: two townships due soon, their notices sent
    from django.test.utils import CaptureQueriesContext

    evaluate(as_of=date(2024, 3, 27), rule="R07", periods=1)
    notices = Notification.objects.count()
    assert notices >= 1
    # when it is evaluated again with nothing changed
    with CaptureQueriesContext(connection) as captured:
        evaluate(as_of=date(2024, 3, 27), rule="R07", periods=1)
    # then no finding is rewritten, so nobody new is looked for and nothing is sent
    assert not [q for q in captured.captured_queries if "rules_notification" in q["sql"] or "core_membership" in q["sql"]]
    assert Notification.objects.count() == notices


@PG
def test_a_bulk_write_of_findings_is_analyzed_once_committed(tree, monkeypatch, django_capture_on_commit_callbacks):
    from django.test.utils import CaptureQueriesContext

    from zugong.rules.kinds import aggregate

    monkeypatch.setattr(aggregate, "ANALYZE_AFTER", 2)
    with CaptureQueriesContext(connection) as captured, django_capture_on_commit_callbacks(execute=True):
        evaluate(as_of=date(2024, 3, 27), rule="R07", periods=1)
    assert [q["sql"] for q in captured.captured_queries if q["sql"].startswith("ANALYZE")] == ["ANALYZE rules_finding"]
    # a re-evaluation that inserts nothing analyzes nothing
    with CaptureQueriesContext(connection) as captured, django_capture_on_commit_callbacks(execute=True):
        evaluate(as_of=date(2024, 3, 27), rule="R07", periods=1)
    assert not [q for q in captured.captured_queries if q["sql"].startswith("ANALYZE")]


@PG
def test_only_the_systems_evaluation_commits_without_waiting_for_the_flush(tree, alice):
    from django.test.utils import CaptureQueriesContext

    def relaxed(**kwargs) -> bool:
        with CaptureQueriesContext(connection) as captured:
            evaluate(as_of=date(2024, 3, 27), rule="R07", periods=1, **kwargs)
        return any("synchronous_commit" in q["sql"] for q in captured.captured_queries)

    assert relaxed() is True
    assert relaxed(actor=alice, jurisdiction=jurisdiction_for(alice), org_unit=tree.county_a) is False
