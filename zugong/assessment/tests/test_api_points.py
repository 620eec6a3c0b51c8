"""The API of the points cards (R32) and of the uses of published results: the same services as the pages,
scoped (another county's rows are 404), permission-checked (403 for a role without the action), refusals
in Chinese with `{"error": {"code", "message"}}`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from zugong.assessment.models import ResultUse
from zugong.assessment.models_points import EntryStatus, PointEntry
from zugong.conftest import bearer, make_user
from zugong.core.models import AuditEvent, Role
from zugong.masswork.models import HouseholdVisit
from zugong.talks.models import SupervisionAction

from .test_uses import _published

DAY = date(2026, 2, 3)


def _item(world, client=None, **extra):
    body = {"org_unit_id": world.tree.county_a.pk, "name": "撰写调研报告", "points": "5", **extra}
    return (client or bearer(world.alice)).post("/api/v1/points/items", body, content_type="application/json")


def _entry(client, item_id: int, cadre_id: int, **extra):
    body = {"item_id": item_id, "cadre_id": cadre_id, "on": DAY.isoformat(), "quantity": "2",
            "evidence": "调研报告一篇（附件）", **extra}
    return client.post("/api/v1/points/entries", body, content_type="application/json")


def test_items_are_set_by_the_org_department_and_read_below_it(world, bob, carol) -> None:
    created = _item(world)
    assert created.status_code == 201
    item = created.json()
    assert (item["name"], Decimal(item["points"]), item["org_unit"]) == ("撰写调研报告", Decimal("5"), "甲县")
    # the township reads its county's items; another county does not
    assert [i["id"] for i in bearer(bob).get("/api/v1/points/items").json()] == [item["id"]]
    assert bearer(carol).get("/api/v1/points/items").json() == []
    # a township may not set items; another county may not set them in county A
    refused = _item(world, bearer(bob))
    assert refused.status_code == 403
    assert _item(world, bearer(carol)).status_code == 404
    assert _item(world, name="").status_code in (400, 422)


def test_an_entry_is_recorded_with_evidence_and_approved_by_someone_else(world, bob, carol) -> None:
    item_id = _item(world).json()["id"]
    person = world.cadres[1]  # township A: bob's
    # when: bob records two reports
    created = _entry(bearer(bob), item_id, person.pk)
    assert created.status_code == 201
    entry = created.json()
    assert (entry["status"], Decimal(entry["points"]), entry["cadre"]) == ("pending", Decimal("10"), person.name)
    # refusals: no evidence, a cadre of another county, approval by the township, by carol, twice
    empty = _entry(bearer(bob), item_id, person.pk, evidence=" ")
    assert empty.status_code == 400 and empty.json()["error"]["message"] == "请填写佐证材料"
    assert _entry(bearer(bob), item_id, world.zhao_b.pk).status_code == 404
    decide = f"/api/v1/points/entries/{entry['id']}/decision"
    assert bearer(bob).post(decide, {"approve": True}, content_type="application/json").status_code == 403
    assert bearer(carol).post(decide, {"approve": True}, content_type="application/json").status_code == 404
    approved = bearer(world.alice).post(decide, {"approve": True}, content_type="application/json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    again = bearer(world.alice).post(decide, {"approve": False, "note": "重复"}, content_type="application/json")
    assert again.status_code == 409 and again.json()["error"]["message"] == "该积分记录已审核，不能再审核"
    assert PointEntry.objects.get().status == EntryStatus.APPROVED
    # then: listed and totalled for the quarter; another county sees nothing
    rows = bearer(world.alice).get("/api/v1/points/entries?status=approved&period=2026Q1").json()
    assert [r["id"] for r in rows] == [entry["id"]]
    assert bearer(carol).get("/api/v1/points/entries").json() == []
    totals = bearer(bob).get("/api/v1/points/totals?period=2026Q1").json()
    assert [{**t, "total": Decimal(t["total"])} for t in totals] == [
        {"cadre_id": person.pk, "name": person.name, "unit_id": person.org_unit_id, "unit": person.org_unit.name,
         "total": Decimal("10"), "rank": 1}]


def test_one_may_not_approve_ones_own_entry_and_a_rejection_needs_a_reason(world) -> None:
    item_id = _item(world).json()["id"]
    entry = _entry(bearer(world.alice), item_id, world.cadres[0].pk).json()
    decide = f"/api/v1/points/entries/{entry['id']}/decision"
    own = bearer(world.alice).post(decide, {"approve": True}, content_type="application/json")
    assert own.status_code == 409 and own.json()["error"]["message"] == "不能审核自己登记的积分"
    other = make_user("alice2", world.tree.county_a, Role.ORG_ADMIN)
    bare = bearer(other).post(decide, {"approve": False}, content_type="application/json")
    assert bare.status_code == 400 and bare.json()["error"]["message"] == "不通过须写明理由"


def test_a_bad_period_is_refused_in_chinese(world) -> None:
    refused = bearer(world.alice).get("/api/v1/points/totals?period=2026Q5")
    assert refused.status_code == 400 and refused.json()["error"]["message"] == "期间格式为 2026、2026Q1 或 2026-03"


def test_fill_from_data_through_the_api_counts_the_period_once(world, bob, carol) -> None:
    # given: a 入户走访 item of county A and a township cadre's three visits in 2026Q1 (one in Q2)
    person = world.cadres[1]
    item = _item(world, name="入户走访", points="2", source="visits").json()
    for on in (date(2026, 1, 2), date(2026, 2, 3), date(2026, 3, 4), date(2026, 4, 1)):
        HouseholdVisit.objects.create(org_unit=world.tree.village_a, cadre=person, household="张家", visited_on=on)
    body = {"org_unit_id": world.tree.county_a.pk, "period": "2026Q1"}
    # when: the county's org department fills the quarter, twice
    for _ in range(2):
        filled = bearer(world.alice).post("/api/v1/points/fill", body, content_type="application/json")
        assert filled.status_code == 200
        assert filled.json() == {"org_unit_id": world.tree.county_a.pk, "period": "2026Q1", "start": "2026-01-01",
                                 "end": "2026-03-31", "entries": 1}
    # then: one automatic, approved entry of 3 visits × 2 points (replaced, not doubled)
    [entry] = PointEntry.objects.all()
    assert (entry.item_id, entry.cadre_id, entry.quantity, entry.points, entry.status, entry.auto) == (
        item["id"], person.pk, Decimal("3"), Decimal("6.00"), EntryStatus.APPROVED, True)
    # refusals: township staff and a leader 403, another county 404, a bad period 400 — nothing written
    leader = make_user("leader", world.tree.county_a, Role.LEADER)
    for who, status in ((bob, 403), (leader, 403), (carol, 404)):
        refused = bearer(who).post("/api/v1/points/fill", body, content_type="application/json")
        assert refused.status_code == status, who
    assert bearer(bob).post("/api/v1/points/fill", body, content_type="application/json").json()["error"][
        "message"].startswith("您没有")
    bad = bearer(world.alice).post("/api/v1/points/fill", {**body, "period": "2026Q5"},
                                   content_type="application/json")
    assert bad.status_code == 400 and bad.json()["error"]["message"] == "期间格式为 2026、2026Q1 或 2026-03"
    assert PointEntry.objects.count() == 1
    assert AuditEvent.objects.filter(action="assessment.points_fill").count() == 2


def test_uses_of_a_published_result_through_the_api(world, bob, carol) -> None:
    campaign, (excellent, competent, basic, _incompetent) = _published(world)
    url = f"/api/v1/assessments/{campaign.pk}/uses"

    def post(client, subject, kind: str):
        return client.post(url, {"subject_id": subject.pk, "kind": kind, "decided_on": "2026-12-20",
                                 "note": "年度考核结果运用"}, content_type="application/json")

    made = post(bearer(world.alice), excellent, "commendation")
    assert made.status_code == 201 and made.json()["kind_label"] == "表彰" and made.json()["rating"] == "优秀"
    admonished = post(bearer(world.alice), basic, "admonishment")
    assert admonished.status_code == 201
    assert admonished.json()["supervision_action_id"] == SupervisionAction.objects.get().pk
    # refused with the reason; another county 404; the township 403; once per use
    wrong = post(bearer(world.alice), competent, "commendation")
    assert wrong.status_code == 409
    assert wrong.json()["error"]["message"] == f"“表彰”只适用于评为“好”或“优秀”的考核对象（{competent.name}为“称职”）"
    assert post(bearer(carol), excellent, "priority_use").status_code == 404
    assert post(bearer(bob), excellent, "priority_use").status_code == 403
    assert post(bearer(world.alice), excellent, "commendation").status_code == 409
    assert ResultUse.objects.count() == 2
    listed = bearer(world.alice).get(url).json()
    assert [(u["subject_id"], u["kind"]) for u in listed] == [(excellent.pk, "commendation"),
                                                              (basic.pk, "admonishment")]
    assert bearer(carol).get(url).status_code == 404
    leader = make_user("leader", world.tree.county_a, Role.LEADER)
    assert bearer(leader).get(url).status_code == 403  # the uses are the campaign staff's


def test_uses_before_publication_are_refused(world) -> None:
    from zugong.assessment.models import CampaignStatus

    from .conftest import campaign_at

    campaign = campaign_at(world, CampaignStatus.RATING, cadres=world.cadres[:1])
    refused = bearer(world.alice).post(f"/api/v1/assessments/{campaign.pk}/uses",
                                       {"subject_id": campaign.subjects.get().pk, "kind": "commendation",
                                        "decided_on": "2026-12-20"}, content_type="application/json")
    assert refused.status_code == 409 and refused.json()["error"]["message"] == "考核结果公布后才能运用"
