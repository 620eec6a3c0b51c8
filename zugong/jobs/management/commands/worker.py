"""`zugong worker`: run background workers alone (any number, on any machine sharing the database)."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from zugong.jobs.supervisor import Child, supervise
from zugong.jobs.worker import run_worker


class Command(BaseCommand):
    help = "Run background workers: take jobs (exports, imports, audits, evaluations) off the queue."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--processes", type=int, default=1, help="worker processes to run (default 1)")
        parser.add_argument("--interval", type=float, default=1.0,
                            help="seconds between looks at an empty queue (default 1)")
        parser.add_argument("--batch", action="store_true", help="run the queued jobs, then exit")

    def handle(self, *args: Any, **options: Any) -> None:
        processes = options["processes"]
        if processes < 1:
            raise CommandError("--processes 至少为 1")
        if options["interval"] < 0:
            raise CommandError("--interval 不能为负数")
        if processes == 1:
            run_worker(interval=options["interval"], batch=options["batch"])
            return
        argv = [sys.executable, "-m", "zugong.cli", "worker", "--interval", str(options["interval"])]
        if options["batch"]:
            argv.append("--batch")
        code = supervise([Child(f"worker-{n}", argv) for n in range(1, processes + 1)])
        if code:
            raise SystemExit(code)
