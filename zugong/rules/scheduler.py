"""When the daily rule evaluation is due. The evaluation itself is a job (`rules.evaluate`, run by a
worker) that `zugong scheduler` enqueues once per due time across every app server
(zugong/jobs/scheduler.py); `zugong run` starts that scheduler beside the web server, which no longer
runs anything in its master process. `zugong run-scheduler` is the old foreground loop for development.
"""

from __future__ import annotations

from datetime import datetime, timedelta


def next_run(now: datetime, hour: int, minute: int) -> datetime:
    """The next moment at hour:minute (local time) strictly after `now`."""
    candidate = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return candidate if candidate > now else candidate + timedelta(days=1)
