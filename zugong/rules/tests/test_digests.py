"""Job digests (rules/digests.py): on PostgreSQL a re-evaluation whose findings would be identical writes
nothing and does not read the stored findings; every other write to the findings forgets the digests it
may have made stale, so the findings stay exactly what a fresh evaluation gives, on both databases."""

from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import Meeting, MeetingKind
from zugong.rules.engine import evaluate
from zugong.rules.models import Finding, JobDigest
from zugong.rules.services import rule_override_set
from zugong.rules.summary_cache import GENERATION_KEY
from zugong.rules.tests.sources import aggregate_source, registered

PG = connection.vendor == "postgresql"
AS_OF = date(2024, 3, 10)


def _visit(unit, day, times=1):
    for _ in range(times):
        Meeting.objects.create(kind=MeetingKind.OTHER, org_unit=unit, held_on=day, attendees="甲乙")


def _rows():
    return sorted(Finding.objects.filter(rule__code="R09").values_list(
        "subject_id", "period_start", "status", "measure", "target", "detail", "org_unit_id", "rule_version_id"))


def _fresh(**kwargs):
    """The findings a first evaluation writes from the data as it is now (every finding and digest gone)."""
    JobDigest.objects.all().delete()
    Finding.objects.filter(rule__code="R09").delete()
    evaluate(as_of=AS_OF, rule="R09", periods=1, **kwargs)
    return _rows()


def _override(user, unit, *, params=None, enabled=None, on=date(2024, 1, 1)):
    rule_override_set(actor=user, jurisdiction=jurisdiction_for(user), code="R09", org_unit=unit, valid_from=on,
                      params=params or {}, enabled=enabled, note="测试")


def _findings_written(queries):
    return [q["sql"] for q in queries if "INSERT INTO" in q["sql"] and "rules_finding" in q["sql"]]


def test_an_unchanged_re_evaluation_writes_nothing_and_reads_no_stored_finding(tree):
    _visit(tree.village_a, date(2024, 3, 4), times=12)
    with registered("R09", aggregate_source()):
        first = evaluate(as_of=AS_OF, rule="R09", periods=1).as_dict()
        before = _rows()
        ids = set(Finding.objects.values_list("id", flat=True))
        generation = cache.get(GENERATION_KEY)
        with CaptureQueriesContext(connection) as captured:
            second = evaluate(as_of=date(2024, 3, 11), rule="R09", periods=1).as_dict()
    assert first["rules"] == second["rules"] == [
        {"code": "R09", "subjects": 2, "status": "compliant", "compliant": 1, "due_soon": 0, "overdue": 0,
         "violated": 0}]
    assert _rows() == before
    if PG:
        assert set(Finding.objects.values_list("id", flat=True)) == ids  # SQLite replaces them whole
        assert JobDigest.objects.filter(rule__code="R09", root_path="").count() == 1
        # the findings were computed and summed once, nothing read from rules_finding nor written to it
        sqls = [q["sql"] for q in captured.captured_queries]
        assert not _findings_written(captured.captured_queries)
        assert not any("FULL JOIN" in sql for sql in sqls)
        assert not any("FROM rules_finding" in sql or 'FROM "rules_finding"' in sql for sql in sqls)
        # the dashboards' kept counts stay valid: nothing changed
        assert generation is not None and cache.get(GENERATION_KEY) == generation
    else:
        assert not JobDigest.objects.exists()
        assert cache.get(GENERATION_KEY) != generation  # SQLite rewrites the findings


def test_a_changed_count_is_written_and_the_digest_follows(tree):
    _visit(tree.village_b, date(2024, 3, 4), times=2)
    with registered("R09", aggregate_source()):
        evaluate(as_of=AS_OF, rule="R09", periods=1)
        kept = list(JobDigest.objects.values_list("digest", flat=True))
        _visit(tree.village_b, date(2024, 3, 6))
        generation = cache.get(GENERATION_KEY)
        evaluate(as_of=AS_OF, rule="R09", periods=1)
        assert cache.get(GENERATION_KEY) != generation  # a finding changed: the kept counts are stale
        b = Finding.objects.get(subject_id=str(tree.village_b.pk))
        assert (b.measure, b.detail) == (3.0, "2024年3月走访 3 户，应不少于 10 户")
        if PG:
            now = list(JobDigest.objects.values_list("digest", flat=True))
            assert len(kept) == len(now) == 1 and kept != now
        assert _rows() == _fresh()


def test_a_finding_deleted_through_the_orm_is_written_again(tree):
    _visit(tree.village_a, date(2024, 3, 4), times=10)
    with registered("R09", aggregate_source()):
        evaluate(as_of=AS_OF, rule="R09", periods=1)
        expected = _rows()
        Finding.objects.get(subject_id=str(tree.village_a.pk)).delete()
        assert not JobDigest.objects.exists()  # forgotten by the post_delete of the finding
        evaluate(as_of=AS_OF, rule="R09", periods=1)
    assert _rows() == expected


