"""The daily evaluation of the rule register, run inside the serving process by `zugong run`.

Production runs `zugong evaluate` from cron or a systemd timer instead (docs/rules.md); this thread
is for the single-machine setup that `make run` gives.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta

from django.db import DatabaseError, close_old_connections, connections
from django.utils import timezone

logger = logging.getLogger("zugong.rules.scheduler")


def next_run(now: datetime, hour: int, minute: int) -> datetime:
    """The next moment at hour:minute (local time) strictly after `now`."""
    candidate = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return candidate if candidate > now else candidate + timedelta(days=1)


def evaluate_now() -> int:
    from zugong.core.permissions import SYSTEM
    from zugong.rules.engine import evaluate

    close_old_connections()
    try:
        report = evaluate(as_of=timezone.localdate(), actor=None, jurisdiction=SYSTEM)
    finally:
        # Never leave a connection open in the server's master process: workers fork from it.
        connections.close_all()
    return sum(r.subjects for r in report.rules)


def _loop(hour: int, minute: int, stop: threading.Event) -> None:
    while not stop.is_set():
        now = timezone.localtime()
        wake = next_run(now, hour, minute)
        if stop.wait(max(1.0, (wake - now).total_seconds())):
            return
        started = time.monotonic()
        try:
            judged = evaluate_now()
        except DatabaseError:
            logger.exception("daily rule evaluation failed; will retry at the next run")
            continue
        logger.warning("daily rule evaluation: %d findings in %.1fs", judged, time.monotonic() - started)
        checkpoint_now()


def checkpoint_now() -> None:
    """Anchor the audit chain outside the database once a day (core/checkpoints.py); a failure is logged."""
    from zugong.core.checkpoints import CheckpointError, write_checkpoint

    close_old_connections()
    try:
        checkpoint = write_checkpoint()
    except (CheckpointError, DatabaseError, OSError):
        logger.exception("daily audit checkpoint failed; will retry at the next run")
        return
    finally:
        connections.close_all()
    logger.warning("daily audit checkpoint: event %d signed", checkpoint.seq)


def start_daily_evaluation(*, at: str = "01:30") -> threading.Event:
    """Start a daemon thread that evaluates the register every day at `at`; set the event to stop it."""
    hour, minute = (int(part) for part in at.split(":"))
    stop = threading.Event()
    threading.Thread(target=_loop, args=(hour, minute, stop), name="zugong-rule-scheduler", daemon=True).start()
    return stop
