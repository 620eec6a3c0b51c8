"""End to end in headless Chromium, in Chinese, through the forms as the roles use them: a township clerk
records points with evidence and the county's org department approves them (its own entry refused); the org
department records a use of a published result and asks 旁证 of two agencies then registers a reply; a leader,
who may read the points card but not record, is refused in Chinese and nothing is saved."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from zugong.assessment.models import CampaignStatus, ResultUse, SideEvidenceRequest
from zugong.assessment.models_points import EntryStatus, PointEntry
from zugong.assessment.services import points as points_svc
from zugong.conftest import make_user
from zugong.core.models import Role
from zugong.core.permissions import permission
from zugong.e2e import browser, choose_in_picker, click_to_next_page, sign_in, wait_for, wait_for_text  # noqa: F401

from .conftest import campaign_at
from .test_uses import _published


def _fill(driver, element_id: str, text: str) -> None:
    field = driver.find_element(By.ID, element_id)
    field.clear()
    field.send_keys(text)


def _set_date(driver, element_id: str, day: str) -> None:
    """A date input takes what its calendar picker gives: set its value as the picker would."""
    driver.execute_script("const f = document.getElementById(arguments[0]); f.value = arguments[1];"
                          "f.dispatchEvent(new Event('change', {bubbles: true}));", element_id, day)


def _pick_cadre(driver, query: str, value: int) -> None:
    choose_in_picker(driver, "cadre", query, value)


def _sign_in_as(driver, url: str, username: str) -> None:
    driver.delete_all_cookies()
    sign_in(driver, url, username, f"pw-{username}")


def _record_on_the_page(driver, person, item) -> None:
    _pick_cadre(driver, person.name, person.pk)
    Select(driver.find_element(By.ID, "id_item")).select_by_value(str(item.pk))
    _set_date(driver, "id_on", "2026-02-03")
    _fill(driver, "id_quantity", "2")
    _fill(driver, "id_evidence", "调研报告两篇，已交组织部")
    click_to_next_page(driver, "zg-entry-save")


@pytest.mark.e2e
def test_a_township_clerk_records_points_and_the_county_approves(live_server, browser, world, bob) -> None:  # noqa: F811
    driver = browser
    item = points_svc.point_item_set(actor=world.alice, jurisdiction=world.ja, org_unit=world.tree.county_a,
                                     name="撰写调研报告", points=Decimal("5"))
    person = world.cadres[1]  # of township A, bob's township
    # the township clerk records two reports with their evidence
    _sign_in_as(driver, live_server.url, "bob")
    driver.get(live_server.url + "/assessment/points/?period=2026Q1")
    wait_for_text(driver, "h1", "积分卡")
    assert not driver.find_elements(By.ID, "zg-item-form")  # items are the org department's
    _record_on_the_page(driver, person, item)
    wait_for_text(driver, ".zg-messages", "积分已登记（10.00 分），待审核")
    entry = PointEntry.objects.get()
    assert (entry.status, entry.points, entry.evidence) == (EntryStatus.PENDING, Decimal("10.00"), "调研报告两篇，已交组织部")
    assert not driver.find_elements(By.ID, f"zg-approve-{entry.pk}")  # a township does not approve
    # the county's org department approves it
    _sign_in_as(driver, live_server.url, "alice")
    driver.get(live_server.url + "/assessment/points/?period=2026Q1")
    wait_for_text(driver, f"#zg-entry-{entry.pk}", "调研报告两篇")
    click_to_next_page(driver, f"zg-approve-{entry.pk}")
    wait_for_text(driver, ".zg-messages", "积分已审核通过")
    wait_for_text(driver, "#zg-points-totals", person.name)
    assert PointEntry.objects.get().status == EntryStatus.APPROVED
    # her own entry she may not approve
    _record_on_the_page(driver, person, item)
    wait_for_text(driver, ".zg-messages", "积分已登记")
    own = PointEntry.objects.exclude(pk=entry.pk).get()
    click_to_next_page(driver, f"zg-approve-{own.pk}")
    wait_for_text(driver, "#zg-points-error", "不能审核自己登记的积分")
    assert PointEntry.objects.get(pk=own.pk).status == EntryStatus.PENDING


@pytest.mark.e2e
def test_the_org_department_records_a_use_of_a_published_result(live_server, browser, world) -> None:  # noqa: F811
    driver = browser
    campaign, (excellent, _competent, basic, _incompetent) = _published(world)
    _sign_in_as(driver, live_server.url, "alice")
    driver.get(f"{live_server.url}/assessment/{campaign.pk}/")
    wait_for_text(driver, "h1", campaign.title)
    kinds = [o.text for o in Select(driver.find_element(By.ID, f"zg-use-kind-{excellent.pk}")).options]
    assert kinds == ["表彰", "优先使用"]  # what 优秀 allows
    assert [o.text for o in Select(driver.find_element(By.ID, f"zg-use-kind-{basic.pk}")).options] == ["诫勉谈话"]
    Select(driver.find_element(By.ID, f"zg-use-kind-{excellent.pk}")).select_by_visible_text("表彰")
    row = driver.find_element(By.ID, f"zg-use-save-{excellent.pk}").find_element(By.XPATH, "..")
    row.find_element(By.NAME, "note").send_keys("年度考核优秀，予以表彰")
    click_to_next_page(driver, f"zg-use-save-{excellent.pk}")
    wait_for_text(driver, ".zg-messages", "已登记结果运用：表彰")
    use = ResultUse.objects.get()
    assert (use.subject_id, use.kind, use.note) == (excellent.pk, "commendation", "年度考核优秀，予以表彰")
    # 表彰 is made: only 优先使用 is left for that subject
    assert [o.text for o in Select(driver.find_element(By.ID, f"zg-use-kind-{excellent.pk}")).options] == ["优先使用"]


@pytest.mark.e2e
def test_side_evidence_asked_and_replied_from_the_page(live_server, browser, world) -> None:  # noqa: F811
    driver = browser
    campaign = campaign_at(world, CampaignStatus.OPEN, cadres=[], teams=(world.tree.township_a,))
    team = campaign.subjects.get()
    _sign_in_as(driver, live_server.url, "alice")
    driver.get(f"{live_server.url}/assessment/{campaign.pk}/")
    wait_for(driver, "#zg-evidence-form")
    Select(driver.find_element(By.ID, "zg-evidence-subject")).select_by_value(str(team.pk))
    _set_date(driver, "zg-evidence-on", "2026-11-02")
    for agency in ("审计", "巡视"):
        driver.find_element(By.CSS_SELECTOR, f'input[name="agencies"][value="{agency}"]').click()
    click_to_next_page(driver, "zg-evidence-send")
    wait_for_text(driver, ".zg-messages", "已向 2 个单位征求旁证，回复期限 2026-11-17")
    audit = SideEvidenceRequest.objects.get(agency="审计")
    assert set(SideEvidenceRequest.objects.values_list("agency", flat=True)) == {"审计", "巡视"}
    _fill(driver, f"zg-evidence-reply-text-{audit.pk}", "未发现问题")
    click_to_next_page(driver, f"zg-evidence-reply-{audit.pk}")
    wait_for_text(driver, ".zg-messages", "旁证回复已登记")
    wait_for_text(driver, f"#zg-evidence-{audit.pk}", "未发现问题")
    audit.refresh_from_db()
    assert (audit.reply, audit.replied_on is not None) == ("未发现问题", True)


@pytest.mark.e2e
def test_a_leader_may_read_the_points_card_but_recording_is_refused_in_chinese(live_server, browser,  # noqa: F811
                                                                              world) -> None:
    driver = browser
    points_svc.point_item_set(actor=world.alice, jurisdiction=world.ja, org_unit=world.tree.county_a,
                              name="撰写调研报告", points=Decimal("5"))
    make_user("leader", world.tree.county_a, Role.LEADER)
    _sign_in_as(driver, live_server.url, "leader")
    driver.get(live_server.url + "/assessment/points/")
    wait_for_text(driver, "h1", "积分卡")
    assert not driver.find_elements(By.ID, "zg-entry-form") and not driver.find_elements(By.ID, "zg-item-form")
    # the record form sent anyway (an old page, a saved bookmark of the form): refused, nothing saved
    driver.execute_script(
        "const f = document.createElement('form'); f.method = 'post'; f.action = arguments[0];"
        "for (const [k, v] of Object.entries(arguments[1])) {"
        "  const i = document.createElement('input'); i.type = 'hidden'; i.name = k; i.value = v; f.appendChild(i); }"
        "const b = document.createElement('button'); b.type = 'submit'; b.id = 'zg-forged'; f.appendChild(b);"
        "document.body.appendChild(f);",
        "/assessment/points/entries/",
        {"csrfmiddlewaretoken": driver.get_cookie("csrftoken")["value"], "cadre": str(world.cadres[0].pk),
         "item": "1", "on": date(2026, 2, 3).isoformat(), "quantity": "1", "evidence": "无"})
    click_to_next_page(driver, "zg-forged")
    wait_for_text(driver, "h1", "无权访问")
    wait_for_text(driver, ".zg-error", f"您没有{permission('assessment.points_record').label}的权限")
    assert not PointEntry.objects.exists()
