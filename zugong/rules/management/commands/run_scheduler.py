from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from zugong.core.permissions import SYSTEM
from zugong.rules.engine import evaluate
from zugong.rules.scheduler import next_run


class Command(BaseCommand):
    help = "Development scheduler: evaluate the rule register now and then every day at --at (foreground)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--at", default="01:30", help="daily time HH:MM (local), default 01:30")
        parser.add_argument("--once", action="store_true", help="evaluate once and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            hour, minute = (int(part) for part in options["at"].split(":"))
            if not (0 <= hour < 24 and 0 <= minute < 60):
                raise ValueError(options["at"])
        except ValueError as exc:
            raise CommandError("--at 应为 HH:MM，例如 01:30") from exc
        try:
            while True:
                self._evaluate()
                if options["once"]:
                    return
                now = timezone.localtime()
                wake = next_run(now, hour, minute)
                self.stdout.write(f"下次评估 {wake:%Y-%m-%d %H:%M}")
                time.sleep(max(1.0, (wake - now).total_seconds()))
        except KeyboardInterrupt:
            self.stdout.write("已停止")

    def _evaluate(self) -> None:
        report = evaluate(as_of=timezone.localdate(), actor=None, jurisdiction=SYSTEM)
        judged = sum(r.subjects for r in report.rules)
        self.stdout.write(f"{timezone.localtime():%Y-%m-%d %H:%M} 已评估 {len(report.rules)} 项制度，{judged} 条执行情况")
