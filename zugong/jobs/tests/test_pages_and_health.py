from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from zugong.conftest import logged_in, make_user
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import Role
from zugong.jobs.models import Job, JobState, WorkerHeartbeat
from zugong.jobs.services import heartbeat_beat, job_start
from zugong.jobs.tasks import execute


def started(user, unit, n=2) -> Job:
    return job_start(actor=user, jurisdiction=jurisdiction_for(user), kind="jobs.count", params={"n": n},
                     org_unit=unit)


def test_the_job_page_polls_while_running_and_offers_the_download_when_done(tree, alice):
    job = started(alice, tree.county_a)
    client = logged_in(alice)
    queued = client.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in queued and 'data-state="queued"' in queued and "取消任务" in queued
    execute(job.pk)
    done = client.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in done and 'data-state="done"' in done
    assert f"/jobs/{job.pk}/download/" in done and "取消任务" not in done
    response = client.get(f"/jobs/{job.pk}/download/")
    assert response.status_code == 200 and b"".join(response) == b"counted 2"
    assert "%E8%AE%A1%E6%95%B0.txt" in response["Content-Disposition"]  # 计数.txt


@pytest.mark.parametrize(("who", "status"), [("owner", 200), ("colleague", 200), ("bob", 404), ("carol", 404)])
def test_only_the_owner_and_permitted_roles_of_the_unit_see_a_job(tree, alice, bob, carol, who, status):
    # given: alice's job at county A; a colleague in county A's org department; bob (township, no export
    # role); carol (county B)
    job = started(alice, tree.county_a)
    execute(job.pk)
    people = {"owner": alice, "colleague": make_user("dave", tree.county_a, Role.ORG_STAFF), "bob": bob,
              "carol": carol}
    client = logged_in(people[who])
    assert client.get(f"/jobs/{job.pk}/").status_code == status
    assert client.get(f"/jobs/{job.pk}/download/").status_code == status


def test_my_jobs_lists_only_my_own(tree, alice, carol):
    mine = started(alice, tree.county_a)
    started(carol, tree.county_b)
    page = logged_in(alice).get("/jobs/").content.decode()
    assert page.count('data-state="queued"') == 1 and f"/jobs/{mine.pk}/" in page


def test_cancel_from_the_page(tree, alice, carol):
    job = started(alice, tree.county_a)
    assert logged_in(carol).post(f"/jobs/{job.pk}/cancel/").status_code == 404
    response = logged_in(alice).post(f"/jobs/{job.pk}/cancel/")
    assert response.status_code == 302
    assert Job.objects.get(pk=job.pk).state == JobState.CANCELLED


def test_evaluation_on_demand_starts_a_job(tree, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(alice).post("/jobs/evaluate/", {"org": tree.township_a.pk})
    job = Job.objects.get(kind="rules.evaluate")
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert (job.owner, job.org_unit, job.state) == (alice, tree.township_a, JobState.DONE)
    assert job.total > 0 and job.done == job.total and job.message.startswith(f"已评估 {job.total} 项制度")


def test_evaluation_on_demand_is_refused_to_township_staff(tree, bob):
    assert logged_in(bob).post("/jobs/evaluate/", {"org": tree.township_a.pk}).status_code == 403
    assert not Job.objects.exists()


# --- /healthz ------------------------------------------------------------------------------------

def test_healthz_is_200_with_a_fresh_worker_heartbeat_and_needs_no_login(db):
    heartbeat_beat(worker_id="w1")
    response = Client().get("/healthz")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "ok"
    assert body["database"]["ok"] and body["cache"]["ok"] and body["worker_heartbeat"]["ok"]
    assert body["worker_heartbeat"]["age_seconds"] < 5 and body["last_evaluation"] is None


def test_healthz_is_503_when_the_workers_heartbeat_is_stale(db, settings):
    settings.ZUGONG_WORKER_STALE_SECONDS = 120
    heartbeat_beat(worker_id="w1")
    WorkerHeartbeat.objects.update(last_seen=timezone.now() - timedelta(seconds=121))
    response = Client().get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable" and body["worker_heartbeat"]["ok"] is False
    assert body["database"]["ok"] and body["cache"]["ok"]


def test_healthz_is_503_without_any_worker(db):
    response = Client().get("/healthz")
    assert response.status_code == 503 and response.json()["worker_heartbeat"]["last_seen"] is None


def test_healthz_reports_the_last_evaluation(tree, alice):
    heartbeat_beat(worker_id="w1")
    job = job_start(actor=alice, jurisdiction=jurisdiction_for(alice), kind="rules.evaluate",
                    params={"org": tree.township_a.pk}, org_unit=tree.township_a)
    execute(job.pk)
    job.refresh_from_db()
    assert job.finished_at is not None
    assert Client().get("/healthz").json()["last_evaluation"] == job.finished_at.isoformat()


def test_my_jobs_page_queries_do_not_grow_with_the_jobs(tree, alice, django_assert_max_num_queries):
    web = logged_in(alice)
    started(alice, tree.county_a)
    web.get("/jobs/")
    with django_assert_max_num_queries(12) as few:
        assert web.get("/jobs/").status_code == 200
    for unit in (tree.township_a, tree.township_a2, tree.county_a, tree.village_a):
        started(alice, unit)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = web.get("/jobs/").content.decode()
    assert page.count('data-state="queued"') == 5


def test_the_rules_dashboard_offers_evaluation_now_to_whom_may_evaluate(tree, alice, bob,
                                                                          django_capture_on_commit_callbacks):
    page = logged_in(alice).get(f"/rules/?org={tree.township_a.pk}").content.decode()
    assert 'id="rules-evaluate"' in page and f'name="org" value="{tree.township_a.pk}"' in page
    assert 'id="rules-evaluate"' not in logged_in(bob).get("/rules/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        logged_in(alice).post("/jobs/evaluate/", {"org": ""})  # the whole jurisdiction
    job = Job.objects.get()
    # "全部" is alice's own county, never the whole register
    assert (job.org_unit, job.params, job.state) == (tree.county_a, {"org": tree.county_a.pk}, JobState.DONE)
    # and a job asking for the whole register as a person is refused in the worker
    whole = job_start(actor=alice, jurisdiction=jurisdiction_for(alice), kind="rules.evaluate", params={},
                      org_unit=tree.county_a)
    execute(whole.pk)
    whole.refresh_from_db()
    assert (whole.state, whole.error) == (JobState.FAILED, "请选择要评估的单位")
