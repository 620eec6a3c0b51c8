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


def _rate(world, campaign, subject, role: str, values: dict, peer=None) -> int:
    return raters.rater_scores_set(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk,
                                   subject_id=subject.pk, role=role, peer=peer, values=values)


def _peers(world):
    """Two cadres of 丙乡, the unit of the subject world.cadres[0]."""
    return world.cadres[2], world.cadres[4]


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
    li, wang = _peers(world)
    _rate(world, campaign, subject, "peer", {ind["班子"].pk: D("70"), ind["任务"].pk: D("20")}, peer=li)
    _rate(world, campaign, subject, "peer", {ind["班子"].pk: D("60")}, peer=wang)
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
    _rate(world, campaign, subject, "peer", {ind["班子"].pk: D("10")}, peer=_peers(world)[0])
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
    assert nameless.value.message == "同级评须从干部名册中选择评分人"
    with pytest.raises(ValidationFailed) as elsewhere:  # 干部1 works in 甲镇, the subject in 丙乡
        _rate(world, campaign, subject, "peer", {ind["班子"].pk: D("60")}, peer=world.cadres[1])
    assert elsewhere.value.message == "同级评分人须为考核对象所在单位（丙乡）的干部，干部1所在单位为甲镇"
    with pytest.raises(ValidationFailed) as own:
        _rate(world, campaign, subject, "peer", {ind["班子"].pk: D("60")}, peer=world.cadres[0])
    assert own.value.message == "考核对象本人不能作为同级评分人（本人评分请选“自评”）"
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
    li, wang = _peers(world)
    _rate(world, campaign, subject, "peer", {ind["班子"].pk: D("50")}, peer=li)  # was 70
    assert _sheet(campaign, subject).raters[ind["班子"].pk]["peer"] == D("55.00")
    assert _rate(world, campaign, subject, "peer", {ind["班子"].pk: None}, peer=wang) == 1
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
    li = _peers(world)[0]
    body = {"subject_id": subject.pk, "role": "peer", "rater_cadre_id": world.cadres[1].pk,
            "values": {str(ind["班子"].pk): "70"}}
    elsewhere = bearer(world.alice).post(f"{base}/rater-scores", body, content_type="application/json")
    assert elsewhere.status_code == 400 and elsewhere.json()["error"]["message"].startswith(
        "同级评分人须为考核对象所在单位（丙乡）的干部")
    other_county = bearer(world.alice).post(f"{base}/rater-scores", {**body, "rater_cadre_id": world.zhao_b.pk},
                                            content_type="application/json")
    assert other_county.status_code == 404
    body["rater_cadre_id"] = li.pk
    saved = bearer(world.alice).post(f"{base}/rater-scores", body, content_type="application/json")
    assert saved.status_code == 200 and saved.json() == {"saved": 1}
    listed = bearer(world.alice).get(f"{base}/rater-scores").json()
    assert [(r["role"], r["rater"], r["rater_cadre_id"], D(r["score"])) for r in listed] == [
        ("peer", li.name, li.pk, D("70"))]
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
    elsewhere = client.post(url, {"form": "scores", "subject": subject.pk, "role": "peer",
                                  "rater_cadre": world.cadres[1].pk, f"i-{ind['班子'].pk}": "80"})
    assert elsewhere.status_code == 400 and "同级评分人须为考核对象所在单位（丙乡）的干部" in elsewhere.content.decode()
    saved = client.post(url, {"form": "scores", "subject": subject.pk, "role": "peer", "rater_cadre": world.cadres[2].pk,
                              f"i-{ind['班子'].pk}": "80"}, follow=True)
    assert "已保存 1 项评分" in saved.content.decode()
    row = saved.content.decode().split(f'data-subject="{subject.pk}" data-indicator="{ind["班子"].pk}"')[1]
    assert '<td class="zg-blended"><strong>24.00</strong>' in row.split("</tr>")[0]  # 30% × 80, no org score


