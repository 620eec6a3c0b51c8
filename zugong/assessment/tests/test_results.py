"""Published results for the org side and the selection module: team and unit ratings of published campaigns
(scoped by the assessed unit), 岗位调整建议 recorded on published results, and a campaign's published results
page and API (409 before publication; ratings only, no score)."""

from __future__ import annotations

from decimal import Decimal

from zugong.assessment import selectors_results as read
from zugong.assessment.models import CampaignStatus
from zugong.assessment.services import campaigns as svc
from zugong.assessment.services.ratings import rating_set
from zugong.assessment.services.uses import result_use_record
from zugong.conftest import bearer, logged_in, make_user
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import Role

from .conftest import campaign_at
from .test_uses import DAY


def _published(world):
    tree = world.tree
    people = world.cadres[:2]
    campaign = campaign_at(world, CampaignStatus.RATING, cadres=people, teams=(tree.township_a, tree.township_a2),
                           share=Decimal("0.5"))
    subjects = list(campaign.subjects.all())
    marks = {people[0].pk: "称职", people[1].pk: "不称职"}
    teams = {tree.township_a.pk: "好", tree.township_a2.pk: "一般"}
    for s in subjects:
        rating = marks[s.cadre_id] if s.cadre_id else teams[s.org_unit_id]
        rating_set(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, subject_id=s.pk, rating=rating)
    return campaign, {s.cadre_id or s.org_unit_id: s for s in subjects}


def test_team_ratings_and_post_adjustments_once_published(world) -> None:
    tree = world.tree
    campaign, subjects = _published(world)
    assert read.team_ratings(world.ja) == [] and read.post_adjustment_proposals(world.ja) == []  # not yet published
    svc.campaign_transition(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, to="published")
    got = [(r.org_unit, r.kind, r.rating, r.campaign_id, r.year) for r in read.team_ratings(world.ja)]
    assert got == [("甲镇", "team", "好", campaign.pk, 2026), ("丙乡", "team", "一般", campaign.pk, 2026)]
    # a township's own account sees its own team's rating, not the other township's
    township = make_user("tl", tree.township_a, Role.LEADER)
    assert [r.org_unit for r in read.team_ratings(jurisdiction_for(township))] == ["甲镇"]
    assert read.team_ratings(world.ja, year=2025) == []
    assert [r.org_unit for r in read.team_ratings(world.ja, under=tree.township_a2)] == ["丙乡"]
    incompetent = subjects[world.cadres[1].pk]
    result_use_record(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, subject_id=incompetent.pk,
                      kind="post_adjustment", decided_on=DAY, note="建议调整岗位")
    proposals = read.post_adjustment_proposals(world.ja)
    assert [(p.cadre_id, p.rating, p.decided_on, p.note, p.campaign_id) for p in proposals] == [
        (world.cadres[1].pk, "不称职", DAY, "建议调整岗位", campaign.pk)]
    assert read.post_adjustment_proposals(jurisdiction_for(make_user("c", tree.county_b, Role.ORG_ADMIN))) == []


def test_the_results_page_and_api(world, carol) -> None:
    campaign, _subjects = _published(world)
    leader = make_user("leader", world.tree.county_a, Role.LEADER)
    base = f"/api/v1/assessments/{campaign.pk}"
    early = bearer(leader).get(f"{base}/results")
    assert early.status_code == 409 and early.json()["error"]["message"] == "考核当前为“定等次”，结果尚未公布"
    page = logged_in(leader).get(f"/assessment/{campaign.pk}/results/")
    assert page.status_code == 409 and "结果尚未公布" in page.content.decode()
    svc.campaign_transition(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, to="published")
    body = bearer(leader).get(f"{base}/results").json()
    assert [(r["kind"], r["name"], r["rating"]) for r in body["results"]] == [
        ("cadre", world.cadres[1].name, "不称职"), ("cadre", world.cadres[0].name, "称职"),  # 甲镇 before 丙乡
        ("team", "甲镇", "好"), ("team", "丙乡", "一般")]
    assert set(body["results"][0]) == {"subject_id", "kind", "name", "cadre_id", "org_unit_id", "rating"}
    html = logged_in(leader).get(f"/assessment/{campaign.pk}/results/").content.decode()
    teams = html.split('id="zg-team-results"')[1].split("</table>")[0]
    assert "甲镇" in teams and "好" in teams and "一般" in teams
    assert 'id="zg-results-link"' in logged_in(leader).get(f"/assessment/{campaign.pk}/").content.decode()
    ratings = f"/api/v1/org-units/{world.tree.county_a.pk}/assessment-ratings"
    teams_api = bearer(leader).get(f"{ratings}?year=2026").json()
    assert [(r["org_unit"], r["rating"]) for r in teams_api] == [("甲镇", "好"), ("丙乡", "一般")]
    assert bearer(leader).get(f"{ratings}?year=2025").json() == []
    one = bearer(leader).get(f"/api/v1/org-units/{world.tree.township_a.pk}/assessment-ratings").json()
    assert [(r["org_unit"], r["rating"], r["campaign_id"]) for r in one] == [("甲镇", "好", campaign.pk)]
    assert bearer(carol).get(f"{base}/results").status_code == 404
    assert bearer(carol).get(ratings).status_code == 404
