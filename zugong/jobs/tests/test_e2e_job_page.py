"""End to end in headless Chromium: the job page polls (htmx) while a real worker runs the job from the
database queue, then offers the download; the cancel button stops a queued job."""

from __future__ import annotations

import threading

import pytest
from django.db import connections
from selenium.webdriver.common.by import By

from zugong.conftest import Tree
from zugong.core.jurisdiction import jurisdiction_for
from zugong.e2e import browser, sign_in, wait_for, wait_for_text  # noqa: F401
from zugong.jobs.models import Job, JobState
from zugong.jobs.services import job_start
from zugong.jobs.worker import run_worker


def _worker_once() -> None:
    try:
        run_worker(batch=True, signals=False, worker_id="e2e-worker", interval=0)
    finally:
        connections.close_all()


@pytest.mark.e2e
def test_the_page_follows_the_worker_to_the_download(live_server, browser, tree: Tree, alice,  # noqa: F811
                                                     database_tasks) -> None:
    # given: a queued job of alice's (the database backend: nothing runs it yet)
    job = job_start(actor=alice, jurisdiction=jurisdiction_for(alice), kind="jobs.count", params={"n": 3},
                    org_unit=tree.county_a)
    sign_in(browser, live_server.url, "alice", "pw-alice")
    browser.get(f"{live_server.url}/jobs/{job.pk}/")
    wait_for_text(browser, "#job-progress", "排队中")
    assert browser.find_element(By.CSS_SELECTOR, "#job-progress").get_attribute("hx-trigger") == "every 1s"
    # when: a worker takes it up
    worker = threading.Thread(target=_worker_once)
    worker.start()
    worker.join(timeout=60)
    # then: without a reload the page shows it done, with the file to download and no cancel button
    wait_for_text(browser, "#job-progress", "已完成")
    link = wait_for(browser, f'#job-progress a[href="/jobs/{job.pk}/download/"]')
    assert "计数.txt" in link.text
    assert not browser.find_elements(By.CSS_SELECTOR, "#job-progress button")
    assert browser.find_element(By.CSS_SELECTOR, "#job-progress").get_attribute("hx-trigger") is None


@pytest.mark.e2e
def test_cancel_from_the_job_page(live_server, browser, tree: Tree, alice, database_tasks) -> None:  # noqa: F811
    job = job_start(actor=alice, jurisdiction=jurisdiction_for(alice), kind="jobs.count", params={"n": 3},
                    org_unit=tree.county_a)
    sign_in(browser, live_server.url, "alice", "pw-alice")
    browser.get(f"{live_server.url}/jobs/{job.pk}/")
    wait_for(browser, "#job-progress button[type=submit]").click()
    wait_for_text(browser, "#job-progress", "已取消")
    assert Job.objects.get(pk=job.pk).state == JobState.CANCELLED
