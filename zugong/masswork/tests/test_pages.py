"""The pages through which every masswork record is entered: the write matrix generated from the permission
table (every role, own and other jurisdiction), and each page's own behaviour (zh-hans, real values)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from zugong.cadres.models import Cadre
from zugong.conftest import logged_in, make_user
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import AuditEvent, Meeting, MeetingKind, Role
from zugong.core.nav import menu_for
from zugong.core.permissions import may
from zugong.masswork.models import (
    DutyShift,
    InVillageDay,
    LedgerEntry,
    LedgerStatus,
    OrderStatus,
    Pairing,
    Petition,
    ReceptionDay,
    ServiceOrder,
)
from zugong.masswork.nav import NAV
from zugong.masswork.services import orders as order_svc
from zugong.masswork.tests.conftest import place


@pytest.fixture
def world(walls, tree, alice):
    cadre = Cadre.objects.create(name="李村官", org_unit=tree.village_a)
    on_duty = make_user("vs", tree.village_a, Role.VILLAGE_STAFF)
    entry = LedgerEntry.objects.create(org_unit=tree.township_a, source="visit", matter="屋顶漏雨",
                                       recorded_on=date(2024, 3, 1))
    meeting = Meeting.objects.create(kind=MeetingKind.LEDGER_MEETING, org_unit=tree.township_a,
                                     held_on=date(2024, 3, 28), title="三月民情分析会")
    reception = ReceptionDay.objects.create(org_unit=tree.county_a, day=date(2024, 3, 1), leader_name="王县长")
    pairing = Pairing.objects.create(cadre=cadre, village=tree.village_a, valid_from=date(2024, 1, 1),
                                     household="冯家", needs="缺少种苗")
    return {"tree": tree, "cadre": cadre, "on_duty": on_duty, "entry": entry, "meeting": meeting,
            "reception": reception, "walls": walls, "pairing": pairing}


@pytest.fixture
def persons(tree, alice, bob, carol, walls, world):
    return {"alice": alice, "bob": bob, "carol": carol, "staff": make_user("os", tree.county_a, Role.ORG_STAFF),
            "leader": make_user("lu", tree.county_a, Role.LEADER), "villager": world["on_duty"],
            "member": walls.plumber_user}


# (name, url, page action, service action, where the service checks it, the posted form)
def _writes(w: dict[str, Any]) -> list[tuple[str, str, str, str, Any, dict[str, Any]]]:
    t, cadre = w["tree"], w["cadre"]
    return [
        ("ledger_new", "/masswork/ledger/new/", "ledger_record", "ledger_record", t.village_a,
         {"org_unit": t.village_a.pk, "source": "visit", "household": "钱家", "matter": "道路坑洼",
          "recorded_on": "2024-03-05"}),
        ("ledger_resolve", f"/masswork/ledger/{w['entry'].pk}/resolve/", "ledger_record", "ledger_record",
         t.township_a, {"resolved_on": "2024-03-30"}),
        ("ledger_discuss", "/masswork/ledger/discuss/", "ledger_record", "ledger_record", t.township_a,
         {"meeting": w["meeting"].pk, "entry_ids": [w["entry"].pk], "decision": "民政办上门维修"}),
        ("duty_new", "/masswork/duty/new/", "duty_schedule", "duty_schedule", t.village_a,
         {"village": t.village_a.pk, "cadre": cadre.pk, "user": w["on_duty"].pk, "day": "2024-03-09"}),
        ("in_village_day_new", "/masswork/in-village-days/new/", "in_village_day_record", "in_village_day_record",
         t.village_a, {"village": t.village_a.pk, "cadre": cadre.pk, "day": "2024-03-04"}),
        ("pairing_new", "/masswork/pairings/new/", "pairing_record", "pairing_record", t.village_a,
         {"cadre": cadre.pk, "village": t.village_a.pk, "valid_from": "2024-01-01", "household": "冯家"}),
        ("pairing_resolve", f"/masswork/pairings/{w['pairing'].pk}/resolve/", "pairing_record", "pairing_record",
         t.village_a, {"resolution": "送去种苗 200 株", "resolved_on": "2024-04-01"}),
        ("order_new", "/masswork/orders/new/", "order_place", "order_place", w["walls"].a.org_unit,
         {"wall": w["walls"].a.pk, "channel": "phone", "category": "repair", "urgency": 1, "resident_name": "张三",
          "resident_phone": "13800138000", "description": "路灯不亮"}),
        ("wall_new", "/masswork/walls/new/", "wall_create", "wall_create", w["walls"].a.org_unit,
         {"org_unit": w["walls"].a.org_unit_id, "community": t.community_a.pk, "name": "第二面民心墙"}),
        ("member_new", f"/masswork/walls/{w['walls'].a.pk}/members/new/", "member_register", "member_register",
         w["walls"].a.org_unit, {"name": "陈党员", "specialties": "理发", "claimed_posts": ["elderly"]}),
        ("petition_new", "/masswork/petitions/new/", "petition_receive", "petition_receive", t.county_a,
         {"org_unit": t.county_a.pk, "channel": "letter", "received_on": "2024-03-01", "petitioner_name": "周建国",
          "visitors": 1, "subject": "宅基地", "content": "宅基地确权面积不符"}),
        ("reception_day_new", "/masswork/reception-days/new/", "reception_day_record", "reception_day_record",
         t.county_a, {"org_unit": t.county_a.pk, "day": "2024-03-08", "leader_name": "李书记"}),
        ("reception_day_record", f"/masswork/reception-days/{w['reception'].pk}/", "petition_view",
         "reception_day_record", t.county_a, {"record": "接待群众 3 人次"}),
    ]


WRITE_NAMES = ["ledger_new", "ledger_resolve", "ledger_discuss", "duty_new", "in_village_day_new", "pairing_new",
               "pairing_resolve", "order_new", "wall_new", "member_new", "petition_new", "reception_day_new", "reception_day_record"]


def expected(user: Any, page_action: str, action: str, org: Any) -> str:
    """What the permission table says: done, 403 (no role), or refused as not theirs (outside: 404 or a
    choice the scoped picker does not offer, 400)."""
    j = jurisdiction_for(user)
    if not may(j, f"masswork.{page_action}"):
        return "403"
    if not j.contains(org):
        return "outside"
    return "done" if may(j, f"masswork.{action}", org) else "403"


@pytest.mark.parametrize("who", ["alice", "staff", "leader", "bob", "villager", "member", "carol"])
@pytest.mark.parametrize("name", WRITE_NAMES)
def test_write_page_matrix(world, persons, who, name):
    # given
    writes = {row[0]: row for row in _writes(world)}
    assert sorted(writes) == sorted(WRITE_NAMES)
    _name, url, page_action, action, org, data = writes[name]
    user = persons[who]
    events = AuditEvent.objects.count()
    # when
    response = logged_in(user).post(url, data)
    # then
    outcome = expected(user, page_action, action, org)
    wrote = AuditEvent.objects.count() > events
    if outcome == "done":
        assert response.status_code == 302 and wrote, (who, name, response.status_code)
    elif outcome == "403":
        assert response.status_code == 403 and not wrote, (who, name, response.status_code)
    else:
        assert response.status_code in (400, 404) and not wrote, (who, name, response.status_code)


def test_write_matrix_expectations_are_what_the_issue_says(world, persons):
    """The generated expectations, pinned for the people the issue names."""
    table = {(who, row[0]): expected(persons[who], row[2], row[3], row[4])
             for who in persons for row in _writes(world)}
    assert {table[("leader", n)] for n in WRITE_NAMES} == {"403"}  # the leader reads only
    assert {table[("member", n)] for n in WRITE_NAMES} == {"403"}
    assert {table[("carol", n)] for n in WRITE_NAMES} == {"outside"}
    assert {n for n in WRITE_NAMES if table[("alice", n)] == "done"} == set(WRITE_NAMES)
    assert {n for n in WRITE_NAMES if table[("villager", n)] == "done"} == {"ledger_new", "in_village_day_new"}
    assert table[("bob", "petition_new")] == "outside" and table[("bob", "duty_new")] == "done"


# ---------------------------------------------------------------- 民情台账 and 民情分析会


def test_ledger_entry_is_discussed_at_a_ledger_meeting_and_resolved(world, bob):
    client = logged_in(bob)
    tree = world["tree"]
    # given: a matter raised in the village, entered on the page
    created = client.post("/masswork/ledger/new/", {"org_unit": tree.village_a.pk, "source": "visit",
                                                    "household": "钱家", "matter": "饮水管道破裂",
                                                    "recorded_on": "2024-03-05"})
    assert created.status_code == 302 and created["Location"] == "/masswork/ledger/"
    entry = LedgerEntry.objects.get(matter="饮水管道破裂")
    assert (entry.org_unit, entry.recorded_on, entry.status) == (tree.township_a, date(2024, 3, 5), LedgerStatus.OPEN)
    page = client.get("/masswork/ledger/").content.decode()
    assert "三月民情分析会" in page and f'value="{entry.pk}"' in page
    # when: the 民情分析会 recorded on /meetings/ discusses it
    linked = client.post("/masswork/ledger/discuss/", {"meeting": world["meeting"].pk, "entry_ids": [entry.pk],
                                                      "decision": "水利站三日内抢修"})
    # then
    assert linked.status_code == 302
    entry.refresh_from_db()
    assert (entry.meeting, entry.decision, entry.status) == (world["meeting"], "水利站三日内抢修", LedgerStatus.IN_PROGRESS)
    page = client.get("/masswork/ledger/").content.decode()
    assert "水利站三日内抢修" in page and "已关联民情分析会" in page
    resolved = client.post(f"/masswork/ledger/{entry.pk}/resolve/", {"resolved_on": "2024-04-02"})
    assert resolved.status_code == 302
    entry.refresh_from_db()
    assert (entry.status, entry.resolved_on) == (LedgerStatus.RESOLVED, date(2024, 4, 2))


def test_village_staff_read_what_their_village_raised_and_the_township_acts_on_it(world, bob):
    villager, tree = world["on_duty"], world["tree"]
    client = logged_in(villager)
    # the village's staff record a matter of their village (the ledger is the township's)
    assert client.post("/masswork/ledger/new/", {"org_unit": tree.village_a.pk, "source": "visit",
                                                 "matter": "村道塌方", "recorded_on": "2024-03-05"}).status_code == 302
    entry = LedgerEntry.objects.get(matter="村道塌方")
    assert (entry.org_unit, entry.raised_at) == (tree.township_a, tree.village_a)
    page = client.get("/masswork/ledger/").content.decode()
    # they read it, not the township's other entries, and they neither link nor resolve it
    assert "村道塌方" in page and "屋顶漏雨" not in page
    assert f'id="mw-pick-{entry.pk}"' not in page and f'form="mw-resolve-{entry.pk}"' not in page
    # the entry is in their sight, the action is not theirs: 403 with the reason (core's one pre-check, ccb0c49)
    refused = client.post(f"/masswork/ledger/{entry.pk}/resolve/")
    assert refused.status_code == 403 and "乡镇" in refused.content.decode()
    township = logged_in(bob).get("/masswork/ledger/").content.decode()
    assert f'id="mw-pick-{entry.pk}"' in township and f'form="mw-resolve-{entry.pk}"' in township


def test_ledger_links_only_a_ledger_meeting(world, bob):
    symposium = Meeting.objects.create(kind=MeetingKind.SYMPOSIUM, org_unit=world["tree"].township_a,
                                       held_on=date(2024, 3, 28), title="座谈")
    client = logged_in(bob)
    assert "座谈" not in client.get("/masswork/ledger/").content.decode()
    client.post("/masswork/ledger/discuss/", {"meeting": symposium.pk, "entry_ids": [world["entry"].pk],
                                              "decision": "议定"})
    world["entry"].refresh_from_db()
    assert world["entry"].meeting is None
    assert "只能关联民情分析会" in client.get("/masswork/ledger/").content.decode()


# ---------------------------------------------------------------- 坐班: the cadre on the shift checks in


def test_duty_shift_scheduled_on_the_page_and_only_the_cadre_on_it_checks_in(world, bob, alice):
    tree, today = world["tree"], timezone.localdate()
    on_duty = world["on_duty"]
    scheduled = logged_in(bob).post("/masswork/duty/new/", {
        "village": tree.village_a.pk, "cadre": world["cadre"].pk, "user": on_duty.pk, "day": today.isoformat()})
    assert scheduled.status_code == 302
    shift = DutyShift.objects.get()
    assert (shift.user, shift.day, shift.checked_in_at) == (on_duty, today, None)
    # bob (township staff: the check-in action in the table) and alice see no button and are refused
    for other in (bob, alice):
        client = logged_in(other)
        assert f'id="mw-check-in-{shift.pk}"' not in client.get("/masswork/duty/").content.decode()
        client.post(f"/masswork/duty/{shift.pk}/check-in/")
        assert "只有值班干部本人可以签到" in client.get("/masswork/duty/").content.decode()
    shift.refresh_from_db()
    assert shift.checked_in_at is None
    # the cadre on the shift checks in with their own account
    own = logged_in(on_duty)
    assert f'id="mw-check-in-{shift.pk}"' in own.get("/masswork/duty/").content.decode()
    assert own.post(f"/masswork/duty/{shift.pk}/check-in/").status_code == 302
    shift.refresh_from_db()
    assert shift.checked_in_at is not None
    assert "已签到" in own.get("/masswork/duty/").content.decode()


@pytest.mark.parametrize(("offset", "button"), [(-1, False), (0, True), (1, False)])
def test_check_in_button_only_on_the_day_of_the_shift(world, offset, button):
    day = timezone.localdate() + timedelta(days=offset)
    shift = DutyShift.objects.create(village=world["tree"].village_a, cadre=world["cadre"], user=world["on_duty"],
                                     day=day)
    client = logged_in(world["on_duty"])
    page = client.get(f"/masswork/duty/?from={day.isoformat()}").content.decode()
    assert (f'id="mw-check-in-{shift.pk}"' in page) is button
    client.post(f"/masswork/duty/{shift.pk}/check-in/")
    shift.refresh_from_db()
    assert (shift.checked_in_at is not None) is button


def test_duty_refuses_an_account_that_cannot_check_in_at_the_village(world, bob, walls):
    # the party member's account lies in bob's township but holds no check-in role at the village
    response = logged_in(bob).post("/masswork/duty/new/", {
        "village": world["tree"].village_a.pk, "cadre": world["cadre"].pk, "user": walls.plumber_user.pk,
        "day": "2024-03-09"})
    assert response.status_code == 400 and "签到账号在该村没有坐班签到的权限" in response.content.decode()
    assert not DutyShift.objects.exists()


# ---------------------------------------------------------------- 驻村日, 结对帮扶


def test_in_village_day_recorded_by_the_village_on_the_page(world):
    client = logged_in(world["on_duty"])
    today = timezone.localdate()
    assert client.post("/masswork/in-village-days/new/", {"village": world["tree"].village_a.pk,
                                                          "cadre": world["cadre"].pk, "day": today.isoformat()}
                       ).status_code == 302
    assert InVillageDay.objects.get().day == today
    future = client.post("/masswork/in-village-days/new/", {"village": world["tree"].village_a.pk,
                                                            "cadre": world["cadre"].pk,
                                                            "day": (today + timedelta(days=1)).isoformat()})
    assert future.status_code == 400 and "不能登记未来的在村天数" in future.content.decode()
    assert "李村官" in client.get("/masswork/in-village-days/").content.decode()


def test_pairing_list_links_to_its_printable_cards(world, bob):
    client = logged_in(bob)
    Pairing.objects.all().delete()
    client.post("/masswork/pairings/new/", {"cadre": world["cadre"].pk, "village": world["tree"].village_a.pk,
                                            "valid_from": "2024-01-01", "household": "冯家", "needs": "缺少种苗"})
    pairing = Pairing.objects.get()
    listing = client.get("/masswork/pairings/").content.decode()
    assert f'href="/masswork/pairings/{pairing.pk}/cards/"' in listing and "冯家" in listing
    cards = client.get(f"/masswork/pairings/{pairing.pk}/cards/").content.decode()
    assert "民情登记卡" in cards and "缺少种苗" in cards and "2024年1月1日" in cards


def test_pairing_completion_card_filled_in_on_its_page(world, bob):
    client = logged_in(bob)
    pairing = world["pairing"]
    assert f'href="/masswork/pairings/{pairing.pk}/resolve/"' in client.get("/masswork/pairings/").content.decode()
    done = client.post(f"/masswork/pairings/{pairing.pk}/resolve/", {"resolution": "送去种苗 200 株",
                                                                     "resolved_on": "2024-04-01"})
    assert done.status_code == 302 and done["Location"] == f"/masswork/pairings/{pairing.pk}/cards/"
    cards = client.get(done["Location"]).content.decode()
    assert "送去种苗 200 株" in cards and "2024年4月1日" in cards
    village_link = Pairing.objects.create(cadre=world["cadre"], village=world["tree"].village_a,
                                          valid_from=date(2024, 1, 1))
    refused = client.post(f"/masswork/pairings/{village_link.pk}/resolve/", {"resolution": "无", "resolved_on": "2024-04-01"})
    assert refused.status_code == 400 and "联系村记录没有结对农户" in refused.content.decode()


# ---------------------------------------------------------------- 登记信访 and its receipt (公开承诺)


def _receive(client: Any, tree: Any) -> Any:
    return client.post("/masswork/petitions/new/", {
        "org_unit": tree.county_a.pk, "channel": "visit", "received_on": "2024-03-01", "petitioner_name": "周建国",
        "petitioner_phone": "13800138000", "visitors": 2, "subject": "宅基地确权", "content": "确权面积与实际不符"})


def test_petition_intake_page_prints_the_public_promise(world, alice):
    client = logged_in(alice)
    response = _receive(client, world["tree"])
    petition = Petition.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/masswork/petitions/{petition.pk}/receipt/"
    assert (petition.owner, petition.visitors, petition.accept_due) == (alice, 2, date(2024, 3, 16))
    receipt = client.get(response["Location"]).content.decode()
    # the register's R28 defaults: 15 days to accept, 60 to close, one extension of 30, calendar days
    assert "自登记之日起 15 日内告知是否受理（2024年3月16日 前）" in receipt
    assert "受理之日起 60 日内办结" in receipt and "延长不超过 30 日" in receipt
    assert "首问责任人 alice" in receipt and "周建国" in receipt and "信访事项已登记" in receipt


def test_petition_receipt_follows_the_register_in_working_days(world, alice, override):
    override("R28", workdays=True, days=45)
    client = logged_in(alice)
    _receive(client, world["tree"])
    petition = Petition.objects.get()
    receipt = client.get(f"/masswork/petitions/{petition.pk}/receipt/").content.decode()
    assert "15 个工作日内告知是否受理" in receipt and "45 个工作日内办结" in receipt
    assert petition.accept_due == date(2024, 3, 22)  # 15 working days after Friday 1 March 2024


def test_petition_form_picks_the_unit_and_the_day_in_iso(world, alice):
    body = logged_in(alice).get("/masswork/petitions/new/").content.decode()
    assert 'data-picker-url="/pick/units/"' in body and "甲县" not in body
    assert f'value="{timezone.localdate().isoformat()}"' in body


def test_owner_transfers_a_petition_to_a_colleague_picked_by_search(world, alice, bob):
    tree = world["tree"]
    client = logged_in(alice)
    _receive(client, tree)
    petition = Petition.objects.get()
    page = client.get(f"/masswork/petitions/{petition.pk}/").content.decode()
    assert 'id="mw-transfer"' in page and 'data-picker-url="/pick/users/"' in page and ">bob<" not in page
    # bob (township staff) cannot handle a petition of the county: refused, still alice's
    client.post(f"/masswork/petitions/{petition.pk}/", {"action": "transfer", "to_user": bob.pk})
    assert "接收人没有办理该单位信访事项的权限" in client.get(f"/masswork/petitions/{petition.pk}/").content.decode()
    colleague = make_user("zhou", tree.county_a, Role.ORG_STAFF)
    client.post(f"/masswork/petitions/{petition.pk}/", {"action": "transfer", "to_user": colleague.pk})
    petition.refresh_from_db()
    assert (petition.owner, petition.transfer_to) == (alice, colleague)
    taker = logged_in(colleague)
    assert 'id="mw-take"' in taker.get(f"/masswork/petitions/{petition.pk}/").content.decode()
    taker.post(f"/masswork/petitions/{petition.pk}/", {"action": "take"})
    petition.refresh_from_db()
    assert (petition.owner, petition.transfer_to) == (colleague, None)
    assert 'id="mw-transfer"' not in client.get(f"/masswork/petitions/{petition.pk}/").content.decode()


# ---------------------------------------------------------------- 领导接访日


@pytest.mark.parametrize(("offset", "recorded"), [(1, False), (0, True), (-1, True)])
def test_reception_day_recorded_on_or_after_its_day(world, alice, offset, recorded):
    day = timezone.localdate() + timedelta(days=offset)
    client = logged_in(alice)
    assert client.post("/masswork/reception-days/new/", {"org_unit": world["tree"].county_a.pk,
                                                         "day": day.isoformat(), "leader_name": "李书记",
                                                         "location": "县信访局"}).status_code == 302
    row = ReceptionDay.objects.get(leader_name="李书记")
    response = client.post(f"/masswork/reception-days/{row.pk}/", {"record": "接待群众 5 人次，当场解决 2 件"})
    row.refresh_from_db()
    assert row.held is recorded and (row.record == "接待群众 5 人次，当场解决 2 件") is recorded
    if not recorded:
        assert response.status_code == 400 and "接访日尚未到来" in response.content.decode()


# ---------------------------------------------------------------- the menu: every page, only to its roles


NEW_ENTRIES = {"masswork-ledger", "masswork-pairings", "masswork-duty", "masswork-in-village",
               "masswork-petition-new", "masswork-reception"}


def test_menu_shows_each_entry_exactly_to_the_roles_of_its_action(persons):
    for who, user in persons.items():
        j = jurisdiction_for(user)
        shown = {e.key for group in menu_for(j, "/") for e in group.entries}
        assert {i.key for i in NAV if i.key in shown} == {i.key for i in NAV if may(j, i.action)}, who
    villager = {e.key for g in menu_for(jurisdiction_for(persons["villager"]), "/") for e in g.entries}
    assert {"masswork-ledger", "masswork-duty", "masswork-in-village", "masswork-pairings"} <= villager
    assert "masswork-petition-new" not in villager
    leader = {e.key for g in menu_for(jurisdiction_for(persons["leader"]), "/") for e in g.entries}
    assert NEW_ENTRIES - leader == {"masswork-petition-new"}  # the leader reads, never registers
    grassroots = {i.key for i in NAV if i.domain == "grassroots"}
    assert grassroots == {"masswork-ledger", "masswork-visit", "masswork-pairings", "masswork-duty",
                          "masswork-in-village"}


# ---------------------------------------------------------------- pickers, never a select of everyone


FORM_PAGES = ["/masswork/walls/new/", "/masswork/orders/new/", "/masswork/visits/new/", "/masswork/ledger/new/", "/masswork/duty/new/",
              "/masswork/in-village-days/new/", "/masswork/pairings/new/", "/masswork/petitions/new/",
              "/masswork/reception-days/new/"]


@pytest.mark.parametrize("url", FORM_PAGES)
def test_form_pages_pick_cadres_units_and_users_by_search(world, alice, url):
    body = logged_in(alice).get(url).content.decode()
    options = " ".join(re.findall(r"<option[^>]*>([^<]*)</option>", body))
    for name in ("甲村", "甲社区", "甲镇", "李村官", "vs", "alice", "甲社区民心墙"):
        assert name not in options, (url, name)
    assert "zg-picker" in body


# ---------------------------------------------------------------- orders: the member's own act, 代评


def test_staff_cannot_accept_in_the_members_name(walls, alice):
    order = place(walls.a)
    order_svc.order_dispatch(actor=alice, jurisdiction=jurisdiction_for(alice), order_id=order.pk,
                             member_id=walls.plumber.pk)
    staff = logged_in(alice)
    assert 'id="mw-accept"' not in staff.get(f"/masswork/orders/{order.pk}/").content.decode()
    staff.post(f"/masswork/orders/{order.pk}/", {"action": "accept"})
    assert "只有承办党员本人可以接单" in staff.get(f"/masswork/orders/{order.pk}/").content.decode()
    assert ServiceOrder.objects.get(pk=order.pk).status == OrderStatus.DISPATCHED
    # the nurse (another member of the same wall) cannot either; the plumber who holds it can
    logged_in(walls.nurse_user).post(f"/masswork/orders/{order.pk}/", {"action": "accept"})
    assert ServiceOrder.objects.get(pk=order.pk).status == OrderStatus.DISPATCHED
    holder = logged_in(walls.plumber_user)
    assert 'id="mw-accept"' in holder.get(f"/masswork/orders/{order.pk}/").content.decode()
    holder.post(f"/masswork/orders/{order.pk}/", {"action": "accept"})
    assert ServiceOrder.objects.get(pk=order.pk).status == OrderStatus.ACCEPTED


def test_staff_take_down_an_order_given_by_phone(walls, alice, carol):
    client = logged_in(alice)
    assert 'data-picker-url="/masswork/pick/walls/"' in client.get("/masswork/orders/new/").content.decode()
    picked = client.get("/masswork/pick/walls/", {"q": "甲社区"}).content.decode()
    assert f'data-value="{walls.a.pk}"' in picked and f'data-value="{walls.b.pk}"' not in picked
    assert f'data-value="{walls.a.pk}"' not in logged_in(carol).get("/masswork/pick/walls/", {"q": "甲社区"}).content.decode()
    # a public channel is not the staff's to choose
    public = client.post("/masswork/orders/new/", {"wall": walls.a.pk, "channel": "public", "category": "repair",
                                                   "urgency": 2, "resident_name": "张三", "resident_phone": "13800138000",
                                                   "description": "路灯不亮"})
    assert public.status_code == 400 and not ServiceOrder.objects.exists()
    response = client.post("/masswork/orders/new/", {"wall": walls.a.pk, "channel": "phone", "category": "repair",
                                                     "urgency": 1, "resident_name": "张三", "resident_phone": "13800138000",
                                                     "description": "路灯不亮"}, follow=True)
    order = ServiceOrder.objects.get()
    assert (order.channel, order.urgency, order.org_unit_id, order.status) == ("phone", 1, walls.a.org_unit_id,
                                                                                OrderStatus.ORDERED)
    assert response.redirect_chain[-1][0] == f"/masswork/orders/{order.pk}/"
    assert f"请告知群众查询码 {order.tracking_code}" in response.content.decode()
    assert order.tracking_code not in client.get(f"/masswork/orders/{order.pk}/").content.decode()


def test_member_registered_with_their_own_account(walls, alice, tree):
    from zugong.masswork.models import Member

    client = logged_in(alice)
    own = make_user("chen", walls.a.org_unit, Role.MEMBER)
    stranger = make_user("cun", tree.village_a, Role.VILLAGE_STAFF)  # no role at the party group
    refused = client.post(f"/masswork/walls/{walls.a.pk}/members/new/", {"name": "陈党员", "user": stranger.pk})
    assert refused.status_code == 400 and "该账号在本党小组没有接单的权限" in refused.content.decode()
    done = client.post(f"/masswork/walls/{walls.a.pk}/members/new/", {
        "name": "陈党员", "user": own.pk, "specialties": "理发、量血压", "claimed_posts": ["elderly", "health"]})
    assert done.status_code == 302 and done["Location"] == f"/masswork/walls/{walls.a.pk}/"
    member = Member.objects.get(name="陈党员")
    assert (member.user, member.claimed_posts, member.wall) == (own, "elderly,health", walls.a)
    page = client.get(done["Location"]).content.decode()
    assert "陈党员" in page and "chen" in page
    # the wall's page lists who can accept and who cannot yet
    Member.objects.create(wall=walls.a, name="未关联党员")
    assert "未关联（不能接单）" in client.get(done["Location"]).content.decode()


def test_wall_set_up_on_a_page(walls, alice, tree):
    client = logged_in(alice)
    created = client.post("/masswork/walls/new/", {"org_unit": walls.a.org_unit_id, "community": tree.community_a.pk,
                                                   "name": "第二面民心墙", "location": "社区广场"})
    wall = walls.a.__class__.objects.get(name="第二面民心墙")
    assert created.status_code == 302 and created["Location"] == f"/masswork/walls/{wall.pk}/"
    assert (wall.org_unit_id, wall.community_id) == (walls.a.org_unit_id, tree.community_a.pk)
    assert "第二面民心墙" in client.get("/masswork/walls/").content.decode()


def _done(walls: Any, alice: Any) -> ServiceOrder:
    from zugong.masswork.tests.conftest import accept

    j = jurisdiction_for(alice)
    order = place(walls.a)
    order_svc.order_dispatch(actor=alice, jurisdiction=j, order_id=order.pk, member_id=walls.plumber.pk)
    accept(order.pk)
    order_svc.order_complete(actor=alice, jurisdiction=j, order_id=order.pk, report="已更换灯泡")
    return order


def test_phone_rating_on_behalf_records_who_recorded_it(walls, alice):
    order = _done(walls, alice)
    # the member cannot rate their own work, not even as 代评
    assert logged_in(walls.plumber_user).post(f"/masswork/orders/{order.pk}/rate/",
                                              {"rating": "satisfied"}).status_code == 403
    client = logged_in(alice)
    client.post(f"/masswork/orders/{order.pk}/rate/", {"rating": "basic"})
    order.refresh_from_db()
    assert (order.status, order.rating, order.rated_by) == (OrderStatus.RATED, "basic", alice)
    event = order.events.order_by("-pk").first()
    assert event is not None and event.note == "电话回访代评（登记人 alice）"
    audit = AuditEvent.objects.filter(action="masswork.order_rate_on_behalf").get()
    assert audit.actor_id == alice.pk
    assert "电话回访代评（登记人 alice）" in client.get(f"/masswork/orders/{order.pk}/").content.decode()


def test_residents_own_rating_has_no_recorder(walls, alice):
    order = _done(walls, alice)
    order_svc.order_rate(actor=None, order_id=order.pk, rating="satisfied")
    order.refresh_from_db()
    assert (order.rating, order.rated_by) == ("satisfied", None)


# ---------------------------------------------------------------- smaller things users found


def test_satisfaction_rate_is_a_dash_without_ratings(walls, alice):
    client = logged_in(alice)
    page = client.get("/masswork/").content.decode()
    assert "满意率 —" in page and "0.0%" not in page
    order = _done(walls, alice)
    order_svc.order_rate(actor=None, order_id=order.pk, rating="satisfied")
    assert "满意率 100%" in client.get("/masswork/").content.decode()


@pytest.mark.parametrize("typed", ["{lower}", " {a} {b} {c} ", "{a}-{b}-{c}", "{lower_spaced}"])
def test_tracking_code_typed_with_spaces_or_in_lower_case_is_found(walls, client, typed):
    order = place(walls.a)
    code = order.tracking_code
    text = typed.format(lower=code.lower(), a=code[:4], b=code[4:8].lower(), c=code[8:],
                        lower_spaced=" ".join(code.lower()))
    response = client.get("/m/track/", {"code": text})
    assert response.status_code == 302 and response["Location"] == f"/m/t/{code}/"
    assert client.get(f"/m/t/{code.lower()}/").status_code == 200


def test_public_page_chooses_county_then_community(walls, tree, client):
    first = client.get("/m/").content.decode()
    assert "甲县" in first and "乙县" in first and 'name="wall"' not in first
    second = client.get(f"/m/?county={tree.county_a.pk}").content.decode()
    assert "甲社区" in second and "乙社区" not in second and 'name="wall"' not in second
    form = client.get(f"/m/?community={tree.community_a.pk}").content.decode()
    walls_offered = re.findall(r'<option value="(\d+)"', form.split('name="wall"')[1].split("</select>")[0])
    assert walls_offered == [str(walls.a.pk)]


def test_public_page_with_thirty_walls_offers_only_the_communitys(walls, tree, client):
    from zugong.core.permissions import SYSTEM

    for i in range(30):
        order_svc.wall_create(actor=None, jurisdiction=SYSTEM, org_unit=walls.b.org_unit, community=walls.b.community,
                              name=f"乙社区第{i}面墙")
    form = client.get(f"/m/?community={tree.community_a.pk}").content.decode()
    assert "乙社区第" not in form


def test_public_boards_are_found_by_county_then_community(walls, tree, client):
    first = client.get("/m/walls/").content.decode()
    assert "甲县" in first and "甲社区民心墙" not in first and "乙社区民心墙" not in first
    assert "甲社区" in client.get(f"/m/walls/?county={tree.county_a.pk}").content.decode()
    listed = client.get(f"/m/walls/?community={tree.community_a.pk}").content.decode()
    assert f'href="/m/walls/{walls.a.pk}/"' in listed and "乙社区民心墙" not in listed


def test_a_flash_message_is_shown_once(world, bob):
    client = logged_in(bob)
    saved = client.post("/masswork/visits/new/", {"village": world["tree"].village_a.pk, "cadre": world["cadre"].pk,
                                                  "household": "孙家", "visited_on": "2024-03-05"}, follow=True)
    assert saved.content.decode().count("走访记录已保存") == 1
    assert "走访记录已保存" not in client.get("/masswork/visits/new/").content.decode()


def test_no_ascii_colon_in_chinese_labels():
    """What a person reads (templates, and the strings of forms, views and services) uses the full-width ：."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    in_template = re.compile(r"[\u4e00-\u9fff][:]")
    in_string = re.compile(r"[\"'][^\"'\n]*[\u4e00-\u9fff]:[^\"'\n]*[\"']")
    offending = [f"{p.relative_to(root)}:{n}" for p in root.rglob("*.html")
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if in_template.search(line)]
    offending += [f"{p.relative_to(root)}:{n}" for p in root.rglob("*.py")
                  if "tests" not in p.parts and "migrations" not in p.parts
                  for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                  if '"""' not in line and in_string.search(line)]
    assert offending == []


