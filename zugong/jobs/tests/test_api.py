"""GET /api/v1/jobs, /jobs/{id}, /jobs/{id}/download and POST /jobs/{id}/cancel: who sees and cancels what."""

from __future__ import annotations

import itertools
from urllib.parse import unquote

import pytest
from django.contrib.auth.models import User

from zugong.conftest import Tree, bearer, logged_in, make_user
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import AuditEvent, Role
from zugong.jobs import selectors
from zugong.jobs.models import Job, JobState
from zugong.jobs.services import job_start, may_see
from zugong.jobs.tasks import execute


def start(user: User | None, unit, **params) -> Job:  # type: ignore[no-untyped-def]
    jurisdiction = jurisdiction_for(user) if user else jurisdiction_for(None)
    return job_start(actor=user, jurisdiction=jurisdiction, kind="jobs.count", params=params, org_unit=unit)


@pytest.fixture
def dave(tree: Tree) -> User:
    """A second org-department clerk of county A: sees alice's export jobs there (the kind's action)."""
    return make_user("dave", tree.county_a, Role.ORG_STAFF)


def test_the_list_holds_own_jobs_and_colleagues_jobs_of_kinds_one_may_start(tree, alice, bob, carol, dave):
    # given: alice's two jobs in county A, bob's own job (township staff may not start the kind but owns it)
    first, second = start(alice, tree.county_a, n=1), start(alice, tree.township_a, n=1)
    bobs = Job.objects.create(owner=bob, kind="jobs.count", org_unit=tree.township_a)
    # when / then
    assert [j["id"] for j in bearer(alice).get("/api/v1/jobs").json()] == [bobs.pk, second.pk, first.pk]
    assert [j["id"] for j in bearer(alice).get("/api/v1/jobs", {"mine": "true"}).json()] == [second.pk, first.pk]
    assert [j["id"] for j in bearer(dave).get("/api/v1/jobs").json()] == [bobs.pk, second.pk, first.pk]
    assert bearer(dave).get("/api/v1/jobs", {"mine": "true"}).json() == []
    assert [j["id"] for j in bearer(bob).get("/api/v1/jobs").json()] == [bobs.pk]  # not alice's
    assert bearer(carol).get("/api/v1/jobs").json() == []  # county B
    row = bearer(dave).get("/api/v1/jobs").json()[1]
    assert (row["owner"], row["mine"], row["state"], row["state_label"], row["org_unit_name"], row["kind_label"]) == (
        "alice", False, "queued", "排队中", "甲镇", "计数")


def test_the_list_filters_by_state_and_kind_and_pages(tree, alice):
    jobs = [start(alice, tree.county_a, n=1) for _ in range(3)]
    execute(jobs[0].pk)
    client = bearer(alice)
    assert [j["id"] for j in client.get("/api/v1/jobs", {"state": "done"}).json()] == [jobs[0].pk]
    assert [j["id"] for j in client.get("/api/v1/jobs", {"state": "queued", "limit": "1", "offset": "1"}).json()] == [
        jobs[1].pk]
    assert client.get("/api/v1/jobs", {"kind": "rules.evaluate"}).json() == []
    assert client.get("/api/v1/jobs", {"state": "nonsense"}).status_code == 422
    assert client.get("/api/v1/jobs", {"limit": 0}).status_code == 422


def test_the_selector_and_the_one_job_check_agree_for_every_person_and_job(tree, alice, bob, carol, dave):
    admin = User.objects.create_superuser("root", password="pw-root")
    owners = [alice, bob, carol, dave, None]
    units = [tree.county_a, tree.township_a, tree.county_b, tree.village_b, None]
    for owner, unit in itertools.product(owners, units):
        Job.objects.create(owner=owner, kind="jobs.count", org_unit=unit)
    for person in (alice, bob, carol, dave, admin):
        jurisdiction = jurisdiction_for(person)
        visible = set(selectors.jobs_visible(jurisdiction).values_list("pk", flat=True))
        expected = {job.pk for job in Job.objects.all() if may_see(jurisdiction, job)}
        assert visible == expected, person.username
    # carol: her own five, and the others' (alice, bob, dave, the system) in county B and its village
    assert selectors.jobs_visible(jurisdiction_for(carol)).count() == 5 + 4 * 2


