"""Every date gate and deadline of masswork at the day before, the day of and the day after, with the
parameters read through the rule register exactly as in production (seeded by the rules app's
migration). The register defaults masswork relies on are pinned here: moving R16's 3 days to 12, or
R28's 60 to 90, in `zugong/rules/params.py` fails these tests.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from zugong.cadres.models import Cadre, PostHolding
from zugong.core.errors import IllegalTransition, ValidationFailed
from zugong.core.jurisdiction import jurisdiction_for
from zugong.masswork import params
from zugong.masswork.models import DutyShift, HouseholdVisit, InVillageDay, Pairing, ServiceOrder
from zugong.masswork.selectors import order_list, order_stats, orders_visible
from zugong.masswork.services import duty, visits
from zugong.masswork.services import orders as order_svc
from zugong.masswork.services import petitions as petition_svc
from zugong.masswork.tests.conftest import place
from zugong.rules import registry
from zugong.rules.engine import evaluate
from zugong.rules.models import Finding
from zugong.rules.params import REGISTER

SHANGHAI = ZoneInfo("Asia/Shanghai")
BEFORE, ON, AFTER = -1, 0, 1


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def _finding(code: str, subject_id: int, period_start: date) -> Finding:
    return Finding.objects.get(rule__code=code, subject_id=str(subject_id), period_start=period_start)


# ---------------------------------------------------------------- the parameters and their one owner


@pytest.mark.django_db
def test_register_defaults_masswork_relies_on():
    on = date(2024, 3, 1)
    assert params.param("R16", "days", on=on) == 3          # 三天内派单
    assert params.param("R16", "workdays", on=on) is False
    assert params.param("R28", "days", on=on) == 60         # 六十日内办结
    assert params.param("R28", "workdays", on=on) is False
    assert registry.param("R08", "min_count", org_unit=None, on=on) == 2
    assert registry.param("R09", "min_total", org_unit=None, on=on) == 10
    assert registry.param("R10", "min_share_of_days", org_unit=None, on=on) == 0.6667
    assert registry.param("R11", "min_share_of_days", org_unit=None, on=on) == 1.0
    assert registry.param("R11", "min_on_duty", org_unit=None, on=on) == 1


def test_masswork_defaults_are_only_what_the_register_does_not_declare():
    declared = {(spec.code, name) for spec in REGISTER for name in spec.schema.model_fields}
    assert set(params.DEFAULTS) == {("R16", "handle_days"), ("R28", "accept_days"), ("R28", "extend_days")}
    assert not set(params.DEFAULTS) & declared
    assert (params.DEFAULTS[("R16", "handle_days")], params.DEFAULTS[("R28", "accept_days")],
            params.DEFAULTS[("R28", "extend_days")]) == (7, 15, 30)


# ---------------------------------------------------------------- R16: dispatch within 3 days


def test_r16_dispatch_due_is_three_days_after_the_order(walls):
    assert place(walls.a, ordered_at=_at(date(2024, 3, 1))).dispatch_due == date(2024, 3, 4)


@pytest.mark.parametrize(("offset", "status"), [(BEFORE, "compliant"), (ON, "compliant"), (AFTER, "violated")])
def test_r16_dispatched_the_day_before_of_and_after_the_due_day(walls, alice, offset, status):
    # given: ordered 1 March, due 4 March, dispatched on 3, 4 or 5 March
    order = place(walls.a, ordered_at=_at(date(2024, 3, 1)))
    order_svc.order_dispatch(actor=alice, jurisdiction=jurisdiction_for(alice), order_id=order.pk,
                             member_id=walls.plumber.pk)
    ServiceOrder.objects.filter(pk=order.pk).update(dispatched_at=_at(date(2024, 3, 4) + timedelta(days=offset)))
    # when
    evaluate(as_of=date(2024, 3, 20), rule="R16")
    # then
    finding = _finding("R16", order.pk, date(2024, 3, 1))
    assert (finding.status, finding.due_date) == (status, date(2024, 3, 4))


@pytest.mark.parametrize(("offset", "status"), [(BEFORE, "due_soon"), (ON, "due_soon"), (AFTER, "overdue")])
def test_r16_waiting_order_evaluated_the_day_before_of_and_after_the_due_day(walls, offset, status):
    order = place(walls.a, ordered_at=_at(date(2024, 3, 1)))
    evaluate(as_of=date(2024, 3, 4) + timedelta(days=offset), rule="R16")
    assert _finding("R16", order.pk, date(2024, 3, 1)).status == status


@pytest.mark.parametrize(("offset", "overdue"), [(BEFORE, False), (ON, False), (AFTER, True)])
def test_order_list_overdue_the_day_before_of_and_after_the_due_day(walls, alice, offset, overdue):
    order = place(walls.a, ordered_at=_at(date(2024, 3, 1)))
    today = order.dispatch_due + timedelta(days=offset)
    listed = list(order_list(jurisdiction_for(alice), overdue_on=today))
    assert (order in listed) is overdue
    assert order_stats(orders_visible(jurisdiction_for(alice)), today=today).overdue == int(overdue)


@pytest.mark.parametrize(("offset", "allowed"), [(BEFORE, False), (ON, True), (AFTER, True)])
def test_dispatch_handle_due_the_day_before_of_and_after_today(walls, alice, offset, allowed):
    order = place(walls.a)
    due = timezone.localdate() + timedelta(days=offset)

    def dispatch() -> Any:
        return order_svc.order_dispatch(actor=alice, jurisdiction=jurisdiction_for(alice), order_id=order.pk,
                                        member_id=walls.plumber.pk, handle_due=due)

    if allowed:
        assert dispatch().handle_due == due
    else:
        with pytest.raises(ValidationFailed, match="办理期限不能早于今天"):
            dispatch()


def test_dispatch_without_a_deadline_gives_the_member_seven_days(walls, alice):
    order = place(walls.a)
    dispatched = order_svc.order_dispatch(actor=alice, jurisdiction=jurisdiction_for(alice), order_id=order.pk,
                                          member_id=walls.plumber.pk)
    assert dispatched.handle_due == timezone.localdate() + timedelta(days=7)


# ---------------------------------------------------------------- R28: 15 days to accept, 60 to close, +30


def _receive(alice: Any, tree: Any, received_on: date, **kwargs: Any) -> Any:
    return petition_svc.petition_receive(
        actor=alice, jurisdiction=jurisdiction_for(alice), org_unit=tree.county_a, channel="letter",
        petitioner_name="周建国", subject="宅基地", content="宅基地确权", received_on=received_on, **kwargs)


def test_r28_deadlines_are_15_then_60_then_30_more_days(tree, alice):
    j = jurisdiction_for(alice)
    petition = _receive(alice, tree, date(2024, 3, 1))
    assert petition.accept_due == date(2024, 3, 16)
    accepted = petition_svc.petition_decide(actor=alice, jurisdiction=j, petition_id=petition.pk, accept=True,
                                            decided_on=date(2024, 3, 5))
    assert accepted.close_due == date(2024, 5, 4)
    extended = petition_svc.petition_extend(actor=alice, jurisdiction=j, petition_id=petition.pk, reason="重新测绘")
    assert extended.close_due == date(2024, 6, 3)


@pytest.mark.parametrize(("offset", "status"), [(BEFORE, "due_soon"), (ON, "due_soon"), (AFTER, "overdue")])
def test_r28_undecided_petition_the_day_before_of_and_after_the_acceptance_deadline(tree, alice, offset, status):
    petition = _receive(alice, tree, date(2024, 3, 1))
    evaluate(as_of=date(2024, 3, 16) + timedelta(days=offset), rule="R28")
    assert _finding("R28", petition.pk, date(2024, 3, 1)).status == status


@pytest.mark.parametrize(("offset", "status"), [(BEFORE, "compliant"), (ON, "compliant"), (AFTER, "violated")])
def test_r28_closed_the_day_before_of_and_after_the_closure_deadline(tree, alice, offset, status):
    j = jurisdiction_for(alice)
    petition = _receive(alice, tree, date(2024, 3, 1))
    petition_svc.petition_decide(actor=alice, jurisdiction=j, petition_id=petition.pk, accept=True,
                                 decided_on=date(2024, 3, 5))
    closed_on = date(2024, 5, 4) + timedelta(days=offset)
    petition_svc.petition_close(actor=alice, jurisdiction=j, petition_id=petition.pk, reply="已答复",
                                closed_on=closed_on)
    evaluate(as_of=date(2024, 6, 20), rule="R28")
    finding = _finding("R28", petition.pk, date(2024, 5, 1))
    assert (finding.status, finding.due_date, finding.done_date) == (status, date(2024, 5, 4), closed_on)


@pytest.mark.parametrize(("offset", "status"), [(BEFORE, "compliant"), (ON, "compliant"), (AFTER, "violated")])
def test_r28_closed_the_day_before_of_and_after_the_extended_deadline(tree, alice, offset, status):
    j = jurisdiction_for(alice)
    petition = _receive(alice, tree, date(2024, 3, 1))
    petition_svc.petition_decide(actor=alice, jurisdiction=j, petition_id=petition.pk, accept=True,
                                 decided_on=date(2024, 3, 5))
    petition_svc.petition_extend(actor=alice, jurisdiction=j, petition_id=petition.pk, reason="重新测绘")
    closed_on = date(2024, 6, 3) + timedelta(days=offset)
    petition_svc.petition_close(actor=alice, jurisdiction=j, petition_id=petition.pk, reply="已答复",
                                closed_on=closed_on)
    evaluate(as_of=date(2024, 7, 20), rule="R28")
    assert _finding("R28", petition.pk, date(2024, 6, 1)).status == status


@pytest.mark.parametrize(("offset", "allowed"), [(BEFORE, False), (ON, True), (AFTER, True)])
def test_decision_the_day_before_of_and_after_the_day_received(tree, alice, offset, allowed):
    petition = _receive(alice, tree, date(2024, 3, 1))

    def decide() -> Any:
        return petition_svc.petition_decide(actor=alice, jurisdiction=jurisdiction_for(alice),
                                            petition_id=petition.pk, accept=True,
                                            decided_on=date(2024, 3, 1) + timedelta(days=offset))

    if allowed:
        assert decide().accepted_on == date(2024, 3, 1) + timedelta(days=offset)
    else:
        with pytest.raises(ValidationFailed, match="受理日期不能早于登记日期"):
            decide()


@pytest.mark.parametrize(("offset", "allowed"), [(BEFORE, False), (ON, True), (AFTER, True)])
def test_reception_day_recorded_the_day_before_of_and_after(tree, alice, offset, allowed):
    j = jurisdiction_for(alice)
    day = petition_svc.reception_day_schedule(actor=alice, jurisdiction=j, org_unit=tree.county_a,
                                              day=timezone.localdate() - timedelta(days=offset), leader_name="李春全")
    if allowed:
        assert petition_svc.reception_day_record(actor=alice, jurisdiction=j, reception_day=day, record="接待3人").held
    else:
        with pytest.raises(IllegalTransition, match="接访日尚未到来"):
            petition_svc.reception_day_record(actor=alice, jurisdiction=j, reception_day=day, record="接待3人")


# ---------------------------------------------------------------- R09, R10, R11 and the village gates


@pytest.fixture
def village_cadre(tree):
    cadre = Cadre.objects.create(name="陈包村", org_unit=tree.township_a)
    Pairing.objects.create(cadre=cadre, village=tree.village_a, valid_from=date(2023, 1, 1))
    return cadre


@pytest.mark.parametrize(("last_visit", "status"), [
    (date(2024, 3, 30), "compliant"), (date(2024, 3, 31), "compliant"), (date(2024, 4, 1), "violated")])
def test_r09_tenth_visit_the_day_before_of_and_after_the_month_end(tree, village_cadre, last_visit, status):
    HouseholdVisit.objects.bulk_create(HouseholdVisit(org_unit=tree.village_a, cadre=village_cadre,
                                                      household=f"户{i}", visited_on=date(2024, 3, 1 + i))
                                       for i in range(9))
    HouseholdVisit.objects.create(org_unit=tree.village_a, cadre=village_cadre, household="末户", visited_on=last_visit)
    evaluate(as_of=date(2024, 4, 10), rule="R09")
    finding = _finding("R09", village_cadre.pk, date(2024, 3, 1))
    assert (finding.status, finding.target) == (status, 10)


@pytest.mark.parametrize(("days", "status"), [(244, "violated"), (245, "compliant"), (246, "compliant")])
def test_r10_in_village_days_one_below_at_and_above_two_thirds_of_2024(tree, days, status):
    # 2024 has 366 days: ceil(0.6667 × 366) = 245 days in the village.
    secretary = Cadre.objects.create(name="村书记", org_unit=tree.village_a)
    PostHolding.objects.create(cadre=secretary, org_unit=tree.village_a, title="村党支部书记",
                               valid_from=date(2020, 1, 1))
    InVillageDay.objects.bulk_create(InVillageDay(village=tree.village_a, cadre=secretary,
                                                  day=date(2024, 1, 1) + timedelta(days=i)) for i in range(days))
    evaluate(as_of=date(2025, 1, 20), rule="R10")
    finding = _finding("R10", secretary.pk, date(2024, 1, 1))
    assert (finding.status, finding.target, finding.measure) == (status, 245, days)


@pytest.mark.parametrize(("staffed", "extra_day", "status"), [
    (range(2, 31), date(2024, 3, 31), "violated"),   # the day before April: does not count
    (range(2, 31), date(2024, 4, 1), "compliant"),   # the first day of April
    (range(1, 30), date(2024, 4, 30), "compliant"),  # the last day of April
    (range(1, 30), date(2024, 5, 1), "violated"),    # the day after April: does not count
])
def test_r11_duty_on_the_days_around_the_month_boundaries(tree, staffed, extra_day, status):
    # given: every day of April but one is staffed, plus one more day
    cadre = Cadre.objects.create(name="值班员", org_unit=tree.village_a)
    for day in [*(date(2024, 4, d) for d in staffed), extra_day]:
        DutyShift.objects.create(village=tree.village_a, cadre=cadre, day=day, checked_in_at=_at(day, 8))
    # when
    evaluate(as_of=date(2024, 5, 10), rule="R11")
    # then: every one of April's 30 days needs a checked-in shift
    finding = _finding("R11", tree.village_a.pk, date(2024, 4, 1))
    assert (finding.status, finding.target) == (status, 30)


@pytest.mark.parametrize(("offset", "allowed"), [(BEFORE, False), (ON, True), (AFTER, False)])
def test_duty_check_in_the_day_before_of_and_after_the_shift(tree, bob, offset, allowed):
    cadre = Cadre.objects.create(name="值班员", org_unit=tree.village_a)
    j = jurisdiction_for(bob)
    shift = duty.duty_shift_schedule(actor=bob, jurisdiction=j, village=tree.village_a, cadre=cadre, user=bob,
                                     day=date(2024, 4, 10))
    at = _at(date(2024, 4, 10) + timedelta(days=offset), 9)
    if allowed:
        assert duty.duty_check_in(actor=bob, jurisdiction=j, shift_id=shift.pk, at=at).checked_in_at == at
    else:
        with pytest.raises(IllegalTransition, match="只能在值班当天签到"):
            duty.duty_check_in(actor=bob, jurisdiction=j, shift_id=shift.pk, at=at)


@pytest.mark.parametrize(("offset", "allowed"), [(BEFORE, True), (ON, True), (AFTER, False)])
def test_in_village_day_yesterday_today_and_tomorrow(tree, bob, offset, allowed):
    cadre = Cadre.objects.create(name="村书记", org_unit=tree.village_a)
    day = timezone.localdate() + timedelta(days=offset)

    def record() -> Any:
        return duty.in_village_day_record(actor=bob, jurisdiction=jurisdiction_for(bob), village=tree.village_a,
                                          cadre=cadre, day=day)

    if allowed:
        assert record().day == day
    else:
        with pytest.raises(ValidationFailed, match="不能登记未来"):
            record()


@pytest.mark.parametrize(("offset", "allowed"), [(BEFORE, True), (ON, True), (AFTER, False)])
def test_household_visit_yesterday_today_and_tomorrow(tree, bob, offset, allowed):
    cadre = Cadre.objects.create(name="陈包村", org_unit=tree.township_a)
    day = timezone.localdate() + timedelta(days=offset)

    def record() -> Any:
        return visits.household_visit_record(actor=bob, jurisdiction=jurisdiction_for(bob), village=tree.village_a,
                                             cadre=cadre, household="孙家", visited_on=day)

    if allowed:
        assert record().visited_on == day
    else:
        with pytest.raises(ValidationFailed, match="走访日期不能晚于今天"):
            record()


def test_public_page_promises_the_registers_dispatch_days(walls):
    # Before the resident picks a wall the page knows no unit: it promises the register's default.
    from django.test import Client

    assert "我们将在 3 天内派在职党员为您办理" in Client().get("/m/").content.decode()


@pytest.mark.parametrize(("offset", "allowed"), [(BEFORE, False), (ON, True), (AFTER, True)])
def test_closure_the_day_before_of_and_after_the_day_accepted(tree, alice, offset, allowed):
    j = jurisdiction_for(alice)
    petition = _receive(alice, tree, date(2024, 3, 1))
    petition_svc.petition_decide(actor=alice, jurisdiction=j, petition_id=petition.pk, accept=True,
                                 decided_on=date(2024, 3, 5))
    closed_on = date(2024, 3, 5) + timedelta(days=offset)

    def close() -> Any:
        return petition_svc.petition_close(actor=alice, jurisdiction=j, petition_id=petition.pk, reply="已答复",
                                           closed_on=closed_on)

    if allowed:
        assert close().closed_on == closed_on
    else:
        with pytest.raises(ValidationFailed, match="办结日期不能早于受理日期"):
            close()


@pytest.mark.parametrize(("valid_to_offset", "sees"), [(BEFORE, False), (ON, False), (AFTER, True)])
def test_identity_grant_ending_yesterday_today_and_tomorrow(tree, alice, bob, valid_to_offset, sees):
    # A grant is valid up to the day before its valid_to (valid_to is the first day without it).
    petition = _receive(alice, tree, date(2024, 3, 1))
    petition_svc.petitioner_access_grant(actor=alice, jurisdiction=jurisdiction_for(alice), user=bob,
                                         org_unit=tree.county_a,
                                         valid_to=timezone.localdate() + timedelta(days=valid_to_offset))
    assert petition_svc.may_see_identity(user=bob, jurisdiction=jurisdiction_for(bob), petition=petition) is sees
