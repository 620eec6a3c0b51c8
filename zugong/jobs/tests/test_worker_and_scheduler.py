"""The real queue: django-tasks-db's backend and a worker in this process, on SQLite and PostgreSQL;
the scheduler's lease on both, and two schedulers racing on PostgreSQL."""

from __future__ import annotations

import threading
from datetime import datetime, time, timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from zugong.core.jurisdiction import jurisdiction_for
from zugong.jobs.models import Job, JobState, ScheduleLease, WorkerHeartbeat
from zugong.jobs.scheduler import Schedule, SchedulerLoop, claim, latest_due
from zugong.jobs.services import job_start
from zugong.jobs.worker import run_worker

EVALUATION = Schedule("daily-evaluation", time(1, 30), "rules.evaluate")


@pytest.mark.django_db(transaction=True)
def test_the_database_queue_and_a_worker_run_a_job(tree, alice, database_tasks):
    # given: a job started on a page; the database backend only stores it
    job = job_start(actor=alice, jurisdiction=jurisdiction_for(alice), kind="jobs.count", params={"n": 5},
                    org_unit=tree.county_a)
    job.refresh_from_db()
    task = DBTaskResult.objects.get()
    assert (job.state, job.task_id, task.status) == (JobState.QUEUED, str(task.id), "READY")
    # when: a worker takes what is queued (batch: until the queue is empty)
    run_worker(batch=True, signals=False, worker_id="test-worker")
    # then
    job.refresh_from_db()
    task.refresh_from_db()
    assert (job.state, job.done, job.total) == (JobState.DONE, 5, 5)
    assert (task.status, task.return_value, task.worker_ids) == ("SUCCESSFUL", "done", ["test-worker"])
    assert WorkerHeartbeat.objects.get(worker_id="test-worker").last_seen <= timezone.now()


def test_latest_due_is_today_or_yesterday():
    tz = timezone.get_current_timezone()
    assert latest_due(EVALUATION, datetime(2026, 3, 2, 1, 30, tzinfo=tz)) == datetime(2026, 3, 2, 1, 30, tzinfo=tz)
    assert latest_due(EVALUATION, datetime(2026, 3, 2, 1, 29, tzinfo=tz)) == datetime(2026, 3, 1, 1, 30, tzinfo=tz)


def test_a_due_time_is_claimed_once(tree):
    due = datetime(2026, 3, 2, 1, 30, tzinfo=timezone.get_current_timezone())
    first = claim(EVALUATION, due, claimer="server-a")
    again = claim(EVALUATION, due, claimer="server-b")
    assert first is not None and first.kind == "rules.evaluate" and again is None
    lease = ScheduleLease.objects.get()
    assert (lease.claimed_by, lease.job_id) == ("server-a", first.pk)
    # the next day is a new due time
    assert claim(EVALUATION, due + timedelta(days=1), claimer="server-b") is not None


def test_the_loop_catches_up_a_recent_due_time_but_not_an_old_one(tree):
    tz = timezone.get_current_timezone()
    recent = SchedulerLoop([EVALUATION], claimer="a", clock=lambda: datetime(2026, 3, 2, 1, 50, tzinfo=tz))
    assert [j.kind for j in recent.tick()] == ["rules.evaluate"]
    assert recent.tick() == []  # the same due time: already leased
    late = SchedulerLoop([EVALUATION], claimer="b", clock=lambda: datetime(2026, 3, 3, 9, 0, tzinfo=tz))
    assert late.tick() == []  # 01:30 passed 7.5 hours ago, beyond the catch-up hour
    assert Job.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two schedulers racing need PostgreSQL's concurrency")
def test_two_schedulers_on_one_postgresql_enqueue_one_evaluation(tree, database_tasks):
    # given: two scheduler loops (two servers), each on its own connection, waking at the same due time
    tz = timezone.get_current_timezone()
    at = datetime(2026, 3, 2, 1, 30, 5, tzinfo=tz)
    barrier = threading.Barrier(2)
    enqueued: list[list[Job]] = []
    failures: list[BaseException] = []

    def server(name: str) -> None:
        try:
            loop = SchedulerLoop([EVALUATION], claimer=name, clock=lambda: at)
            barrier.wait()
            enqueued.append(loop.tick())
        except BaseException as exc:  # noqa: BLE001 — reported by the assertion below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=server, args=(n,)) for n in ("server-a", "server-b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    # then: exactly one evaluation job, one queued task, one lease
    assert not failures
    assert sorted(len(jobs) for jobs in enqueued) == [0, 1]
    assert Job.objects.filter(kind="rules.evaluate").count() == 1
    assert DBTaskResult.objects.count() == 1
    assert ScheduleLease.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two processes need one shared database server")
def test_two_scheduler_processes_on_one_postgresql_enqueue_one_evaluation(tree):
    # given: the daily evaluation due a minute ago, and two servers' schedulers started at the same moment
    import os
    import subprocess
    import sys

    due = (timezone.localtime() - timedelta(minutes=1)).strftime("%H:%M")
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "ZUGONG_EVALUATE_AT": due, "ZUGONG_CHECKPOINT_AT": "off"}
    env.pop("ZUGONG_TEST_DB_NAME", None)
    # when
    servers = [subprocess.Popen([sys.executable, "-m", "zugong.cli", "scheduler", "--once"], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [s.communicate(timeout=120) for s in servers]
    # then: both ran cleanly, one of them enqueued the evaluation, the other found the lease
    assert [s.returncode for s in servers] == [0, 0], outputs
    assert sorted(out.count("已排队：rules.evaluate") for out, _err in outputs) == [0, 1]
    assert Job.objects.filter(kind="rules.evaluate").count() == 1
    assert ScheduleLease.objects.get().name == "daily-evaluation"


@pytest.mark.django_db(transaction=True)
def test_a_running_job_whose_worker_died_is_failed_and_old_results_pruned(tree, alice, database_tasks):
    from zugong.jobs.files import result_root
    from zugong.jobs.services import job_begin, job_results_prune, jobs_orphaned_fail
    from zugong.jobs.tasks import execute

    # given: a job a worker claimed and began, then the worker stopped beating 10 minutes ago
    job = job_start(actor=alice, jurisdiction=jurisdiction_for(alice), kind="jobs.count", params={"n": 1},
                    org_unit=tree.county_a)
    DBTaskResult.objects.get().claim("dead-worker")
    job_begin(job_id=job.pk)
    WorkerHeartbeat.objects.create(worker_id="dead-worker", host="h", pid=1, started_at=timezone.now(),
                                   last_seen=timezone.now() - timedelta(minutes=10))
    # and a finished job whose file is 8 days old
    old = job_start(actor=alice, jurisdiction=jurisdiction_for(alice), kind="jobs.count", params={"n": 1},
                    org_unit=tree.county_a)
    execute(old.pk)
    old.refresh_from_db()
    Job.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(days=8))
    # when
    assert jobs_orphaned_fail(stale_after=timedelta(minutes=2)) == [job.pk]
    assert job_results_prune(older_than=timedelta(days=7)) == 1
    # then
    job.refresh_from_db()
    assert (job.state, job.error) == (JobState.FAILED, "执行该任务的后台进程已停止，任务未完成，请重新运行")
    assert not (result_root() / old.result_path).exists()
    assert Job.objects.get(pk=old.pk).result_path == ""
    # a job whose worker still beats is left alone
    assert jobs_orphaned_fail(stale_after=timedelta(minutes=2)) == []
