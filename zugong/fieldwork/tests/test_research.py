"""R26: topic lists registered by their deadline (the day of and the day after), at most [2] topics a
leader, submitted and evaluated (every forbidden step), field days from stays, trips and household visits
counted once, the engine's [90] days a year for org-department leaders; pages and API by role."""

from __future__ import annotations

import json
from datetime import date, timedelta
from itertools import product

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from zugong.cadres.models import Cadre
from zugong.conftest import Tree, bearer, logged_in
from zugong.core.errors import Conflict, IllegalTransition, NotFound, ValidationFailed
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import OrgUnit
from zugong.fieldwork.models import TOPIC_ALLOWED, FieldDay, PlaceKind, ResearchTopic, TopicCall, TopicStatus
from zugong.fieldwork.selectors_research import leader_year
from zugong.fieldwork.services.research import (
    topic_call_open,
    topic_evaluate,
    topic_register,
    topic_submit,
    trip_record,
)
from zugong.fieldwork.services.stays import batch_create, stay_add
from zugong.fieldwork.tests.helpers import org_department
from zugong.masswork.models import HouseholdVisit
from zugong.rules.engine import evaluate
from zugong.rules.models import Finding


def leader(dept: OrgUnit, name: str, rank: str = "D1") -> Cadre:
    return Cadre.objects.create(name=name, org_unit=dept, rank_level=rank, is_leading=True)


def _call(user: User, tree: Tree, year: int = 2025, register_by: date = date(2025, 3, 31)) -> TopicCall:
    return topic_call_open(actor=user, jurisdiction=jurisdiction_for(user), org_unit=tree.county_a, year=year,
                           register_by=register_by)


def test_topics_are_registered_up_to_the_deadline_day(tree: Tree, alice: User) -> None:
    head = leader(org_department(tree.county_a), "部长甲")
    call = _call(alice, tree)
    j = jurisdiction_for(alice)
    on_the_day = topic_register(actor=alice, jurisdiction=j, call=call, title="基层党建", leader=head,
                                registered_on=date(2025, 3, 31))
    assert on_the_day.status == TopicStatus.REGISTERED
    with pytest.raises(ValidationFailed, match="已于2025年03月31日截止申报"):
        topic_register(actor=alice, jurisdiction=j, call=call, title="迟到的课题", leader=head,
                       registered_on=date(2025, 4, 1))
    with pytest.raises(Conflict):
        _call(alice, tree)


def test_a_leader_leads_at_most_two_topics_a_year(tree: Tree, alice: User) -> None:
    dept = org_department(tree.county_a)
    head = leader(dept, "部长甲")
    call = _call(alice, tree)
    j = jurisdiction_for(alice)
    for title in ("课题一", "课题二"):
        topic_register(actor=alice, jurisdiction=j, call=call, title=title, leader=head, registered_on=date(2025, 1, 5))
    with pytest.raises(ValidationFailed, match="已牵头 2 个课题，每人最多牵头 2 个"):
        topic_register(actor=alice, jurisdiction=j, call=call, title="课题三", leader=head,
                       registered_on=date(2025, 1, 5))
    staff = Cadre.objects.create(name="科员", org_unit=dept, rank_level="E1")
    with pytest.raises(ValidationFailed, match="不是管辖范围内的组织部领导"):
        topic_register(actor=alice, jurisdiction=j, call=call, title="课题", leader=staff,
                       registered_on=date(2025, 1, 5))


def test_topic_is_submitted_then_evaluated(tree: Tree, alice: User) -> None:
    head = leader(org_department(tree.county_a), "部长甲")
    j = jurisdiction_for(alice)
    topic = topic_register(actor=alice, jurisdiction=j, call=_call(alice, tree), title="人才振兴", leader=head,
                           registered_on=date(2025, 2, 1))
    topic_submit(actor=alice, jurisdiction=j, topic_id=topic.pk, result="调研报告一份", submitted_on=date(2025, 11, 30))
    done = topic_evaluate(actor=alice, jurisdiction=j, topic_id=topic.pk, grade="excellent", commendation="优秀调研成果",
                          evaluated_on=date(2025, 12, 20))
    assert (done.status, done.grade, done.commendation, done.submitted_on) == (
        "evaluated", "excellent", "优秀调研成果", date(2025, 11, 30))


@pytest.mark.parametrize(("start", "target"), [
    (s, t) for s, t in product(TopicStatus.values, [TopicStatus.SUBMITTED, TopicStatus.EVALUATED])
    if t not in TOPIC_ALLOWED[s]])
def test_every_forbidden_topic_step_is_refused(tree: Tree, alice: User, start: str, target: str) -> None:
    head = leader(org_department(tree.county_a), "部长甲")
    topic = ResearchTopic.objects.create(call=_call(alice, tree), title="t", leader=head,
                                         registered_on=date(2025, 1, 2), status=start)
    j = jurisdiction_for(alice)
    with pytest.raises(IllegalTransition):
        if target == TopicStatus.SUBMITTED:
            topic_submit(actor=alice, jurisdiction=j, topic_id=topic.pk, result="r")
        else:
            topic_evaluate(actor=alice, jurisdiction=j, topic_id=topic.pk, grade="good")
    topic.refresh_from_db()
    assert topic.status == start


