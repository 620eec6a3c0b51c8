"""End to end in headless Chromium, in Chinese: township staff record a household visit on a phone
with the date the form fills in (an ISO date the date input accepts), and the org department takes an
order through dispatch and a phone rating that nobody pre-selected, the party member accepting and
completing it with their own account."""

from __future__ import annotations

import pytest
from django.utils import timezone
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from zugong.cadres.models import Cadre
from zugong.e2e import browser, horizontal_overflow, phone_browser, sign_in, wait_for, wait_for_text  # noqa: F401
from zugong.masswork.models import HouseholdVisit, OrderStatus, ServiceOrder
from zugong.masswork.tests.conftest import place


def pick(driver, field_id: str, text: str) -> None:
    """Choose `text` in the search picker of the field `field_id`: typed, then the option that names it
    (not merely the first one shown: the answer to an earlier keystroke may still be on screen)."""
    driver.find_element(By.CSS_SELECTOR, f"#{field_id} ~ .zg-picker-search").send_keys(text)
    option = f"//ul[@id='{field_id}-options']/li[@role='option'][starts-with(@data-label, '{text}')]"

    def chosen(d) -> bool:  # the list is redrawn on every answer: find and click in one go, again if it moved
        try:
            d.find_element(By.XPATH, option).click()
        except WebDriverException:
            return False
        return True

    WebDriverWait(driver, 10).until(chosen)
    wait_for_text(driver, f"#{field_id} ~ .zg-picker-chosen", text)


@pytest.mark.e2e
def test_visit_form_saves_with_the_date_it_fills_in(live_server, phone_browser, tree, bob):  # noqa: F811
    driver = phone_browser
    Cadre.objects.create(name="陈包村", org_unit=tree.township_a)
    sign_in(driver, live_server.url, "bob", "pw-bob")
    driver.get(live_server.url + "/masswork/visits/new/")
    wait_for_text(driver, "h1", "入户走访登记")
    # the date input shows today's date: its value is ISO, which the browser accepts
    assert driver.find_element(By.ID, "id_visited_on").get_attribute("value") == timezone.localdate().isoformat()
    pick(driver, "id_village", "甲村")  # search pickers, not a list of every village and cadre
    pick(driver, "id_cadre", "陈包村")
    driver.find_element(By.ID, "id_household").send_keys("孙家")
    driver.find_element(By.ID, "id_matters").send_keys("孩子上学远")
    driver.find_element(By.CSS_SELECTOR, "#mw-visit-form button[type=submit]").click()
    wait_for_text(driver, ".zg-messages", "走访记录已保存")
    visit = HouseholdVisit.objects.get()
    assert (visit.household, visit.visited_on, visit.ledger_entry is not None) == ("孙家", timezone.localdate(), True)
    assert horizontal_overflow(driver) == 0


@pytest.mark.e2e
def test_order_taken_through_its_steps_on_the_page(live_server, browser, walls, alice):  # noqa: F811
    driver = browser
    order = place(walls.a)
    sign_in(driver, live_server.url, "alice", "pw-alice")
    url = f"{live_server.url}/masswork/orders/{order.pk}/"
    driver.get(url)
    # 派单: the suggestions, best first
    wait_for(driver, "#mw-dispatch")
    assert Select(driver.find_element(By.ID, "mw-member")).first_selected_option.text.startswith("王水工")
    assert driver.find_elements(By.ID, "mw-accept") == []
    driver.find_element(By.CSS_SELECTOR, "#mw-dispatch button").click()
    wait_for_text(driver, "#mw-status", "已派单")
    # 接单 is the member's own act: the staff have no button; the plumber signs in, accepts and completes
    assert driver.find_elements(By.ID, "mw-accept") == []
    driver.delete_all_cookies()
    sign_in(driver, live_server.url, "wang", "pw-wang")
    driver.get(url)
    driver.find_element(By.CSS_SELECTOR, "#mw-accept button").click()
    wait_for_text(driver, "#mw-status", "已接单")
    driver.find_element(By.ID, "mw-report").send_keys("已更换灯泡")
    driver.find_element(By.CSS_SELECTOR, "#mw-complete button").click()
    wait_for_text(driver, "#mw-status", "已办结待评")
    assert driver.find_elements(By.ID, "mw-rate") == []  # the member never rates their own work
    # 电话回访 by the party group (代评)
    driver.delete_all_cookies()
    sign_in(driver, live_server.url, "alice", "pw-alice")
    driver.get(url)
    # 电话回访: nothing is pre-selected, and the browser will not send an empty answer
    rating = Select(driver.find_element(By.ID, "mw-rating"))
    assert rating.first_selected_option.get_attribute("value") == ""
    driver.find_element(By.CSS_SELECTOR, "#mw-rate button").click()
    assert ServiceOrder.objects.get(pk=order.pk).status == OrderStatus.DONE
    rating.select_by_visible_text("基本满意")
    driver.find_element(By.CSS_SELECTOR, "#mw-rate button").click()
    wait_for_text(driver, "#mw-status", "已评单")
    # the timeline speaks Chinese
    timeline = driver.find_element(By.ID, "mw-events").text
    assert all(label in timeline for label in ("待派单", "已派单", "已接单", "已办结待评", "已评单"))
    assert "dispatched" not in timeline
    assert "电话回访代评（登记人 alice）" in timeline
    order.refresh_from_db()
    assert (order.status, order.rating, order.member, order.rated_by) == (OrderStatus.RATED, "basic", walls.plumber,
                                                                           alice)
