"""R08–R11, R16 and R28 evaluated by the rule engine on mass-work data."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from zugong.cadres.models import Cadre, PostHolding
from zugong.core.jurisdiction import jurisdiction_for
from zugong.masswork.models import DutyShift, HouseholdVisit, InVillageDay, Pairing
from zugong.masswork.services import orders as order_svc
from zugong.masswork.services import petitions as petition_svc
from zugong.masswork.tests.conftest import place
from zugong.rules.engine import evaluate
from zugong.rules.models import Finding

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _finding(code, subject_id, period_start):
    return Finding.objects.get(rule__code=code, subject_id=str(subject_id), period_start=period_start)


@pytest.fixture
def cadres(tree):
    busy = Cadre.objects.create(name="勤走访", org_unit=tree.township_a)
    idle = Cadre.objects.create(name="少走访", org_unit=tree.township_a)
    for cadre in (busy, idle):
        Pairing.objects.create(cadre=cadre, village=tree.village_a, valid_from=date(2023, 1, 1))
        PostHolding.objects.create(cadre=cadre, org_unit=tree.township_a, title="副镇长", valid_from=date(2020, 1, 1))
    Pairing.objects.create(cadre=busy, village=tree.village_a, valid_from=date(2023, 1, 1), household="甲户")
    Pairing.objects.create(cadre=busy, village=tree.village_a, valid_from=date(2023, 1, 1), household="乙户")
    Pairing.objects.create(cadre=idle, village=tree.village_a, valid_from=date(2023, 1, 1), household="丙户")
    return busy, idle


def test_r09_ten_visits_a_month(tree, cadres):
    busy, idle = cadres
    for i in range(10):
        HouseholdVisit.objects.create(org_unit=tree.village_a, cadre=busy, household=f"户{i}",
                                      visited_on=date(2024, 3, 1) + timedelta(days=i))
    for i in range(3):
        HouseholdVisit.objects.create(org_unit=tree.village_a, cadre=idle, household=f"户{i}",
                                      visited_on=date(2024, 3, 2 + i))
    evaluate(as_of=date(2024, 4, 10), rule="R09")
    assert _finding("R09", busy.pk, date(2024, 3, 1)).status == "compliant"
    missing = _finding("R09", idle.pk, date(2024, 3, 1))
    assert missing.status == "violated" and missing.measure == 3 and missing.target == 10


def test_r08_two_paired_households(tree, cadres):
    busy, idle = cadres
    evaluate(as_of=date(2025, 1, 20), rule="R08")
    assert _finding("R08", busy.pk, date(2024, 1, 1)).status == "compliant"
    assert _finding("R08", idle.pk, date(2024, 1, 1)).status == "violated"


def test_r11_duty_every_day(tree):
    cadre = Cadre.objects.create(name="值班员", org_unit=tree.village_a)
    for day in range(1, 31):  # April 2024 has 30 days: every day staffed in village_a
        DutyShift.objects.create(village=tree.village_a, cadre=cadre, day=date(2024, 4, day),
                                 checked_in_at=datetime(2024, 4, day, 8, tzinfo=SHANGHAI))
    DutyShift.objects.create(village=tree.village_b, cadre=cadre, day=date(2024, 4, 3))  # scheduled, no check-in
    evaluate(as_of=date(2024, 5, 10), rule="R11")
    assert _finding("R11", tree.village_a.pk, date(2024, 4, 1)).status == "compliant"
    empty = _finding("R11", tree.village_b.pk, date(2024, 4, 1))
    assert empty.status == "violated" and empty.measure == 0


def test_r11_min_on_duty_override_counts_only_days_with_enough_cadres(tree, alice):
    from zugong.rules.services import rule_override_set

    first = Cadre.objects.create(name="值班甲", org_unit=tree.village_a)
    second = Cadre.objects.create(name="值班乙", org_unit=tree.village_a)
    for day in range(1, 31):
        DutyShift.objects.create(village=tree.village_a, cadre=first, day=date(2024, 4, day),
                                 checked_in_at=datetime(2024, 4, day, 8, tzinfo=SHANGHAI))
    for day in range(1, 11):  # the second cadre only on the first ten days
        DutyShift.objects.create(village=tree.village_a, cadre=second, day=date(2024, 4, day),
                                 checked_in_at=datetime(2024, 4, day, 8, tzinfo=SHANGHAI))
    evaluate(as_of=date(2024, 5, 10), rule="R11")
    assert _finding("R11", tree.village_a.pk, date(2024, 4, 1)).status == "compliant"
    # given: county A requires two cadres on duty every day
    rule_override_set(actor=alice, jurisdiction=jurisdiction_for(alice), code="R11", org_unit=tree.county_a,
                      valid_from=date(2024, 1, 1), params={"min_on_duty": 2})
    # when
    evaluate(as_of=date(2024, 5, 10), rule="R11")
    # then: only the ten days with two check-ins count
    finding = _finding("R11", tree.village_a.pk, date(2024, 4, 1))
    assert finding.status == "violated" and finding.measure == 10


def test_r10_two_thirds_of_the_year_in_village(tree):
    secretary = Cadre.objects.create(name="村书记", org_unit=tree.village_a)
    PostHolding.objects.create(cadre=secretary, org_unit=tree.village_a, title="村党支部书记",
                               valid_from=date(2020, 1, 1))
    InVillageDay.objects.bulk_create(InVillageDay(village=tree.village_a, cadre=secretary,
                                                  day=date(2024, 1, 1) + timedelta(days=i)) for i in range(200))
    evaluate(as_of=date(2025, 1, 20), rule="R10")
    finding = _finding("R10", secretary.pk, date(2024, 1, 1))
    assert finding.status == "violated" and finding.measure == 200
    InVillageDay.objects.bulk_create(InVillageDay(village=tree.village_a, cadre=secretary,
                                                  day=date(2024, 1, 1) + timedelta(days=i)) for i in range(200, 250))
    evaluate(as_of=date(2025, 1, 20), rule="R10")
    assert _finding("R10", secretary.pk, date(2024, 1, 1)).status == "compliant"


def test_r16_dispatch_within_three_days(walls, alice):
    j = jurisdiction_for(alice)
    now = timezone.now()
    prompt = place(walls.a, ordered_at=now - timedelta(days=1))
    slow = place(walls.a, ordered_at=now - timedelta(days=10))
    waiting = place(walls.a, ordered_at=now - timedelta(days=10))
    for order in (prompt, slow):
        order_svc.order_dispatch(actor=alice, jurisdiction=j, order_id=order.pk, member_id=walls.plumber.pk)
    evaluate(as_of=timezone.localdate(), rule="R16")
    findings = {f.subject_id: f for f in Finding.objects.filter(rule__code="R16")}
    assert findings[str(prompt.pk)].status == "compliant"
    assert findings[str(slow.pk)].status == "violated"
    assert findings[str(waiting.pk)].status == "overdue"
    assert findings[str(waiting.pk)].due_date == timezone.localdate(now - timedelta(days=10)) + timedelta(days=3)


def test_r28_petition_closure(tree, alice):
    j = jurisdiction_for(alice)
    base: dict[str, Any] = {"channel": "letter", "petitioner_name": "甲", "subject": "事", "received_on": date(2024, 1, 2)}
    closed = petition_svc.petition_receive(actor=alice, jurisdiction=j, org_unit=tree.county_a, content="修路一事", **base)
    petition_svc.petition_decide(actor=alice, jurisdiction=j, petition_id=closed.pk, accept=True,
                                 decided_on=date(2024, 1, 5))
    petition_svc.petition_close(actor=alice, jurisdiction=j, petition_id=closed.pk, reply="已修",
                                closed_on=date(2024, 2, 1))
    stuck = petition_svc.petition_receive(actor=alice, jurisdiction=j, org_unit=tree.county_a,
                                          content="完全不同的低保审批问题", **{**base, "petitioner_name": "乙"})
    petition_svc.petition_decide(actor=alice, jurisdiction=j, petition_id=stuck.pk, accept=True,
                                 decided_on=date(2024, 1, 5))
    evaluate(as_of=date(2024, 3, 20), rule="R28")
    findings = {f.subject_id: f for f in Finding.objects.filter(rule__code="R28")}
    assert findings[str(closed.pk)].status == "compliant"
    assert findings[str(stuck.pk)].status == "overdue" and findings[str(stuck.pk)].due_date == date(2024, 3, 5)
    assert findings[str(stuck.pk)].responsible_user_id == alice.pk
