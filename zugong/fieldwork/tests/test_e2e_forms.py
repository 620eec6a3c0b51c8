"""End to end in headless Chromium, in Chinese, each form of the app that had no browser test, filled as its
user would: the org department opens a year's topic list, registers a topic and records a research trip; the
township registers a retired village cadre through the village picker and records the 春节 visit on the
retiree's page; the county's org admin signs an R23 approval for a recruit between two and three years in the
township; the org department records 联系点 spending and enters a training record by hand through the cadre
picker. Last, a township clerk who may do none of this is refused in Chinese, and nothing is saved."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from zugong.cadres.models import Cadre
from zugong.cadres.tests.factories import make_cadre
from zugong.e2e import browser, click_when_settled, sign_in, wait_for, wait_for_text  # noqa: F401
from zugong.fieldwork.models import (
    CareVisit,
    LinkSpending,
    ResearchTopic,
    ResearchTrip,
    RetiredVillageCadre,
    TopicCall,
    TrainingRecord,
    TransferApproval,
)
from zugong.fieldwork.tests.helpers import org_department

SET_DATE = "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change'));"


def _date(driver, css: str, day: date) -> None:  # type: ignore[no-untyped-def]
    driver.execute_script(SET_DATE, driver.find_element(By.CSS_SELECTOR, css), day.isoformat())


def _type(driver, css: str, text: str) -> None:  # type: ignore[no-untyped-def]
    driver.find_element(By.CSS_SELECTOR, css).send_keys(text)


def _pick(driver, form: str, field: str, text: str, value: int) -> None:  # type: ignore[no-untyped-def]
    """Type into a search picker and choose the option; each keystroke's answer may re-render the options."""
    driver.find_element(By.CSS_SELECTOR, f"{form} #id_{field} ~ .zg-picker-search").send_keys(text)
    click_when_settled(driver, f'{form} #id_{field}-options li[data-value="{value}"]')
    wait_for_text(driver, f"{form} #id_{field} ~ .zg-picker-chosen", text)


def _submit(driver, form: str) -> None:  # type: ignore[no-untyped-def]
    driver.find_element(By.CSS_SELECTOR, f"{form} button[type=submit]").click()


def _menu(driver, group: str, item: str) -> None:  # type: ignore[no-untyped-def]
    wait_for(driver, f'summary[data-nav-group="{group}"]').click()
    wait_for(driver, f'a[data-nav="{item}"]').click()


@pytest.mark.e2e
def test_org_department_registers_a_topic_and_records_a_trip_in_chinese(live_server, browser, tree,  # noqa: F811
                                                                        alice) -> None:
    head = Cadre.objects.create(name="调研部长", org_unit=org_department(tree.county_a), rank_level="D1",
                                is_leading=True)
    today = timezone.localdate()
    driver = browser
    sign_in(driver, live_server.url, "alice", "pw-alice")
    _menu(driver, "grassroots", "fieldwork-research")
    # open this year's topic list
    form = wait_for(driver, "#zg-call-form")
    Select(form.find_element(By.ID, "id_org_unit")).select_by_visible_text("甲县")
    _date(driver, "#zg-call-form #id_register_by", today + timedelta(days=20))
    _submit(driver, "#zg-call-form")
    wait_for_text(driver, ".zg-messages", f"已开始{today.year}年调研课题申报")
    call = TopicCall.objects.get()
    # register a topic led by the department's head
    form = wait_for(driver, "#zg-topic-form")
    Select(form.find_element(By.ID, "id_call")).select_by_value(str(call.pk))
    _type(driver, "#zg-topic-form #id_title", "乡村人才振兴路径研究")
    Select(form.find_element(By.ID, "id_leader")).select_by_value(str(head.pk))
    _submit(driver, "#zg-topic-form")
    wait_for_text(driver, ".zg-messages", "已立项：乡村人才振兴路径研究")
    wait_for_text(driver, "#zg-topics", "调研部长")
    assert ResearchTopic.objects.get().leader == head
    # record a five-day trip
    wait_for(driver, "#zg-trip-new").click()
    form = wait_for(driver, "#zg-trip-form")
    Select(form.find_element(By.ID, "id_cadre")).select_by_value(str(head.pk))
    _type(driver, "#zg-trip-form #id_place", "丙乡三个村")
    start = today - timedelta(days=10)
    _date(driver, "#zg-trip-form #id_start_date", start)
    _date(driver, "#zg-trip-form #id_end_date", start + timedelta(days=4))
    _type(driver, "#zg-trip-form #id_purpose", "人才回引情况")
    _submit(driver, "#zg-trip-form")
    wait_for_text(driver, ".zg-messages", "已登记调研部长的调研行程，新增基层调研 5 天")
    trip = ResearchTrip.objects.get()
    assert (trip.cadre, trip.start_date, trip.place) == (head, start, "丙乡三个村")


