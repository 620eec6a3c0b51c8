"""Every entry form of the daily work, in headless Chromium, in Chinese, as the role that owns it: filled
the way a person fills it (choices from the lists, people and units from the search pickers, today's
date from the date input), saved with a Chinese success message and a new row; then once more with one
required field left empty past the browser's own check, refused by the server in Chinese.

So "the form cannot be saved in Chinese" cannot ship again: a form whose dates, choices or pickers do
not work in zh-hans fails here. Each app's own browser test follows its forms further (steps, files)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select

from zugong.cadres.models import Cadre
from zugong.cadres.tests.factories import make_cadre
from zugong.conftest import Tree, make_user
from zugong.core.models import Role
from zugong.core.permissions import SYSTEM
from zugong.e2e import browser, click_when_settled, sign_in, wait_for  # noqa: F401
from zugong.talks.services.talks import talker_register


@dataclass(frozen=True)
class EntryForm:
    role: str
    home: str  # the Tree attribute where the person holds the role
    url: str
    model: str  # app_label.Model whose row count grows by one
    selects: dict[str, str] = field(default_factory=dict)  # field name → visible text to choose
    pickers: dict[str, str] = field(default_factory=dict)  # field name → what to type in its search box
    texts: dict[str, str] = field(default_factory=dict)  # field name → text (else 测试内容)
    checks: tuple[str, ...] = ()  # check the first box whose label starts with each of these


FIELD_ERRORS = "main .errorlist, main [role=alert]"  # Django's list, or the apps' own alert markup

FORMS = [
    EntryForm(Role.ORG_STAFF, "county_a", "/talks/new/", "talks.Talk", selects={"kind": "年度普遍谈话"},
              pickers={"talkees": "wy"}),
    EntryForm(Role.ORG_STAFF, "county_a", "/talks/interviews/new/", "talks.Interview", pickers={"cadre": "wy"},
              selects={"target_kind": "领导干部"}, checks=("[领导干部]",)),
    EntryForm(Role.ORG_STAFF, "county_a", "/talks/supervision/", "talks.SupervisionAction", pickers={"cadre": "wy"}),
    EntryForm(Role.ORG_ADMIN, "county_a", "/meetings/new/", "core.Meeting", selects={"kind": "座谈会"},
              pickers={"org_unit": "甲县", "attendees": "wy"}),
    EntryForm(Role.TOWNSHIP_STAFF, "township_a", "/meetings/new/", "core.Meeting", selects={"kind": "民情分析会"},
              pickers={"org_unit": "甲镇"}),
    EntryForm(Role.TOWNSHIP_STAFF, "township_a", "/masswork/visits/new/", "masswork.HouseholdVisit",
              pickers={"village": "甲村", "cadre": "wy"}, texts={"household_phone": "13800138000"}),
    EntryForm(Role.TOWNSHIP_STAFF, "township_a", "/masswork/ledger/new/", "masswork.LedgerEntry",
              pickers={"org_unit": "甲村"}),
    EntryForm(Role.TOWNSHIP_STAFF, "township_a", "/masswork/petitions/new/", "masswork.Petition",
              pickers={"org_unit": "甲镇"},
              texts={"petitioner_phone": "13800138000", "petitioner_id_number": "110105198205170011"}),
    EntryForm(Role.TOWNSHIP_STAFF, "township_a", "/masswork/duty/new/", "masswork.DutyShift",
              pickers={"village": "甲村", "cadre": "wy", "user": "forms"}),
    EntryForm(Role.TOWNSHIP_STAFF, "township_a", "/masswork/in-village-days/new/", "masswork.InVillageDay",
              pickers={"village": "甲村", "cadre": "wy"}),
    EntryForm(Role.TOWNSHIP_STAFF, "township_a", "/masswork/pairings/new/", "masswork.Pairing",
              pickers={"village": "甲村", "cadre": "wy"}),
    EntryForm(Role.TOWNSHIP_STAFF, "township_a", "/masswork/reception-days/new/", "masswork.ReceptionDay",
              pickers={"org_unit": "甲镇"}),
]


def _name(element: WebElement) -> str:
    return element.get_attribute("name") or ""


def _choose_in_picker(driver: WebDriver, select: WebElement, query: str) -> None:
    picker = select.find_element(By.XPATH, "..")
    picker.find_element(By.CSS_SELECTOR, ".zg-picker-search").send_keys(query)
    options_id = f"{select.get_attribute('id')}-options"
    click_when_settled(driver, f'#{options_id} li[role="option"]')
    assert select.find_elements(By.CSS_SELECTOR, "option[selected], option:checked"), _name(select)


def _fill(driver: WebDriver, form: WebElement, entry: EntryForm, today: str) -> None:
    for element in form.find_elements(By.CSS_SELECTOR, "input, select, textarea"):
        name, kind = _name(element), (element.get_attribute("type") or "").lower()
        if not name or name == "csrfmiddlewaretoken" or kind in ("hidden", "submit", "button", "file", "checkbox"):
            continue
        if "zg-picker-select" in (element.get_attribute("class") or ""):
            if name in entry.pickers:
                _choose_in_picker(driver, element, entry.pickers[name])
        elif element.tag_name == "select":
            choice = Select(element)
            if name in entry.selects:
                choice.select_by_visible_text(entry.selects[name])
            elif element.get_attribute("required") is not None and not any(
                    o.get_attribute("value") for o in choice.all_selected_options):
                choice.select_by_index(next(i for i, o in enumerate(choice.options) if o.get_attribute("value")))
        elif kind == "date":
            driver.execute_script("arguments[0].value = arguments[1]", element, today)
        elif kind in ("time", "datetime-local"):
            continue
        elif kind == "number":
            element.clear()
            element.send_keys("1")
        elif not element.get_attribute("value"):
            element.send_keys(entry.texts.get(name, "测试内容"))


def _check(form: WebElement, entry: EntryForm) -> None:
    labels = form.find_elements(By.CSS_SELECTOR, "label")
    for start in entry.checks:
        label = next(lab for lab in labels if lab.text.strip().startswith(start)
                     and lab.find_elements(By.CSS_SELECTOR, "input[type=checkbox]"))
        label.find_element(By.CSS_SELECTOR, "input[type=checkbox]").click()


def _submit(form: WebElement) -> None:
    form.find_element(By.CSS_SELECTOR, "button[type=submit], input[type=submit]").click()


def _entry_form(driver: WebDriver) -> WebElement:
    forms = [f for f in driver.find_elements(By.CSS_SELECTOR, "main form[method=post]")
             if f.find_elements(By.CSS_SELECTOR, "input:not([type=hidden]), select, textarea")]
    assert forms, driver.current_url
    return forms[-1]


@pytest.mark.e2e
def test_every_entry_form_saves_in_chinese_and_refuses_in_chinese(live_server, browser, tree: Tree,  # noqa: F811
                                                                  ) -> None:
    from django.utils import timezone

    driver = browser
    cadre = make_cadre(tree.village_a, "王一", order=1)
    Cadre.objects.filter(pk=cadre.pk).update(is_leading=True)  # 提醒、函询、诫勉 are for leading cadres
    talker_register(actor=None, jurisdiction=SYSTEM, org_unit=tree.county_a, name="李部长", role="minister")
    today = timezone.localdate().isoformat()
    signed_in: dict[str, Any] = {}
    for entry in FORMS:
        model = apps.get_model(entry.model)
        if entry.role + entry.home not in signed_in:
            username = f"forms-{len(signed_in)}"
            signed_in[entry.role + entry.home] = make_user(username, getattr(tree, entry.home), entry.role)
            driver.delete_all_cookies()
            sign_in(driver, live_server.url, username, f"pw-{username}")
        # when: the form is filled as a person fills it and saved
        before = model.objects.count()
        driver.get(live_server.url + entry.url)
        form = _entry_form(driver)
        assert driver.execute_script("return document.documentElement.lang") == "zh-hans"
        _fill(driver, form, entry, today)
        _check(form, entry)
        _submit(form)
        # then: a Chinese success message and one more row
        message = wait_for(driver, f".zg-messages li, .zg-error, {FIELD_ERRORS}")
        assert driver.find_elements(By.CSS_SELECTOR, FIELD_ERRORS) == [], (entry.url, driver.find_element(
            By.TAG_NAME, "main").text[:500])
        assert "success" in (message.get_attribute("class") or ""), (entry.url, message.text)
        assert model.objects.count() == before + 1, entry.url
        # when: once more, with one required text or date field left empty past the browser's check
        driver.get(live_server.url + entry.url)
        form = _entry_form(driver)
        _fill(driver, form, entry, today)
        _check(form, entry)
        required = [e for e in form.find_elements(By.CSS_SELECTOR, "input[required], textarea[required]")
                    if (e.get_attribute("type") or "text") in ("text", "date", "tel", "email", "number")
                    or e.tag_name == "textarea"]
        assert required, entry.url
        driver.execute_script("arguments[0].removeAttribute('required'); arguments[0].value = '';", required[0])
        _submit(form)
        # then: refused by the server in Chinese, nothing saved
        error = wait_for(driver, f"{FIELD_ERRORS}, .zg-messages li.error")
        assert "这个字段是必填项" in error.text or "请" in error.text, (entry.url, error.text)
        assert model.objects.count() == before + 1, entry.url