def test_field_days_from_stays_and_trips_are_not_double_counted(tree: Tree, alice: User) -> None:
    head = leader(org_department(tree.county_a), "部长甲", rank="C2")
    j = jurisdiction_for(alice)
    batch = batch_create(actor=alice, jurisdiction=j, organiser=tree.county_a, theme="蹲点",
                         start_date=date(2025, 4, 1), end_date=date(2025, 4, 30))
    stay_add(actor=alice, jurisdiction=j, batch_id=batch.pk, cadre=head, place_kind=PlaceKind.VILLAGE,
             place=tree.village_a, start_date=date(2025, 4, 1), end_date=date(2025, 4, 30))
    _, new_days = trip_record(actor=alice, jurisdiction=j, cadre=head, place="丙乡", start_date=date(2025, 4, 25),
                              end_date=date(2025, 5, 4))
    assert new_days == 4  # 25–30 April were stay days already
    _, again = trip_record(actor=alice, jurisdiction=j, cadre=head, place="丙乡", start_date=date(2025, 5, 1),
                           end_date=date(2025, 5, 4))
    assert again == 0
    assert FieldDay.objects.filter(cadre=head).count() == 34
    rows = leader_year(j, tree.county_a, 2025)
    assert [(r["name"], r["field_days"], r["days_ok"], r["topics_ok"]) for r in rows] == [("部长甲", 34, False, False)]


def _visit(cadre: Cadre, village: OrgUnit, on: date, household: str = "张家") -> None:
    HouseholdVisit.objects.create(org_unit=village, cadre=cadre, household=household, visited_on=on)


def test_household_visits_are_field_days_never_counted_twice(tree: Tree, alice: User) -> None:
    # given a month's stay (1–30 April) and a trip (25 April – 4 May) overlapping it: 34 days
    head = leader(org_department(tree.county_a), "部长甲", rank="C2")
    j = jurisdiction_for(alice)
    batch = batch_create(actor=alice, jurisdiction=j, organiser=tree.county_a, theme="蹲点",
                         start_date=date(2025, 4, 1), end_date=date(2025, 4, 30))
    stay_add(actor=alice, jurisdiction=j, batch_id=batch.pk, cadre=head, place_kind=PlaceKind.VILLAGE,
             place=tree.village_a, start_date=date(2025, 4, 1), end_date=date(2025, 4, 30))
    trip_record(actor=alice, jurisdiction=j, cadre=head, place="丙乡", start_date=date(2025, 4, 25),
                end_date=date(2025, 5, 4))
    # and household visits: one on a stay day, one on a trip day, two households on 1 June, one on 2 June,
    # one the year before
    _visit(head, tree.village_a, date(2025, 4, 10))
    _visit(head, tree.village_a, date(2025, 5, 2))
    _visit(head, tree.village_a, date(2025, 6, 1))
    _visit(head, tree.village_a, date(2025, 6, 1), household="李家")
    _visit(head, tree.village_a, date(2025, 6, 2))
    _visit(head, tree.village_a, date(2024, 12, 31))
    # then only 1 and 2 June are new days: 36, on the page and in the engine
    rows = leader_year(j, tree.county_a, 2025)
    assert [(r["name"], r["field_days"]) for r in rows] == [("部长甲", 36)]
    assert leader_year(j, tree.county_a, 2024)[0]["field_days"] == 1
    evaluate(as_of=date(2026, 1, 15), rule="R26", periods=2)
    finding = Finding.objects.get(rule__code="R26", part="", period_start=date(2025, 1, 1))
    assert (finding.subject_label, finding.measure) == ("部长甲", 36)


def test_engine_reaches_ninety_days_with_a_household_visit(tree: Tree, alice: User) -> None:
    # given 88 trip days each, one leader with a visit on a new day and one on a trip day
    dept = org_department(tree.county_a)
    reached, same_day = leader(dept, "走访补足"), leader(dept, "走访同日")
    j = jurisdiction_for(alice)
    start = date(2025, 3, 1)
    for person in (reached, same_day):
        trip_record(actor=alice, jurisdiction=j, cadre=person, place="甲村", start_date=start,
                    end_date=start + timedelta(days=87))
        _visit(person, tree.village_a, start + timedelta(days=88))  # the 89th day
    _visit(reached, tree.village_a, date(2025, 9, 1))
    _visit(same_day, tree.village_a, start)  # already a trip day
    # when
    evaluate(as_of=date(2026, 1, 15), rule="R26", periods=2)
    # then
    found = {f.subject_label: (f.status, f.measure) for f in Finding.objects.filter(
        rule__code="R26", part="", period_start=date(2025, 1, 1))}
    assert found == {"走访补足": ("compliant", 90), "走访同日": ("violated", 89)}


