"""R27 corrections through the API: `POST /api/v1/villages/income/corrections` — corrected before the due day
and audited, 409 once the quarter's 通报 is out, 404 across jurisdictions and for a quarter not reported, 403 for
a reader without the reporting permission, 422 without a reason; nothing changed by a refused call."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from zugong.conftest import Tree, bearer, make_user
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import AuditEvent, Role
from zugong.fieldwork.models import VillageIncomeReport
from zugong.fieldwork.selectors import quarter_start
from zugong.fieldwork.services.income import income_report_submit

URL = "/api/v1/villages/income/corrections"
Q3_2025 = date(2025, 7, 1)


def _this_quarter() -> tuple[date, str]:
    this = quarter_start(timezone.localdate())
    return this, f"{this.year}Q{(this.month - 1) // 3 + 1}"


@pytest.fixture
def reported(tree: Tree, bob: User) -> tuple[date, str]:
    """甲村's report of this quarter (before its due day) and of 2025Q3 (its 通报 published)."""
    this, code = _this_quarter()
    j = jurisdiction_for(bob)
    income_report_submit(actor=bob, jurisdiction=j, village=tree.village_a, quarter=this, income=Decimal("3"),
                         channels="土地流转")
    income_report_submit(actor=bob, jurisdiction=j, village=tree.village_a, quarter=Q3_2025, income=Decimal("4"),
                         submitted_on=date(2025, 10, 5))
    return this, code


def _post(user: User, body: dict[str, Any]) -> Any:
    return bearer(user).post(URL, json.dumps(body), content_type="application/json")


def _body(tree: Tree, quarter: str, **extra: Any) -> dict[str, Any]:
    return {"village_id": tree.village_a.pk, "quarter": quarter, "income": "8.5", "goal": "20",
            "channels": "光伏分红", "measures": "", "reason": "村会计录入有误", **extra}


def test_correction_through_the_api_is_saved_and_audited(tree: Tree, bob: User, reported: tuple[date, str]) -> None:
    this, code = reported
    first = VillageIncomeReport.objects.get(village=tree.village_a, quarter_start=this)
    # when
    response = _post(bob, _body(tree, code))
    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["village"], body["quarter_start"], body["income"], body["goal"], body["correction_reason"]) == (
        "甲村", this.isoformat(), "8.50", "20.00", "村会计录入有误")
    assert (body["submitted_on"], body["corrected_on"]) == (first.submitted_on.isoformat(),
                                                            timezone.localdate().isoformat())
    report = VillageIncomeReport.objects.get(pk=first.pk)
    assert (report.income, report.channels, report.submitted_on) == (Decimal("8.50"), "光伏分红", first.submitted_on)
    event = AuditEvent.objects.filter(action="fieldwork.income_report").order_by("-sequence").first()
    assert event is not None and event.actor_id == bob.pk
    assert event.summary["before"]["income"] == "3.00" and event.summary["income"] == "8.5"
    assert event.summary["correction"] == "村会计录入有误"


def test_published_quarter_is_409_in_chinese(tree: Tree, bob: User, reported: tuple[date, str]) -> None:
    response = _post(bob, _body(tree, "2025Q3"))
    assert response.status_code == 409
    assert response.json()["error"]["message"] == "2025年第3季度的通报已于2025-10-10截止报送后发布，不能再更正"
    assert VillageIncomeReport.objects.get(village=tree.village_a, quarter_start=Q3_2025).income == Decimal("4.00")


def test_refusals_by_jurisdiction_permission_and_input(tree: Tree, bob: User, carol: User,
                                                        reported: tuple[date, str]) -> None:
    this, code = reported
    before = AuditEvent.objects.filter(action="fieldwork.income_report").count()
    leader = make_user("dave", tree.county_a, Role.LEADER)  # reads the income, does not report it
    cases = [
        (carol, _body(tree, code), 404),  # another county's village
        (leader, _body(tree, code), 403),
        (bob, _body(tree, code, village_id=tree.village_b.pk), 404),
        (bob, _body(tree, "2024Q1"), 404),  # nothing reported that quarter
        (bob, _body(tree, code, reason=""), 400),
        (bob, _body(tree, code, income="-1"), 422),
        (bob, _body(tree, "2025Q5"), 400),
    ]
    got = [(_post(user, body).status_code) for user, body, _ in cases]
    assert got == [status for _, _, status in cases]
    assert VillageIncomeReport.objects.get(village=tree.village_a, quarter_start=this).income == Decimal("3.00")
    assert AuditEvent.objects.filter(action="fieldwork.income_report").count() == before
    assert _post(bob, _body(tree, code, reason="  ")).json()["error"]["message"] == "请填写更正原因"
