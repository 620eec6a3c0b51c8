from __future__ import annotations

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

from zugong.core.management.commands.run import children, gunicorn_argv
from zugong.rules.scheduler import next_run


def test_next_run_is_today_or_tomorrow() -> None:
    tz = ZoneInfo("Asia/Shanghai")
    assert next_run(datetime(2024, 3, 1, 0, 10, tzinfo=tz), 1, 30) == datetime(2024, 3, 1, 1, 30, tzinfo=tz)
    assert next_run(datetime(2024, 3, 1, 1, 30, tzinfo=tz), 1, 30) == datetime(2024, 3, 2, 1, 30, tzinfo=tz)


def test_the_web_server_runs_no_scheduler_thread() -> None:
    # given the gunicorn config `zugong run` passes
    from zugong import gunicorn_conf

    argv = gunicorn_argv(host="127.0.0.1", port=8000, workers=1)
    assert argv[argv.index("--config") + 1] == "python:zugong.gunicorn_conf"
    # then it has no hook that would start the evaluation in every server's master process
    assert not hasattr(gunicorn_conf, "when_ready")
    assert not any(t.name == "zugong-rule-scheduler" for t in threading.enumerate())


def test_zugong_run_supervises_web_worker_and_scheduler() -> None:
    names = [c.name for c in children(host="127.0.0.1", port=8000, workers=2, job_workers=1, scheduler=True)]
    assert names == ["web", "worker", "scheduler"]
    web_only = children(host="127.0.0.1", port=8000, workers=2, job_workers=0, scheduler=False)
    assert [c.name for c in web_only] == ["web"]
