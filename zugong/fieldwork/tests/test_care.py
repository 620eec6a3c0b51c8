"""R25: the 春节 date of the lunar calendar in two years (the visit windows at their edges), the register
from the roster, eligibility by the county's rule, the yearly subsidy once, missed visits listed and found by
the rule engine; pages and API by role."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import chinese_calendar
import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from zugong.cadres.models import Cadre, PostHolding
from zugong.conftest import Tree, bearer, logged_in
from zugong.core.errors import Conflict, ValidationFailed
from zugong.core.jurisdiction import jurisdiction_for
from zugong.fieldwork.festivals import SPRING_FESTIVAL, occasion_of_visit, spring_festival
from zugong.fieldwork.models import CareVisit, Occasion, RetiredVillageCadre
from zugong.fieldwork.selectors_care import eligibility, missed_visits
from zugong.fieldwork.services.care import (
    care_visit_record,
    retiree_from_roster,
    retiree_register,
    subsidy_pay,
    subsidy_rule_set,
)
from zugong.rules.engine import evaluate
from zugong.rules.models import Finding

SPRING = Occasion.SPRING_FESTIVAL
JULY = Occasion.JULY_FIRST


def _retiree(user: User, tree: Tree, name: str = "老支书", served_from: date = date(1990, 3, 1),
             left_on: date = date(2020, 3, 1), posts: str = "村党支部书记") -> RetiredVillageCadre:
    return retiree_register(actor=user, jurisdiction=jurisdiction_for(user), village=tree.village_a, name=name,
                            posts=posts, served_from=served_from, left_on=left_on)


def test_spring_festival_table_falls_on_the_state_councils_holidays() -> None:
    for year, (month, day) in SPRING_FESTIVAL.items():
        if year > 2026:
            break  # beyond the holiday notices chinesecalendar knows
        assert chinese_calendar.get_holiday_detail(date(year, month, day)) == (True, "Spring Festival"), year


@pytest.mark.parametrize(("visited_on", "counts_for"), [
    # 2025: 春节 29 January; the window is 30 December 2024 to 12 February 2025
    (date(2024, 12, 29), None), (date(2024, 12, 30), date(2025, 1, 29)), (date(2025, 2, 12), date(2025, 1, 29)),
    (date(2025, 2, 13), None),
    # 2026: 春节 17 February; the window is 18 January to 3 March 2026
    (date(2026, 1, 17), None), (date(2026, 1, 18), date(2026, 2, 17)), (date(2026, 3, 3), date(2026, 2, 17)),
    (date(2026, 3, 4), None),
])
def test_spring_festival_visit_window_in_two_years(visited_on: date, counts_for: date | None) -> None:
    assert spring_festival(2025) == date(2025, 1, 29) and spring_festival(2026) == date(2026, 2, 17)
    if counts_for is None:
        with pytest.raises(ValidationFailed, match="春节走访时段"):
            occasion_of_visit(SPRING, visited_on)
    else:
        assert occasion_of_visit(SPRING, visited_on) == counts_for


def test_july_first_window_edges() -> None:
    assert occasion_of_visit(JULY, date(2025, 6, 1)) == date(2025, 7, 1)
    assert occasion_of_visit(JULY, date(2025, 7, 31)) == date(2025, 7, 1)
    for day in (date(2025, 5, 31), date(2025, 8, 1)):
        with pytest.raises(ValidationFailed, match="七一走访时段"):
            occasion_of_visit(JULY, day)


def test_register_from_the_roster_takes_the_village_posts(tree: Tree, bob: User) -> None:
    person = Cadre.objects.create(name="王老书记", org_unit=tree.village_a)
    PostHolding.objects.create(cadre=person, org_unit=tree.village_a, title="村委会主任", valid_from=date(1995, 1, 1),
                               valid_to=date(2005, 1, 1))
    PostHolding.objects.create(cadre=person, org_unit=tree.village_a, title="村党支部书记", valid_from=date(2005, 1, 1),
                               valid_to=date(2021, 1, 1))
    retiree = retiree_from_roster(actor=bob, jurisdiction=jurisdiction_for(bob), cadre=person)
    assert (retiree.village, retiree.posts, retiree.served_from, retiree.left_on, retiree.cadre) == (
        tree.village_a, "村委会主任、村党支部书记", date(1995, 1, 1), date(2021, 1, 1), person)
    with pytest.raises(ValidationFailed, match="没有村级任职记录"):
        retiree_from_roster(actor=bob, jurisdiction=jurisdiction_for(bob),
                            cadre=Cadre.objects.create(name="乡干部", org_unit=tree.township_a))


def test_eligibility_follows_the_countys_rule_and_subsidy_is_paid_once(tree: Tree, alice: User) -> None:
    j = jurisdiction_for(alice)
    long_serving = _retiree(alice, tree, "老书记", date(1990, 3, 1), date(2020, 3, 1))
    short = _retiree(alice, tree, "短任期", date(2012, 3, 2), date(2020, 3, 1))  # 7 years and 364 days
    accountant = _retiree(alice, tree, "老会计", date(1990, 1, 1), date(2020, 1, 1), posts="村会计")
    assert eligibility(long_serving, date(2025, 12, 31)).reason == "本地尚未设定生活补贴条件"
    subsidy_rule_set(actor=alice, jurisdiction=j, org_unit=tree.county_a, valid_from=date(2024, 1, 1),
                     posts="村党支部书记，村委会主任", min_years=8, yearly_amount=Decimal("3600"))
    on = date(2025, 12, 31)
    assert eligibility(long_serving, on).eligible
    assert eligibility(short, on).reason == "任职 7 年，不足 8 年"
    assert eligibility(accountant, on).reason == "未担任村党支部书记、村委会主任"
    payment = subsidy_pay(actor=alice, jurisdiction=j, retiree=long_serving, year=2025)
    assert payment.amount == Decimal("3600")
    with pytest.raises(Conflict, match="2025年的生活补贴已发放"):
        subsidy_pay(actor=alice, jurisdiction=j, retiree=long_serving, year=2025)
    with pytest.raises(ValidationFailed, match="不符合生活补贴条件"):
        subsidy_pay(actor=alice, jurisdiction=j, retiree=short, year=2025)


def test_missed_spring_festival_visit_is_listed_and_found_by_the_engine(tree: Tree, alice: User, bob: User) -> None:
    visited, missed = _retiree(alice, tree, "都走访了"), _retiree(alice, tree, "漏了春节")
    jb = jurisdiction_for(bob)
    care_visit_record(actor=bob, jurisdiction=jb, retiree=visited, occasion=SPRING, visited_on=date(2025, 1, 20),
                      visitors="镇党委书记")
    care_visit_record(actor=bob, jurisdiction=jb, retiree=visited, occasion=SPRING, visited_on=date(2025, 1, 25),
                      visitors="组织委员")  # a second visit at the same 春节 counts once
    for person in (visited, missed):
        care_visit_record(actor=bob, jurisdiction=jb, retiree=person, occasion=JULY, visited_on=date(2025, 6, 28),
                          visitors="镇党委书记")
    listed = missed_visits(jb, 2025, date(2025, 12, 1))
    assert [(m.retiree.name, m.label) for m in listed] == [("漏了春节", "春节")]
    assert missed_visits(jb, 2025, date(2025, 2, 12)) == []  # the window is still open on its last day
    evaluate(as_of=date(2026, 1, 15), rule="R25", periods=2)
    found = {f.subject_label: (f.status, f.measure) for f in Finding.objects.filter(
        rule__code="R25", period_start=date(2025, 1, 1))}
    assert found == {"都走访了": ("compliant", 2), "漏了春节": ("violated", 1)}


def test_pages_and_api_by_role(tree: Tree, alice: User, bob: User, carol: User) -> None:
    client = logged_in(bob)
    body = client.post("/fieldwork/retirees/", {
        "village": tree.village_a.pk, "name": "李老主任", "posts": "村委会主任", "served_from": "1998-01-01",
        "left_on": "2018-01-01", "roles_after": "村务监督"}, follow=True).content.decode()
    assert "已登记离任村干部李老主任" in body
    retiree = RetiredVillageCadre.objects.get()
    year = timezone.localdate().year
    july = date(year, 7, 1) if timezone.localdate() >= date(year, 6, 1) else date(year - 1, 7, 1)
    body = client.post(f"/fieldwork/retirees/{retiree.pk}/", {
        "form": "visit", "occasion": "july_first", "visited_on": july.isoformat(), "visitors": "镇长"},
        follow=True).content.decode()
    assert f"已登记{july.year}年七一走访" in body
    assert CareVisit.objects.get().occasion_date == july
    # the township may record but not pay; the county's org department pays
    assert client.post(f"/fieldwork/retirees/{retiree.pk}/subsidy/", {"year": "2025"}).status_code == 403
    subsidy_rule_set(actor=alice, jurisdiction=jurisdiction_for(alice), org_unit=tree.county_a,
                     valid_from=date(2000, 1, 1), posts="", min_years=10, yearly_amount=Decimal("2400"))
    body = logged_in(alice).post(f"/fieldwork/retirees/{retiree.pk}/subsidy/", {"year": "2025"},
                                 follow=True).content.decode()
    assert "已发放2025年生活补贴 2400.00 元" in body
    pages = ["/fieldwork/retirees/", f"/fieldwork/retirees/{retiree.pk}/"]
    assert [logged_in(carol).get(p).status_code for p in pages] == [200, 404]
    assert "李老主任" not in logged_in(carol).get("/fieldwork/retirees/").content.decode()
    api = bearer(alice)
    rows = api.get("/api/v1/retired-village-cadres").json()
    assert [(r["name"], r["eligible"]) for r in rows] == [("李老主任", True)]
    assert bearer(carol).get("/api/v1/retired-village-cadres").json() == []
    visit = {"occasion": "spring_festival", "visited_on": "2025-01-20", "visitors": "县委组织部"}
    assert bearer(carol).post(f"/api/v1/retired-village-cadres/{retiree.pk}/visits", json.dumps(visit),
                              content_type="application/json").status_code == 404
    created = api.post(f"/api/v1/retired-village-cadres/{retiree.pk}/visits", json.dumps(visit),
                       content_type="application/json")
    assert created.status_code == 201 and created.json()["occasion_date"] == "2025-01-29"
    late = api.post(f"/api/v1/retired-village-cadres/{retiree.pk}/visits",
                    json.dumps({**visit, "visited_on": "2025-02-13"}), content_type="application/json")
    assert late.status_code == 400 and "春节走访时段" in late.json()["error"]["message"]
    missed = api.get("/api/v1/retired-village-cadres/missed-visits", {"year": 2024}).json()
    assert [(m["name"], m["occasion"]) for m in missed] == [("李老主任", "spring_festival"), ("李老主任", "july_first")]


def test_register_page_and_api_queries_do_not_grow_with_the_register(tree: Tree, alice: User) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    subsidy_rule_set(actor=alice, jurisdiction=jurisdiction_for(alice), org_unit=tree.county_a,
                     valid_from=date(2000, 1, 1), posts="", min_years=5, yearly_amount=Decimal("1200"))
    client, api = logged_in(alice), bearer(alice)
    client.get("/fieldwork/retirees/")  # first request's one-off reads
    counts = []
    for size in (1, 6):
        while RetiredVillageCadre.objects.count() < size:
            _retiree(alice, tree, f"离任{RetiredVillageCadre.objects.count()}")
        with CaptureQueriesContext(connection) as page:
            assert client.get("/fieldwork/retirees/").status_code == 200
        with CaptureQueriesContext(connection) as listed:
            assert len(api.get("/api/v1/retired-village-cadres").json()) == size
        counts.append((len(page.captured_queries), len(listed.captured_queries)))
    # never more with more rows (the jurisdiction's cached read may be one fewer the second time)
    assert all(later <= first for first, later in zip(counts[0], counts[1], strict=True)), counts


def test_rule_page_and_register_from_the_roster_page(tree: Tree, alice: User, bob: User) -> None:
    body = logged_in(alice).post("/fieldwork/retirees/rules/", {
        "org_unit": tree.county_a.pk, "valid_from": "2024-01-01", "posts": "村党支部书记", "min_years": "10",
        "yearly_amount": "3000"}, follow=True).content.decode()
    assert "已设定甲县的生活补贴条件" in body and "3000.00" in body
    assert logged_in(bob).post("/fieldwork/retirees/rules/", {}).status_code == 403  # the township may not set it
    person = Cadre.objects.create(name="赵老书记", org_unit=tree.village_a)
    PostHolding.objects.create(cadre=person, org_unit=tree.village_a, title="村党支部书记", valid_from=date(2000, 1, 1),
                               valid_to=date(2020, 1, 1))
    body = logged_in(bob).post("/fieldwork/retirees/", {"form": "roster", "cadre": person.pk},
                               follow=True).content.decode()
    assert "已登记离任村干部赵老书记" in body and "符合条件，每年 3000.00 元" in body
    assert RetiredVillageCadre.objects.get().left_on == date(2020, 1, 1)


def test_a_retiree_taken_off_the_register_is_no_longer_expected_to_be_visited(tree: Tree, alice: User,
                                                                              bob: User, carol: User) -> None:
    retiree = _retiree(bob, tree, "已故老支书")
    assert logged_in(carol).post(f"/fieldwork/retirees/{retiree.pk}/leave/", {"reason": "x"}).status_code == 404
    body = logged_in(bob).post(f"/fieldwork/retirees/{retiree.pk}/leave/", {"reason": "去世"},
                               follow=True).content.decode()
    assert "已故老支书已移出名册" in body
    retiree.refresh_from_db()
    assert not retiree.is_active
    assert missed_visits(jurisdiction_for(bob), 2025, date(2025, 12, 1)) == []
    with pytest.raises(ValidationFailed, match="已不在册"):
        subsidy_pay(actor=alice, jurisdiction=jurisdiction_for(alice), retiree=retiree, year=2025)
    evaluate(as_of=date(2026, 1, 15), rule="R25", periods=2)
    assert not Finding.objects.filter(rule__code="R25").exclude(status="no_data_source").exists()


def test_api_registers_a_retiree_from_the_roster_reads_and_takes_off_scoped(tree: Tree, alice: User, bob: User,
                                                                            carol: User) -> None:
    # given a cadre of county A's roster who held village posts until 2020, and one still in post
    person = Cadre.objects.create(name="钱老主任", org_unit=tree.village_a)
    for title, start, end in (("村委会委员", date(1995, 1, 1), date(2001, 1, 1)),
                              ("村委会主任", date(2001, 1, 1), date(2020, 6, 30))):
        PostHolding.objects.create(cadre=person, org_unit=tree.village_a, title=title, valid_from=start, valid_to=end)
    serving = Cadre.objects.create(name="孙在任", org_unit=tree.village_a)
    PostHolding.objects.create(cadre=serving, org_unit=tree.village_a, title="村党支部书记", valid_from=date(2015, 1, 1))
    # when another county's org department and the township each try
    url = "/api/v1/retired-village-cadres/from-roster"
    assert bearer(carol).post(url, json.dumps({"cadre_id": person.pk}), content_type="application/json"
                              ).status_code == 404
    created = bearer(bob).post(url, json.dumps({"cadre_id": person.pk}), content_type="application/json")
    # then the township's registration takes the village, posts and dates from the roster
    assert created.status_code == 201, created.content
    body = created.json()
    assert {k: body[k] for k in ("name", "village_id", "posts", "served_from", "left_on", "cadre_id", "on_register")
            } == {"name": "钱老主任", "village_id": tree.village_a.pk, "posts": "村委会委员、村委会主任",
                  "served_from": "1995-01-01", "left_on": "2020-06-30", "cadre_id": person.pk, "on_register": True}
    still = bearer(bob).post(url, json.dumps({"cadre_id": serving.pk}), content_type="application/json")
    assert still.status_code == 400 and "仍在村任职" in still.json()["error"]["message"]
    assert bearer(bob).post(url, json.dumps({"cadre_id": serving.pk, "left_on": "2025-01-31"}),
                            content_type="application/json").status_code == 201
    # read: listed and read in county A, 404 in county B
    detail = f"/api/v1/retired-village-cadres/{body['id']}"
    assert bearer(alice).get(detail).json()["name"] == "钱老主任"
    assert bearer(carol).get(detail).status_code == 404
    assert [r["name"] for r in bearer(alice).get("/api/v1/retired-village-cadres").json()] == ["钱老主任", "孙在任"]
    assert bearer(alice).get("/api/v1/retired-village-cadres/missed-visits", {"year": 2024}).status_code == 200
    # taken off the register: 404 across counties, a reason needed, once
    leave = f"{detail}/leave"
    assert bearer(carol).post(leave, json.dumps({"reason": "迁出"}), content_type="application/json"
                              ).status_code == 404
    assert bearer(bob).post(leave, json.dumps({"reason": ""}), content_type="application/json").status_code == 422
    gone = bearer(bob).post(leave, json.dumps({"reason": "迁出"}), content_type="application/json")
    assert gone.status_code == 200 and gone.json()["on_register"] is False
    assert bearer(bob).post(leave, json.dumps({"reason": "迁出"}), content_type="application/json").status_code == 409
    assert not RetiredVillageCadre.objects.get(pk=body["id"]).is_active
