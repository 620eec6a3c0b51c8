"""Rater scores: 自评, 上级评 and each peer's 同级评 per typed leaf, blended with the org department's score by
the campaign's four weights (totalling 100, set until rating starts); by hand, through the services, the API
(403 / 404 / 409 / 400) and the page."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zugong.assessment import selectors
from zugong.assessment.models import RaterScore
from zugong.assessment.services import raters, scores
from zugong.assessment.services.campaigns import campaign_transition
from zugong.conftest import bearer, logged_in
from zugong.core.errors import IllegalTransition, ValidationFailed

from .test_scores import _scored_campaign

D = Decimal


def _rate(world, campaign, subject, role: str, values: dict, rater: str = "") -> int:
    return raters.rater_scores_set(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk,
                                   subject_id=subject.pk, role=role, rater=rater, values=values)


def _weights(world, campaign, org: int, self_: int, manager: int, peer: int):
    return raters.score_weights_set(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, org=org,
                                    self_=self_, manager=manager, peer=peer)


def _sheet(campaign, subject):
    return next(s for s in selectors.score_sheet(campaign)[1] if s.subject_id == subject.pk)


def _scored(world):
    """org 40 / self 10 / manager 30 / peer 20, and the scores the tests below add up by hand."""
    campaign, ind = _scored_campaign(world)
    subject = campaign.subjects.get(cadre=world.cadres[0])
    scores.scores_set(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, subject_id=subject.pk,
                      values={ind["班子"].pk: D("90"), ind["任务"].pk: D("12.5"), ind["廉政"].pk: D("1")})
    _weights(world, campaign, 40, 10, 30, 20)
    _rate(world, campaign, subject, "self", {ind["班子"].pk: D("100"), ind["廉政"].pk: D("1")})
    _rate(world, campaign, subject, "manager", {ind["班子"].pk: D("80"), ind["廉政"].pk: D("0")})
    _rate(world, campaign, subject, "peer", {ind["班子"].pk: D("70"), ind["任务"].pk: D("20")}, rater="李四")
    _rate(world, campaign, subject, "peer", {ind["班子"].pk: D("60")}, rater="王五")
    campaign.refresh_from_db()  # the weights were saved on the service's locked row
    return campaign, ind, subject


def test_a_leaf_blends_the_four_scores_by_the_campaigns_weights(world) -> None:
    campaign, ind, subject = _scored(world)
    sheet = _sheet(campaign, subject)
    # 班子 = (40×90 + 10×100 + 30×80 + 20×mean(70, 60)) / 100 = (3600 + 1000 + 2400 + 1300) / 100 = 83
    # 任务 (扣分) = (40×87.5 + 20×(100 − 20)) / 100 = 51 — no 自评 or 上级评: they count 0
    # 廉政 (达标) = (40×100 + 10×100 + 30×0) / 100 = 50; 谈话覆盖 (按数据计数) = its data score alone: 0
    assert sheet.blended == {ind["班子"].pk: D("83.00"), ind["任务"].pk: D("51.00"), ind["廉政"].pk: D("50.00"),
                             ind["谈话覆盖"].pk: D("0")}
    assert sheet.raters[ind["班子"].pk] == {"self": D("100.00"), "manager": D("80.00"), "peer": D("65.00")}
    # 党建 = (50×83 + 50×0) / 100 = 41.5; total = (30×41.5 + 50×51 + 20×50) / 100 = 47.95
    assert sheet.node_scores[ind["党建"].pk] == D("41.50") and sheet.total == D("47.95") == sheet.final


def test_the_default_weights_keep_the_org_score_alone(world) -> None:
    campaign, ind = _scored_campaign(world)
    subject = campaign.subjects.get(cadre=world.cadres[0])
    scores.scores_set(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, subject_id=subject.pk,
                      values={ind["班子"].pk: D("90"), ind["任务"].pk: D("12.5"), ind["廉政"].pk: D("1")})
    _rate(world, campaign, subject, "peer", {ind["班子"].pk: D("10")}, rater="李四")
    assert (campaign.org_weight, campaign.self_weight, campaign.manager_weight, campaign.peer_weight) == (100, 0, 0, 0)
    assert _sheet(campaign, subject).total == D("77.25")  # as test_scores computes it without raters


def test_refusals(world) -> None:
    campaign, ind = _scored_campaign(world)
    subject = campaign.subjects.get(cadre=world.cadres[0])
    with pytest.raises(ValidationFailed) as off:
        _weights(world, campaign, 40, 10, 30, 10)
    assert off.value.message == "组织评分、自评、上级评、同级评的权重合计为 90，须为 100"
    with pytest.raises(ValidationFailed) as nameless:
        _rate(world, campaign, subject, "peer", {ind["班子"].pk: D("60")})
    assert nameless.value.message == "同级评须填写评分人姓名"
    with pytest.raises(ValidationFailed) as data:
        _rate(world, campaign, subject, "self", {ind["谈话覆盖"].pk: D("60")})
    assert data.value.message == "指标“谈话覆盖”按系统数据计分，不由评分人打分"
    with pytest.raises(ValidationFailed) as range_:
        _rate(world, campaign, subject, "self", {ind["班子"].pk: D("101")})
    assert range_.value.message == "指标“班子”的得分须在 0 到 100 之间"
    assert not RaterScore.objects.exists()
    campaign_transition(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, to="rating")
    with pytest.raises(IllegalTransition) as late:
        _weights(world, campaign, 50, 0, 50, 0)
    assert late.value.message == "考核已定等次，不能再修改评分权重"
    with pytest.raises(IllegalTransition):
        _rate(world, campaign, subject, "self", {ind["班子"].pk: D("60")})


def test_a_peer_scores_again_replacing_and_null_clears(world) -> None:
    campaign, ind, subject = _scored(world)
    _rate(world, campaign, subject, "peer", {ind["班子"].pk: D("50")}, rater="李四")  # was 70
    assert _sheet(campaign, subject).raters[ind["班子"].pk]["peer"] == D("55.00")
    assert _rate(world, campaign, subject, "peer", {ind["班子"].pk: None}, rater="王五") == 1
    assert _sheet(campaign, subject).raters[ind["班子"].pk]["peer"] == D("50.00")


def test_the_api_sets_weights_and_scores_scoped_and_permission_checked(world, bob, carol) -> None:
    campaign, ind = _scored_campaign(world)
    subject = campaign.subjects.get(cadre=world.cadres[0])
    base = f"/api/v1/assessments/{campaign.pk}"
    weights = {"org": 50, "self": 10, "manager": 20, "peer": 20}
    put = bearer(world.alice).put(f"{base}/score-weights", weights, content_type="application/json")
    assert put.status_code == 200 and put.json() == weights
    off = bearer(world.alice).put(f"{base}/score-weights", {**weights, "peer": 30}, content_type="application/json")
    assert off.status_code == 400 and off.json()["error"]["message"].endswith("合计为 110，须为 100")
    body = {"subject_id": subject.pk, "role": "peer", "rater": "李四", "values": {str(ind["班子"].pk): "70"}}
    saved = bearer(world.alice).post(f"{base}/rater-scores", body, content_type="application/json")
    assert saved.status_code == 200 and saved.json() == {"saved": 1}
    listed = bearer(world.alice).get(f"{base}/rater-scores").json()
    assert [(r["role"], r["rater"], D(r["score"])) for r in listed] == [("peer", "李四", D("70"))]
    assert bearer(world.alice).get(f"{base}/score-weights").json() == weights
    # bob (township staff) 403, carol (county B) 404 — nothing changed
    for who, status in ((bob, 403), (carol, 404)):
        assert bearer(who).put(f"{base}/score-weights", weights, content_type="application/json").status_code == status
        assert bearer(who).post(f"{base}/rater-scores", body, content_type="application/json").status_code == status
    assert bearer(carol).get(f"{base}/rater-scores").status_code == 404
    assert RaterScore.objects.count() == 1
    late = bearer(world.alice).post(f"{base}/transition", {"to": "rating"},
                                    content_type="application/json")
    assert late.status_code == 200
    refused = bearer(world.alice).put(f"{base}/score-weights", weights, content_type="application/json")
    assert refused.status_code == 409 and refused.json()["error"]["message"] == "考核已定等次，不能再修改评分权重"


def test_the_page_saves_weights_and_a_raters_form(world) -> None:
    campaign, ind = _scored_campaign(world)
    subject = campaign.subjects.get(cadre=world.cadres[0])
    client = logged_in(world.alice)
    url = f"/assessment/{campaign.pk}/raters/"
    page = client.get(url).content.decode()
    assert 'id="zg-weights-form"' in page and 'id="zg-rater-form"' in page and "组织评分 × 100%" in page
    off = client.post(url, {"form": "weights", "org": "60", "self_": "0", "manager": "0", "peer": "30"})
    assert off.status_code == 400 and "权重合计为 90，须为 100" in off.content.decode()
    done = client.post(url, {"form": "weights", "org": "70", "self_": "0", "manager": "0", "peer": "30"},
                       follow=True)
    assert "评分权重已保存" in done.content.decode()
    saved = client.post(url, {"form": "scores", "subject": subject.pk, "role": "peer", "rater": "李四",
                              f"i-{ind['班子'].pk}": "80"}, follow=True)
    assert "已保存 1 项评分" in saved.content.decode()
    row = saved.content.decode().split(f'data-subject="{subject.pk}" data-indicator="{ind["班子"].pk}"')[1]
    assert '<td class="zg-blended"><strong>24.00</strong>' in row.split("</tr>")[0]  # 30% × 80, no org score