@pytest.mark.e2e
def test_township_registers_a_retired_village_cadre_and_the_spring_festival_visit(live_server, browser, tree,  # noqa: F811
                                                                                 bob) -> None:
    driver = browser
    sign_in(driver, live_server.url, "bob", "pw-bob")
    _menu(driver, "grassroots", "fieldwork-retirees")
    wait_for(driver, "#zg-retiree-form")
    _pick(driver, "#zg-retiree-form", "village", "甲村", tree.village_a.pk)
    _type(driver, "#zg-retiree-form #id_name", "周老支书")
    _type(driver, "#zg-retiree-form #id_posts", "村党支部书记")
    _date(driver, "#zg-retiree-form #id_served_from", date(1992, 3, 1))
    _date(driver, "#zg-retiree-form #id_left_on", date(2021, 1, 15))
    _submit(driver, "#zg-retiree-form")
    # the retiree's page
    wait_for_text(driver, ".zg-messages", "已登记离任村干部周老支书")
    retiree = RetiredVillageCadre.objects.get()
    assert (retiree.village, retiree.served_from, retiree.left_on) == (tree.village_a, date(1992, 3, 1),
                                                                      date(2021, 1, 15))
    form = wait_for(driver, "#zg-visit-form")
    Select(form.find_element(By.ID, "visit_occasion")).select_by_visible_text("春节")
    _date(driver, "#visit_visited_on", date(2026, 2, 10))  # 春节 2026: 17 February
    _type(driver, "#visit_visitors", "镇党委书记")
    _type(driver, "#visit_note", "送去米面油")
    _submit(driver, "#zg-visit-form")
    wait_for_text(driver, ".zg-messages", "已登记2026年春节走访")
    wait_for_text(driver, "#zg-visits", "镇党委书记")
    visit = CareVisit.objects.get()
    assert (visit.retiree, visit.occasion_date, visit.visited_on) == (retiree, date(2026, 2, 17), date(2026, 2, 10))


@pytest.mark.e2e
def test_org_admin_signs_an_approval_for_a_recruit_between_two_and_three_years(live_server, browser, tree,  # noqa: F811
                                                                              alice) -> None:
    today = timezone.localdate()
    recruit = make_cadre(tree.township_a, "新录用乙", township_recruit_on=today - timedelta(days=900))
    driver = browser
    sign_in(driver, live_server.url, "alice", "pw-alice")
    _menu(driver, "cadres", "fieldwork-recruits")
    form = wait_for(driver, "#zg-approval-form")
    _pick(driver, "#zg-approval-form", "cadre", "新录用乙", recruit.pk)
    Select(form.find_element(By.ID, "id_kind")).select_by_visible_text("借调")
    _type(driver, "#zg-approval-form #id_destination", "县委办公室")
    _type(driver, "#zg-approval-form #id_reason", "县委中心工作需要，借调半年")
    _type(driver, "#zg-approval-form #id_signed_by", "王部长")
    _submit(driver, "#zg-approval-form")
    wait_for_text(driver, ".zg-messages", "已登记新录用乙的借调审批")
    wait_for_text(driver, "#zg-approvals", "县委办公室")
    approval = TransferApproval.objects.get()
    assert (approval.cadre, approval.kind, approval.signed_by, approval.approved_on) == (
        recruit, "second", "王部长", today)


