"""End to end in headless Chromium, in Chinese: the county's org department sets the 民主测评 share of a campaign on
the rater scores page and reads the final scores change (there and on the score sheet); a share over 100% is
refused in Chinese and the share kept; a peer rater is picked from the roster with the shared picker — a cadre of
another county is not offered, and one forced into the form is refused in Chinese like one of another unit, nothing
saved — and the peer's score moves the blended leaf score and the final score."""

from __future__ import annotations

from decimal import Decimal

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from zugong.assessment.models import Campaign, CampaignStatus, RaterScore
from zugong.assessment.services.ballots import ballot_cast, ballots_flush, codes_issue, voter_class_weight_set
from zugong.assessment.services.campaigns import campaign_transition
from zugong.assessment.services.raters import score_weights_set
from zugong.assessment.services.scores import scores_set
from zugong.e2e import browser, choose_in_picker, click_to_next_page, sign_in, wait_for_text  # noqa: F401

from .test_scores import _scored_campaign

D = Decimal


def _ballots_then_scoring(world):
    """A campaign whose 民主测评 gives each cadre subject 90 (one 优秀 = 100, one 称职 = 80), now 评分中, with the
    weights 组织评分 50 / 同级评 50, and the org department's scores of 干部0: 班子 90, 廉政 达标."""
    campaign, ind = _scored_campaign(world, CampaignStatus.OPEN)
    row = voter_class_weight_set(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, name="群众代表",
                                 weight=D("100"))
    subjects = list(campaign.subjects.order_by("pk"))
    for code, grade in zip(codes_issue(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk,
                                       voter_class_id=row.voter_class_id, count=2), ("优秀", "称职"), strict=True):
        ballot_cast(code=code, grades={s.pk: (grade if s.kind == "cadre" else "好") for s in subjects})
    ballots_flush(campaign_id=campaign.pk)
    campaign_transition(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, to="scoring")
    score_weights_set(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, org=50, self_=0, manager=0,
                      peer=50)
    subject = campaign.subjects.get(cadre=world.cadres[0])
    scores_set(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, subject_id=subject.pk,
               values={ind["班子"].pk: D("90"), ind["廉政"].pk: D("1")})
    return campaign, ind, subject


def _share(driver, percent: str) -> None:
    field = driver.find_element(By.ID, "id_share")
    field.clear()
    field.send_keys(percent)
    click_to_next_page(driver, "zg-share-save")


def _peer_form(driver, subject_id: int, leaf_id: int, value: str) -> None:
    Select(driver.find_element(By.ID, "id_subject")).select_by_value(str(subject_id))
    Select(driver.find_element(By.ID, "id_role")).select_by_visible_text("同级评")
    field = driver.find_element(By.ID, f"id_i-{leaf_id}")
    field.clear()
    field.send_keys(value)


def _force_peer(driver, cadre_id: int, label: str) -> None:
    """Put a cadre the picker does not offer into the form, as a stale page or a crafted request would."""
    driver.execute_script("const s = document.getElementById('id_rater_cadre'); s.textContent = '';"
                          "s.appendChild(new Option(arguments[1], arguments[0], true, true));", str(cadre_id), label)


