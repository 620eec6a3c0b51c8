"""One scheduler across every app server: each scheduled job is enqueued exactly once per due time.

Every server may run the loop (`zugong run` starts it, `zugong scheduler` runs it alone). At each tick
the loop works out the latest due time of each schedule and tries to claim it: a `ScheduleLease` row
unique on (name, due_at), inserted in the same transaction that records and enqueues the job. On
PostgreSQL the transaction first takes an advisory lock on the schedule's name, so competing servers
queue behind it and then see the lease instead of racing into the unique index; on SQLite every write
transaction is IMMEDIATE and so serialised already. Whoever commits first schedules; the others find the
lease and do nothing. A due time missed while no scheduler ran is caught up within `CATCH_UP`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, IntegrityError, close_old_connections, connection, transaction
from django.utils import timezone

from zugong.core.permissions import SYSTEM
from zugong.jobs.kinds import kinds
from zugong.jobs.models import Job, ScheduleLease
from zugong.jobs.services import job_results_prune, job_start, jobs_orphaned_fail

logger = logging.getLogger("zugong.jobs.scheduler")
CATCH_UP = timedelta(hours=1)
TICK_SECONDS = 30.0


@dataclass(frozen=True)
class Schedule:
    name: str
    at: time  # local time of day
    kind: str
    params: dict[str, Any] = field(default_factory=dict)


def parse_at(raw: str) -> time | None:
    """"HH:MM" → time; "off", "0" or "" → None (not scheduled). Anything else raises ValueError."""
    if raw.strip().lower() in {"", "off", "0"}:
        return None
    hour, minute = (int(part) for part in raw.split(":"))
    return time(hour, minute)


def schedules() -> list[Schedule]:
    """The daily rule evaluation (ZUGONG_EVALUATE_AT) and, when installed, the audit checkpoint."""
    found = []
    evaluate_at = parse_at(getattr(settings, "ZUGONG_EVALUATE_AT", "01:30"))
    if evaluate_at is not None:
        found.append(Schedule("daily-evaluation", evaluate_at, "rules.evaluate"))
    checkpoint_at = parse_at(getattr(settings, "ZUGONG_CHECKPOINT_AT", "02:30"))
    if checkpoint_at is not None and any(k.key == "core.audit_checkpoint" for k in kinds()):
        found.append(Schedule("audit-checkpoint", checkpoint_at, "core.audit_checkpoint"))
    return found


def latest_due(schedule: Schedule, now: datetime) -> datetime:
    """The last moment at the schedule's local time that is not after `now`."""
    local = timezone.localtime(now)
    candidate = local.replace(hour=schedule.at.hour, minute=schedule.at.minute, second=0, microsecond=0)
    return candidate if candidate <= local else candidate - timedelta(days=1)


def _advisory_lock(name: str) -> None:
    if connection.vendor == "postgresql":
        key = int.from_bytes(hashlib.sha256(f"zugong-schedule:{name}".encode()).digest()[:8], "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def claim(schedule: Schedule, due_at: datetime, *, claimer: str) -> Job | None:
    """Enqueue the schedule's job for `due_at` unless another server already did; the job or None."""
    try:
        with transaction.atomic():
            _advisory_lock(schedule.name)
            if ScheduleLease.objects.filter(name=schedule.name, due_at=due_at).exists():
                return None
            lease = ScheduleLease.objects.create(name=schedule.name, due_at=due_at, claimed_by=claimer[:255])
            job = job_start(actor=None, jurisdiction=SYSTEM, kind=schedule.kind, params=dict(schedule.params))
            lease.job = job
            lease.save(update_fields=["job"])
    except IntegrityError:
        return None  # the unique (name, due_at) index: another server committed the same lease first
    logger.warning("scheduled %s for %s (job %s)", schedule.name, due_at.isoformat(), job.pk)
    return job


def housekeeping() -> None:
    """Each tick: fail jobs whose worker died, and drop result files older than ZUGONG_JOB_RESULT_DAYS."""
    jobs_orphaned_fail(stale_after=timedelta(seconds=settings.ZUGONG_WORKER_STALE_SECONDS))
    job_results_prune(older_than=timedelta(days=getattr(settings, "ZUGONG_JOB_RESULT_DAYS", 7)))


def default_claimer() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class SchedulerLoop:
    plan: list[Schedule]
    claimer: str = field(default_factory=default_claimer)
    clock: Callable[[], datetime] = timezone.now
    tick_seconds: float = TICK_SECONDS

    def tick(self) -> list[Job]:
        now = self.clock()
        housekeeping()
        enqueued = []
        for schedule in self.plan:
            due = latest_due(schedule, now)
            if now - due <= CATCH_UP:
                job = claim(schedule, due, claimer=self.claimer)
                if job is not None:
                    enqueued.append(job)
        return enqueued

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            close_old_connections()
            try:
                self.tick()
            except DatabaseError:
                # The database is away (restart, failover): say so and try again at the next tick.
                logger.exception("scheduler tick failed; retrying in %.0fs", self.tick_seconds)
            close_old_connections()
            stop.wait(self.tick_seconds)
