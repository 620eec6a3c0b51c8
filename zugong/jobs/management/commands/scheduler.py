"""`zugong scheduler`: the scheduler loop alone. Safe to run on every app server: each due time is
enqueued once (zugong/jobs/scheduler.py)."""

from __future__ import annotations

import signal
import threading
from argparse import ArgumentParser
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand

from zugong.jobs.scheduler import SchedulerLoop, schedules


class Command(BaseCommand):
    help = "Run the scheduler: enqueue the daily evaluation (and other scheduled jobs) once per due time."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--once", action="store_true", help="one tick: enqueue what is due now, then exit")
        parser.add_argument("--tick", type=float, default=30.0, help="seconds between ticks (default 30)")

    def handle(self, *args: Any, **options: Any) -> None:
        plan = schedules()
        loop = SchedulerLoop(plan, tick_seconds=options["tick"])
        if options["once"]:
            for job in loop.tick():
                self.stdout.write(f"已排队：{job.kind} #{job.pk}")
            return
        for item in plan:
            self.stdout.write(f"zugong scheduler: {item.name} 每天 {item.at:%H:%M}")
        if not plan:
            self.stdout.write("zugong scheduler: 没有定时任务（ZUGONG_EVALUATE_AT=off）")
        stop = threading.Event()

        def on_signal(_signum: int, _frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        loop.run(stop)