def test_engine_counts_field_days_against_ninety(tree: Tree, alice: User) -> None:
    dept = org_department(tree.county_a)
    enough, short = leader(dept, "够天数"), leader(dept, "差一天")
    Cadre.objects.create(name="非领导", org_unit=dept, rank_level="E1")  # not a leader: not in the population
    j = jurisdiction_for(alice)
    start = date(2025, 3, 1)
    trip_record(actor=alice, jurisdiction=j, cadre=enough, place="甲村", start_date=start,
                end_date=start + timedelta(days=89))
    trip_record(actor=alice, jurisdiction=j, cadre=short, place="甲村", start_date=start,
                end_date=start + timedelta(days=88))
    evaluate(as_of=date(2026, 1, 15), rule="R26", periods=2)
    found = {f.subject_label: (f.status, f.measure) for f in Finding.objects.filter(
        rule__code="R26", part="", period_start=date(2025, 1, 1))}
    assert found == {"够天数": ("compliant", 90), "差一天": ("violated", 89)}


def test_pages_and_api_by_role(tree: Tree, alice: User, bob: User, carol: User) -> None:
    head = leader(org_department(tree.county_a), "部长甲")
    call = _call(alice, tree, year=timezone.localdate().year, register_by=date(timezone.localdate().year, 12, 31))
    client = logged_in(alice)
    body = client.post(f"/fieldwork/research/?year={call.year}&org={tree.county_a.pk}",
                       {"form": "topic", "call": call.pk, "title": "乡村治理", "leader": head.pk},
                       follow=True).content.decode()
    assert "已立项：乡村治理" in body
    topic = ResearchTopic.objects.get()
    body = client.post(f"/fieldwork/research/topics/{topic.pk}/", {"form": "submit", "result": "报告"},
                       follow=True).content.decode()
    assert "已结题" in body
    body = client.post("/fieldwork/research/trip/", {"cadre": head.pk, "place": "甲村", "start_date": "2025-05-01",
                                                     "end_date": "2025-05-03"}, follow=True).content.decode()
    assert "已登记部长甲的调研行程，新增基层调研 3 天" in body
    pages = ["/fieldwork/research/", f"/fieldwork/research/topics/{topic.pk}/", "/fieldwork/research/trip/"]
    assert [logged_in(bob).get(p).status_code for p in pages] == [403, 403, 403]
    assert [logged_in(carol).get(p).status_code for p in pages] == [200, 404, 200]
    api = bearer(alice)
    assert [t["title"] for t in api.get("/api/v1/research-topics").json()] == ["乡村治理"]
    assert bearer(carol).get("/api/v1/research-topics").json() == []
    assert bearer(carol).post(f"/api/v1/research-topics/{topic.pk}/evaluate", json.dumps({"grade": "good"}),
                              content_type="application/json").status_code == 404
    evaluated = api.post(f"/api/v1/research-topics/{topic.pk}/evaluate", json.dumps({"grade": "good"}),
                         content_type="application/json")
    assert evaluated.status_code == 200 and evaluated.json()["grade"] == "good"
    days = api.get("/api/v1/field-days", {"org": tree.county_a.pk, "year": 2025}).json()
    assert days == [{"cadre_id": head.pk, "name": "部长甲", "field_days": 3, "topics": 0, "days_ok": False,
                     "topics_ok": False}]
    with pytest.raises(NotFound):
        leader_year(jurisdiction_for(carol), tree.county_a, 2025)


def test_research_and_suggestion_pages_do_not_grow_queries_with_rows(tree: Tree, alice: User) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zugong.fieldwork.services.stays import suggestion_forward

    dept = org_department(tree.county_a)
    j = jurisdiction_for(alice)
    call = _call(alice, tree, year=2025, register_by=date(2025, 12, 31))
    batch = batch_create(actor=alice, jurisdiction=j, organiser=tree.county_a, theme="t", start_date=date(2025, 4, 1),
                         end_date=date(2025, 4, 2))
    client = logged_in(alice)
    client.get("/fieldwork/suggestions/")  # first request's one-off reads
    counts = []
    for size in (1, 4):
        while ResearchTopic.objects.count() < size:
            n = ResearchTopic.objects.count()
            person = leader(dept, f"部长{n}", rank="C2")
            topic_register(actor=alice, jurisdiction=j, call=call, title=f"课题{n}", leader=person,
                           registered_on=date(2025, 1, 2))
            stay = stay_add(actor=alice, jurisdiction=j, batch_id=batch.pk, cadre=person, place_kind=PlaceKind.VILLAGE,
                            place=tree.village_a, start_date=date(2025, 4, 1), end_date=date(2025, 4, 2))
            suggestion_forward(actor=alice, jurisdiction=j, stay=stay, content="建议", department=dept,
                               forwarded_on=date(2025, 4, 3))
        with CaptureQueriesContext(connection) as research_page:
            assert client.get(f"/fieldwork/research/?year=2025&org={tree.county_a.pk}").status_code == 200
        with CaptureQueriesContext(connection) as suggestion_page:
            assert client.get("/fieldwork/suggestions/").status_code == 200
        counts.append((len(research_page.captured_queries), len(suggestion_page.captured_queries)))
    # never more with more rows (the jurisdiction's cached read may be one fewer the second time)
    assert all(later <= first for first, later in zip(counts[0], counts[1], strict=True)), counts
