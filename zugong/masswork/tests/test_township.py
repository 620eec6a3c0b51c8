"""Sentiment ledger, household visits, pairing cards, village duty and in-village days; the staff pages."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from zugong.cadres.models import Cadre
from zugong.conftest import bearer, logged_in
from zugong.core.errors import Conflict, IllegalTransition, NotFound, ValidationFailed
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import Meeting, MeetingKind
from zugong.masswork.models import LedgerEntry, LedgerStatus
from zugong.masswork.services import duty, ledger, visits
from zugong.masswork.tests.conftest import place

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def cadre(tree):
    return Cadre.objects.create(name="陈包村", org_unit=tree.township_a)


def test_visit_with_matters_goes_to_township_ledger(tree, bob, cadre):
    visit = visits.household_visit_record(actor=bob, jurisdiction=jurisdiction_for(bob), village=tree.village_a,
                                          cadre=cadre, household="李大爷", visited_on=date(2024, 3, 5),
                                          matters="自来水管冬天冻裂")
    entry = visit.ledger_entry
    assert entry is not None
    assert entry.org_unit == tree.township_a and entry.source == "visit" and entry.matter == "自来水管冬天冻裂"
    quiet = visits.household_visit_record(actor=bob, jurisdiction=jurisdiction_for(bob), village=tree.village_a,
                                          cadre=cadre, household="王大妈", visited_on=date(2024, 3, 6))
    assert quiet.ledger_entry is None and LedgerEntry.objects.count() == 1


def test_visit_refusals(tree, bob, carol, cadre):
    with pytest.raises(ValidationFailed, match="晚于今天"):
        visits.household_visit_record(actor=bob, jurisdiction=jurisdiction_for(bob), village=tree.village_a,
                                      cadre=cadre, household="李", visited_on=date(2099, 1, 1))
    with pytest.raises(NotFound):
        visits.household_visit_record(actor=carol, jurisdiction=jurisdiction_for(carol), village=tree.village_a,
                                      cadre=cadre, household="李", visited_on=date(2024, 1, 1))


def test_ledger_meeting_links_entries_and_decision(tree, bob, alice):
    j = jurisdiction_for(bob)
    first = ledger.ledger_entry_add(actor=bob, jurisdiction=j, org_unit=tree.village_a, source="order",
                                    matter="路灯不亮", recorded_on=date(2024, 3, 2))
    second = ledger.ledger_entry_add(actor=bob, jurisdiction=j, org_unit=tree.township_a, source="petition",
                                     matter="灌溉渠堵塞")
    meeting = Meeting.objects.create(kind=MeetingKind.LEDGER_MEETING, org_unit=tree.township_a,
                                     held_on=date(2024, 3, 28))
    ledger.ledger_discuss(actor=bob, jurisdiction=j, meeting=meeting, entry_ids=[first.pk, second.pk],
                          decision="交城建办两周内修复")
    first.refresh_from_db()
    assert first.meeting == meeting and first.decision == "交城建办两周内修复"
    assert first.status == LedgerStatus.IN_PROGRESS
    assert list(meeting.ledger_entries.order_by("pk")) == [first, second]
    other = Meeting.objects.create(kind=MeetingKind.RETREAT, org_unit=tree.township_a, held_on=date(2024, 3, 28))
    with pytest.raises(ValidationFailed, match="民情分析会"):
        ledger.ledger_discuss(actor=bob, jurisdiction=j, meeting=other, entry_ids=[first.pk], decision="x")
    resolved = ledger.ledger_resolve(actor=bob, jurisdiction=j, entry_id=first.pk, resolved_on=date(2024, 4, 5))
    assert resolved.status == LedgerStatus.RESOLVED
    with pytest.raises(IllegalTransition):
        ledger.ledger_resolve(actor=bob, jurisdiction=j, entry_id=first.pk)
    with pytest.raises(ValidationFailed, match="乡镇"):
        ledger.ledger_entry_add(actor=alice, jurisdiction=jurisdiction_for(alice), org_unit=tree.county_a,
                                source="talk", matter="x")


def test_pairing_and_printable_cards(tree, bob, carol, cadre):
    j = jurisdiction_for(bob)
    link = visits.pairing_create(actor=bob, jurisdiction=j, cadre=cadre, village=tree.village_a,
                                 valid_from=date(2024, 1, 1))
    with pytest.raises(IllegalTransition):
        visits.pairing_resolve(actor=bob, jurisdiction=j, pairing_id=link.pk, resolution="x")
    pair = visits.pairing_create(actor=bob, jurisdiction=j, cadre=cadre, village=tree.village_a,
                                 valid_from=date(2024, 1, 1), household="赵家", household_phone="13500000000",
                                 needs="缺少核桃种苗")
    visits.pairing_resolve(actor=bob, jurisdiction=j, pairing_id=pair.pk, resolution="协调种苗 200 株",
                           resolved_on=date(2024, 4, 1))
    body = logged_in(bob).get(f"/masswork/pairings/{pair.pk}/cards/").content.decode()
    for text in ("民情登记卡", "民情办结卡", "民情联系卡", "缺少核桃种苗", "协调种苗 200 株", "陈包村"):
        assert text in body
    assert logged_in(carol).get(f"/masswork/pairings/{pair.pk}/cards/").status_code == 404


def test_duty_roster_and_check_in(tree, bob, cadre, settings):
    j = jurisdiction_for(bob)
    shift = duty.duty_shift_schedule(actor=bob, jurisdiction=j, village=tree.village_a, cadre=cadre, user=bob,
                                     day=date(2024, 3, 4))
    with pytest.raises(Conflict, match="已排班"):
        duty.duty_shift_schedule(actor=bob, jurisdiction=j, village=tree.village_a, cadre=cadre, user=bob,
                                 day=date(2024, 3, 4))
    with pytest.raises(IllegalTransition, match="当天"):
        duty.duty_check_in(actor=bob, jurisdiction=j, shift_id=shift.pk,
                           at=datetime(2024, 3, 5, 9, tzinfo=SHANGHAI))
    done = duty.duty_check_in(actor=bob, jurisdiction=j, shift_id=shift.pk,
                              at=datetime(2024, 3, 4, 8, 30, tzinfo=SHANGHAI))
    assert done.checked_in_at is not None
    with pytest.raises(IllegalTransition, match="已经签到"):
        duty.duty_check_in(actor=bob, jurisdiction=j, shift_id=shift.pk, at=datetime(2024, 3, 4, 9, tzinfo=SHANGHAI))
    with pytest.raises(ValidationFailed):
        duty.duty_shift_schedule(actor=bob, jurisdiction=j, village=tree.community_a, cadre=cadre, user=bob,
                                 day=date(2024, 3, 4))


def test_in_village_days(tree, bob, cadre):
    j = jurisdiction_for(bob)
    duty.in_village_day_record(actor=bob, jurisdiction=j, village=tree.village_a, cadre=cadre, day=date(2024, 3, 4))
    with pytest.raises(Conflict):
        duty.in_village_day_record(actor=bob, jurisdiction=j, village=tree.village_a, cadre=cadre,
                                   day=date(2024, 3, 4))


def test_visit_form_page(tree, bob, cadre):
    client = logged_in(bob)
    page = client.get("/masswork/visits/new/")
    body = page.content.decode()
    # search pickers, not a list of every cadre and village of the jurisdiction
    assert page.status_code == 200 and "陈包村" not in body and "甲村" not in body
    assert 'data-picker-url="/pick/cadres/"' in body and 'data-picker-url="/pick/units/?kind=village&amp;kind=community"' in body
    response = client.post("/masswork/visits/new/", {"village": tree.village_a.pk, "cadre": cadre.pk,
                                                     "household": "孙家", "visited_on": "2024-03-05",
                                                     "matters": "孩子上学远"})
    assert response.status_code == 302
    assert cadre.household_visits.get().household == "孙家"


def test_staff_order_pages_dispatch_and_scope(walls, alice, carol, django_assert_max_num_queries):
    order = place(walls.a)
    client = logged_in(alice)
    for _ in range(5):
        place(walls.a)
    with django_assert_max_num_queries(15):
        index = client.get("/masswork/")
    assert index.status_code == 200 and "楼道灯坏了" in index.content.decode()
    detail = client.get(f"/masswork/orders/{order.pk}/").content.decode()
    assert "王水工" in detail and "认领该岗位" in detail
    client.post(f"/masswork/orders/{order.pk}/", {"action": "dispatch", "member_id": walls.plumber.pk})
    order.refresh_from_db()
    assert order.status == "dispatched" and order.member == walls.plumber
    again = client.post(f"/masswork/orders/{order.pk}/", {"action": "dispatch", "member_id": walls.nurse.pk},
                        follow=True)
    assert "该点单已派单，不能重复派单" in again.content.decode()
    assert logged_in(carol).get(f"/masswork/orders/{order.pk}/").status_code == 404
    assert "楼道灯坏了" not in logged_in(carol).get("/masswork/").content.decode()


def test_petition_page_masks(tree, alice, bob):
    from zugong.masswork.services.petitions import petition_receive

    petition_receive(actor=bob, jurisdiction=jurisdiction_for(bob), org_unit=tree.township_a, channel="visit",
                     petitioner_name="周建国", subject="宅基地", content="宅基地确权", visitors=2,
                     received_on=date(2024, 3, 1))
    body = logged_in(alice).get("/masswork/petitions/").content.decode()
    assert "周**" in body and "周建国" not in body
    assert "共接待来访群众 2 人次，受理 0 起，办结 0 起，办结率 0%" in body


def test_township_api_visit_ledger_meeting_duty(tree, bob, carol, cadre):
    client = bearer(bob)
    created = client.post("/api/v1/visits", {"village_id": tree.village_a.pk, "cadre_id": cadre.pk,
                                             "household": "钱家", "visited_on": "2024-03-05", "matters": "屋顶漏雨"},
                          content_type="application/json")
    assert created.status_code == 201 and created.json()["ledger_entry_id"] is not None
    entries = client.get("/api/v1/ledger").json()
    assert [e["matter"] for e in entries] == ["屋顶漏雨"] and entries[0]["org_unit_id"] == tree.township_a.pk
    meeting = Meeting.objects.create(kind=MeetingKind.LEDGER_MEETING, org_unit=tree.township_a,
                                     held_on=date(2024, 3, 28))
    linked = client.post(f"/api/v1/meetings/{meeting.pk}/ledger",
                         {"entry_ids": [entries[0]["id"]], "decision": "民政办下周上门维修"},
                         content_type="application/json")
    assert linked.status_code == 200 and linked.json()[0]["meeting_id"] == meeting.pk
    assert linked.json()[0]["status"] == "in_progress"
    today = timezone.localdate()
    shift = client.post("/api/v1/duty", {"village_id": tree.village_a.pk, "cadre_id": cadre.pk, "user_id": bob.pk,
                                         "day": today.isoformat()}, content_type="application/json")
    assert shift.status_code == 201 and shift.json()["checked_in"] is False
    checked = client.post(f"/api/v1/duty/{shift.json()['id']}/check-in")
    assert checked.status_code == 200 and checked.json()["checked_in"] is True
    assert client.post(f"/api/v1/duty/{shift.json()['id']}/check-in").status_code == 409
    # county B sees none of it and cannot act on it
    other = bearer(carol)
    assert other.get("/api/v1/ledger").json() == [] and other.get("/api/v1/duty").json() == []
    assert other.post(f"/api/v1/duty/{shift.json()['id']}/check-in").status_code == 404
    assert other.post(f"/api/v1/meetings/{meeting.pk}/ledger", {"entry_ids": [], "decision": "x"},
                      content_type="application/json").status_code == 404
    assert other.post("/api/v1/visits", {"village_id": tree.village_a.pk, "cadre_id": cadre.pk, "household": "x",
                                         "visited_on": "2024-03-05"}, content_type="application/json"
                      ).status_code == 404


def test_petition_page_owner_actions_and_logged_reveal(tree, alice, carol):
    from zugong.core.models import AccessEvent
    from zugong.masswork.services.petitions import petition_receive

    petition = petition_receive(actor=alice, jurisdiction=jurisdiction_for(alice), org_unit=tree.county_a,
                                channel="letter", petitioner_name="周建国", subject="宅基地", content="宅基地确权",
                                received_on=date(2024, 3, 1))
    client = logged_in(alice)
    page = client.get(f"/masswork/petitions/{petition.pk}/").content.decode()
    assert "周**" in page and "周建国" not in page and AccessEvent.objects.count() == 0
    assert "周建国" in client.get(f"/masswork/petitions/{petition.pk}/?reveal=1").content.decode()
    assert AccessEvent.objects.filter(user=alice, field="petitioner").count() == 1
    client.post(f"/masswork/petitions/{petition.pk}/", {"action": "accept"})
    client.post(f"/masswork/petitions/{petition.pk}/", {"action": "close", "reply": "已答复"})
    petition.refresh_from_db()
    assert petition.status == "closed" and petition.reply == "已答复"
    assert logged_in(carol).get(f"/masswork/petitions/{petition.pk}/").status_code == 404


def test_pairing_and_in_village_api(tree, bob, carol, cadre):
    client = bearer(bob)
    made = client.post("/api/v1/pairings", {"cadre_id": cadre.pk, "village_id": tree.village_a.pk,
                                            "valid_from": "2024-01-01", "household": "冯家", "needs": "缺劳力"},
                       content_type="application/json")
    assert made.status_code == 201 and made.json()["household"] == "冯家"
    done = client.post(f"/api/v1/pairings/{made.json()['id']}/resolve", {"resolution": "帮助收割"},
                       content_type="application/json")
    assert done.json()["resolution"] == "帮助收割" and done.json()["resolved_on"] is not None
    assert [p["household"] for p in client.get("/api/v1/pairings").json()] == ["冯家"]
    day = client.post("/api/v1/in-village-days", {"village_id": tree.village_a.pk, "cadre_id": cadre.pk,
                                                  "day": "2024-03-04"}, content_type="application/json")
    assert day.status_code == 201
    again = client.post("/api/v1/in-village-days", {"village_id": tree.village_a.pk, "cadre_id": cadre.pk,
                                                    "day": "2024-03-04"}, content_type="application/json")
    assert again.status_code == 409
    other = bearer(carol)
    assert other.get("/api/v1/pairings").json() == []
    assert other.post(f"/api/v1/pairings/{made.json()['id']}/resolve", {"resolution": "x"},
                      content_type="application/json").status_code == 404
