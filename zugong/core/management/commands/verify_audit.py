from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zugong.core.audit import verify_chain
from zugong.core.checkpoints import CheckpointError, read_lines, verify_checkpoints


class Command(BaseCommand):
    help = "Walk the audit chain; exit 0 with the count when intact, non-zero at the first bad event."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--checkpoint", type=Path, default=None, metavar="FILE",
                            help="also prove against the signed checkpoints in FILE that no event was "
                                 "deleted or rewritten up to the latest checkpoint")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["checkpoint"] is not None:
            self._against_checkpoints(options["checkpoint"])
            return
        report = verify_chain()
        if not report.intact:
            raise CommandError(f"审计链在第 {report.first_bad_sequence} 号事件处断开：{report.reason}"
                               f"（此前 {report.count} 个事件完好）")
        self.stdout.write(f"审计链完好：{report.count} 个事件 / audit chain intact: {report.count} events")

    def _against_checkpoints(self, path: Path) -> None:
        try:
            report = verify_checkpoints(read_lines(path))
        except CheckpointError as error:
            raise CommandError(str(error)) from error
        if not report.intact:
            raise CommandError(f"审计链核验失败：{report.problem}")
        self.stdout.write(f"审计链完好，与 {report.checkpoints} 个签名检查点一致：{report.events} 个事件 / "
                          f"audit chain intact and matches {report.checkpoints} signed checkpoints: "
                          f"{report.events} events")
