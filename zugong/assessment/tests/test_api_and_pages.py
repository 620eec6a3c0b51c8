from __future__ import annotations

import json
from decimal import Decimal

import pytest

from zugong.assessment.models import CampaignStatus
from zugong.conftest import bearer, logged_in, make_user
from zugong.core.models import Role

from .conftest import cadre_interviews, campaign_at


def post(client, path: str, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def test_api_rating_refused_by_r14_answers_409_with_the_reason(world) -> None:
    person = world.cadres[0]
    cadre_interviews(person, 2)
    campaign = campaign_at(world, CampaignStatus.RATING)
    response = post(bearer(world.alice), f"/api/v1/assessments/{campaign.pk}/ratings",
                    {"cadre_id": person.pk, "rating": "优秀"})
    assert response.status_code == 409
    assert response.json()["error"]["message"] == (f"{person.name}：本年度被约谈 2 次：直接评为“基本称职”或“不称职”等次")


def test_api_rating_refused_by_the_quota_answers_409(world) -> None:
    campaign = campaign_at(world, CampaignStatus.RATING, share=Decimal("0.1"))
    client = bearer(world.alice)
    ok = post(client, f"/api/v1/assessments/{campaign.pk}/ratings", {"cadre_id": world.cadres[0].pk, "rating": "优秀"})
    assert ok.status_code == 200 and ok.json()["rating"] == "优秀"
    full = post(client, f"/api/v1/assessments/{campaign.pk}/ratings", {"cadre_id": world.cadres[1].pk, "rating": "优秀"})
    assert full.status_code == 409
    assert full.json()["error"] == {"code": "quota_full",
                                    "message": "“优秀”等次名额已满：共 10 个考核对象，比例 10%，最多 1 个，已评定 1 个"}


def test_api_builds_a_campaign_and_refuses_a_tree_off_100(world) -> None:
    client = bearer(world.alice)
    created = post(client, "/api/v1/assessments", {"org_unit_id": world.tree.county_a.pk, "title": "2026年度考核",
                                                   "kind": "annual", "year": 2026})
    assert created.status_code == 201
    pk = created.json()["id"]
    added = post(client, f"/api/v1/assessments/{pk}/subjects", {"kind": "cadre", "cadre_id": world.cadres[0].pk})
    assert added.status_code == 201 and added.json()["name"] == world.cadres[0].name
    bad = client.put(f"/api/v1/assessments/{pk}/indicators",
                     json.dumps([{"name": "党建", "weight": 30}, {"name": "发展", "weight": 30}]),
                     content_type="application/json")
    assert bad.status_code == 400 and bad.json()["error"]["message"] == "第一级指标权重合计为 60，须为 100"
    good = client.put(f"/api/v1/assessments/{pk}/indicators",
                      json.dumps([{"name": "党建", "weight": 40, "children": [{"name": "班子", "weight": 100}]},
                                  {"name": "发展", "weight": 60, "scoring": "count", "evaluation": "data",
                                   "source": "talk_coverage"}]),
                      content_type="application/json")
    assert good.status_code == 200
    assert [(n["name"], [c["name"] for c in n["children"]]) for n in good.json()] == [("党建", ["班子"]), ("发展", [])]
    opened = post(client, f"/api/v1/assessments/{pk}/transition", {"to": "published"})
    assert opened.status_code == 409 and opened.json()["error"]["message"] == "考核当前为“草稿”，不能转为“已公布”"


def test_another_county_sees_404_and_township_staff_403(world, carol, bob) -> None:
    campaign = campaign_at(world, CampaignStatus.RATING)
    for path in (f"/api/v1/assessments/{campaign.pk}", f"/api/v1/assessments/{campaign.pk}/subjects"):
        assert bearer(carol).get(path).status_code == 404
        assert bearer(bob).get(path).status_code == 403
    refused = post(bearer(carol), f"/api/v1/assessments/{campaign.pk}/ratings",
                   {"cadre_id": world.cadres[0].pk, "rating": "称职"})
    assert refused.status_code == 404
    assert logged_in(carol).get(f"/assessment/{campaign.pk}/").status_code == 404
    assert logged_in(bob).get("/assessment/").status_code == 403
    assert bearer(carol).get("/api/v1/assessments").json() == []


def test_a_leader_sees_ratings_only_once_published(world, tree) -> None:
    leader = make_user("leader", tree.county_a, Role.LEADER)
    campaign = campaign_at(world, CampaignStatus.RATING, cadres=world.cadres[:1], share=Decimal("0"))
    post(bearer(world.alice), f"/api/v1/assessments/{campaign.pk}/ratings",
         {"cadre_id": world.cadres[0].pk, "rating": "称职"})
    rows = bearer(leader).get(f"/api/v1/assessments/{campaign.pk}/subjects").json()
    assert rows[0]["rating"] is None and rows[0]["allowed"] is None
    page = logged_in(leader).get(f"/assessment/{campaign.pk}/").content.decode()
    assert "未公布" in page and "称职" not in page.split("考核对象")[-1].split("考核指标")[0]
    post(bearer(world.alice), f"/api/v1/assessments/{campaign.pk}/transition", {"to": "published"})
    assert bearer(leader).get(f"/api/v1/assessments/{campaign.pk}/subjects").json()[0]["rating"] == "称职"


def test_the_page_shows_why_a_cadre_is_capped_and_rates_through_the_form(world) -> None:
    person = world.cadres[0]
    cadre_interviews(person, 1)
    campaign = campaign_at(world, CampaignStatus.RATING)
    client = logged_in(world.alice)
    page = client.get(f"/assessment/{campaign.pk}/").content.decode()
    assert "本年度被约谈 1 次：不得评为“优秀”等次" in page
    subject = campaign.subjects.get(cadre=person)
    response = client.post(f"/assessment/{campaign.pk}/rate/", {"subject": subject.pk, "rating": "优秀"}, follow=True)
    assert "本年度被约谈 1 次" in response.content.decode()
    subject.refresh_from_db()
    assert subject.rating == ""
    client.post(f"/assessment/{campaign.pk}/rate/", {"subject": subject.pk, "rating": "称职"})
    subject.refresh_from_db()
    assert subject.rating == "称职"


@pytest.mark.parametrize("campaigns", [1, 6])
def test_the_campaign_list_query_count_does_not_grow_with_campaigns(world, django_assert_max_num_queries,
                                                                   campaigns) -> None:
    for _ in range(campaigns):
        campaign_at(world, CampaignStatus.DRAFT, cadres=world.cadres[:3])
    client = logged_in(world.alice)
    client.get("/assessment/")
    with django_assert_max_num_queries(12):  # 12 for 1 and for 6 campaigns: R01 reads its parameters per organising unit
        page = client.get("/assessment/")
    assert page.content.decode().count("2026年度考核") == campaigns
