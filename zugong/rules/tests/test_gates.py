from datetime import date

import pytest

from zugong.core.errors import GateRefused
from zugong.core.jurisdiction import jurisdiction_for
from zugong.rules import registry
from zugong.rules.engine import evaluate
from zugong.rules.registry import Cap, caps_for, check_gate, param, register_cap, register_gate
from zugong.rules.services import rule_disable


@pytest.fixture
def clean_registry():
    gates, caps = dict(registry._gates), dict(registry._caps)
    yield
    registry._gates.clear()
    registry._gates.update(gates)
    registry._caps.clear()
    registry._caps.update(caps)


def _r23_gate(*, org_unit, on, years_served, **_):
    need = param("R23", "min_years_before_transfer", org_unit=org_unit, on=on)
    return None if years_served >= need else f"在乡镇工作 {years_served} 年，不满 {need} 年，不得借调或调出"


def _r14_cap(*, org_unit, on, interviews, **_):
    if interviews >= param("R14", "cadre_poor", org_unit=org_unit, on=on):
        return [Cap("R14", "基本称职", f"本年被约谈 {interviews} 次")]
    if interviews >= param("R14", "cadre_no_excellent", org_unit=org_unit, on=on):
        return [Cap("R14", "称职", f"本年被约谈 {interviews} 次，不得评为优秀")]
    return []


def test_gate_refuses_with_rule_and_reason_and_passes_when_switched_off(tree, alice, clean_registry):
    register_gate("R23", _r23_gate)
    check_gate("R23", org_unit=tree.township_a, on=date(2024, 5, 1), years_served=2)
    with pytest.raises(GateRefused) as refused:
        check_gate("R23", org_unit=tree.township_a, on=date(2024, 5, 1), years_served=1)
    assert refused.value.message == "不符合R23（新录用乡镇公务员服务年限）：在乡镇工作 1 年，不满 2 年，不得借调或调出"
    assert refused.value.status == 409
    rule_disable(actor=alice, jurisdiction=jurisdiction_for(alice), code="R23", org_unit=tree.county_a,
                 valid_from=date(2024, 1, 1), note="省里另有规定")
    check_gate("R23", org_unit=tree.township_a, on=date(2024, 5, 1), years_served=1)
    with pytest.raises(GateRefused):
        check_gate("R23", org_unit=tree.township_b, on=date(2024, 5, 1), years_served=1)


def test_caps_follow_the_parameters(tree, clean_registry):
    register_cap("R14", _r14_cap)
    day = date(2024, 12, 1)
    assert caps_for(org_unit=tree.county_a, on=day, interviews=0) == []
    assert caps_for(org_unit=tree.county_a, on=day, interviews=1) == [Cap("R14", "称职", "本年被约谈 1 次，不得评为优秀")]
    assert caps_for(org_unit=tree.county_a, on=day, codes=["R14"], interviews=2)[0].limit == "基本称职"


def test_evaluate_reports_gates_as_enforced_only_when_registered(tree, clean_registry):
    registry._gates.pop("R18", None)
    assert evaluate(as_of=date(2024, 3, 1), rule="R18").as_dict()["rules"][0]["status"] == "no_data_source"
    register_gate("R18", lambda **_: None)
    assert evaluate(as_of=date(2024, 3, 1), rule="R18").as_dict()["rules"][0]["status"] == "enforced"
