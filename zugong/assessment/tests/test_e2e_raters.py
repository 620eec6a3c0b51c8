"""End to end in headless Chromium, in Chinese: the county's org department opens 自评、上级评、同级评 from the
score sheet, sets the weights of a leaf's score, types a peer's and the manager's score forms for one cadre
(the peer picked from the roster with the shared picker: none picked, or one of another unit, refused in
Chinese, nothing saved), reads the blended leaf score and the total, and the score sheet's parts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from zugong.assessment.models import RaterScore
from zugong.e2e import browser, choose_in_picker, click_to_next_page, sign_in, wait_for_text  # noqa: F401

from .test_scores import _scored_campaign


def _fill(driver, element_id: str, text: str) -> None:
    field = driver.find_element(By.ID, element_id)
    field.clear()
    field.send_keys(text)


def _score_form(driver, subject_id: int, role: str, peer, values: dict[int, str]) -> None:
    Select(driver.find_element(By.ID, "id_subject")).select_by_value(str(subject_id))
    Select(driver.find_element(By.ID, "id_role")).select_by_visible_text(role)
    if peer is not None:
        choose_in_picker(driver, "rater_cadre", peer.name, peer.pk)
    for leaf, value in values.items():
        _fill(driver, f"id_i-{leaf}", value)
    click_to_next_page(driver, "zg-rater-save")


@pytest.mark.e2e
def test_the_org_department_weighs_and_types_rater_scores(live_server, browser, world) -> None:  # noqa: F811
    driver = browser
    campaign, ind = _scored_campaign(world)
    subject = campaign.subjects.get(cadre=world.cadres[0])
    sign_in(driver, live_server.url, "alice", "pw-alice")
    driver.get(f"{live_server.url}/assessment/{campaign.pk}/scores/")
    wait_for_text(driver, "h1", "考核得分")
    click_to_next_page(driver, "zg-raters-link")
    wait_for_text(driver, "h1", "自评、上级评、同级评")
    # the weights: 组织评分 60, 自评 0, 上级评 10, 同级评 30
    for field, value in (("id_org", "60"), ("id_self_", "0"), ("id_manager", "10"), ("id_peer", "30")):
        _fill(driver, field, value)
    click_to_next_page(driver, "zg-weights-save")
    wait_for_text(driver, ".zg-messages", "评分权重已保存")
    wait_for_text(driver, "#zg-raters-formula", "同级评（各同级评分人的平均）× 30%")
    # a peer's form without a peer picked is refused in Chinese, and one naming a cadre of another unit too
    _score_form(driver, subject.pk, "同级评", None, {ind["班子"].pk: "80"})
    wait_for_text(driver, "#zg-raters-error", "同级评须从干部名册中选择评分人")
    driver.get(f"{live_server.url}/assessment/{campaign.pk}/raters/")
    _score_form(driver, subject.pk, "同级评", world.cadres[1], {ind["班子"].pk: "80"})
    wait_for_text(driver, "#zg-raters-error", "同级评分人须为考核对象所在单位（丙乡）的干部，干部1所在单位为甲镇")
    assert not RaterScore.objects.exists()
    # 干部2 of 丙乡 as the peer, then the manager's form
    peer = world.cadres[2]
    driver.get(f"{live_server.url}/assessment/{campaign.pk}/raters/")
    _score_form(driver, subject.pk, "同级评", peer, {ind["班子"].pk: "80"})
    wait_for_text(driver, ".zg-messages", "已保存 1 项评分")
    _score_form(driver, subject.pk, "上级评", None, {ind["班子"].pk: "90", ind["廉政"].pk: "1"})
    wait_for_text(driver, ".zg-messages", "已保存 2 项评分")
    # 班子 = (60×0 + 10×90 + 30×80) / 100 = 33; 廉政 = 10×100 / 100 = 10
    cell = f'tr[data-subject="{subject.pk}"][data-indicator="{ind["班子"].pk}"] .zg-blended'
    wait_for_text(driver, cell, "33.00")
    wait_for_text(driver, f'tr[data-subject="{subject.pk}"][data-indicator="{ind["廉政"].pk}"] .zg-blended', "10.00")
    # 党建 = 50×33 / 100 = 16.5; total = (30×16.5 + 50×0 + 20×10) / 100 = 6.95
    wait_for_text(driver, f'tr[data-subject="{subject.pk}"]', "指标总分 6.95")
    assert {(r.indicator_id, r.role, r.rater_cadre_id, r.score) for r in RaterScore.objects.all()} == {
        (ind["班子"].pk, "peer", peer.pk, Decimal("80.00")), (ind["班子"].pk, "manager", None, Decimal("90.00")),
        (ind["廉政"].pk, "manager", None, Decimal("100.00"))}
    # the score sheet shows the blended leaf score with its parts
    click_to_next_page(driver, "zg-back-to-scores")
    wait_for_text(driver, f'#zg-score-sheet tr[data-subject="{subject.pk}"]',
                  "组织 — · 自评 — · 上级 90.00 · 同级 80.00")
