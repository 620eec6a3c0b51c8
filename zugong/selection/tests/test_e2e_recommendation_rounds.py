"""In headless Chromium, in Chinese: the org department admin records a 会议推荐 vote and a 谈话推荐 vote through
the vote form's 推荐方式, closes 民主推荐 with both rounds' ballots, and reads both rounds in the record; the
shortlist table shows each round's votes and rank."""

from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.by import By

from zugong.e2e import browser, sign_in, wait_for, wait_for_text  # noqa: F401
from zugong.selection.models import RecommendationVote, Stage
from zugong.selection.tests.conftest import World, open_selection
from zugong.selection.tests.test_e2e_selection import _fill, _pick, _submit


@pytest.mark.e2e
def test_org_admin_enters_a_talk_recommendation_round_in_chinese(live_server: Any, browser: Any,  # noqa: F811
                                                                 world: World) -> None:
    # given: a selection at 民主推荐
    s = open_selection(world)
    driver = browser
    sign_in(driver, live_server.url, "alice", "pw-alice")
    driver.get(f"{live_server.url}/selection/{s.pk}/")
    wait_for(driver, "#zg-step-votes")
    # when: a 会议推荐 vote (the default) and a 谈话推荐 vote are recorded
    _pick(driver, "cadre", "张一")
    _fill(driver, {"votes": 35})
    _submit(driver, "#zg-step-votes")
    wait_for_text(driver, "#zg-votes-meeting", "张一 35")
    _fill(driver, {"kind": "talk"})
    _pick(driver, "cadre", "张一")
    _fill(driver, {"votes": 16})
    _submit(driver, "#zg-step-votes")
    wait_for_text(driver, "#zg-votes-talk", "张一 16")
    assert "谈话推荐得票" in driver.find_element(By.ID, "zg-votes-talk").text
    # and: 民主推荐 closes with both rounds' ballots
    _fill(driver, {"eligible": 40, "issued": 40, "returned": 39, "valid": 38,
                   "talk_eligible": 20, "talk_issued": 20, "talk_returned": 20, "talk_valid": 19})
    _submit(driver, "#zg-step-recommendation")
    # then: the record names both rounds, and the shortlist table each round's votes and rank
    wait_for_text(driver, "#stage-recommendation", "应参加 20 人，发出 20 票，收回 20 票，有效 19 票；得票：张一 16")
    wait_for_text(driver, "#zg-shortlist", "谈话推荐 16（第 1 名）")
    assert "会议推荐 35（第 1 名）" in driver.find_element(By.ID, "zg-shortlist").text
    assert sorted(RecommendationVote.objects.values_list("kind", "votes")) == [("meeting", 35), ("talk", 16)]
    s.refresh_from_db()
    assert s.stage == Stage.SHORTLIST and s.records.get(stage=Stage.RECOMMENDATION).data["talk"]["valid"] == 19