def test_ledger_and_reception_days_over_the_api(world, bob, alice, carol):
    from zugong.conftest import bearer

    tree = world["tree"]
    client = bearer(bob)
    added = client.post("/api/v1/ledger", {"org_id": tree.village_a.pk, "source": "petition", "matter": "灌溉渠堵塞",
                                           "recorded_on": "2024-03-06"}, content_type="application/json")
    assert added.status_code == 201 and added.json()["org_unit_id"] == tree.township_a.pk
    entry_id = added.json()["id"]
    assert bearer(carol).post(f"/api/v1/ledger/{entry_id}/resolve", {}, content_type="application/json").status_code == 404
    resolved = client.post(f"/api/v1/ledger/{entry_id}/resolve", {"resolved_on": "2024-03-20"},
                           content_type="application/json")
    assert resolved.json()["status"] == "resolved"
    again = client.post(f"/api/v1/ledger/{entry_id}/resolve", {}, content_type="application/json")
    assert again.status_code == 409
    county = bearer(alice)
    today = timezone.localdate()
    day = county.post("/api/v1/reception-days", {"org_id": tree.county_a.pk, "day": today.isoformat(),
                                                 "leader_name": "李书记", "location": "县信访局"},
                      content_type="application/json")
    assert day.status_code == 201 and day.json()["held"] is False
    recorded = county.post(f"/api/v1/reception-days/{day.json()['id']}/record", {"record": "接待群众 4 人次"},
                           content_type="application/json")
    assert recorded.json()["held"] is True and recorded.json()["record"] == "接待群众 4 人次"
    assert [r["leader_name"] for r in county.get("/api/v1/reception-days").json()] == ["李书记", "王县长"]
    assert bearer(carol).get("/api/v1/reception-days").json() == []
