"""Points cards (R32): items, entries with evidence and approval, automatic counts from zugong's data,
periodic totals ranked per unit, and the total read as an assessment indicator."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from zugong.assessment import indicator_sources
from zugong.assessment import selectors_points as read
from zugong.assessment.models import CampaignStatus
from zugong.assessment.models_points import EntryStatus, PointEntry
from zugong.assessment.services import points as svc
from zugong.conftest import logged_in, make_user
from zugong.core.errors import Conflict, ValidationFailed
from zugong.core.models import Meeting, Role
from zugong.masswork.models import DutyShift, HouseholdVisit
from zugong.meetings.models import MeetingAttendee
from zugong.talks.models import Talk, Talker

from .conftest import campaign_at

D = Decimal


def _item(world, name: str, points: str, source: str = ""):
    return svc.point_item_set(actor=world.alice, jurisdiction=world.ja, org_unit=world.tree.county_a, name=name,
                              points=D(points), source=source)


def _record(world, actor, person, item, on: date, quantity: str = "1"):
    from zugong.core.jurisdiction import jurisdiction_for

    return svc.point_entry_record(actor=actor, jurisdiction=jurisdiction_for(actor), item_id=item.pk, cadre=person,
                                  on=on, quantity=D(quantity), evidence="会议记录")


@pytest.mark.parametrize(("text", "start", "end", "label"), [
    ("2026", date(2026, 1, 1), date(2026, 12, 31), "2026年"),
    ("2026Q1", date(2026, 1, 1), date(2026, 3, 31), "2026年第1季度"),
    ("2026Q4", date(2026, 10, 1), date(2026, 12, 31), "2026年第4季度"),
    ("2026-02", date(2026, 2, 1), date(2026, 2, 28), "2026年2月"),
    ("2026-12", date(2026, 12, 1), date(2026, 12, 31), "2026年12月"),
])
def test_periods(text, start, end, label) -> None:
    assert read.period_of(text) == read.Period(text, start, end, label)


def test_a_bad_period_is_refused_in_chinese() -> None:
    with pytest.raises(ValidationFailed) as caught:
        read.period_of("2026Q5")
    assert caught.value.message == "期间格式为 2026、2026Q1 或 2026-03"


def test_entries_need_evidence_and_another_persons_approval(world, bob) -> None:
    item = _item(world, "撰写调研报告", "5")
    person = world.cadres[1]  # township_a, bob's township
    entry = _record(world, bob, person, item, date(2026, 2, 3), "2")
    assert (entry.points, entry.status) == (D("10.00"), EntryStatus.PENDING)
    with pytest.raises(ValidationFailed) as no_reason:
        svc.point_entry_decide(actor=world.alice, jurisdiction=world.ja, entry_id=entry.pk, approve=False)
    assert no_reason.value.message == "不通过须写明理由"
    own = _record(world, world.alice, person, item, date(2026, 2, 4))
    with pytest.raises(Conflict) as self_approval:
        svc.point_entry_decide(actor=world.alice, jurisdiction=world.ja, entry_id=own.pk, approve=True)
    assert self_approval.value.message == "不能审核自己登记的积分"
    svc.point_entry_decide(actor=world.alice, jurisdiction=world.ja, entry_id=entry.pk, approve=True)
    with pytest.raises(Conflict):
        svc.point_entry_decide(actor=world.alice, jurisdiction=world.ja, entry_id=entry.pk, approve=True)
    assert read.cadre_total(person, date(2026, 1, 1), date(2026, 3, 31)) == D("10.00")  # the pending one not counted


def test_automatic_items_count_visits_duty_talks_and_meetings(world) -> None:
    person, other = world.cadres[1], world.cadres[3]
    village = world.tree.village_a
    for day in (2, 3, 4):
        HouseholdVisit.objects.create(org_unit=village, cadre=person, household="张家", visited_on=date(2026, 1, day))
    HouseholdVisit.objects.create(org_unit=village, cadre=person, household="李家", visited_on=date(2026, 4, 1))
    DutyShift.objects.create(village=village, cadre=person, day=date(2026, 2, 1),
                             checked_in_at=datetime(2026, 2, 1, 1, tzinfo=UTC))
    DutyShift.objects.create(village=village, cadre=person, day=date(2026, 2, 2))  # not checked in
    talker = Talker.objects.create(org_unit=world.tree.county_a, name=other.name, cadre=other, role="org_staff")
    talk = Talk.objects.create(org_unit=village, held_on=date(2026, 3, 1), kind="annual")
    talk.talkers.add(talker)
    meeting = Meeting.objects.create(org_unit=village, kind=Meeting._meta.get_field("kind").choices[0][0],
                                     held_on=date(2026, 3, 2))
    MeetingAttendee.objects.create(meeting=meeting, cadre=person)
    for source, label, pts in (("visits", "入户走访", "2"), ("duty", "值班签到", "1"), ("talks", "谈心谈话", "3"),
                               ("meetings", "参会", "0.5")):
        _item(world, label, pts, source)
    written = svc.points_fill(actor=world.alice, jurisdiction=world.ja, org_unit=world.tree.county_a,
                              start=date(2026, 1, 1), end=date(2026, 3, 31))
    got = {(e.cadre_id, e.item.source): (e.quantity, e.points) for e in PointEntry.objects.select_related("item")}
    assert got == {(person.pk, "visits"): (D("3"), D("6.00")), (person.pk, "duty"): (D("1"), D("1.00")),
                   (other.pk, "talks"): (D("1"), D("3.00")), (person.pk, "meetings"): (D("1"), D("0.50"))}
    assert written == 4 and all(e.status == "approved" and e.auto for e in PointEntry.objects.all())
    # counted again: replaced, not doubled
    svc.points_fill(actor=world.alice, jurisdiction=world.ja, org_unit=world.tree.county_a,
                    start=date(2026, 1, 1), end=date(2026, 3, 31))
    assert PointEntry.objects.count() == 4
    totals = read.totals(world.ja, read.period_of("2026Q1"))
    assert [(t.name, t.total, t.rank) for t in totals if t.unit_id == world.tree.township_a.pk] == [
        (person.name, D("7.50"), 1), (other.name, D("3.00"), 2)]


def test_the_total_is_an_assessment_indicator(world, bob) -> None:
    item = _item(world, "获得表彰", "30")
    person = world.cadres[1]
    for day in (1, 2, 3, 4):  # 120 points, kept to 100
        entry = _record(world, bob, person, item, date(2026, 1, day))
        svc.point_entry_decide(actor=world.alice, jurisdiction=world.ja, entry_id=entry.pk, approve=True)
    subject = campaign_at(world, CampaignStatus.DRAFT, cadres=[person]).subjects.get()
    reading = indicator_sources.points_card(subject, 2026)
    assert (reading.rate, reading.basis) == (D("100.00"), "积分卡 120.00 分（1 人），计 0–100")
    assert indicator_sources.points_card(subject, 2025).rate == D("0.00")


def test_the_page_records_approves_and_ranks(world, bob) -> None:
    item = _item(world, "撰写调研报告", "5")
    person = world.cadres[1]
    recorded = logged_in(bob).post("/assessment/points/entries/", {
        "period": "2026Q1", "cadre": person.pk, "item": item.pk, "on": "2026-02-03", "quantity": "1",
        "evidence": "调研报告一篇"}, follow=True)
    assert "积分已登记（5.00 分），待审核" in recorded.content.decode()
    entry = PointEntry.objects.get()
    client = logged_in(world.alice)
    decided = client.post(f"/assessment/points/entries/{entry.pk}/decide/", {"period": "2026Q1", "decision": "approve"},
                          follow=True)
    assert "积分已审核通过" in decided.content.decode()
    page = client.get("/assessment/points/?period=2026Q1").content.decode()
    assert "2026年第1季度积分排名" in page and f'data-cadre="{person.pk}"' in page
    assert client.get("/assessment/points/?period=2026Q9").status_code == 400
    carol = make_user("carol2", world.tree.county_b, Role.ORG_ADMIN)
    assert logged_in(carol).post(f"/assessment/points/entries/{entry.pk}/decide/",
                                 {"decision": "approve"}).status_code == 404


@pytest.mark.parametrize("entries", [1, 8])
def test_the_points_page_query_count_does_not_grow_with_entries(world, bob, django_assert_max_num_queries,
                                                                entries) -> None:
    item = _item(world, "撰写调研报告", "5")
    for n in range(entries):
        _record(world, bob, world.cadres[2 * (n % 5) + 1], item, date(2026, 2, 1 + n))
    client = logged_in(world.alice)
    client.get("/assessment/points/?period=2026Q1")
    with django_assert_max_num_queries(16):
        page = client.get("/assessment/points/?period=2026Q1")
    assert page.content.decode().count('<tr id="zg-entry-') == entries
