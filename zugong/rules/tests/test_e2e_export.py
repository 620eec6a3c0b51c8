"""End to end in headless Chromium, in Chinese: a rule page's Excel above INLINE_FINDINGS findings asks first
(the confirm page), then a job writes the same workbook and its page offers the download."""

from __future__ import annotations

from datetime import date

import pytest
from selenium.webdriver.common.by import By

from zugong.core.models import Meeting, MeetingKind
from zugong.e2e import browser, sign_in, wait_for, wait_for_text  # noqa: F401
from zugong.jobs.models import Job, JobState
from zugong.rules import views
from zugong.rules.engine import evaluate


@pytest.mark.e2e
def test_a_large_rule_export_is_confirmed_then_written_by_a_job(live_server, browser, tree, alice,  # noqa: F811
                                                                monkeypatch) -> None:
    # given: R07 evaluated for March 2024 (甲镇 held its meeting, the others did not); every export counts as large
    Meeting.objects.create(kind=MeetingKind.LEDGER_MEETING, org_unit=tree.township_a, held_on=date(2024, 3, 10))
    evaluate(as_of=date(2024, 4, 3), rule="R07", periods=2)
    monkeypatch.setattr(views, "INLINE_FINDINGS", 0)
    sign_in(browser, live_server.url, "alice", "pw-alice")
    browser.get(f"{live_server.url}/rules/?rule=R07&period=2024-03-01")
    # when: 导出 Excel on the rule page
    wait_for(browser, "a[data-export]").click()
    # then: the confirm page names the rule and the number of rows, nothing started yet
    wait_for_text(browser, "#job-confirm-message", "条对象明细，超过 0 条，将在后台生成 Excel")
    assert browser.find_element(By.CSS_SELECTOR, "h1").text.startswith("导出R07")
    assert not Job.objects.exists()
    # when: 在后台生成, then the job's page, done, with the workbook to download
    browser.find_element(By.CSS_SELECTOR, "#job-confirm button[type=submit]").click()
    wait_for_text(browser, "#job-progress", "已完成")
    job = Job.objects.get()
    assert (job.kind, job.owner_id, job.state) == ("rules.export_findings", alice.pk, JobState.DONE)
    assert job.params["rule"] == "R07" and job.params["period"] == "2024-03-01"
    wait_for(browser, f'#job-progress a[href="/jobs/{job.pk}/download/"]')
    # 返回 on a new confirm page leads back to the rule page of the same period
    browser.get(f"{live_server.url}/rules/?rule=R07&period=2024-03-01&export=xlsx")
    wait_for(browser, "#job-confirm a.secondary").click()
    wait_for(browser, "a[data-export]")
    assert "rule=R07" in browser.current_url and "period=2024-03-01" in browser.current_url