def test_the_evaluation_share_changes_until_publication_audited(world, bob, carol) -> None:
    from zugong.core.models import AuditEvent

    campaign, _ind = _scored_campaign(world)
    base = f"/api/v1/assessments/{campaign.pk}"
    campaign_transition(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, to="rating")
    put = bearer(world.alice).put(f"{base}/evaluation-share", {"share": "0.3"}, content_type="application/json")
    assert put.status_code == 200 and D(put.json()["share"]) == D("0.3")
    assert D(bearer(world.alice).get(f"{base}/evaluation-share").json()["share"]) == D("0.3")
    event = AuditEvent.objects.filter(action="assessment.evaluation_share_set").get()
    assert event.summary == {"from": "0.000", "to": "0.300"}
    for who, status in ((bob, 403), (carol, 404)):
        assert bearer(who).put(f"{base}/evaluation-share", {"share": "0.5"},
                               content_type="application/json").status_code == status
    with pytest.raises(ValidationFailed) as over:
        raters.evaluation_share_set(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk,
                                    share=D("1.2"))
    assert over.value.message == "民主测评占比须在 0 到 100% 之间"
    # the page's form, in percent
    client = logged_in(world.alice)
    done = client.post(f"/assessment/{campaign.pk}/raters/", {"form": "share", "share": "25"}, follow=True)
    assert "民主测评占比已保存" in done.content.decode() and "民主测评占比 25%" in done.content.decode()
    campaign.refresh_from_db()
    assert campaign.evaluation_share == D("0.250")
    campaign.subjects.update(rating="称职")
    campaign_transition(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, to="published")
    late = bearer(world.alice).put(f"{base}/evaluation-share", {"share": "0.1"}, content_type="application/json")
    assert late.status_code == 409 and late.json()["error"]["message"] == "考核已公布，不能再修改民主测评占比"
    assert 'id="zg-share-form"' not in client.get(f"/assessment/{campaign.pk}/raters/").content.decode()


def test_the_scores_api_and_page_show_the_blended_score_and_its_parts(world) -> None:
    campaign, ind, subject = _scored(world)
    body = bearer(world.alice).get(f"/api/v1/assessments/{campaign.pk}/scores").json()
    assert body["weights"] == {"org": 40, "self": 10, "manager": 30, "peer": 20}
    assert body["formula"].startswith("末级指标得分 = 组织评分 × 40% + 自评 × 10% + 上级评 × 30% + 同级评（平均）× 20%")
    row = next(r for r in body["subjects"] if r["subject_id"] == subject.pk)
    assert {k: D(v) for k, v in row["scores"].items()} == {"班子": D("83"), "任务": D("51"), "廉政": D("50"),
                                                           "谈话覆盖": D("0")}
    parts = row["parts"]["班子"]
    assert ({k: D(parts[k]) for k in ("org", "self", "manager", "peer", "score")}
            == {"org": D("90"), "self": D("100"), "manager": D("80"), "peer": D("65"), "score": D("83")})
    assert row["parts"]["任务"]["self"] is None and body["counted"] == ["谈话覆盖"]
    assert (D(row["total"]), D(row["final"])) == (D("47.95"), D("47.95"))
    page = logged_in(world.alice).get(f"/assessment/{campaign.pk}/scores/").content.decode()
    cells = page.split(f'<tr data-subject="{subject.pk}">')[1].split("</tr>")[0]
    assert "<strong>83.00</strong>" in cells and "组织 90.00 · 自评 100.00 · 上级 80.00 · 同级 65.00" in cells
    assert "下表末级指标列为合成后的得分，其下列出各部分" in page


def test_a_subject_never_sees_the_raters_individual_scores(world) -> None:
    """The subject's own leader account (a 领导 of the county: it may read campaigns) sees the campaign and,
    once published, the rating — never a rater's score, a peer's name, the blend, nor the score sheet."""
    from zugong.conftest import make_user
    from zugong.core.models import Role

    campaign, ind, subject = _scored(world)
    li, wang = _peers(world)
    own = make_user("subject", world.tree.county_a, Role.LEADER)
    base = f"/api/v1/assessments/{campaign.pk}"
    for path in ("rater-scores", "scores", "score-weights", "evaluation-share", "evaluation"):
        refused = bearer(own).get(f"{base}/{path}")
        assert refused.status_code == 403, path
    client = logged_in(own)
    for page in ("raters", "scores"):
        assert client.get(f"/assessment/{campaign.pk}/{page}/").status_code == 403
    campaign_transition(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, to="rating")
    campaign.subjects.update(rating="称职")
    campaign_transition(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, to="published")
    detail = client.get(f"/assessment/{campaign.pk}/").content.decode()
    listed = bearer(own).get(f"{base}/subjects").json()
    assert next(s for s in listed if s["id"] == subject.pk)["rating"] == "称职"  # the published result
    for text in (li.name, wang.name, "83.00", "65.00", "47.95", "zg-rater-sheet", "zg-score-sheet", "自评"):
        assert text not in detail, text
    assert all(set(s) & {"scores", "parts", "raters"} == set() for s in listed)
    assert bearer(own).get(f"{base}/rater-scores").status_code == 403  # published: still refused
