"""R27 is a deadline rule of the register: each quarter's income report is due `days` (10) after the quarter
ends. `evaluate()` writes a finding per village: reported on the due day is on time, the day after is late;
unreported is pending, then due soon within `warn_days` (3) of the due day, and overdue the day after. A
county that counts working days gets its own due day, in the engine's findings and on the ranking page alike."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from zugong.conftest import Tree
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import OrgKind
from zugong.core.services import org_unit_create
from zugong.fieldwork.selectors import report_due
from zugong.fieldwork.services.income import income_report_submit
from zugong.rules.engine import evaluate
from zugong.rules.models import Finding, Rule
from zugong.rules.services import rule_override_set

Q3 = date(2025, 7, 1)


def _report(user: User, village: object, on: date) -> None:
    income_report_submit(actor=user, jurisdiction=jurisdiction_for(user), village=village,  # type: ignore[arg-type]
                         quarter=Q3, income=Decimal(12), submitted_on=on)


def _findings(as_of: date) -> dict[str, tuple[str, date | None, date | None]]:
    report = evaluate(as_of=as_of, rule="R27", periods=1)
    assert [r.code for r in report.rules] == ["R27"]
    return {f.subject_label: (f.status, f.due_date, f.done_date) for f in Finding.objects.filter(
        rule__code="R27", period_start=date(2025, 10, 1))}


def test_r27_is_a_deadline_rule_of_the_register(db: object) -> None:
    assert Rule.objects.get(code="R27").kind == "deadline"


def test_reported_on_the_due_day_is_on_time_and_the_day_after_is_late(tree: Tree, alice: User) -> None:
    # given four villages: reported on the due day, the day after, before the quarter ended, and not at all
    early = org_unit_create(actor=None, kind=OrgKind.VILLAGE, name="早报村", parent=tree.township_a)
    late = org_unit_create(actor=None, kind=OrgKind.VILLAGE, name="迟报村", parent=tree.township_a2)
    _report(alice, tree.village_a, date(2025, 10, 10))
    _report(alice, late, date(2025, 10, 11))
    _report(alice, early, date(2025, 9, 20))
    # when the engine evaluates the quarter after
    found = _findings(date(2025, 10, 20))
    # then
    due = date(2025, 10, 10)
    assert found["甲村"] == ("compliant", due, date(2025, 10, 10))
    assert found["迟报村"] == ("violated", due, date(2025, 10, 11))
    assert found["早报村"] == ("compliant", due, date(2025, 10, 1))
    assert found["乙村"] == ("overdue", due, None)
    detail = Finding.objects.get(rule__code="R27", subject_label="迟报村").detail
    assert detail == "上季度村集体经济收入报送2025-09-30起算，应于2025-10-10前办结，2025-10-11办结，逾期 1 天"


@pytest.mark.parametrize(("as_of", "status"), [
    (date(2025, 10, 6), "pending"), (date(2025, 10, 7), "due_soon"), (date(2025, 10, 10), "due_soon"),
    (date(2025, 10, 11), "overdue")])
def test_unreported_village_warned_then_overdue_the_day_after_the_due_day(tree: Tree, as_of: date,
                                                                          status: str) -> None:
    assert _findings(as_of)["甲村"][0] == status


def test_a_county_counting_working_days_has_its_own_due_day(tree: Tree, alice: User) -> None:
    # given county A counts the 10 days in working days (2025: 1–8 October off, Saturday the 11th worked)
    rule_override_set(actor=None, jurisdiction=jurisdiction_for(alice), code="R27", org_unit=tree.county_a,
                      valid_from=date(2025, 1, 1), params={"workdays": True})
    _report(alice, tree.village_a, date(2025, 10, 20))
    # when
    found = _findings(date(2025, 10, 22))
    # then county A's village reported in time, county B's is overdue since the 11th
    assert found["甲村"] == ("compliant", date(2025, 10, 21), date(2025, 10, 20))
    assert found["乙村"] == ("overdue", date(2025, 10, 10), None)
    assert report_due(Q3, tree.county_a) == date(2025, 10, 21)
    assert report_due(Q3, tree.county_b) == date(2025, 10, 10)


def test_days_is_a_rule_parameter(tree: Tree, alice: User) -> None:
    rule_override_set(actor=None, jurisdiction=jurisdiction_for(alice), code="R27", org_unit=tree.county_a,
                      valid_from=date(2025, 1, 1), params={"days": 15})
    assert _findings(date(2025, 10, 12))["甲村"] == ("due_soon", date(2025, 10, 15), None)
    assert report_due(Q3, tree.village_a) == date(2025, 10, 15)
