from __future__ import annotations

import pytest

from zugong.core.errors import Forbidden, IllegalTransition, NotFound
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import AuditEvent
from zugong.jobs.files import result_read, result_root
from zugong.jobs.models import ALLOWED, Job, JobState
from zugong.jobs.services import _transition, job_cancel, job_start
from zugong.jobs.tasks import execute


def start(user, unit, **params) -> Job:
    return job_start(actor=user, jurisdiction=jurisdiction_for(user), kind="jobs.count", params=params, org_unit=unit)


def test_a_started_job_runs_to_done_with_its_file(tree, alice, django_capture_on_commit_callbacks):
    # when: started (the immediate backend runs it once the transaction commits)
    with django_capture_on_commit_callbacks(execute=True):
        job = start(alice, tree.county_a, n=3)
    # then
    job.refresh_from_db()
    assert (job.state, job.done, job.total, job.message) == (JobState.DONE, 3, 3, "数到 3")
    assert job.task_id and job.started_at and job.finished_at
    assert result_read(job.result_path) == b"counted 3"
    assert (result_root() / job.result_path).stat().st_mode & 0o777 == 0o600
    actions = list(AuditEvent.objects.filter(object_id=str(job.pk), object_type="jobs.job")
                   .values_list("action", flat=True).order_by("sequence"))
    assert actions == ["jobs.job_start", "jobs.job_finish"]


def test_starting_needs_the_kind_action_at_the_unit(tree, alice, bob, carol):
    with pytest.raises(NotFound):
        start(carol, tree.county_a, n=1)  # county B's admin: county A is out of sight
    with pytest.raises(Forbidden):
        start(bob, tree.township_a, n=1)  # township staff may not export 任免审批表
    assert not Job.objects.exists()


def test_a_failing_job_keeps_its_chinese_error(tree, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = start(alice, tree.county_a, n=1, fail=True)
    job.refresh_from_db()
    assert (job.state, job.error, job.result_path) == (JobState.FAILED, "测试：参数不对", "")
    assert AuditEvent.objects.filter(action="jobs.job_fail", object_id=str(job.pk)).exists()


def test_a_queued_job_cancelled_never_runs(tree, alice):
    job = start(alice, tree.county_a, n=2)  # no commit: nothing enqueued yet
    job_cancel(actor=alice, jurisdiction=jurisdiction_for(alice), job_id=job.pk)
    assert execute(job.pk) == "skipped"
    job.refresh_from_db()
    assert (job.state, job.done) == (JobState.CANCELLED, 0)
    assert AuditEvent.objects.filter(action="jobs.job_cancel", object_id=str(job.pk)).exists()


def test_cancel_stops_a_running_job_at_the_next_progress_step(tree, alice):
    job = start(alice, tree.county_a, n=10, cancel_at=4)
    assert execute(job.pk) == "cancelled"
    job.refresh_from_db()
    # the cancel came before step 4 was recorded: the job stopped there instead of going on to 10
    assert (job.state, job.done, job.result_path) == (JobState.CANCELLED, 4, "")
    assert job.finished_at is not None


def test_a_finished_job_cannot_be_cancelled(tree, alice):
    job = start(alice, tree.county_a, n=1)
    execute(job.pk)
    with pytest.raises(IllegalTransition):
        job_cancel(actor=alice, jurisdiction=jurisdiction_for(alice), job_id=job.pk)


def test_others_cannot_cancel_what_they_cannot_see(tree, alice, carol):
    job = start(alice, tree.county_a, n=1)
    with pytest.raises(NotFound):
        job_cancel(actor=carol, jurisdiction=jurisdiction_for(carol), job_id=job.pk)
    assert Job.objects.get(pk=job.pk).state == JobState.QUEUED


@pytest.mark.parametrize(("source", "target"), [
    (s, t) for s in JobState for t in JobState if t not in ALLOWED[s]])
def test_every_forbidden_transition_is_refused(source, target):
    job = Job(state=source)
    with pytest.raises(IllegalTransition):
        _transition(job, target)
