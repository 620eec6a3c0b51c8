"""End to end in headless Chromium, in Chinese: a township cadre finds 问题整改 in the menu, opens the list
and the problem, is refused when the evidence is a renamed executable, then asks for 销号 with a PDF."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from zugong.e2e import browser, sign_in, wait_for, wait_for_text  # noqa: F401
from zugong.rectification.models import ClosureStatus, ProblemStatus
from zugong.rectification.tests.helpers import pdf_bytes, rectifying_problem


@pytest.mark.e2e
def test_township_cadre_asks_to_close_a_problem_with_evidence_in_chinese(live_server, browser, tree, alice,  # noqa: F811
                                                                         bob, tmp_path, settings) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    problem = rectifying_problem(tree, alice, bob)
    evidence = tmp_path / "整改验收记录.pdf"
    evidence.write_bytes(pdf_bytes())
    fake = tmp_path / "照片.pdf"
    fake.write_bytes(b"MZ\x90\x00" + b"\x00" * 200)
    driver = browser
    sign_in(driver, live_server.url, "bob", "pw-bob")
    # the menu: 监督 › 问题整改, then the list and the problem
    wait_for(driver, 'summary[data-nav-group="supervision"]').click()
    wait_for(driver, 'a[data-nav="rectification"]').click()
    wait_for(driver, "#zg-lists a").click()
    wait_for(driver, "#zg-problems a").click()
    wait_for_text(driver, "#zg-problem-status", "整改中")
    form = wait_for(driver, "#zg-close-form form")
    # a renamed executable is refused, in Chinese, and nothing changes
    form.find_element(By.ID, "id_summary").send_keys("已建立“三会一课”台账")
    form.find_element(By.ID, "id_evidence").send_keys(str(fake))
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for_text(driver, ".zg-messages", "照片.pdf：只接受 PDF")
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.RECTIFYING
    # the PDF is accepted: the closure waits for the county
    form = wait_for(driver, "#zg-close-form form")
    form.find_element(By.ID, "id_summary").send_keys("已建立“三会一课”台账")
    form.find_element(By.ID, "id_evidence").send_keys(str(evidence))
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for_text(driver, ".zg-messages", "销号申请已提交，等待审核")
    wait_for_text(driver, "#zg-problem-status", "销号待审核")
    assert "整改验收记录.pdf" in driver.find_element(By.ID, "zg-closures").text
    problem.refresh_from_db()
    closure = problem.closures.get()
    assert (problem.status, closure.status) == (ProblemStatus.CLOSURE_REQUESTED, ClosureStatus.PENDING)
    assert [a.name for a in closure.evidence.all()] == ["整改验收记录.pdf"]
