"""R16 and R28 on PostgreSQL are evaluated in one SQL statement (`rules.kinds.deadline.evaluate_deadline_in_sql`,
issue 17 item 7): the same findings, status and Chinese detail as the Python path, and a re-evaluation rewrites
only the findings that changed."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone

from zugong.core.jurisdiction import jurisdiction_for
from zugong.masswork.services import orders as order_svc
from zugong.masswork.services import petitions as petition_svc
from zugong.masswork.tests.conftest import place
from zugong.rules import engine
from zugong.rules.engine import evaluate
from zugong.rules.kinds import deadline
from zugong.rules.models import Finding

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL path is PostgreSQL's")

COLUMNS = ("subject_type", "subject_id", "subject_label", "org_unit_id", "status", "due_date", "done_date",
           "detail", "responsible_user_id", "rule_version_id", "part", "period_start", "period_end", "measure", "target")


def _findings(code: str) -> list[tuple[Any, ...]]:
    return sorted(Finding.objects.filter(rule__code=code).values_list(*COLUMNS))


def _in_python(code: str, as_of: date) -> list[tuple[Any, ...]]:
    with mock.patch.object(engine, "replaces_its_findings", lambda: False), \
            mock.patch.object(deadline, "replaces_its_findings", lambda: False):
        evaluate(as_of=as_of, rule=code)
    found = _findings(code)
    Finding.objects.filter(rule__code=code).delete()
    return found


@pytest.fixture
def orders(walls, alice):
    j = jurisdiction_for(alice)
    now = timezone.now()
    made = {name: place(walls.a, ordered_at=now - timedelta(days=days))
            for name, days in (("prompt", 1), ("slow", 10), ("waiting", 10), ("fresh", 0),
                               ("soon", 2), ("old", 40))}
    for name in ("prompt", "slow", "old"):
        order_svc.order_dispatch(actor=alice, jurisdiction=j, order_id=made[name].pk, member_id=walls.plumber.pk)
    return made


def _ids() -> dict[tuple[str, date], int]:
    return {(s, p): i for s, p, i in Finding.objects.filter(rule__code="R16").values_list("subject_id", "period_start", "id")}


def test_r16_in_sql_equals_the_python_path(orders) -> None:
    today = timezone.localdate()
    expected = _in_python("R16", today)
    evaluate(as_of=today, rule="R16")
    assert _findings("R16") == expected
    assert {row[4] for row in expected} >= {"compliant", "violated", "overdue"}
    assert all("起算，应于" in row[7] for row in expected)


def test_a_re_evaluation_rewrites_only_what_changed(orders, walls, alice) -> None:
    today = timezone.localdate()
    evaluate(as_of=today, rule="R16")
    before = _ids()
    evaluate(as_of=today, rule="R16")
    assert _ids() == before
    # when the waiting order is dispatched, only its finding is replaced
    order_svc.order_dispatch(actor=alice, jurisdiction=jurisdiction_for(alice), order_id=orders["waiting"].pk,
                             member_id=walls.plumber.pk)
    report = evaluate(as_of=today, rule="R16").rules[0]
    after = _ids()
    changed = {key for key in before if after.get(key) != before[key]}
    assert {subject for subject, _ in changed} == {str(orders["waiting"].pk)}
    assert {f.status for f in Finding.objects.filter(rule__code="R16", subject_id=str(orders["waiting"].pk))} == {"violated"}
    assert report.subjects == len(before)
    # and the next day's evaluation rewrites the open ones (their detail counts the days)
    evaluate(as_of=today + timedelta(days=1), rule="R16")
    assert _findings("R16") == _in_python("R16", today + timedelta(days=1))


def test_r28_in_sql_equals_the_python_path(tree, alice) -> None:
    j = jurisdiction_for(alice)
    base: dict[str, Any] = {"channel": "letter", "petitioner_name": "甲", "subject": "事", "received_on": date(2024, 1, 2)}
    closed = petition_svc.petition_receive(actor=alice, jurisdiction=j, org_unit=tree.county_a, content="修路一事", **base)
    petition_svc.petition_decide(actor=alice, jurisdiction=j, petition_id=closed.pk, accept=True, decided_on=date(2024, 1, 5))
    petition_svc.petition_close(actor=alice, jurisdiction=j, petition_id=closed.pk, reply="已修", closed_on=date(2024, 2, 1))
    stuck = petition_svc.petition_receive(actor=alice, jurisdiction=j, org_unit=tree.county_a,
                                          content="完全不同的低保审批问题", **{**base, "petitioner_name": "乙"})
    petition_svc.petition_decide(actor=alice, jurisdiction=j, petition_id=stuck.pk, accept=True, decided_on=date(2024, 1, 5))
    petition_svc.petition_receive(actor=alice, jurisdiction=j, org_unit=tree.county_a, content="第三件事，尚未受理",
                                  **{**base, "petitioner_name": "丙", "received_on": date(2024, 3, 10)})
    expected = _in_python("R28", date(2024, 3, 20))
    evaluate(as_of=date(2024, 3, 20), rule="R28")
    assert _findings("R28") == expected
    assert len(expected) >= 3 and any(row[8] == alice.pk for row in expected)


def test_due_dates_the_engine_computes_in_working_days(orders, override, monkeypatch) -> None:
    # given a source whose items carry no due date, and R16 counted in working days
    from django.db.models import DateField, F, Value
    from django.db.models.functions import TruncDate

    from zugong.masswork.models import ServiceOrder
    from zugong.rules.registry import DeadlineSource

    def items(ctx):
        return (ServiceOrder.objects.filter(ctx.org_q()).order_by()
                .values("org_unit_id", subject_id=F("id"), subject_label=F("tracking_code"),
                        start_date=TruncDate("ordered_at"), due_date=Value(None, output_field=DateField()),
                        done_date=TruncDate("dispatched_at")))

    source = DeadlineSource(subject_type="masswork.serviceorder", items=items, item_label="测试事项")
    monkeypatch.setattr(engine, "sources_for", lambda code: [source])
    today = timezone.localdate()
    for workdays in (False, True):  # the register's calendar days (added in SQL), then working days (computed)
        if workdays:
            override("R16", workdays=True, days=3)
        expected = _in_python("R16", today)
        evaluate(as_of=today, rule="R16")
        assert _findings("R16") == expected and len(expected) >= len(orders)
        Finding.objects.filter(rule__code="R16").delete()