@pytest.mark.e2e
def test_org_department_records_link_spending_and_a_training_by_hand(live_server, browser, tree,  # noqa: F811
                                                                     alice) -> None:
    dept = org_department(tree.county_a)
    trainee = make_cadre(dept, "培训甲")
    today = timezone.localdate()
    driver = browser
    sign_in(driver, live_server.url, "alice", "pw-alice")
    # 联系点投入, from the 蹲点调研 page
    _menu(driver, "grassroots", "fieldwork-stays")
    wait_for(driver, "#zg-spendings-link").click()
    wait_for(driver, "#zg-spending-form")
    _pick(driver, "#zg-spending-form", "village", "甲村", tree.village_a.pk)
    _pick(driver, "#zg-spending-form", "giver", "甲县委组织部", dept.pk)
    _date(driver, "#zg-spending-form #id_spent_on", today - timedelta(days=3))
    _type(driver, "#zg-spending-form #id_amount", "2.7")
    _type(driver, "#zg-spending-form #id_goods", "地膜、化肥")
    _type(driver, "#zg-spending-form #id_purpose", "春耕生产")
    _submit(driver, "#zg-spending-form")
    wait_for_text(driver, "#zg-spendings", "春耕生产")
    wait_for_text(driver, "#zg-spending-total", "2.70")
    spending = LinkSpending.objects.get()
    assert (spending.village, spending.amount, spending.goods) == (tree.village_a, Decimal("2.70"), "地膜、化肥")
    # one training record by hand, from 干部 › 组工干部培训
    _menu(driver, "cadres", "fieldwork-training")
    wait_for(driver, "#zg-training-new").click()
    wait_for(driver, "#zg-training-form")
    _pick(driver, "#zg-training-form", "cadre", "培训甲", trainee.pk)
    _type(driver, "#zg-training-form #id_course", "全省组工干部示范培训班")
    _type(driver, "#zg-training-form #id_organiser", "省委组织部")
    Select(driver.find_element(By.CSS_SELECTOR, "#zg-training-form #id_kind")).select_by_visible_text("脱产")
    _date(driver, "#zg-training-form #id_start_date", date(2026, 9, 1))
    _date(driver, "#zg-training-form #id_end_date", date(2026, 9, 30))
    _submit(driver, "#zg-training-form")
    wait_for_text(driver, ".zg-messages", "已登记培训甲的培训：全省组工干部示范培训班")
    record = TrainingRecord.objects.get()
    assert (record.cadre, record.kind, record.days) == (trainee, "off_job", 30)


@pytest.mark.e2e
def test_a_township_clerk_is_refused_in_chinese_and_nothing_is_saved(live_server, browser, tree, bob,  # noqa: F811
                                                                     carol) -> None:
    retiree = RetiredVillageCadre.objects.create(village=tree.village_b, name="乙村老主任", posts="村委会主任",
                                                 served_from=date(1990, 1, 1), left_on=date(2015, 1, 1))
    driver = browser
    sign_in(driver, live_server.url, "bob", "pw-bob")
    # the training entry page belongs to the org department
    driver.get(f"{live_server.url}/fieldwork/training/new/")
    wait_for_text(driver, "h1", "无权访问")
    assert "Traceback" not in driver.page_source and "id_course" not in driver.page_source
    # another county's retiree is not found, and no visit form is offered
    driver.get(f"{live_server.url}/fieldwork/retirees/{retiree.pk}/")
    wait_for_text(driver, "h1", "页面不存在")
    assert "zg-visit-form" not in driver.page_source and "Traceback" not in driver.page_source
    # while the clerk's own work still opens from the menu
    _menu(driver, "grassroots", "fieldwork-retirees")
    wait_for(driver, "#zg-retiree-form")
    assert TrainingRecord.objects.count() == 0 and CareVisit.objects.count() == 0
