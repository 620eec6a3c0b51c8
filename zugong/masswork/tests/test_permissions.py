"""Permissions, generated from the one permission table: every action masswork names is in it, the
leader holds no masswork write action and is refused on every write endpoint, and every list and
detail page or endpoint is checked against the people who must not see it."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from zugong.cadres.models import Cadre
from zugong.conftest import bearer, logged_in, make_user
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import Meeting, MeetingKind, Role
from zugong.core.permissions import PERMISSIONS, actions_of
from zugong.masswork.models import DutyShift, InVillageDay, LedgerEntry, Pairing, ReceptionDay
from zugong.masswork.services.petitions import petition_receive
from zugong.masswork.tests.conftest import place

APP = Path(__file__).resolve().parents[1]
# An action checked by a service (require/may), a page (@page), a read endpoint (reader), the menu
# (NavItem) or the page's step table; audit_record's action names are events, not permissions.
CHECKED = re.compile(r'(?:require\(|may\(|reader\(|page\(action=|NavItem\(|: )[^"\n]*"(masswork\.[a-z_]+)"')


def test_every_action_masswork_checks_is_in_the_table():
    lines = [line for path in APP.rglob("*.py") if "tests" not in path.parts
             for line in path.read_text(encoding="utf-8").splitlines() if "audit_record" not in line]
    checked = {m for line in lines for m in CHECKED.findall(line)}
    assert len(checked) >= 20 and checked <= set(PERMISSIONS), sorted(checked - set(PERMISSIONS))


def test_leader_holds_no_masswork_write_action():
    writes = [a for a in actions_of("masswork") if PERMISSIONS[a].writes]
    assert writes and all(Role.LEADER.value not in PERMISSIONS[a].roles for a in writes)
    reads = [a for a in actions_of("masswork") if not PERMISSIONS[a].writes]
    assert {a for a in reads if Role.LEADER.value in PERMISSIONS[a].roles} == {
        "masswork.order_view", "masswork.petition_view", "masswork.township_view"}


@pytest.fixture
def world(walls, tree, alice):
    order = place(walls.a)
    petition = petition_receive(actor=alice, jurisdiction=jurisdiction_for(alice), org_unit=tree.county_a,
                                channel="letter", petitioner_name="周建国", subject="宅基地", content="宅基地确权",
                                received_on=date(2024, 3, 1))
    cadre = Cadre.objects.create(name="陈包村", org_unit=tree.township_a)
    entry = LedgerEntry.objects.create(org_unit=tree.township_a, source="visit", matter="屋顶漏雨",
                                       recorded_on=date(2024, 3, 1))
    shift = DutyShift.objects.create(village=tree.village_a, cadre=cadre, day=date(2024, 3, 1))
    pairing = Pairing.objects.create(cadre=cadre, village=tree.village_a, valid_from=date(2024, 1, 1),
                                     household="冯家")
    meeting = Meeting.objects.create(kind=MeetingKind.LEDGER_MEETING, org_unit=tree.township_a,
                                     held_on=date(2024, 3, 28))
    staff = make_user("vs", tree.village_a, Role.VILLAGE_STAFF)  # the account of the cadre on duty
    InVillageDay.objects.create(village=tree.village_a, cadre=cadre, day=date(2024, 3, 1))
    reception = ReceptionDay.objects.create(org_unit=tree.county_a, day=date(2024, 3, 1), leader_name="王县长")
    return {"order": order, "petition": petition, "cadre": cadre, "entry": entry, "shift": shift,
            "pairing": pairing, "meeting": meeting, "wall": walls.a, "member": walls.plumber, "tree": tree,
            "staff": staff, "reception": reception, "plumber_user": walls.plumber_user}


@pytest.fixture
def persons(tree, alice, carol):
    return {"alice": alice, "carol": carol, "leader": make_user("lu", tree.county_a, Role.LEADER),
            "villager": make_user("vi", tree.village_a, Role.VILLAGE_STAFF)}


# (url, what only those who may see it find in the answer, action of the page or endpoint)
READS = [
    ("/masswork/", "楼道灯坏了", "order_view"),
    ("/masswork/orders/{order}/", "楼道灯坏了", "order_view"),
    ("/masswork/walls/", "甲社区民心墙", "order_view"),
    ("/masswork/walls/{wall}/", "王水工", "order_view"),
    ("/masswork/petitions/", "宅基地", "petition_view"),
    ("/masswork/petitions/{petition}/", "宅基地", "petition_view"),
    ("/masswork/pairings/{pairing}/cards/", "冯家", "township_view"),
    ("/masswork/pairings/", "冯家", "township_view"),
    ("/masswork/ledger/", "屋顶漏雨", "township_view"),
    ("/masswork/in-village-days/", "陈包村", "township_view"),
    ("/masswork/duty/?from=2024-03-01", "陈包村", "township_view"),
    ("/masswork/reception-days/", "王县长", "petition_view"),
    ("/masswork/reception-days/{reception}/", "王县长", "petition_view"),
    ("/masswork/petitions/{petition}/receipt/", "宅基地", "petition_view"),
    ("/api/v1/orders", "楼道灯坏了", "order_view"),
    ("/api/v1/orders/{order}", "楼道灯坏了", "order_view"),
    ("/api/v1/orders/{order}/suggestions", "王水工", "order_view"),
    ("/api/v1/walls/{wall}/members/stats", "王水工", "order_view"),
    ("/api/v1/petitions", "宅基地", "petition_view"),
    ("/api/v1/petitions/{petition}", "宅基地", "petition_view"),
    ("/api/v1/ledger", "屋顶漏雨", "township_view"),
    ("/api/v1/duty", "陈包村", "township_view"),
    ("/api/v1/pairings", "冯家", "township_view"),
    ("/api/v1/reception-days", "王县长", "petition_view"),
    # the resident's full phone: staff who call back, never leaders (members: test_publication.py)
    ("/api/v1/orders/{order}/resident-phone", "13800138000", "resident_phone_view"),
]
# alice (county A org_admin) and the county A leader read everything; carol (county B) finds nothing
# (404 on a detail, nothing in a list); village staff hold none of the three read actions except
# township_view in their own village.
# The township's ledger lies above a village's staff: their (scoped) list of it is empty.
ABOVE_THEM = {("villager", "/api/v1/ledger"), ("villager", "/masswork/ledger/")}
EXPECTED_SEES = {
    "alice": {"order_view", "petition_view", "township_view", "resident_phone_view"},
    "leader": {"order_view", "petition_view", "township_view"},
    "carol": set(),
    "villager": {"township_view"},
}


@pytest.mark.parametrize("who", sorted(EXPECTED_SEES))
@pytest.mark.parametrize(("url", "marker", "action"), READS, ids=[u for u, _m, _a in READS])
def test_read_permission_matrix(world, persons, who, url, marker, action):
    user = persons[who]
    client = bearer(user) if url.startswith("/api/") else logged_in(user)
    target = url.format(order=world["order"].pk, petition=world["petition"].pk, pairing=world["pairing"].pk,
                        wall=world["wall"].pk, reception=world["reception"].pk)
    response = client.get(target)
    body = response.content.decode()
    if target.startswith("/api/") and response.status_code == 200:
        body = json.dumps(response.json(), ensure_ascii=False)
    if action in EXPECTED_SEES[who] and (who, url) not in ABOVE_THEM:
        assert response.status_code == 200 and marker in body, (who, target, response.status_code)
        return
    assert marker not in body, (who, target)
    if "{" in url:  # a detail: 404 outside the jurisdiction, 403 without the role
        assert response.status_code == (404 if who == "carol" else 403), (who, target, response.status_code)
    else:  # a list: empty outside the jurisdiction, 403 without the role
        assert response.status_code == (200 if action in EXPECTED_SEES[who] or who == "carol" else 403)


def _writes(world: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    tree, cadre = world["tree"], world["cadre"]
    o, p = world["order"].pk, world["petition"].pk
    return [
        ("/api/v1/orders", {"wall_id": world["wall"].pk, "resident_name": "张三", "resident_phone": "13800138000",
                            "description": "修灯"}),
        (f"/api/v1/orders/{o}/dispatch", {"member_id": world["member"].pk}),
        (f"/api/v1/orders/{o}/accept", {}),
        (f"/api/v1/orders/{o}/complete", {"report": "已办"}),
        (f"/api/v1/orders/{o}/rate", {"rating": "satisfied"}),
        (f"/api/v1/orders/{o}/explain", {"explanation": "说明"}),
        (f"/api/v1/orders/{o}/photo/publish", {}),
        (f"/api/v1/orders/{o}/photo/withdraw", {}),
        ("/api/v1/petitions", {"org_id": tree.county_a.pk, "channel": "letter", "petitioner_name": "甲",
                               "subject": "事", "content": "内容"}),
        (f"/api/v1/petitions/{p}/decide", {"accept": True}),
        (f"/api/v1/petitions/{p}/extend", {"reason": "理由"}),
        (f"/api/v1/petitions/{p}/close", {"reply": "答复"}),
        (f"/api/v1/petitions/{p}/satisfaction", {"satisfaction": "satisfied"}),
        (f"/api/v1/petitions/{p}/transfer/accept", {}),
        ("/api/v1/visits", {"village_id": tree.village_a.pk, "cadre_id": cadre.pk, "household": "孙家",
                            "visited_on": "2024-03-05"}),
        (f"/api/v1/meetings/{world['meeting'].pk}/ledger", {"entry_ids": [world["entry"].pk], "decision": "议定"}),
        ("/api/v1/duty", {"village_id": tree.village_a.pk, "cadre_id": cadre.pk, "user_id": world["staff"].pk,
                          "day": "2024-03-09"}),
        (f"/api/v1/duty/{world['shift'].pk}/check-in", {}),
        ("/api/v1/pairings", {"cadre_id": cadre.pk, "village_id": tree.village_a.pk, "valid_from": "2024-01-01"}),
        (f"/api/v1/pairings/{world['pairing'].pk}/resolve", {"resolution": "已帮扶"}),
        ("/api/v1/in-village-days", {"village_id": tree.village_a.pk, "cadre_id": cadre.pk, "day": "2024-03-04"}),
        ("/api/v1/ledger", {"org_id": tree.village_a.pk, "source": "visit", "matter": "道路坑洼"}),
        (f"/api/v1/ledger/{world['entry'].pk}/resolve", {}),
        ("/api/v1/reception-days", {"org_id": tree.county_a.pk, "day": "2024-03-08", "leader_name": "李书记"}),
        (f"/api/v1/reception-days/{world['reception'].pk}/record", {"record": "接待 3 人次"}),
    ]


WRITE_COUNT = 25


def test_leader_is_refused_on_every_write_endpoint(world, persons):
    from zugong.core.models import AuditEvent

    client = bearer(persons["leader"])
    writes = _writes(world)
    assert len(writes) == WRITE_COUNT
    events = AuditEvent.objects.count()
    refused = {url: client.post(url, body, content_type="application/json").status_code for url, body in writes}
    assert set(refused.values()) == {403}, refused
    assert AuditEvent.objects.count() == events


def test_leader_is_refused_on_every_write_page(world, persons):
    client = logged_in(persons["leader"])
    order, petition = world["order"], world["petition"]
    assert client.post(f"/masswork/orders/{order.pk}/rate/", {"rating": "satisfied"}).status_code == 403
    client.post(f"/masswork/orders/{order.pk}/", {"action": "dispatch", "member_id": world["member"].pk})
    client.post(f"/masswork/petitions/{petition.pk}/", {"action": "accept"})
    order.refresh_from_db()
    petition.refresh_from_db()
    assert (order.status, petition.status) == ("ordered", "received")
    assert client.get("/masswork/visits/new/").status_code == 403
    assert client.post(f"/masswork/walls/{world['wall'].pk}/location/",
                       {"lat": "34", "long": "107", "coverage_m": "500"}).status_code == 403
    assert client.post(f"/masswork/orders/{order.pk}/photo/", {"action": "publish"}).status_code == 403
    assert bearer(persons["leader"]).put(f"/api/v1/walls/{world['wall'].pk}/location", {"lat": 34, "long": 107},
                                         content_type="application/json").status_code == 403
