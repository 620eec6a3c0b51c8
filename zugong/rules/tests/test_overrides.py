from datetime import date

import pytest

from zugong.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import AuditEvent, Meeting, MeetingKind
from zugong.rules.engine import evaluate
from zugong.rules.models import Finding, RuleVersion
from zugong.rules.registry import param, rule_enabled
from zugong.rules.services import rule_disable, rule_override_set
from zugong.rules.tests.sources import aggregate_source, registered


def _set(user, unit, code="R09", on=date(2024, 4, 1), **params):
    return rule_override_set(actor=user, jurisdiction=jurisdiction_for(user), code=code, org_unit=unit,
                             valid_from=on, params=params)


def test_register_defaults_are_seeded_for_all_33_rules(db):
    assert RuleVersion.objects.filter(scope__isnull=True).count() == 33
    assert param("R23", "min_years_in_township", org_unit=None, on=date(2024, 1, 1)) == 3
    assert param("R28", "days", org_unit=None, on=date(2024, 1, 1)) == 60
    assert param("R12", "retreat.max_count", org_unit=None, on=date(2024, 1, 1)) == 2
    with pytest.raises(KeyError):
        param("R09", "no_such", org_unit=None, on=date(2024, 1, 1))


def test_lower_level_override_wins_from_its_date(tree, alice):
    _set(alice, tree.county_a, min_total=12)
    superuser = type(alice).objects.create_superuser("root", password="x")
    _set(superuser, tree.city, on=date(2024, 3, 1), min_total=8)
    assert param("R09", "min_total", org_unit=tree.village_a, on=date(2024, 3, 15)) == 8
    assert param("R09", "min_total", org_unit=tree.village_a, on=date(2024, 4, 1)) == 12
    assert param("R09", "min_total", org_unit=tree.village_b, on=date(2024, 4, 1)) == 8
    assert param("R09", "min_total", org_unit=tree.village_b, on=date(2024, 2, 1)) == 10
    assert AuditEvent.objects.filter(action="rules.rule_override_set").count() == 2


def test_evaluation_uses_the_override_of_each_region_and_period(tree, alice):
    _set(alice, tree.county_a, min_total=2)
    for unit in (tree.village_a, tree.village_b):
        for day in (3, 4, 5):
            Meeting.objects.create(kind=MeetingKind.OTHER, org_unit=unit, held_on=date(2024, 3, day))
            Meeting.objects.create(kind=MeetingKind.OTHER, org_unit=unit, held_on=date(2024, 4, day))
    with registered("R09", aggregate_source()):
        evaluate(as_of=date(2024, 4, 30), rule="R09")
    targets = dict(Finding.objects.filter(rule__code="R09", period_start=date(2024, 4, 1))
                   .values_list("subject_id", "target"))
    assert targets == {str(tree.village_a.pk): 2.0, str(tree.village_b.pk): 10.0}
    march_a = Finding.objects.get(rule__code="R09", subject_id=str(tree.village_a.pk), period_start=date(2024, 3, 1))
    assert (march_a.target, march_a.status) == (10.0, "violated")
    april_a = Finding.objects.get(rule__code="R09", subject_id=str(tree.village_a.pk), period_start=date(2024, 4, 1))
    assert april_a.status == "compliant"
    assert april_a.rule_version_id == RuleVersion.objects.get(scope=tree.county_a).pk


def test_a_new_override_closes_the_previous_one_and_keeps_its_other_parameters(tree, alice):
    first = _set(alice, tree.county_a, min_total=12, warn_days=3)
    second = _set(alice, tree.county_a, on=date(2024, 6, 1), min_total=14)
    first.refresh_from_db()
    assert first.valid_to == date(2024, 6, 1)
    assert second.params == {"min_total": 14, "warn_days": 3}
    with pytest.raises(Conflict):
        _set(alice, tree.county_a, on=date(2024, 5, 1), min_total=11)


@pytest.mark.parametrize(("params", "message"), [
    ({"min_total": -1}, "参数“每月最少走访户数”（min_total）不能小于 0"),
    ({"period": "week"}, "参数“周期”（period）应为 'month'、'quarter'、'year' 之一"),
    ({"colour": "red"}, "参数“colour”（colour）不是该制度的参数"),
    ({"warn_days": "soon"}, "参数“提前提醒天数”（warn_days）应为整数"),
])
def test_bad_parameter_is_refused_in_chinese_naming_it(tree, alice, params, message):
    with pytest.raises(ValidationFailed) as refused:
        _set(alice, tree.county_a, **params)
    assert refused.value.message == message
    assert not RuleVersion.objects.filter(scope=tree.county_a).exists()


def test_only_an_org_admin_of_that_subtree_may_override(tree, alice, bob, carol):
    with pytest.raises(NotFound):
        _set(carol, tree.county_a, min_total=1)
    with pytest.raises(Forbidden):
        _set(bob, tree.township_a, min_total=1)
    with pytest.raises(NotFound):
        _set(alice, tree.city, min_total=1)
    assert _set(alice, tree.township_a, min_total=9).scope == tree.township_a


def test_disabled_rule_gives_no_findings_there_and_gates_pass(tree, alice):
    rule_disable(actor=alice, jurisdiction=jurisdiction_for(alice), code="R07", org_unit=tree.county_a,
                 valid_from=date(2024, 1, 1), note="试点期间暂停")
    assert not rule_enabled("R07", org_unit=tree.township_a, on=date(2024, 3, 1))
    assert rule_enabled("R07", org_unit=tree.township_b, on=date(2024, 3, 1))
    evaluate(as_of=date(2024, 3, 28), rule="R07")
    assert set(Finding.objects.filter(rule__code="R07").values_list("subject_id", flat=True)) == {
        str(tree.township_b.pk)}
    with pytest.raises(ValidationFailed):
        rule_disable(actor=alice, jurisdiction=jurisdiction_for(alice), code="R07", org_unit=tree.county_a,
                     valid_from=date(2024, 6, 1), note=" ")


def test_evaluation_by_a_person_needs_rules_evaluate_in_the_unit(tree, alice, bob, carol):
    with pytest.raises(Forbidden):
        evaluate(as_of=date(2024, 4, 3), org_unit=tree.township_a, rule="R07", actor=bob,
                 jurisdiction=jurisdiction_for(bob))
    with pytest.raises(NotFound):
        evaluate(as_of=date(2024, 4, 3), org_unit=tree.county_a, rule="R07", actor=carol,
                 jurisdiction=jurisdiction_for(carol))
    assert not Finding.objects.exists()
    evaluate(as_of=date(2024, 4, 3), org_unit=tree.county_a, rule="R07", actor=alice,
             jurisdiction=jurisdiction_for(alice))
    assert AuditEvent.objects.get(action="rules.evaluate").actor == alice
    assert set(Finding.objects.values_list("subject_label", flat=True)) == {"甲镇", "丙乡"}
