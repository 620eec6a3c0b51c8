"""A sweep in headless Chromium, in Chinese, as every role: sign in, open every page the menu offers,
and find each one working — no error page, the page in zh-hans, a title, the menu entry marked — and
every menu drop-down opening. The forms themselves are submitted by each app's own browser test
(meetings, talks, masswork, rules, cadres); this sweep guarantees no menu entry leads to a dead end."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from zugong.conftest import Tree, make_user
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import Role
from zugong.core.nav import nav_items
from zugong.core.permissions import may
from zugong.e2e import browser, sign_in, wait_for  # noqa: F401

HOMES = {
    Role.ORG_ADMIN: "county_a", Role.ORG_STAFF: "county_a", Role.LEADER: "county_a",
    Role.TOWNSHIP_STAFF: "township_a", Role.VILLAGE_STAFF: "village_a", Role.GROUP_LEADER: "village_a",
    Role.MEMBER: "village_a",
}
MENU_LINKS = "return Array.from(document.querySelectorAll('#zg-menu a[data-nav]')).map(a => [a.dataset.nav, a.href]);"


@pytest.mark.e2e
def test_every_role_opens_every_page_of_its_menu_in_chinese(live_server, browser, tree: Tree) -> None:  # noqa: F811
    driver = browser
    for role, home in HOMES.items():
        # given: one person with this role
        username = f"sweep-{role}"
        user = make_user(username, getattr(tree, home), role)
        expected = {item.key for item in nav_items() if may(jurisdiction_for(user), item.action)}
        driver.delete_all_cookies()
        sign_in(driver, live_server.url, username, f"pw-{username}")
        # then: the menu offers exactly what the permission table allows
        links = dict(driver.execute_script(MENU_LINKS))
        assert set(links) == expected, role
        # and every drop-down of the menu opens
        for group in driver.find_elements(By.CSS_SELECTOR, "#zg-menu summary[data-nav-group]"):
            group.click()
            assert group.find_element(By.XPATH, "..").get_attribute("open") is not None, (role, group.text)
            group.click()
        # and every page opens, in Chinese, with its menu entry marked
        for key, url in links.items():
            driver.get(url)
            wait_for(driver, "main")
            assert driver.find_elements(By.CSS_SELECTOR, ".zg-error") == [], (role, key, url)
            assert driver.execute_script("return document.documentElement.lang") == "zh-hans", (role, key)
            assert driver.title and "Traceback" not in driver.page_source, (role, key)
            marked = driver.find_elements(By.CSS_SELECTOR, f'#zg-menu a[data-nav="{key}"][aria-current="page"]')
            assert len(marked) == 1, (role, key)
            assert len(driver.find_elements(By.CSS_SELECTOR, '#zg-menu a[aria-current="page"]')) == 1, (role, key)