def test_a_county_evaluated_alone_in_between_makes_the_province_digest_stale(tree):
    # the province's digest is kept; county A is evaluated alone on changed data; the data changes back:
    # the province's evaluation must not trust its old digest, or county A would keep the in-between findings
    _visit(tree.village_a, date(2024, 3, 4), times=10)
    with registered("R09", aggregate_source()):
        evaluate(as_of=AS_OF, rule="R09", periods=1)
        extra = Meeting.objects.create(kind=MeetingKind.OTHER, org_unit=tree.village_a, held_on=date(2024, 3, 5))
        evaluate(as_of=AS_OF, org_unit=tree.county_a, rule="R09", periods=1)
        assert Finding.objects.get(subject_id=str(tree.village_a.pk)).measure == 11.0
        if PG:
            assert list(JobDigest.objects.values_list("root_path", flat=True)) == [tree.county_a.path]
        extra.delete()
        evaluate(as_of=AS_OF, rule="R09", periods=1)
        assert Finding.objects.get(subject_id=str(tree.village_a.pk)).measure == 10.0
        assert _rows() == _fresh()


def test_regions_with_their_own_parameters_each_keep_a_digest_and_skip_together(tree, alice):
    _override(alice, tree.county_a, params={"min_total": 2})
    _visit(tree.village_a, date(2024, 3, 4), times=3)
    with registered("R09", aggregate_source()):
        evaluate(as_of=AS_OF, rule="R09", periods=1)
        expected = _rows()
        with CaptureQueriesContext(connection) as captured:
            evaluate(as_of=AS_OF, rule="R09", periods=1)
        assert _rows() == expected
        if PG:
            assert sorted(JobDigest.objects.values_list("root_path", flat=True)) == ["", tree.county_a.path]
            assert not _findings_written(captured.captured_queries)
        assert _rows() == _fresh()
    targets = dict(Finding.objects.values_list("subject_id", "target"))
    assert targets == {str(tree.village_a.pk): 2.0, str(tree.village_b.pk): 10.0}


def test_a_disabled_region_removes_its_findings_and_forgets_their_digest(tree, alice):
    _visit(tree.village_a, date(2024, 3, 4), times=10)
    with registered("R09", aggregate_source()):
        evaluate(as_of=AS_OF, rule="R09", periods=1)
        _override(alice, tree.county_a, enabled=False, on=date(2024, 2, 1))
        evaluate(as_of=AS_OF, rule="R09", periods=1)
        assert set(Finding.objects.values_list("subject_id", flat=True)) == {str(tree.village_b.pk)}
        _override(alice, tree.county_a, enabled=True, on=date(2024, 3, 1))
        evaluate(as_of=AS_OF, rule="R09", periods=1)
    assert Finding.objects.get(subject_id=str(tree.village_a.pk)).status == "compliant"
    with registered("R09", aggregate_source()):
        assert _rows() == _fresh()


@pytest.mark.parametrize(("root", "excludes", "other", "other_excludes", "overlap"), [
    ("", (), "0001.", (), True),
    ("", ("0001.",), "0001.", (), False),
    ("0001.", (), "", ("0001.",), False),
    ("0001.", (), "0002.", (), False),
    ("0001.", (), "0001.0003.", (), True),
    ("0001.", ("0001.0003.",), "0001.0003.0004.", (), False),
])
def test_which_regions_overlap(root, excludes, other, other_excludes, overlap):
    from zugong.rules.digests import _overlaps

    assert _overlaps(root, excludes, other, other_excludes) is overlap


def _group(tree, name, start, done=None):
    from zugong.core.models import OrgKind, OrgUnit
    from zugong.core.services import org_unit_create

    unit = org_unit_create(actor=None, kind=OrgKind.PARTY_GROUP, name=name, parent=tree.township_a)
    OrgUnit.objects.filter(pk=unit.pk).update(valid_from=start, valid_to=done)
    return unit


def _deadline_rows():
    return sorted(Finding.objects.filter(rule__code="R05").values_list(
        "subject_id", "status", "due_date", "done_date", "detail", "org_unit_id"))


def test_a_deadline_job_skips_on_the_same_day_and_rewrites_what_the_next_day_changes(tree):
    from zugong.rules.tests.sources import deadline_source

    open_item = _group(tree, "未办结事项", date(2024, 3, 1))
    done = _group(tree, "已办结事项", date(2024, 3, 1), date(2024, 3, 5))
    with registered("R05", deadline_source()):
        evaluate(as_of=date(2024, 3, 10), rule="R05", periods=1)
        ids = dict(Finding.objects.filter(rule__code="R05").values_list("subject_id", "id"))
        with CaptureQueriesContext(connection) as captured:
            evaluate(as_of=date(2024, 3, 10), rule="R05", periods=1)
        if PG:
            assert not _findings_written(captured.captured_queries)
            assert JobDigest.objects.filter(rule__code="R05").count() == 1
        # the next day the open item's detail counts one day less; the done item's finding stays
        evaluate(as_of=date(2024, 3, 11), rule="R05", periods=1)
        after = dict(Finding.objects.filter(rule__code="R05").values_list("subject_id", "id"))
        assert Finding.objects.get(subject_id=str(open_item.pk)).detail.endswith("尚未办结，剩余 20 天")
        if PG:
            assert after[str(done.pk)] == ids[str(done.pk)] and after[str(open_item.pk)] != ids[str(open_item.pk)]
        expected = _deadline_rows()
        JobDigest.objects.all().delete()
        Finding.objects.filter(rule__code="R05").delete()
        evaluate(as_of=date(2024, 3, 11), rule="R05", periods=1)
    assert _deadline_rows() == expected


