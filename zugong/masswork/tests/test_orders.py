"""The order lifecycle (R16): every transition, every refusal, the deadlines across holidays."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from zugong.conftest import make_user
from zugong.core.errors import Forbidden, IllegalTransition, NotFound, ValidationFailed
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import AuditEvent, Role
from zugong.masswork.models import OrderStatus, Rating, ServiceCategory
from zugong.masswork.selectors import member_suggestions, order_stats, orders_visible
from zugong.masswork.services import orders as svc
from zugong.masswork.tests.conftest import accept, place

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _at(day: str) -> datetime:
    return datetime.fromisoformat(day + "T10:00").replace(tzinfo=SHANGHAI)


def _done(walls, alice):
    j = jurisdiction_for(alice)
    order = place(walls.a)
    svc.order_dispatch(actor=alice, jurisdiction=j, order_id=order.pk, member_id=walls.plumber.pk)
    accept(order.pk)
    return svc.order_complete(actor=alice, jurisdiction=j, order_id=order.pk, report="已更换灯泡")


def test_full_lifecycle_to_satisfied(walls, alice):
    # given
    j = jurisdiction_for(alice)
    order = place(walls.a)
    assert order.status == OrderStatus.ORDERED and len(order.tracking_code) == 12
    # when
    svc.order_dispatch(actor=alice, jurisdiction=j, order_id=order.pk, member_id=walls.plumber.pk)
    accept(order.pk)
    svc.order_complete(actor=alice, jurisdiction=j, order_id=order.pk, report="已更换灯泡")
    rated = svc.order_rate(actor=None, order_id=order.pk, rating=Rating.SATISFIED)
    # then
    assert rated.status == OrderStatus.RATED and rated.member == walls.plumber and rated.dispatch_count == 1
    assert [e.to_status for e in rated.events.all()] == ["ordered", "dispatched", "accepted", "done", "rated"]
    actions = set(AuditEvent.objects.filter(object_id=str(order.pk)).values_list("action", flat=True))
    assert {"masswork.order_place", "masswork.order_dispatch", "masswork.order_accept",
            "masswork.order_complete", "masswork.order_rate"} <= actions


def test_unsatisfied_needs_reason_and_opens_follow_up(walls, alice):
    order = _done(walls, alice)
    with pytest.raises(ValidationFailed, match="不满意原因"):
        svc.order_rate(actor=None, order_id=order.pk, rating=Rating.UNSATISFIED, reason="  ")
    rated = svc.order_rate(actor=None, order_id=order.pk, rating=Rating.UNSATISFIED, reason="灯还是不亮")
    assert rated.status == OrderStatus.FOLLOW_UP and rated.rating_reason == "灯还是不亮"


def test_follow_up_redispatch_with_new_deadline(walls, alice):
    order = _done(walls, alice)
    svc.order_rate(actor=None, order_id=order.pk, rating=Rating.UNSATISFIED, reason="灯还是不亮")
    again = svc.order_dispatch(actor=alice, jurisdiction=jurisdiction_for(alice), order_id=order.pk,
                               member_id=walls.nurse.pk, handle_due=date(2099, 1, 5))
    assert again.status == OrderStatus.DISPATCHED and again.member == walls.nurse
    assert again.handle_due == date(2099, 1, 5) and again.dispatch_count == 2 and again.done_at is None
    dispatches = AuditEvent.objects.filter(action="masswork.order_dispatch", object_id=str(order.pk))
    assert [e.summary["redispatch"] for e in dispatches.order_by("sequence")] == [False, True]


def test_follow_up_explanation_closes(walls, alice):
    order = _done(walls, alice)
    svc.order_rate(actor=None, order_id=order.pk, rating=Rating.UNSATISFIED, reason="没有修好")
    with pytest.raises(ValidationFailed):
        svc.order_explain(actor=alice, jurisdiction=jurisdiction_for(alice), order_id=order.pk, explanation="")
    closed = svc.order_explain(actor=alice, jurisdiction=jurisdiction_for(alice), order_id=order.pk,
                               explanation="线路属供电公司，已报修并向居民说明")
    assert closed.status == OrderStatus.EXPLAINED


@pytest.mark.parametrize(("action", "message"), [
    ("accept", "不能执行该操作"), ("complete", "不能执行该操作"), ("rate", "尚未办结"), ("explain", "不能执行该操作"),
])
def test_refusals_on_a_fresh_order(walls, alice, action, message):
    j = jurisdiction_for(alice)
    order = place(walls.a)
    calls = {
        "accept": lambda: svc.order_accept(actor=walls.plumber_user, jurisdiction=jurisdiction_for(walls.plumber_user),
                                           order_id=order.pk),
        "complete": lambda: svc.order_complete(actor=alice, jurisdiction=j, order_id=order.pk, report="x"),
        "rate": lambda: svc.order_rate(actor=None, order_id=order.pk, rating=Rating.SATISFIED),
        "explain": lambda: svc.order_explain(actor=alice, jurisdiction=j, order_id=order.pk, explanation="x"),
    }
    with pytest.raises(IllegalTransition, match=message):
        calls[action]()


def test_second_dispatch_refused(walls, alice):
    j = jurisdiction_for(alice)
    order = place(walls.a)
    svc.order_dispatch(actor=alice, jurisdiction=j, order_id=order.pk, member_id=walls.plumber.pk)
    with pytest.raises(IllegalTransition, match="已派单，不能重复派单"):
        svc.order_dispatch(actor=alice, jurisdiction=j, order_id=order.pk, member_id=walls.nurse.pk)


def test_rating_twice_refused(walls, alice):
    order = _done(walls, alice)
    svc.order_rate(actor=None, order_id=order.pk, rating=Rating.BASIC)
    with pytest.raises(IllegalTransition):
        svc.order_rate(actor=None, order_id=order.pk, rating=Rating.SATISFIED)


def test_dispatch_refuses_member_of_another_wall(walls, alice):
    order = place(walls.a)
    with pytest.raises(ValidationFailed, match="不在本民心墙"):
        svc.order_dispatch(actor=alice, jurisdiction=jurisdiction_for(alice), order_id=order.pk,
                           member_id=walls.other_b.pk)


def test_dispatch_outside_jurisdiction_is_not_found(walls, carol):
    order = place(walls.a)
    with pytest.raises(NotFound):
        svc.order_dispatch(actor=carol, jurisdiction=jurisdiction_for(carol), order_id=order.pk,
                           member_id=walls.plumber.pk)


def test_plain_member_cannot_dispatch_but_can_accept_own_order(walls, alice, tree):
    member_user = make_user("dave", walls.a.org_unit, Role.MEMBER)
    walls.plumber.user = member_user
    walls.plumber.save()
    order = place(walls.a)
    with pytest.raises(Forbidden):
        svc.order_dispatch(actor=member_user, jurisdiction=jurisdiction_for(member_user), order_id=order.pk,
                           member_id=walls.plumber.pk)
    svc.order_dispatch(actor=alice, jurisdiction=jurisdiction_for(alice), order_id=order.pk,
                       member_id=walls.plumber.pk)
    accepted = svc.order_accept(actor=member_user, jurisdiction=jurisdiction_for(member_user), order_id=order.pk)
    assert accepted.status == OrderStatus.ACCEPTED


def test_group_leader_dispatches(walls):
    leader = make_user("lin", walls.a.org_unit, Role.GROUP_LEADER)
    order = place(walls.a)
    done = svc.order_dispatch(actor=leader, jurisdiction=jurisdiction_for(leader), order_id=order.pk,
                              member_id=walls.nurse.pk)
    assert done.dispatched_by == leader


def test_place_validates_phone_and_text(walls):
    with pytest.raises(ValidationFailed, match="手机号码"):
        place(walls.a, resident_phone="12345")
    with pytest.raises(ValidationFailed, match="需求内容"):
        place(walls.a, description="   ")
    with pytest.raises(ValidationFailed, match="点单方式"):
        place(walls.a, channel="fax")


@pytest.mark.parametrize("channel", ["wall", "phone", "letter", "qq", "wechat", "proxy", "public"])
def test_every_channel_accepted(walls, channel):
    assert place(walls.a, channel=channel).channel == channel


def test_dispatch_deadline_three_calendar_days_over_spring_festival(walls):
    order = place(walls.a, ordered_at=_at("2024-02-08"))
    assert order.dispatch_due == date(2024, 2, 11)


def test_dispatch_deadline_in_workdays_skips_spring_festival(walls, override):
    # 2024 Spring Festival: 10–17 Feb off, Sunday 18 Feb a make-up working day.
    override("R16", workdays=True)
    order = place(walls.a, ordered_at=_at("2024-02-08"))
    assert order.dispatch_due == date(2024, 2, 19)


def test_dispatch_deadline_in_workdays_skips_national_day(walls, override):
    # 2024 National Day: 1–7 Oct off; ordered Sat 28 Sep: Sun 29 Sep, Mon 30 Sep, then Tue 8 Oct.
    override("R16", workdays=True)
    order = place(walls.a, ordered_at=_at("2024-09-28"))
    assert order.dispatch_due == date(2024, 10, 8)


def test_dispatch_deadline_parameter_changes_it(walls, override):
    override("R16", days=5)
    order = place(walls.a, ordered_at=_at("2024-03-01"))
    assert order.dispatch_due == date(2024, 3, 6)


def test_suggestions_rank_specialty_post_and_load(walls, alice):
    j = jurisdiction_for(alice)
    repair = place(walls.a, description="家里水管漏水需要维修", category=ServiceCategory.REPAIR)
    ranked = member_suggestions(repair)
    assert [s.member for s in ranked] == [walls.plumber, walls.nurse]
    assert ranked[0].specialty_hits == 1 and ranked[0].claims_post and ranked[0].load == 0
    # load counts: give the nurse nothing, the plumber three open orders of a health kind
    for _ in range(3):
        o = place(walls.a, description="量血压", category=ServiceCategory.HEALTH)
        svc.order_dispatch(actor=alice, jurisdiction=j, order_id=o.pk, member_id=walls.plumber.pk)
    health = place(walls.a, description="老人需要上门量血压", category=ServiceCategory.HEALTH)
    ranked = member_suggestions(health)
    assert ranked[0].member == walls.nurse and ranked[0].score == 5
    assert ranked[1].member == walls.plumber and ranked[1].load == 3 and ranked[1].score == -3


def test_stats_per_wall(walls, alice):
    first = _done(walls, alice)
    svc.order_rate(actor=None, order_id=first.pk, rating=Rating.SATISFIED)
    second = _done(walls, alice)
    svc.order_rate(actor=None, order_id=second.pk, rating=Rating.UNSATISFIED, reason="慢")
    place(walls.a, ordered_at=_at("2024-01-02"))
    stats = order_stats(orders_visible(jurisdiction_for(alice)).filter(wall=walls.a), today=date(2024, 6, 1))
    assert (stats.total, stats.dispatched, stats.done, stats.satisfied, stats.unsatisfied, stats.overdue) == (
        3, 2, 2, 1, 1, 1)
    assert stats.satisfaction_rate == 50.0