@pytest.mark.e2e
def test_the_org_department_sets_the_share_and_picks_a_peer(live_server, browser, world) -> None:  # noqa: F811
    driver = browser
    campaign, ind, subject = _ballots_then_scoring(world)
    row = f'#zg-rater-sheet tr[data-subject="{subject.pk}"]'
    raters_url = f"{live_server.url}/assessment/{campaign.pk}/raters/"
    sign_in(driver, live_server.url, "alice", "pw-alice")
    driver.get(raters_url)
    wait_for_text(driver, "h1", "自评、上级评、同级评")
    # 班子 = 50% × 90 = 45, 廉政 = 50% × 100 = 50; 党建 = 50% × 45 = 22.5; total = 30% × 22.5 + 20% × 50 = 16.75
    wait_for_text(driver, "#zg-share-now", "民主测评占比 0%")
    wait_for_text(driver, row, "指标总分 16.75，最终得分 16.75")
    # the share at 40%: final = 16.75 × 0.6 + 90 × 0.4 = 10.05 + 36 = 46.05
    _share(driver, "40")
    wait_for_text(driver, ".zg-messages", "民主测评占比已保存")
    wait_for_text(driver, "#zg-share-now", "民主测评占比 40%")
    wait_for_text(driver, row, "指标总分 16.75，最终得分 46.05")
    # over 100%: the browser holds the form back; sent anyway, the page refuses it in Chinese, the share kept
    field = driver.find_element(By.ID, "id_share")
    field.clear()
    field.send_keys("120")
    assert driver.execute_script("return arguments[0].validity.rangeOverflow;", field)
    driver.execute_script("document.getElementById('zg-share-form').noValidate = true;")
    click_to_next_page(driver, "zg-share-save")
    wait_for_text(driver, "#zg-share-form", "确保该值小于或等于100")
    assert Campaign.objects.get(pk=campaign.pk).evaluation_share == D("0.400")
    # a cadre of county B is not offered by the picker; forced into the form, it is refused in Chinese
    driver.get(raters_url)
    driver.find_element(By.CSS_SELECTOR, "#id_rater_cadre ~ .zg-picker-search").send_keys(world.zhao_b.name)
    wait_for_text(driver, "#id_rater_cadre-options", "没有找到，请换个关键词")
    _peer_form(driver, subject.pk, ind["班子"].pk, "80")
    _force_peer(driver, world.zhao_b.pk, world.zhao_b.name)
    click_to_next_page(driver, "zg-rater-save")
    wait_for_text(driver, "#zg-rater-form", "同级评分人须从本辖区的干部名册中选择")
    # one of another unit (干部1 of 甲镇; the subject is of 丙乡), picked with the picker, is refused too
    driver.get(raters_url)
    _peer_form(driver, subject.pk, ind["班子"].pk, "80")
    choose_in_picker(driver, "rater_cadre", world.cadres[1].name, world.cadres[1].pk)
    click_to_next_page(driver, "zg-rater-save")
    wait_for_text(driver, "#zg-raters-error", "同级评分人须为考核对象所在单位（丙乡）的干部，干部1所在单位为甲镇")
    assert not RaterScore.objects.exists()
    # 干部2 of 丙乡 as the peer: 班子 = 45 + 50% × 80 = 85; 党建 42.5; total = 12.75 + 10 = 22.75;
    # final = 22.75 × 0.6 + 36 = 49.65
    driver.get(raters_url)
    peer = world.cadres[2]
    _peer_form(driver, subject.pk, ind["班子"].pk, "80")
    choose_in_picker(driver, "rater_cadre", peer.name, peer.pk)
    click_to_next_page(driver, "zg-rater-save")
    wait_for_text(driver, ".zg-messages", "已保存 1 项评分")
    wait_for_text(driver, f'tr[data-subject="{subject.pk}"][data-indicator="{ind["班子"].pk}"] .zg-blended', "85.00")
    wait_for_text(driver, row, "指标总分 22.75，最终得分 49.65")
    # the share down to 25%: final = 22.75 × 0.75 + 90 × 0.25 = 17.0625 + 22.5 = 39.56
    _share(driver, "25")
    wait_for_text(driver, ".zg-messages", "民主测评占比已保存")
    wait_for_text(driver, row, "指标总分 22.75，最终得分 39.56")
    assert [(r.subject_id, r.indicator_id, r.role, r.rater_cadre_id, r.score) for r in RaterScore.objects.all()] == [
        (subject.pk, ind["班子"].pk, "peer", peer.pk, D("80.00"))]
    assert Campaign.objects.get(pk=campaign.pk).evaluation_share == D("0.250")
    # the score sheet reads the same
    click_to_next_page(driver, "zg-back-to-scores")
    wait_for_text(driver, "h1", "考核得分")
    wait_for_text(driver, "body", "最终得分 = 指标总分 × (1 − 25%) + 民主测评得分 × 25%")
    wait_for_text(driver, f'#zg-score-sheet tr[data-subject="{subject.pk}"] .zg-final', "39.56")
