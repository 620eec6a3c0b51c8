"""End to end in headless Chromium, in Chinese: a large talks export asks first (the confirm page), then a job
writes it and its page offers the download — the same confidentiality as the inline export."""

from __future__ import annotations

from datetime import date

import pytest
from selenium.webdriver.common.by import By

from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import AccessEvent
from zugong.e2e import browser, sign_in, wait_for, wait_for_text  # noqa: F401
from zugong.jobs.models import Job, JobState
from zugong.talks import views
from zugong.talks.models import TalkKind
from zugong.talks.services.talks import talk_record


@pytest.mark.e2e
def test_a_large_talks_export_is_confirmed_then_written_by_a_job(live_server, browser, tree, alice,  # noqa: F811
                                                                 roster, monkeypatch) -> None:
    # given: one talk in county A, and every export counts as large (the immediate backend runs the job as the
    # confirming request commits)
    talk_record(actor=alice, jurisdiction=jurisdiction_for(alice), held_on=date(2025, 3, 2), kind=TalkKind.ANNUAL,
                talkers=[roster.staff], talkees=[roster.secretary_a], topics="年度谈话", summary="家庭困难")
    monkeypatch.setattr(views, "INLINE_EXPORT", 0)
    sign_in(browser, live_server.url, "alice", "pw-alice")
    browser.get(live_server.url + "/talks/")
    # when: 导出 Excel on the list
    wait_for(browser, 'a[href="/talks/export.xlsx"]').click()
    # then: the confirm page says why, and nothing has started yet
    wait_for_text(browser, "#job-confirm-message", "共有 1 条谈话记录，超过 0 条，将在后台生成 Excel")
    assert browser.find_element(By.CSS_SELECTOR, "h1").text == "导出谈心谈话"
    assert not Job.objects.exists()
    # when: 在后台生成
    browser.find_element(By.CSS_SELECTOR, "#job-confirm button[type=submit]").click()
    # then: the job's page, done, with its file
    wait_for_text(browser, "#job-progress", "已完成")
    job = Job.objects.get()
    assert (job.kind, job.owner_id, job.state) == ("talks.export", alice.pk, JobState.DONE)
    assert browser.current_url.endswith(f"/jobs/{job.pk}/")
    wait_for(browser, f'#job-progress a[href="/jobs/{job.pk}/download/"]')
    # alice (the county's org_admin) may read the summary: the job wrote it and logged that one full view
    assert AccessEvent.objects.filter(user=alice, channel="export").count() == 1
