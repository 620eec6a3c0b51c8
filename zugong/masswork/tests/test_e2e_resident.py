"""End to end, on a 375×812 phone in headless Chromium: a resident places an order on the public
page, follows it with the tracking code, and rates it once the member has handled it."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from zugong.core.jurisdiction import jurisdiction_for
from zugong.e2e import horizontal_overflow, phone_browser, wait_for, wait_for_text  # noqa: F401
from zugong.masswork.models import OrderStatus, ServiceOrder
from zugong.masswork.services import orders as svc
from zugong.masswork.tests.conftest import accept


@pytest.mark.e2e
def test_resident_places_and_rates_an_order_on_a_phone(live_server, phone_browser, walls, alice):  # noqa: F811
    driver = phone_browser
    # given: the public page, no account
    driver.get(live_server.url + "/m/")
    wait_for_text(driver, "h1", "民心墙")
    assert horizontal_overflow(driver) == 0
    # when: the resident chooses the county, then the community (links, no long list), and places an order
    driver.find_element(By.LINK_TEXT, "甲县").click()
    wait_for(driver, "#mw-communities")
    assert "乙社区" not in driver.find_element(By.ID, "mw-communities").text
    driver.find_element(By.LINK_TEXT, "甲社区").click()
    wall = Select(wait_for(driver, "#id_wall"))
    assert [o.text for o in wall.options] == ["甲社区民心墙"]  # the community's one wall, already chosen
    driver.find_element(By.ID, "id_resident_name").send_keys("张三丰")
    driver.find_element(By.ID, "id_resident_phone").send_keys("13800138000")
    Select(driver.find_element(By.ID, "id_category")).select_by_value("repair")
    driver.find_element(By.ID, "id_description").send_keys("楼道灯坏了<b>请修</b>")
    driver.find_element(By.ID, "mw-order-submit").click()
    # then: a tracking code
    code = wait_for(driver, "#mw-tracking-code").text
    order = ServiceOrder.objects.get()
    assert code == order.tracking_code and order.channel == "public"
    assert "待派单" in driver.find_element(By.ID, "mw-status").text
    assert "<b>请修</b>" in driver.page_source.replace("&lt;", "<").replace("&gt;", ">")
    assert driver.find_elements(By.CSS_SELECTOR, "dd b") == []  # the markup was escaped, not rendered
    assert horizontal_overflow(driver) == 0
    # the party group dispatches, the member handles it
    j = jurisdiction_for(alice)
    svc.order_dispatch(actor=alice, jurisdiction=j, order_id=order.pk, member_id=walls.plumber.pk)
    accept(order.pk)
    svc.order_complete(actor=alice, jurisdiction=j, order_id=order.pk, report="已更换灯泡")
    # the resident follows the code and rates
    driver.get(live_server.url + "/m/track/")
    wait_for(driver, "#mw-code").send_keys(f" {code[:4].lower()} {code[4:8]} {code[8:].lower()} ")
    driver.find_element(By.ID, "mw-track-submit").click()
    wait_for_text(driver, "#mw-status", "已办结待评")
    assert "王水工" in driver.page_source and "已更换灯泡" in driver.page_source
    driver.find_element(By.CSS_SELECTOR, "input[name=rating][value=satisfied]").click()
    driver.find_element(By.ID, "mw-rate-submit").click()
    wait_for_text(driver, "#mw-rating", "满意")
    assert "感谢您的评价" in driver.page_source
    order.refresh_from_db()
    assert order.status == OrderStatus.RATED and order.rating == "satisfied"
    # and the public board shows it, masked, without sideways scrolling
    driver.get(live_server.url + f"/m/walls/{walls.a.pk}/")
    wait_for(driver, "#mw-board")
    assert "张**" in driver.page_source and "张三丰" not in driver.page_source
    assert horizontal_overflow(driver) == 0
