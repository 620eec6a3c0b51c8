from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from zugong.core.errors import DomainError
from zugong.core.importers import OrgImportFailed, import_org_units
from zugong.core.models import OrgKind


class Command(BaseCommand):
    help = "Import org units from an .xlsx or .csv file with Chinese headers (all or nothing)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="名称, 类型, 区划代码, 上级区划代码|上级名称, 简称, 生效日期, 排序")
        parser.add_argument("--dry-run", action="store_true", help="check the whole file and save nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"找不到文件 {path}")
        try:
            report = import_org_units(path, dry_run=options["dry_run"])
        except OrgImportFailed as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"导入失败，共 {len(exc.errors)} 处错误，未保存任何数据") from exc
        except DomainError as exc:
            raise CommandError(f"导入失败，未保存任何数据：{exc.message}") from exc
        labels = dict(OrgKind.choices)
        detail = "，".join(f"{labels[k]} {n}" for k, n in sorted(report.by_kind.items()))
        verb = "检查通过（试运行，未保存）" if report.dry_run else "已导入"
        self.stdout.write(f"{verb}：{report.created} 个组织（{detail}）")
