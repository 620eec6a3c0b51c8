"""The worker process: django-tasks-db's worker loop plus a heartbeat for /healthz."""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading

from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker

from zugong.jobs.services import heartbeat_beat

logger = logging.getLogger("zugong.jobs.worker")
HEARTBEAT_SECONDS = 15.0


def new_worker_id() -> str:
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{secrets.token_hex(4)}"[:64]


def _beat_forever(worker_id: str, started: object, stop: threading.Event) -> None:
    try:
        while not stop.wait(HEARTBEAT_SECONDS):
            close_old_connections()
            try:
                heartbeat_beat(worker_id=worker_id, started_at=started)
            except DatabaseError:
                logger.exception("worker heartbeat could not be written")
    finally:
        connection.close()


def run_worker(*, interval: float = 1.0, batch: bool = False, max_tasks: int | None = None,
               worker_id: str | None = None, signals: bool = True) -> None:
    """Take jobs off the queue until stopped (or, with `batch`, until the queue is empty)."""
    worker_id = worker_id or new_worker_id()
    started = timezone.now()
    heartbeat_beat(worker_id=worker_id, started_at=started)
    stop = threading.Event()
    if not batch:
        threading.Thread(target=_beat_forever, args=(worker_id, started, stop), daemon=True,
                         name="zugong-worker-heartbeat").start()
    worker = Worker(queue_names=["default"], interval=interval, batch=batch, backend_name="default",
                    startup_delay=not batch, max_tasks=max_tasks, worker_id=worker_id, excluded_queue_names=[])
    if signals:
        worker.configure_signals()
    try:
        worker.run()
    finally:
        stop.set()
