"""The two state machines, tested from their procedure: every pair the procedure allows goes through
the service that makes it, every other pair of states is refused (409) and changes nothing, and the
pages offer exactly the steps the table allows.

The procedures are written out here (seed 001 for the wish wall, seed 002 for petitions), so a
change to `ORDER_ALLOWED` or `PETITION_ALLOWED` — e.g. letting 已接单 skip 办结 and go to 已评单 —
fails `test_*_table_is_the_procedure` and the generated refusals below.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from zugong.conftest import logged_in
from zugong.core.errors import IllegalTransition
from zugong.core.jurisdiction import jurisdiction_for
from zugong.masswork.models import (
    ORDER_ALLOWED,
    PETITION_ALLOWED,
    OrderEvent,
    OrderStatus,
    Petition,
    PetitionStatus,
    Rating,
    ServiceOrder,
)
from zugong.masswork.services import orders as order_svc
from zugong.masswork.services import petitions as petition_svc
from zugong.masswork.tests.conftest import accept, place

OS = OrderStatus
ORDER_PROCEDURE = {
    (OS.ORDERED, OS.DISPATCHED),       # 派单
    (OS.DISPATCHED, OS.ACCEPTED),      # 接单
    (OS.ACCEPTED, OS.DONE),            # 办结
    (OS.DONE, OS.RATED),               # 评单 满意 / 基本满意
    (OS.DONE, OS.FOLLOW_UP),           # 评单 不满意
    (OS.FOLLOW_UP, OS.DISPATCHED),     # 重新派单
    (OS.FOLLOW_UP, OS.EXPLAINED),      # 解释说明
}
ORDER_FORBIDDEN = [(a, b) for a in OS.values for b in OS.values if (a, b) not in ORDER_PROCEDURE]

P = PetitionStatus
PETITION_PROCEDURE = {(P.RECEIVED, P.ACCEPTED), (P.RECEIVED, P.REJECTED), (P.ACCEPTED, P.CLOSED)}
PETITION_FORBIDDEN = [(a, b) for a in P.values for b in P.values if (a, b) not in PETITION_PROCEDURE]


def test_order_table_is_the_procedure():
    assert set(ORDER_ALLOWED) == set(OS.values)
    assert {(a, b) for a, targets in ORDER_ALLOWED.items() for b in targets} == ORDER_PROCEDURE


def test_petition_table_is_the_procedure():
    assert set(PETITION_ALLOWED) == set(P.values)
    assert {(a, b) for a, targets in PETITION_ALLOWED.items() for b in targets} == PETITION_PROCEDURE


def _order_step(walls: Any, alice: Any, order_id: int, to: str) -> Callable[[], Any]:
    """The service call that moves an order to `to` (nothing moves an order back to 待派单)."""
    j = jurisdiction_for(alice)
    steps: dict[str, Callable[[], Any]] = {
        OS.DISPATCHED: lambda: order_svc.order_dispatch(actor=alice, jurisdiction=j, order_id=order_id,
                                                       member_id=walls.nurse.pk),
        OS.ACCEPTED: lambda: accept(order_id),
        OS.DONE: lambda: order_svc.order_complete(actor=alice, jurisdiction=j, order_id=order_id, report="已办"),
        OS.RATED: lambda: order_svc.order_rate(actor=None, order_id=order_id, rating=Rating.SATISFIED),
        OS.FOLLOW_UP: lambda: order_svc.order_rate(actor=None, order_id=order_id, rating=Rating.UNSATISFIED,
                                                  reason="没有修好"),
        OS.EXPLAINED: lambda: order_svc.order_explain(actor=alice, jurisdiction=j, order_id=order_id,
                                                     explanation="属供电公司线路"),
    }
    if to == OS.ORDERED:
        return lambda: order_svc._transition(ServiceOrder.objects.get(pk=order_id), OS.ORDERED)
    return steps[to]


def _order_in(walls: Any, status: str) -> ServiceOrder:
    order = place(walls.a)
    ServiceOrder.objects.filter(pk=order.pk).update(status=status, member=walls.plumber)
    return ServiceOrder.objects.get(pk=order.pk)


@pytest.mark.parametrize(("start", "to"), sorted(ORDER_PROCEDURE))
def test_order_allowed_step_goes_through(walls, alice, start, to):
    order = _order_in(walls, start)
    _order_step(walls, alice, order.pk, to)()
    order.refresh_from_db()
    assert order.status == to
    assert order.events.order_by("-pk").values_list("from_status", "to_status").first() == (start, to)


@pytest.mark.parametrize(("start", "to"), ORDER_FORBIDDEN)
def test_order_forbidden_step_is_refused_and_changes_nothing(walls, alice, start, to):
    # given
    order = _order_in(walls, start)
    events = OrderEvent.objects.filter(order=order).count()
    # when
    with pytest.raises(IllegalTransition) as refused:
        _order_step(walls, alice, order.pk, to)()
    # then
    assert refused.value.status == 409
    order.refresh_from_db()
    assert order.status == start and OrderEvent.objects.filter(order=order).count() == events


def test_order_refusal_over_the_api_is_409_and_names_the_state(walls, alice):
    from zugong.conftest import bearer

    order = _order_in(walls, OS.ACCEPTED)
    response = bearer(alice).post(f"/api/v1/orders/{order.pk}/explain", {"explanation": "x"},
                                  content_type="application/json")
    assert response.status_code == 409
    assert "已接单" in response.json()["error"]["message"] and "已解释说明" in response.json()["error"]["message"]


# The form each step of the order page posts (ids in order_detail.html).
ORDER_FORMS = {OS.DISPATCHED: "mw-dispatch", OS.ACCEPTED: "mw-accept", OS.DONE: "mw-complete", OS.RATED: "mw-rate",
               OS.FOLLOW_UP: "mw-rate", OS.EXPLAINED: "mw-explain"}


# Who takes each step on the page: the party group's staff, or the member who holds the order (接单 is
# only theirs; 办结 theirs or the staff's).
STEP_TAKERS = {OS.DISPATCHED: {"staff"}, OS.ACCEPTED: {"holder"}, OS.DONE: {"staff", "holder"},
               OS.RATED: {"staff"}, OS.FOLLOW_UP: {"staff"}, OS.EXPLAINED: {"staff"}}


@pytest.mark.parametrize("viewer", ["staff", "holder"])
@pytest.mark.parametrize("status", OS.values)
def test_order_page_offers_exactly_the_allowed_steps(walls, alice, status, viewer):
    order = _order_in(walls, status)  # held by the plumber
    user = alice if viewer == "staff" else walls.plumber_user
    body = logged_in(user).get(f"/masswork/orders/{order.pk}/").content.decode()
    offered = {form for form in set(ORDER_FORMS.values()) if f'id="{form}"' in body}
    assert offered == {ORDER_FORMS[to] for start, to in ORDER_PROCEDURE if start == status and viewer in STEP_TAKERS[to]}


def test_order_page_offers_a_leader_no_step(walls, tree):
    from zugong.conftest import make_user
    from zugong.core.models import Role

    leader = make_user("lu", tree.county_a, Role.LEADER)
    order = _order_in(walls, OS.ORDERED)
    body = logged_in(leader).get(f"/masswork/orders/{order.pk}/").content.decode()
    assert "楼道灯坏了" in body and not any(f'id="{form}"' in body for form in ORDER_FORMS.values())


def _petition_in(tree: Any, alice: Any, status: str) -> Petition:
    petition = petition_svc.petition_receive(
        actor=alice, jurisdiction=jurisdiction_for(alice), org_unit=tree.county_a, channel="letter",
        petitioner_name="周建国", subject="宅基地", content="宅基地确权", received_on=date(2024, 3, 1))
    accepted = status in (P.ACCEPTED, P.CLOSED)
    Petition.objects.filter(pk=petition.pk).update(
        status=status, accepted_on=date(2024, 3, 5) if accepted else None,
        close_due=date(2024, 5, 4) if accepted else None,
        closed_on=date(2024, 3, 10) if status in (P.CLOSED, P.REJECTED) else None)
    return Petition.objects.get(pk=petition.pk)


def _petition_step(alice: Any, petition_id: int, to: str) -> Callable[[], Any]:
    j = jurisdiction_for(alice)
    steps: dict[str, Callable[[], Any]] = {
        P.ACCEPTED: lambda: petition_svc.petition_decide(actor=alice, jurisdiction=j, petition_id=petition_id,
                                                         accept=True, decided_on=date(2024, 3, 20)),
        P.REJECTED: lambda: petition_svc.petition_decide(actor=alice, jurisdiction=j, petition_id=petition_id,
                                                         accept=False, note="不属于信访事项",
                                                         decided_on=date(2024, 3, 20)),
        P.CLOSED: lambda: petition_svc.petition_close(actor=alice, jurisdiction=j, petition_id=petition_id,
                                                      reply="已答复", closed_on=date(2024, 3, 20)),
    }
    if to == P.RECEIVED:
        return lambda: petition_svc._transition(Petition.objects.get(pk=petition_id), P.RECEIVED)
    return steps[to]


@pytest.mark.parametrize(("start", "to"), sorted(PETITION_PROCEDURE))
def test_petition_allowed_step_goes_through(tree, alice, start, to):
    petition = _petition_in(tree, alice, start)
    _petition_step(alice, petition.pk, to)()
    petition.refresh_from_db()
    assert petition.status == to


@pytest.mark.parametrize(("start", "to"), PETITION_FORBIDDEN)
def test_petition_forbidden_step_is_refused_and_changes_nothing(tree, alice, start, to):
    petition = _petition_in(tree, alice, start)
    with pytest.raises(IllegalTransition) as refused:
        _petition_step(alice, petition.pk, to)()
    assert refused.value.status == 409
    after = Petition.objects.get(pk=petition.pk)
    assert (after.status, after.closed_on, after.reply) == (start, petition.closed_on, petition.reply)


PETITION_FORMS = {P.ACCEPTED: "mw-decide", P.REJECTED: "mw-decide", P.CLOSED: "mw-close"}


@pytest.mark.parametrize("status", P.values)
def test_petition_page_offers_exactly_the_allowed_steps(tree, alice, status):
    petition = _petition_in(tree, alice, status)
    body = logged_in(alice).get(f"/masswork/petitions/{petition.pk}/").content.decode()
    offered = {form for form in set(PETITION_FORMS.values()) if f'id="{form}"' in body}
    assert offered == {PETITION_FORMS[to] for start, to in PETITION_PROCEDURE if start == status}
