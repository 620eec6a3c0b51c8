from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zugong.core.checkpoints import CheckpointError, checkpoint_file, write_checkpoint


class Command(BaseCommand):
    help = "Append a signed checkpoint of the audit chain (sequence, hash, time, HMAC) to the checkpoint file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=None,
                            help="checkpoint file (default ZUGONG_AUDIT_CHECKPOINT_FILE, var/audit-checkpoints.jsonl)")

    def handle(self, *args: Any, **options: Any) -> None:
        target: Path = options["file"] or checkpoint_file()
        try:
            checkpoint = write_checkpoint(target)
        except (CheckpointError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"检查点已写入 {target}：第 {checkpoint.seq} 号事件 / checkpoint written: "
                          f"seq {checkpoint.seq} {checkpoint.hash[:12]}… {checkpoint.time}")
