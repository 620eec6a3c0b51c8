"""`zugong run`: migrate, collect static files, load the demo when the database is empty, print the demo
accounts, then run and supervise three processes: gunicorn (whitenoise serves the static files), one
background worker (`zugong worker`) and the scheduler (`zugong scheduler`). When one of them stops, or
`zugong run` gets SIGTERM / Ctrl-C, the others are stopped too (zugong/jobs/supervisor.py)."""

from __future__ import annotations

import os
import shutil
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from zugong.core.demo_data import DEMO_PASSWORD
from zugong.core.models import Membership, OrgUnit
from zugong.jobs.scheduler import parse_at
from zugong.jobs.supervisor import Child, supervise


def gunicorn_executable() -> str:
    """The gunicorn next to this Python (the venv's), else the one on PATH."""
    beside = Path(sys.executable).with_name("gunicorn")
    if beside.is_file():
        return str(beside)
    found = shutil.which("gunicorn")
    if found is None:
        raise CommandError("找不到 gunicorn：请先安装 zugong 的依赖（pip install zugong）。")
    return found


def gunicorn_argv(*, host: str, port: int, workers: int) -> list[str]:
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    argv = [gunicorn_executable(), "zugong.wsgi:application", "--config", "python:zugong.gunicorn_conf",
            "--bind", bind, "--workers", str(workers),
            "--access-logfile", "-", "--timeout", "120", "--graceful-timeout", "10"]
    if _gunicorn_has_control_socket():
        # Newer gunicorn opens ~/.gunicorn/gunicorn.ctl by default; two instances would share it.
        argv.append("--no-control-socket")
    return argv


def _gunicorn_has_control_socket() -> bool:
    from gunicorn.config import KNOWN_SETTINGS

    return any(setting.name == "control_socket_disable" for setting in KNOWN_SETTINGS)


def zugong_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "zugong.cli", *args]


def children(*, host: str, port: int, workers: int, job_workers: int, scheduler: bool) -> list[Child]:
    """The processes `zugong run` supervises: the web server, the background workers, the scheduler."""
    found = [Child("web", gunicorn_argv(host=host, port=port, workers=workers))]
    if job_workers:
        found.append(Child("worker", zugong_argv("worker", "--processes", str(job_workers))))
    if scheduler:
        found.append(Child("scheduler", zugong_argv("scheduler")))
    return found


class Command(BaseCommand):
    help = "Serve zugong: migrate, collectstatic, load the demo if empty, run gunicorn + a worker + the scheduler."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--no-demo", action="store_true", help="do not load the demo province")
        parser.add_argument("--evaluate-at", default=os.environ.get("ZUGONG_EVALUATE_AT", "01:30"),
                            help="daily time (HH:MM) of the scheduled rule evaluation; 'off' to disable")
        parser.add_argument("--job-workers", type=int, default=1,
                            help="background worker processes (default 1; 0 when `zugong worker` runs elsewhere)")
        parser.add_argument("--no-scheduler", action="store_true",
                            help="do not run the scheduler here (it is safe to run on every server)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] < 1:
            raise CommandError("--workers 至少为 1")
        if options["job_workers"] < 0:
            raise CommandError("--job-workers 不能为负数")
        try:
            parse_at(options["evaluate_at"])
        except ValueError as exc:
            raise CommandError("--evaluate-at 应为 HH:MM（例如 01:30）或 off") from exc
        call_command("migrate", interactive=False, verbosity=1)
        call_command("collectstatic", interactive=False, verbosity=0)
        if not options["no_demo"]:
            already_loaded = OrgUnit.objects.exists()
            call_command("demo", if_empty=True, stdout=self.stdout)
            if already_loaded:
                self.print_existing_accounts()
        self.stdout.write(f"\nzugong: http://{options['host']}:{options['port']}/  (Ctrl-C 停止)\n")
        self.stdout.flush()
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zugong.settings")
        # collectstatic just ran: serve the compressed copies in STATIC_ROOT, not the sources.
        os.environ["ZUGONG_STATIC_FROM_SOURCE"] = "0"
        os.environ["ZUGONG_EVALUATE_AT"] = options["evaluate_at"]
        # The children open their own connections; none is inherited from this process.
        connections.close_all()
        code = supervise(children(host=options["host"], port=options["port"], workers=options["workers"],
                                  job_workers=options["job_workers"], scheduler=not options["no_scheduler"]))
        if code:
            raise SystemExit(code)

    def print_existing_accounts(self) -> None:
        """The database was loaded before: list its accounts (the demo ones keep the demo password)."""
        memberships = Membership.objects.select_related("user", "org_unit").order_by("user__username", "pk")
        if not memberships:
            return
        self.stdout.write(f"\n账号 / accounts (演示账号初始密码 / demo password: {DEMO_PASSWORD}，若未修改)")
        for m in memberships:
            self.stdout.write(f"  {m.user.username:<10} {m.get_role_display():<10} {m.org_unit.name}")
