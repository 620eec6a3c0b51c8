"""`zugong run`: migrate, collect static files, load the demo when the database is empty, print the demo
accounts, then hand the process over to gunicorn (whitenoise serves the static files)."""

from __future__ import annotations

import os
import shutil
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from zugong.core.demo_data import DEMO_PASSWORD
from zugong.core.models import Membership, OrgUnit


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


class Command(BaseCommand):
    help = "Serve zugong: migrate, collectstatic, load the demo if the database is empty, run gunicorn."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--no-demo", action="store_true", help="do not load the demo province")
        parser.add_argument("--evaluate-at", default="01:30",
                            help="daily time (HH:MM) of the in-process rule evaluation; 'off' to disable")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] < 1:
            raise CommandError("--workers 至少为 1")
        call_command("migrate", interactive=False, verbosity=1)
        call_command("collectstatic", interactive=False, verbosity=0)
        if not options["no_demo"]:
            already_loaded = OrgUnit.objects.exists()
            call_command("demo", if_empty=True, stdout=self.stdout)
            if already_loaded:
                self.print_existing_accounts()
        argv = gunicorn_argv(host=options["host"], port=options["port"], workers=options["workers"])
        self.stdout.write(f"\nzugong: http://{options['host']}:{options['port']}/  (Ctrl-C 停止)\n")
        self.stdout.flush()
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zugong.settings")
        # collectstatic just ran: serve the compressed copies in STATIC_ROOT, not the sources.
        os.environ["ZUGONG_STATIC_FROM_SOURCE"] = "0"
        os.environ["ZUGONG_EVALUATE_AT"] = options["evaluate_at"]
        os.execv(argv[0], argv)

    def print_existing_accounts(self) -> None:
        """The database was loaded before: list its accounts (the demo ones keep the demo password)."""
        memberships = Membership.objects.select_related("user", "org_unit").order_by("user__username", "pk")
        if not memberships:
            return
        self.stdout.write(f"\n账号 / accounts (演示账号初始密码 / demo password: {DEMO_PASSWORD}，若未修改)")
        for m in memberships:
            self.stdout.write(f"  {m.user.username:<10} {m.get_role_display():<10} {m.org_unit.name}")
