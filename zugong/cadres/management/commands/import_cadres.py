"""zugong import-cadres FILE... --org DIVISION_CODE [--dry-run] [--json]"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zugong.cadres.importers import cadre_import
from zugong.cadres.lrmx import MAX_FILE_BYTES
from zugong.cadres.xlsx import MAX_XLSX_BYTES
from zugong.core.models import OrgUnit
from zugong.core.permissions import SYSTEM
from zugong.core.progress import Progress


def with_photos(paths: list[Path]) -> list[Path]:
    """The files named, plus the `.pic` photo lying beside each `.lrm` (any case) when not named too."""
    named = {str(p).lower() for p in paths}
    found: list[Path] = []
    for path in paths:
        if path.suffix.lower() != ".lrm" or not path.parent.is_dir():
            continue
        found += [p for p in path.parent.iterdir() if p.stem == path.stem and p.suffix.lower() == ".pic"
                  and str(p).lower() not in named]
    return [*paths, *found]


class Command(BaseCommand):
    help = ("导入干部信息（.lrmx 任免审批表、.lrm 旧版任免审批表及同名 .pic 照片、.xlsx 导入模板）："
            "全部成功才保存，按公民身份号码匹配更新")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+")
        parser.add_argument("--org", required=True, help="所在单位的行政区划代码")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不保存")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")

    def handle(self, *args: Any, **options: Any) -> None:
        unit = OrgUnit.objects.filter(division_code=options["org"]).order_by("depth").first()
        if unit is None:
            raise CommandError(f"找不到行政区划代码为 {options['org']} 的单位")
        files: list[tuple[str, bytes]] = []
        for path in with_photos([Path(name) for name in options["files"]]):
            if not path.is_file():
                raise CommandError(f"文件不存在：{path}")
            if path.stat().st_size > max(MAX_FILE_BYTES, MAX_XLSX_BYTES):
                raise CommandError(f"文件过大：{path}")
            files.append((str(path), path.read_bytes()))
        # the server operator's command imports as the system: every unit, every cadre
        with Progress(self.stderr, f"导入 {len(files)} 个文件").ticking() as progress:  # type: ignore[arg-type]
            result = cadre_import(actor=None, jurisdiction=SYSTEM, org_unit=unit, files=files,
                                  dry_run=options["dry_run"])
        progress.finish()
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        else:
            for error in result.errors:
                self.stdout.write(f"{error.file} {error.row} {error.field}：{error.message}")
            for warning in result.warnings:
                self.stdout.write(f"{warning.file} {warning.row} {warning.field}：警告：{warning.message}")
            for item in result.parsed if options["dry_run"] else []:
                if item.changes is not None:  # an update: say what it would change
                    what = "、".join(item.changes) or "无变化"
                    how = f"（按{item.matched_by}匹配）" if item.matched_by else ""
                    self.stdout.write(f"{item.file} {item.row} 更新 {item.record.name}{how}：{what}")
            verb = "将导入" if options["dry_run"] else "已导入"
            self.stdout.write(f"{verb} {result.imported} 人，更新 {result.updated} 人，错误 {len(result.errors)} 处"
                              + (f"，警告 {len(result.warnings)} 处" if result.warnings else ""))
        if result.errors:
            raise SystemExit(1)
