from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from zugong.core.backup import BackupError, backup_write
from zugong.core.progress import Progress


class Command(BaseCommand):
    help = "Write one archive (zip) with a portable dump of the database and the uploaded files."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="archive to write, e.g. zugong-2026-01-31.zip")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with Progress(self.stderr, "备份").ticking() as progress:  # type: ignore[arg-type]
                report = backup_write(options["file"])
            progress.finish()
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"备份完成：{report.path}（{report.objects} 条记录，其中审计事件 {report.audit_events} 个；"
                          f"文件 {report.media_files} 个）")
