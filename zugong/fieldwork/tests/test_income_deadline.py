"""R27's quarterly report deadline as rule-engine findings: the quarter's report is due 10 days after it ends;
reported on the due day is on time, the day after is late; unreported is due soon on the due day and overdue
the day after.

The register still has R27 as a computed rule (its kind and `R27Params` belong to the rules app); these tests
make its row the deadline rule that change would make, then evaluate it through the engine as it stands."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from zugong.conftest import Tree
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import OrgKind
from zugong.core.services import org_unit_create
from zugong.fieldwork.services.income import income_report_submit
from zugong.rules.engine import evaluate
from zugong.rules.models import Finding, Rule, RuleVersion


@pytest.fixture
def r27_deadline(db: object) -> None:
    Rule.objects.filter(code="R27").update(kind="deadline")
    version = RuleVersion.objects.get(rule__code="R27", scope=None)
    version.params = {**version.params, "days": 10, "workdays": False, "warn_days": 3}
    version.save(update_fields=["params"])


def _report(user: User, village: object, on: date) -> None:
    income_report_submit(actor=user, jurisdiction=jurisdiction_for(user), village=village,  # type: ignore[arg-type]
                         quarter=date(2025, 7, 1), income=Decimal(12), submitted_on=on)


def _findings(as_of: date) -> dict[str, tuple[str, date | None, date | None]]:
    evaluate(as_of=as_of, rule="R27", periods=1)
    return {f.subject_label: (f.status, f.due_date, f.done_date) for f in Finding.objects.filter(
        rule__code="R27", period_start=date(2025, 10, 1))}


def test_reported_on_the_due_day_is_on_time_and_the_day_after_is_late(tree: Tree, alice: User, carol: User,
                                                                      r27_deadline: None) -> None:
    early = org_unit_create(actor=None, kind=OrgKind.VILLAGE, name="早报村", parent=tree.township_a)
    late = org_unit_create(actor=None, kind=OrgKind.VILLAGE, name="迟报村", parent=tree.township_a2)
    _report(alice, tree.village_a, date(2025, 10, 10))  # the due day
    _report(alice, late, date(2025, 10, 11))
    _report(alice, early, date(2025, 9, 20))  # before the quarter ended: done on the period's first day
    found = _findings(date(2025, 10, 20))
    due = date(2025, 10, 10)
    assert found["甲村"] == ("compliant", due, date(2025, 10, 10))
    assert found["迟报村"] == ("violated", due, date(2025, 10, 11))
    assert found["早报村"] == ("compliant", due, date(2025, 10, 1))
    assert found["乙村"] == ("overdue", due, None)


@pytest.mark.parametrize(("as_of", "status"), [
    (date(2025, 10, 9), "due_soon"), (date(2025, 10, 10), "due_soon"), (date(2025, 10, 11), "overdue")])
def test_unreported_village_is_overdue_the_day_after_the_due_day(tree: Tree, r27_deadline: None, as_of: date,
                                                                  status: str) -> None:
    assert _findings(as_of)["甲村"][0] == status