def test_one_job_its_progress_and_its_file(tree, alice, dave, carol):
    job = start(alice, tree.county_a, n=3)
    queued = bearer(alice).get(f"/api/v1/jobs/{job.pk}").json()
    assert (queued["state"], queued["percent"], queued["download_url"], queued["result_name"]) == (
        "queued", 0, None, "")
    assert bearer(alice).get(f"/api/v1/jobs/{job.pk}/download").status_code == 404
    execute(job.pk)
    done = bearer(dave).get(f"/api/v1/jobs/{job.pk}").json()
    assert (done["state"], done["done"], done["total"], done["percent"], done["message"]) == (
        "done", 3, 3, 100, "数到 3")
    assert (done["result_name"], done["result_size"]) == ("计数.txt", len(b"counted 3"))
    response = bearer(dave).get(done["download_url"])
    assert response.status_code == 200 and response.content == b"counted 3"
    assert unquote(response["Content-Disposition"]).endswith("''计数.txt")
    # carol (county B) sees neither the job nor its file
    assert bearer(carol).get(f"/api/v1/jobs/{job.pk}").status_code == 404
    assert bearer(carol).get(f"/api/v1/jobs/{job.pk}/download").json()["error"]["code"] == "not_found"


def test_cancel_a_queued_job_and_then_not_again(tree, alice):
    job = start(alice, tree.county_a, n=2)
    response = bearer(alice).post(f"/api/v1/jobs/{job.pk}/cancel")
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["state_label"]) == ("cancelled", "已取消")
    assert AuditEvent.objects.filter(action="jobs.job_cancel", object_id=str(job.pk)).count() == 1
    again = bearer(alice).post(f"/api/v1/jobs/{job.pk}/cancel")
    assert again.status_code == 409
    assert again.json()["error"]["message"] == "任务状态为“已取消”，不能取消"


def test_cancel_a_running_job_asks_it_to_stop(tree, alice, dave):
    job = start(alice, tree.county_a, n=2)
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING)
    body = bearer(dave).post(f"/api/v1/jobs/{job.pk}/cancel").json()  # a colleague holding the kind's action
    assert (body["state"], body["cancel_requested"]) == ("running", True)
    assert bearer(alice).post(f"/api/v1/jobs/{job.pk}/cancel").status_code == 409


def test_cancel_is_refused_before_anything_for_a_job_out_of_sight(tree, alice, bob, carol):
    job = start(alice, tree.county_a, n=2)
    for person in (bob, carol):
        response = bearer(person).post(f"/api/v1/jobs/{job.pk}/cancel")
        assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")
    assert bearer(alice).post("/api/v1/jobs/2147483648/cancel").status_code == 404  # the pre-check, before parsing
    assert Job.objects.get(pk=job.pk).state == JobState.QUEUED
    assert not AuditEvent.objects.filter(action="jobs.job_cancel").exists()


def test_cancel_from_the_browser_needs_the_csrf_token(tree, alice):
    from django.test import Client

    job = start(alice, tree.county_a, n=2)
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(f"/api/v1/jobs/{job.pk}/cancel").status_code == 403
    assert logged_in(alice).post(f"/api/v1/jobs/{job.pk}/cancel").json()["state"] == "cancelled"


def test_anonymous_is_401(tree, alice):
    from django.test import Client

    job = start(alice, tree.county_a, n=1)
    assert Client().get("/api/v1/jobs").status_code == 401
    assert Client().post(f"/api/v1/jobs/{job.pk}/cancel").status_code == 401
