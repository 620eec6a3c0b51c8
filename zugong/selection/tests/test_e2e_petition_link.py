"""End to end in headless Chromium, in Chinese: the county's org department opens 问题信息 from the archive, records
a 信访 entry about a cadre (picked with the shared picker) naming the petition record it came from, and reads the
link on the entry; a petition of another county is refused in Chinese with nothing saved, the form kept."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import OrgUnit
from zugong.e2e import (  # noqa: F401
    WAIT_SECONDS,
    browser,
    choose_in_picker,
    click_to_next_page,
    sign_in,
    wait_for_text,
)
from zugong.masswork.models import Petition
from zugong.masswork.services.petitions import petition_receive
from zugong.selection.models import ProblemEntry
from zugong.selection.tests.conftest import World


def _petition(user: User, unit: OrgUnit, subject: str) -> Petition:
    return petition_receive(actor=user, jurisdiction=jurisdiction_for(user), org_unit=unit, channel="letter",
                            petitioner_name="群众甲", subject=subject, content="反映某镇干部作风问题",
                            received_on=date(2026, 3, 1))


def _fill_entry(driver, w: World, petition_id: int) -> None:
    choose_in_picker(driver, "cadre", w.zhang.name, w.zhang.pk)
    Select(driver.find_element(By.ID, "id_source")).select_by_visible_text("信访")
    driver.execute_script("arguments[0].value = '2026-03-02';", driver.find_element(By.ID, "id_received_on"))
    summary = driver.find_element(By.ID, "id_summary")
    summary.clear()
    summary.send_keys("信访反映其作风粗暴")
    number = driver.find_element(By.ID, "id_petition")
    number.clear()
    number.send_keys(str(petition_id))


def _save(driver) -> None:
    """Submit the entry form and wait until the page it left is gone (the answer may hold the same words)."""
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, "#zg-selection-form button[type=submit]").click()

    def gone(_driver) -> bool:
        try:  # chromedriver calls a replaced page stale or "not in the document": gone either way
            old.is_enabled()
        except WebDriverException:
            return True
        return False

    WebDriverWait(driver, WAIT_SECONDS).until(gone, message="the entry form was not answered")


@pytest.mark.e2e
def test_the_org_department_links_a_petition_to_a_problem_entry(live_server, browser, world, carol) -> None:  # noqa: F811
    driver = browser
    ours = _petition(world.alice, world.tree.township_a, "反映甲镇干部问题")
    theirs = _petition(carol, world.tree.county_b, "反映乙县干部问题")
    sign_in(driver, live_server.url, "alice", "pw-alice")
    driver.get(f"{live_server.url}/selection/problems/")
    click_to_next_page(driver, "zg-problem-new")
    wait_for_text(driver, "h1", "登记问题信息")
    # given a petition of county B, which alice does not see: refused in Chinese, nothing saved, the form kept
    _fill_entry(driver, world, theirs.pk)
    _save(driver)
    wait_for_text(driver, "#zg-selection-form",
                  f"未找到编号为 {theirs.pk} 的信访件，或不在您的管辖范围内，不能关联")
    assert not ProblemEntry.objects.exists()
    assert driver.find_element(By.ID, "id_summary").get_attribute("value") == "信访反映其作风粗暴"
    assert driver.find_element(By.ID, "id_cadre").get_attribute("value") == str(world.zhang.pk)
    # when the number is corrected to the petition 甲镇 received
    number = driver.find_element(By.ID, "id_petition")
    number.clear()
    number.send_keys(str(ours.pk))
    _save(driver)
    # then the entry names it, linked to the petition's page
    wait_for_text(driver, ".zg-messages", "问题信息已登记")
    wait_for_text(driver, "h1", "张一的问题信息")
    wait_for_text(driver, "#zg-problem-petition", f"第 {ours.pk} 号信访件（甲镇受理）")
    link = driver.find_element(By.CSS_SELECTOR, "#zg-problem-petition a").get_attribute("href")
    assert link == f"{live_server.url}/masswork/petitions/{ours.pk}/"
    entry = ProblemEntry.objects.get()
    assert (entry.cadre_id, entry.source, entry.petition_id, entry.received_on) == (
        world.zhang.pk, "petition", ours.pk, date(2026, 3, 2))
