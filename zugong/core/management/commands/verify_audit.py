from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from zugong.core.audit import verify_chain


class Command(BaseCommand):
    help = "Walk the audit chain; exit 0 with the count when intact, non-zero at the first bad event."

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if not report.intact:
            raise CommandError(f"审计链在第 {report.first_bad_sequence} 号事件处断开：{report.reason}"
                               f"（此前 {report.count} 个事件完好）")
        self.stdout.write(f"审计链完好：{report.count} 个事件 / audit chain intact: {report.count} events")
