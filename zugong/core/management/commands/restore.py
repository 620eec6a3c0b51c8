from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from zugong.core.backup import BackupError, restore_read
from zugong.core.progress import Progress


class Command(BaseCommand):
    help = "Restore a `zugong backup` archive into an empty, migrated database (all or nothing)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="archive written by `zugong backup`")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with Progress(self.stderr, "恢复").ticking() as progress:  # type: ignore[arg-type]
                report = restore_read(options["file"])
            progress.finish()
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"恢复完成：{report.objects} 条记录（审计事件 {report.audit_events} 个，审计链完好），"
                          f"文件 {report.media_files} 个")
