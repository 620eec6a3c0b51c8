"""End to end in headless Chromium, in Chinese, on a 375×812 phone: a voter types the code from the slip,
grades every subject and casts the ballot without an account; the code is then spent."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from zugong.assessment.models import Ballot, BallotMark, CampaignStatus, PendingBallot, VotingCode
from zugong.assessment.services.ballots import ballots_flush
from zugong.e2e import horizontal_overflow, phone_browser, wait_for_text  # noqa: F401

from .test_ballots import issue, setup_vote


@pytest.mark.e2e
def test_a_voter_casts_a_ballot_on_a_phone(live_server, phone_browser, world) -> None:  # noqa: F811
    driver = phone_browser
    campaign, classes, subjects = setup_vote(world)
    [code] = issue(world, campaign, classes["群众代表"], 1)
    driver.get(live_server.url + "/m/vote/")
    wait_for_text(driver, "h1", "民主测评")
    assert horizontal_overflow(driver) == 0
    driver.find_element(By.ID, "zg-code").send_keys(code.lower())
    driver.find_element(By.ID, "zg-vote-start").click()
    wait_for_text(driver, "h1", campaign.title)
    assert "投票人类别：群众代表" in driver.page_source
    assert horizontal_overflow(driver) == 0
    for subject, grade in zip(subjects, ("优秀", "基本称职"), strict=True):
        box = driver.find_element(By.ID, f"zg-ballot-{subject.pk}")
        box.find_element(By.CSS_SELECTOR, f"input[value='{grade}']").click()
    driver.find_element(By.ID, "zg-vote-cast").click()
    wait_for_text(driver, "#zg-vote-done", "测评票已提交，感谢参与")
    # one ballot is below a batch: kept pending until more come or the vote closes
    assert VotingCode.objects.get().used and PendingBallot.objects.count() == 1 and not Ballot.objects.exists()
    ballots_flush(campaign_id=campaign.pk)
    assert sorted(BallotMark.objects.values_list("grade", flat=True)) == ["优秀", "基本称职"]
    # the same code again: refused in Chinese
    driver.get(live_server.url + "/m/vote/")
    driver.find_element(By.ID, "zg-code").send_keys(code)
    driver.find_element(By.ID, "zg-vote-start").click()
    wait_for_text(driver, "#zg-vote-error", "测评码无效或已使用")
    assert campaign.status == CampaignStatus.OPEN


@pytest.mark.e2e
def test_the_slips_link_fills_the_code_on_the_phone_and_leaves_no_code_in_the_address(
        live_server, phone_browser, world) -> None:  # noqa: F811
    from zugong.assessment.slips import code_link

    driver = phone_browser
    campaign, classes, _subjects = setup_vote(world)
    [code] = issue(world, campaign, classes["群众代表"], 1)
    # what the QR code on the slip opens
    driver.get(code_link(live_server.url + "/m/vote/", code))
    wait_for_text(driver, "h1", "民主测评")
    field = driver.find_element(By.ID, "zg-code")
    assert field.get_attribute("value") == code
    assert code not in driver.current_url  # dropped from the address bar
    field.submit()
    wait_for_text(driver, "h1", campaign.title)
    assert code not in driver.current_url and "投票人类别：群众代表" in driver.page_source