def test_a_change_in_one_unit_diffs_only_that_units_bucket(tree, monkeypatch):
    from zugong.rules import digests
    from zugong.rules.kinds import aggregate

    seen = []
    original = aggregate._replace_changed

    def spy(job, **kwargs):
        seen.append(kwargs["buckets"])
        return original(job, **kwargs)

    monkeypatch.setattr(aggregate, "_replace_changed", spy)
    _visit(tree.village_a, date(2024, 3, 4), times=10)
    with registered("R09", aggregate_source()):
        evaluate(as_of=AS_OF, rule="R09", periods=1)
        a_before = Finding.objects.get(subject_id=str(tree.village_a.pk)).pk
        _visit(tree.village_b, date(2024, 3, 6), times=2)
        evaluate(as_of=AS_OF, rule="R09", periods=1)
        assert Finding.objects.get(subject_id=str(tree.village_b.pk)).measure == 2.0
        if PG:
            # the first evaluation kept no digest (all buckets); the second visits village B's bucket only
            assert seen == [None, [tree.village_b.pk % digests.BUCKETS]]
            assert Finding.objects.get(subject_id=str(tree.village_a.pk)).pk == a_before
        assert _rows() == _fresh()


def _report_counts(report):
    (rule,) = report["rules"]
    return {status: rule[status] for status in ("compliant", "due_soon", "overdue", "violated") if rule[status]}


def _stored_counts():
    counts: dict[str, int] = {}
    for status in Finding.objects.filter(rule__code="R09").values_list("status", flat=True):
        if status != "pending":
            counts[status] = counts.get(status, 0) + 1
    return counts


def test_a_versioned_source_rewrites_a_finding_whose_row_changed_and_counts_stay_true(tree):
    """A source giving its subject's row version (registry.row_version): a renamed village's finding takes the new
    name though its count did not change; a status changed in one bucket is counted from the digest kept, less
    the finding deleted, plus the one inserted — equal to what is stored, and to a fresh evaluation."""
    _visit(tree.village_a, date(2024, 3, 4), times=12)
    with registered("R09", aggregate_source(versioned=True)):
        first = evaluate(as_of=AS_OF, rule="R09", periods=1).as_dict()
        assert _report_counts(first) == _stored_counts() == {"compliant": 1}
        tree.village_b.name = "乙村（新名）"
        tree.village_b.save(update_fields=["name"])
        renamed = evaluate(as_of=AS_OF, rule="R09", periods=1).as_dict()
        assert Finding.objects.get(subject_id=str(tree.village_b.pk)).subject_label == "乙村（新名）"
        assert _report_counts(renamed) == _stored_counts() == {"compliant": 1}
        _visit(tree.village_b, date(2024, 3, 6), times=12)
        changed = evaluate(as_of=AS_OF, rule="R09", periods=1).as_dict()
        assert _report_counts(changed) == _stored_counts() == {"compliant": 2}
        unchanged = evaluate(as_of=AS_OF, rule="R09", periods=1).as_dict()
        assert unchanged["rules"] == changed["rules"]
        if PG:
            assert JobDigest.objects.get(rule__code="R09").counts["statuses"] == {"compliant": 2}
        assert _rows() == _fresh()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.postgres_only
@pytest.mark.skipif(not PG, reason="SQLite serialises writers")
def test_two_evaluations_of_one_rule_at_once_give_the_findings_of_one(tree):
    import threading

    from django.db import connections

    _visit(tree.village_a, date(2024, 3, 4), times=10)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    statuses: list[str] = []

    def run() -> None:
        try:
            barrier.wait()
            statuses.append(evaluate(as_of=AS_OF, rule="R09", periods=1).rules[0].status)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    with registered("R09", aggregate_source()):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == []
        assert statuses == ["compliant", "compliant"]  # neither failed (a duplicate digest, say) nor was lost
        # one finding per village, one digest: the second evaluation waited, then found nothing to write
        assert sorted(Finding.objects.filter(rule__code="R09").values_list("subject_id", flat=True)) == sorted(
            [str(tree.village_a.pk), str(tree.village_b.pk)])
        assert JobDigest.objects.filter(rule__code="R09").count() == 1
        assert _rows() == _fresh()
