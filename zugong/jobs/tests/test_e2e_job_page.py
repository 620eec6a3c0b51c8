"""End to end in headless Chromium: the job page polls (htmx) while a real worker runs the job from the
database queue, then offers the download; the cancel button stops a queued job."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from django.db import connections
from selenium.webdriver.common.by import By

from zugong.cadres import views
from zugong.cadres.lrmx import write_lrmx
from zugong.cadres.models import Cadre
from zugong.cadres.tests.factories import record
from zugong.conftest import Tree
from zugong.core.jurisdiction import jurisdiction_for
from zugong.e2e import browser, choose_in_picker, sign_in, wait_for, wait_for_text  # noqa: F401
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


@pytest.mark.e2e
def test_a_large_upload_goes_through_two_jobs_in_the_browser(live_server, browser, tree: Tree, alice,  # noqa: F811
                                                              tmp_path: Path, monkeypatch) -> None:
    # given: every upload counts as large (the immediate backend runs each job as its request commits)
    monkeypatch.setattr(views, "IMPORT_JOB_BYTES", 10)
    upload = tmp_path / "欧阳晓峰.lrmx"
    upload.write_bytes(write_lrmx(record(name="欧阳晓峰")))
    sign_in(browser, live_server.url, "alice", "pw-alice")
    browser.get(live_server.url + "/cadres/import/")
    wait_for(browser, "#id_org ~ .zg-picker-search")
    choose_in_picker(browser, "org", "甲镇", tree.township_a.pk)
    wait_for_text(browser, "#id_org ~ .zg-picker-chosen", "甲镇")
    browser.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(upload))
    # when: the preview is asked for
    browser.find_element(By.CSS_SELECTOR, "#zg-import-upload button[type=submit]").click()
    # then: the preview job's page, done, offering the preview
    wait_for_text(browser, "#job-progress", "预览：将新增 1 人，更新 0 人")
    wait_for(browser, "#job-follow-up").click()
    wait_for_text(browser, "#zg-import-preview", "欧阳晓峰")
    assert not Cadre.objects.exists()
    # when: confirmed, the import is a job too, and its page says what it saved
    browser.find_element(By.CSS_SELECTOR, "#zg-import-confirm button").click()
    wait_for_text(browser, "#job-progress", "已导入 1 人")
    assert list(Job.objects.order_by("pk").values_list("kind", "state")) == [
        ("cadres.import_preview", JobState.DONE), ("cadres.import", JobState.DONE)]
    assert Cadre.objects.get().name == "欧阳晓峰"
