"""End to end in headless Chromium: an org department imports a 任免审批表 file with preview and
confirmation, finds the cadre by pinyin initials, opens the record and views the full ID number."""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from zugong.cadres.lrmx import write_lrmx
from zugong.cadres.models import Cadre
from zugong.cadres.tests.factories import record
from zugong.conftest import Tree
from zugong.core.models import AccessEvent
from zugong.e2e import browser, choose_in_picker, sign_in, wait_for, wait_for_text  # noqa: F401


@pytest.mark.e2e
def test_import_preview_confirm_then_search_and_open(live_server, browser, tree: Tree, alice,  # noqa: F811
                                                     tmp_path: Path) -> None:
    # given: alice holds the 任免审批表 file of a cadre new to the roster
    person = record(name="欧阳晓峰")
    upload = tmp_path / "欧阳晓峰.lrmx"
    upload.write_bytes(write_lrmx(person))
    sign_in(browser, live_server.url, "alice", "pw-alice")
    # when: she uploads it for 甲镇 and asks for a preview
    browser.get(live_server.url + "/cadres/import/")
    wait_for(browser, "#id_org ~ .zg-picker-search")
    choose_in_picker(browser, "org", "甲镇", tree.township_a.pk)  # the unit picker
    wait_for_text(browser, "#id_org ~ .zg-picker-chosen", "甲镇")
    browser.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(upload))
    browser.find_element(By.CSS_SELECTOR, "#zg-import-upload button[type=submit]").click()
    # then: the preview names the person as new, and nothing is saved yet
    wait_for_text(browser, "#zg-import-preview", "欧阳晓峰")
    assert "新增" in browser.find_element(By.ID, "zg-import-preview").text
    assert not Cadre.objects.exists()
    # when: she confirms
    browser.find_element(By.CSS_SELECTOR, "#zg-import-confirm button").click()
    wait_for_text(browser, "main", "已导入 1 人，更新 0 人")
    # then: the cadre is found by pinyin initials, the ID number masked in the list
    browser.get(live_server.url + "/cadres/?q=oyxf")
    wait_for_text(browser, "#zg-cadres", "欧阳晓峰")
    masked = f"{person.id_number[:6]}********{person.id_number[-4:]}"
    assert masked in browser.find_element(By.ID, "zg-cadres").text
    assert person.id_number not in browser.page_source
    # when: she opens the record and asks for the full ID number
    browser.find_element(By.LINK_TEXT, "欧阳晓峰").click()
    wait_for_text(browser, "h1", "欧阳晓峰")
    assert "示范大学法律系法学专业学习" in browser.find_element(By.ID, "resume").text
    browser.find_element(By.PARTIAL_LINK_TEXT, "查看完整号码").click()
    wait_for_text(browser, "#zg-id-number", person.id_number)
    # then: the full view was logged
    assert AccessEvent.objects.filter(user=alice, field="id_number").count() == 1
