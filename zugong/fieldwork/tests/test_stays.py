"""R06 蹲点调研: batches, stays of 处级以上 cadres, logs, suggestions forwarded with a reply deadline and
their answers (every forbidden transition), the engine's 2–3 batches a year, pages and API by role."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from itertools import product

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zugong.cadres.models import Cadre
from zugong.conftest import Tree, bearer, logged_in
from zugong.core.errors import Conflict, IllegalTransition, NotFound, ValidationFailed
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import OrgKind, OrgUnit
from zugong.core.services import org_unit_create
from zugong.fieldwork.models import (
    SUGGESTION_ALLOWED,
    FieldDay,
    FieldStay,
    LogKind,
    PlaceKind,
    Suggestion,
    SuggestionStatus,
)
from zugong.fieldwork.selectors_stays import suggestions_overdue, year_figures
from zugong.fieldwork.services.stays import (
    batch_create,
    stay_add,
    stay_log_add,
    suggestion_answer,
    suggestion_forward,
)
from zugong.rules.engine import evaluate
from zugong.rules.models import Finding
from zugong.rules.services import rule_override_set


def senior(unit: OrgUnit, name: str, rank: str = "C2") -> Cadre:
    return Cadre.objects.create(name=name, org_unit=unit, rank_level=rank)


def department(parent: OrgUnit, name: str = "甲县农业农村局") -> OrgUnit:
    return org_unit_create(actor=None, kind=OrgKind.DEPARTMENT, name=name, parent=parent)


def _batch(user: User, unit: OrgUnit, start: date = date(2025, 4, 1), theme: str = "乡村振兴") -> object:
    return batch_create(actor=user, jurisdiction=jurisdiction_for(user), organiser=unit, theme=theme,
                        start_date=start, end_date=date(start.year, start.month, 28))


def _stay(user: User, tree: Tree, cadre: Cadre, start: date = date(2025, 4, 1),
          end: date = date(2025, 4, 30)) -> FieldStay:
    batch = _batch(user, tree.county_a, start)
    return stay_add(actor=user, jurisdiction=jurisdiction_for(user), batch_id=batch.pk, cadre=cadre,  # type: ignore[attr-defined]
                    place_kind=PlaceKind.VILLAGE, place=tree.village_a, start_date=start, end_date=end)


def test_batches_are_numbered_per_organiser_and_year(tree: Tree, alice: User, carol: User) -> None:
    first = _batch(alice, tree.county_a, date(2025, 3, 1))
    second = _batch(alice, tree.county_a, date(2025, 9, 1))
    other_county = _batch(carol, tree.county_b, date(2025, 3, 1))
    next_year = _batch(alice, tree.county_a, date(2026, 3, 1))
    assert [(b.year, b.number) for b in (first, second, other_county, next_year)] == [  # type: ignore[attr-defined]
        (2025, 1), (2025, 2), (2025, 1), (2026, 1)]
    with pytest.raises(ValidationFailed, match="由省、市、县组织"):
        _batch(alice, tree.township_a)
    with pytest.raises(NotFound):
        _batch(alice, tree.county_b)


def test_stay_counts_its_days_and_takes_only_senior_cadres(tree: Tree, alice: User, carol: User) -> None:
    head = senior(tree.county_a, "县长甲", "C1")
    stay = _stay(alice, tree, head)
    assert (stay.days, stay.place_name, stay.place_kind) == (30, "甲村", PlaceKind.VILLAGE)
    assert FieldDay.objects.filter(cadre=head).count() == 30
    batch = stay.batch
    j = jurisdiction_for(alice)
    with pytest.raises(Conflict, match="县长甲已参加"):
        stay_add(actor=alice, jurisdiction=j, batch_id=batch.pk, cadre=head, place_kind=PlaceKind.ENTERPRISE,
                 place_name="某公司", start_date=date(2025, 4, 1), end_date=date(2025, 4, 2))
    with pytest.raises(ValidationFailed, match="不是处级以上干部"):
        stay_add(actor=alice, jurisdiction=j, batch_id=batch.pk, cadre=senior(tree.township_a, "科员", "E1"),
                 place_kind=PlaceKind.VILLAGE, place=tree.village_a, start_date=date(2025, 4, 1),
                 end_date=date(2025, 4, 2))
    with pytest.raises(ValidationFailed, match="请选择蹲点的社区"):
        stay_add(actor=alice, jurisdiction=j, batch_id=batch.pk, cadre=senior(tree.county_a, "副县长"),
                 place_kind=PlaceKind.COMMUNITY, place=tree.village_a, start_date=date(2025, 4, 1),
                 end_date=date(2025, 4, 2))
    with pytest.raises(ValidationFailed, match="不在您的管辖范围内"):
        stay_add(actor=alice, jurisdiction=j, batch_id=batch.pk, cadre=senior(tree.county_b, "乙县副县长"),
                 place_kind=PlaceKind.ENTERPRISE, place_name="某厂", start_date=date(2025, 4, 1),
                 end_date=date(2025, 4, 2))
    with pytest.raises(NotFound):
        stay_add(actor=carol, jurisdiction=jurisdiction_for(carol), batch_id=batch.pk,
                 cadre=senior(tree.county_b, "乙县干部"), place_kind=PlaceKind.ENTERPRISE, place_name="x",
                 start_date=date(2025, 4, 1), end_date=date(2025, 4, 2))
    enterprise = stay_add(actor=alice, jurisdiction=j, batch_id=batch.pk, cadre=senior(tree.county_a, "副书记"),
                          place_kind=PlaceKind.ENTERPRISE, place_name="  甲县农机厂 ", start_date=date(2025, 4, 1),
                          end_date=date(2025, 4, 1))
    assert (enterprise.place_id, enterprise.place_name, enterprise.days) == (None, "甲县农机厂", 1)


def test_a_day_in_two_stays_is_one_field_day(tree: Tree, alice: User) -> None:
    head = senior(tree.county_a, "县长甲", "C1")
    _stay(alice, tree, head, date(2025, 4, 1), date(2025, 4, 30))
    _stay(alice, tree, head, date(2025, 4, 21), date(2025, 5, 10))  # 10 days overlap
    assert FieldDay.objects.filter(cadre=head).count() == 40


def test_log_day_must_fall_in_the_stay_and_money_is_summed(tree: Tree, alice: User, bob: User) -> None:
    stay = _stay(alice, tree, senior(tree.county_a, "县长甲", "C1"))
    j = jurisdiction_for(alice)
    stay_log_add(actor=alice, jurisdiction=j, stay=stay, day=date(2025, 4, 1), kind=LogKind.DEED,
                 content="修通村道", money=Decimal("2.2"), goods="广播设备")
    stay_log_add(actor=alice, jurisdiction=j, stay=stay, day=date(2025, 4, 30), kind=LogKind.DEED,
                 content="送地膜化肥", money=Decimal("2.7"))
    for day in (date(2025, 3, 31), date(2025, 5, 1)):  # the day before and the day after the stay
        with pytest.raises(ValidationFailed, match="日期应在蹲点期间"):
            stay_log_add(actor=alice, jurisdiction=j, stay=stay, day=day, kind=LogKind.VISIT, content="走访")
    with pytest.raises(NotFound):  # the county's batch is above the township's sight
        stay_log_add(actor=bob, jurisdiction=jurisdiction_for(bob), stay=stay, day=date(2025, 4, 2),
                     kind=LogKind.VISIT, content="走访")
    assert year_figures(j, tree.county_a, 2025).money == Decimal("4.90")


def test_suggestion_reply_deadline_and_overdue_on_the_day_after(tree: Tree, alice: User, carol: User) -> None:
    stay = _stay(alice, tree, senior(tree.county_a, "县长甲", "C1"))
    j = jurisdiction_for(alice)
    suggestion = suggestion_forward(actor=alice, jurisdiction=j, stay=stay, content="建议修建冷库",
                                    department=department(tree.county_a), forwarded_on=date(2025, 5, 1))
    assert suggestion.reply_due == date(2025, 5, 31)  # 30 days
    assert not suggestions_overdue(j, date(2025, 5, 30)).exists()
    assert not suggestions_overdue(j, date(2025, 5, 31)).exists()
    assert list(suggestions_overdue(j, date(2025, 6, 1))) == [suggestion]
    assert not suggestions_overdue(jurisdiction_for(carol), date(2025, 6, 1)).exists()
    with pytest.raises(ValidationFailed, match="转送部门不在您的管辖范围内"):
        suggestion_forward(actor=alice, jurisdiction=j, stay=stay, content="x", department=department(tree.county_b,
                                                                                                   "乙县水利局"))
    suggestion_answer(actor=alice, jurisdiction=j, suggestion_id=suggestion.pk, status=SuggestionStatus.REPLIED,
                      reply="已列入明年计划", replied_on=date(2025, 6, 3))
    assert not suggestions_overdue(j, date(2025, 6, 5)).exists()
    adopted = suggestion_answer(actor=alice, jurisdiction=j, suggestion_id=suggestion.pk,
                                status=SuggestionStatus.ADOPTED, reply="")
    assert (adopted.status, adopted.replied_on, adopted.reply) == ("adopted", date(2025, 6, 3), "已列入明年计划")


@pytest.mark.parametrize(("start", "target"), [
    (s, t) for s, t in product(SuggestionStatus.values, SuggestionStatus.values) if t not in SUGGESTION_ALLOWED[s]])
def test_every_forbidden_suggestion_transition_is_refused(tree: Tree, alice: User, start: str, target: str) -> None:
    stay = _stay(alice, tree, senior(tree.county_a, "县长甲", "C1"))
    suggestion = Suggestion.objects.create(stay=stay, content="x", department=department(tree.county_a),
                                           forwarded_on=date(2025, 5, 1), reply_due=date(2025, 5, 31), status=start)
    with pytest.raises(IllegalTransition):
        suggestion_answer(actor=alice, jurisdiction=jurisdiction_for(alice), suggestion_id=suggestion.pk,
                          status=target, reply="答复", replied_on=date(2025, 5, 2))
    suggestion.refresh_from_db()
    assert suggestion.status == start


def test_engine_finds_a_year_with_too_few_batches(tree: Tree, alice: User, carol: User) -> None:
    _batch(alice, tree.county_a, date(2025, 3, 1))
    _batch(alice, tree.county_a, date(2025, 9, 1))
    _batch(carol, tree.county_b, date(2025, 3, 1))
    _batch(carol, tree.county_b, date(2024, 12, 1))  # the year before
    evaluate(as_of=date(2026, 1, 15), rule="R06", periods=2)
    found = {f.subject_label: (f.status, f.measure, f.detail) for f in Finding.objects.filter(
        rule__code="R06", part="", period_start=date(2025, 1, 1))}
    assert found["甲县"][:2] == ("compliant", 2)
    assert found["乙县"][:2] == ("violated", 1)
    assert "蹲点调研批次 1 批，应不少于 2 批" in found["乙县"][2]
    assert found["示范市"][:2] == ("violated", 0)
    assert set(found) == {"示范省", "示范市", "甲县", "乙县"}


def test_engine_minimum_is_a_rule_parameter(tree: Tree, alice: User) -> None:
    _batch(alice, tree.county_a, date(2025, 3, 1))
    rule_override_set(actor=None, jurisdiction=jurisdiction_for(alice), code="R06", org_unit=tree.county_a,
                      valid_from=date(2025, 1, 1), params={"min_count": 1})
    evaluate(as_of=date(2026, 1, 15), rule="R06", periods=2)
    finding = Finding.objects.get(rule__code="R06", part="", period_start=date(2025, 1, 1), subject_label="甲县")
    assert finding.status == "compliant"


def test_pages_record_a_batch_a_stay_a_log_a_suggestion_and_its_answer(tree: Tree, alice: User) -> None:
    head = senior(tree.county_a, "县长甲", "C1")
    dept = department(tree.county_a)
    client = logged_in(alice)
    response = client.post("/fieldwork/stays/", {"organiser": tree.county_a.pk, "theme": "产业发展",
                                                  "start_date": "2025-04-01", "end_date": "2025-04-30"}, follow=True)
    assert "已新建2025年第1批蹲点调研" in response.content.decode()
    batch_url = response.redirect_chain[-1][0]
    response = client.post(batch_url, {"cadre": head.pk, "place_kind": "village", "place": tree.village_a.pk,
                                       "start_date": "2025-04-01", "end_date": "2025-04-20"}, follow=True)
    body = response.content.decode()
    assert "已登记县长甲到甲村蹲点" in body and "<strong" in body  # 20 days: below the 30 asked for
    stay = FieldStay.objects.get()
    url = f"/fieldwork/stays/{stay.pk}/"
    body = client.post(url, {"form": "log", "day": "2025-04-02", "kind": "deed", "content": "调试广播",
                             "money": "1.3"}, follow=True).content.decode()
    assert "已登记蹲点日志" in body and "调试广播" in body
    body = client.post(url, {"form": "log", "day": "2025-05-02", "kind": "deed", "content": "迟到的日志"}
                       ).content.decode()
    assert "日期应在蹲点期间" in body
    due = timezone.localdate() + timedelta(days=15)
    body = client.post(url, {"form": "suggestion", "content": "建议建设冷库", "department": dept.pk,
                             "reply_due": due.isoformat()}, follow=True).content.decode()
    assert f"已转送甲县农业农村局，答复期限{due:%Y-%m-%d}" in body
    suggestion = Suggestion.objects.get()
    body = client.post(f"/fieldwork/suggestions/{suggestion.pk}/answer/",
                       {"status": "replied", "reply": "已纳入计划", "replied_on": due.isoformat()},
                       follow=True).content.decode()
    assert "已登记：已回复" in body
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.replied_on) == ("replied", due)


def test_pages_by_role(tree: Tree, alice: User, bob: User, carol: User) -> None:
    stay = _stay(alice, tree, senior(tree.county_a, "县长甲", "C1"))
    suggestion = suggestion_forward(actor=alice, jurisdiction=jurisdiction_for(alice), stay=stay, content="建议",
                                    department=department(tree.county_a), forwarded_on=date(2025, 5, 1))
    pages = ["/fieldwork/stays/", f"/fieldwork/stays/batches/{stay.batch_id}/", f"/fieldwork/stays/{stay.pk}/",
             "/fieldwork/suggestions/", f"/fieldwork/suggestions/{suggestion.pk}/answer/"]
    assert [logged_in(alice).get(p).status_code for p in pages] == [200, 200, 200, 200, 200]
    assert [logged_in(bob).get(p).status_code for p in pages] == [403, 403, 403, 403, 403]
    assert [logged_in(carol).get(p).status_code for p in pages] == [200, 404, 404, 200, 404]
    assert "县长甲" not in logged_in(carol).get("/fieldwork/suggestions/").content.decode()
    # a write by someone who may read but not see the row
    assert logged_in(carol).post(f"/fieldwork/stays/{stay.pk}/", {"form": "log"}).status_code == 404


def test_api_creates_and_lists_in_scope(tree: Tree, alice: User, carol: User) -> None:
    head = senior(tree.county_a, "县长甲", "C1")
    dept = department(tree.county_a)
    api = bearer(alice)
    created = api.post("/api/v1/field-batches", json.dumps({
        "organiser_id": tree.county_a.pk, "theme": "基层治理", "start_date": "2025-04-01", "end_date": "2025-04-30"}),
        content_type="application/json")
    assert created.status_code == 201, created.content
    batch_id = created.json()["id"]
    stay = api.post(f"/api/v1/field-batches/{batch_id}/stays", json.dumps({
        "cadre_id": head.pk, "place_kind": "village", "place_id": tree.village_a.pk, "start_date": "2025-04-01",
        "end_date": "2025-04-30"}), content_type="application/json")
    assert stay.status_code == 201 and stay.json()["days"] == 30
    stay_id = stay.json()["id"]
    log = api.post(f"/api/v1/field-stays/{stay_id}/logs", json.dumps({
        "day": "2025-04-03", "kind": "deed", "content": "送化肥", "money": "2.7"}), content_type="application/json")
    assert log.status_code == 201 and Decimal(log.json()["money"]) == Decimal("2.7")
    forwarded = api.post(f"/api/v1/field-stays/{stay_id}/suggestions", json.dumps({
        "content": "建议修路", "department_id": dept.pk, "forwarded_on": "2025-05-01"}),
        content_type="application/json")
    assert forwarded.status_code == 201 and forwarded.json()["reply_due"] == "2025-05-31"
    suggestion_id = forwarded.json()["id"]
    answered = api.post(f"/api/v1/suggestions/{suggestion_id}/answer", json.dumps({
        "status": "adopted", "reply": "采纳", "replied_on": "2025-05-20"}), content_type="application/json")
    assert answered.status_code == 200 and answered.json()["status"] == "adopted"
    again = api.post(f"/api/v1/suggestions/{suggestion_id}/answer", json.dumps({"status": "replied"}),
                     content_type="application/json")
    assert again.status_code == 409
    assert [b["theme"] for b in api.get("/api/v1/field-batches").json()] == ["基层治理"]
    assert [s["cadre"] for s in api.get("/api/v1/field-stays", {"batch_id": batch_id}).json()] == ["县长甲"]
    assert [s["status"] for s in api.get("/api/v1/suggestions").json()] == ["adopted"]
    other = bearer(carol)
    assert other.get("/api/v1/field-batches").json() == []
    assert other.get("/api/v1/field-stays").json() == []
    assert other.get("/api/v1/suggestions").json() == []
    assert other.post(f"/api/v1/field-stays/{stay_id}/logs", json.dumps({
        "day": "2025-04-03", "kind": "deed", "content": "x"}), content_type="application/json").status_code == 404
    assert other.post(f"/api/v1/suggestions/{suggestion_id}/answer", json.dumps({"status": "adopted"}),
                      content_type="application/json").status_code == 404


def test_batch_page_queries_do_not_grow_with_its_stays(tree: Tree, alice: User) -> None:
    batch = _batch(alice, tree.county_a)
    client = logged_in(alice)
    client.get("/fieldwork/stays/")

    def add(n: int) -> None:
        for i in range(n):
            stay_add(actor=alice, jurisdiction=jurisdiction_for(alice), batch_id=batch.pk,  # type: ignore[attr-defined]
                     cadre=senior(tree.county_a, f"干部{FieldStay.objects.count()}-{i}"),
                     place_kind=PlaceKind.ENTERPRISE, place_name="厂", start_date=date(2025, 4, 1),
                     end_date=date(2025, 4, 3))

    add(1)
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/fieldwork/stays/batches/{batch.pk}/").status_code == 200  # type: ignore[attr-defined]
        counts.append(len(ctx.captured_queries))
        add(5)
    assert counts[0] == counts[1]


def test_link_spending_is_totalled_per_village_for_the_year(tree: Tree, alice: User, bob: User,
                                                            carol: User) -> None:
    from zugong.fieldwork.selectors_stays import spending_totals
    from zugong.fieldwork.services.stays import link_spending_record

    j = jurisdiction_for(alice)
    giver = department(tree.county_a, "甲县委组织部")
    for amount, goods, day in ((Decimal("2.2"), "广播设备", date(2025, 3, 1)), (Decimal("1.3"), "", date(2025, 6, 1)),
                               (Decimal("2.7"), "地膜、化肥", date(2025, 9, 1)), (Decimal("9"), "", date(2024, 9, 1))):
        link_spending_record(actor=alice, jurisdiction=j, village=tree.village_a, giver=giver, spent_on=day,
                             amount=amount, goods=goods, purpose="联系点帮扶")
    totals = list(spending_totals(j, 2025))
    assert [(t["village__name"], t["money"], t["times"], t["goods"]) for t in totals] == [
        ("甲村", Decimal("6.20"), 3, 2)]
    with pytest.raises(ValidationFailed, match="请填写资金或物资"):
        link_spending_record(actor=alice, jurisdiction=j, village=tree.village_a, giver=giver,
                             spent_on=date(2025, 1, 1), purpose="x")
    with pytest.raises(ValidationFailed, match="联系点应为村或社区"):
        link_spending_record(actor=alice, jurisdiction=j, village=tree.township_a, giver=giver,
                             spent_on=date(2025, 1, 1), amount=Decimal(1), purpose="x")
    assert list(spending_totals(jurisdiction_for(carol), 2025)) == []
    body = logged_in(alice).post("/fieldwork/spendings/?year=2025", {
        "village": tree.village_a.pk, "giver": giver.pk, "spent_on": "2025-10-01", "amount": "0.8",
        "purpose": "慰问"}, follow=True).content.decode()
    assert "已登记甲村的联系点投入" in body and "资金合计 7.00 万元" in body
    assert logged_in(bob).get("/fieldwork/spendings/").status_code == 403
    api = bearer(alice)
    assert api.get("/api/v1/link-spendings", {"year": 2025}).json()[0]["times"] == 4
    assert bearer(carol).post("/api/v1/link-spendings", json.dumps({
        "village_id": tree.village_a.pk, "giver_id": giver.pk, "spent_on": "2025-01-01", "amount": "1",
        "purpose": "x"}), content_type="application/json").status_code == 404
