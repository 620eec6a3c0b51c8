"""zugong export-cadres --format lrmx|xlsx|docx|pdf [--id ID_NUMBER ...] [--org CODE] --out PATH"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from zugong.cadres import exporters
from zugong.cadres.models import Cadre
from zugong.core.models import OrgUnit
from zugong.core.progress import Progress


class Command(BaseCommand):
    help = "导出干部信息：lrmx（任免审批表）、xlsx（导入模板格式）、docx 或 pdf（任免审批表打印版）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", required=True, choices=exporters.FORMATS)
        parser.add_argument("--id", nargs="*", default=[], help="公民身份号码")
        parser.add_argument("--org", help="单位的行政区划代码（含下级）")
        parser.add_argument("--out", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        queryset = Cadre.objects.all()
        if options["org"]:
            unit = OrgUnit.objects.filter(division_code=options["org"]).order_by("depth").first()
            if unit is None:
                raise CommandError(f"找不到行政区划代码为 {options['org']} 的单位")
            queryset = queryset.filter(org_unit__path__gte=unit.path, org_unit__path__lt=unit.path_upper)
        if options["id"]:
            queryset = queryset.filter(id_number__in=[i.strip().upper() for i in options["id"]])
        with Progress(self.stderr, "导出").ticking() as progress:  # type: ignore[arg-type]
            cadres = list(exporters.with_history(queryset.order_by("pk")))
            if not cadres:
                raise CommandError("没有符合条件的干部")
            data, _suffix = exporters.export(options["format"], cadres, filled_on=timezone.localdate())
        progress.finish()
        Path(options["out"]).write_bytes(data)
        self.stdout.write(f"已导出 {len(cadres)} 人到 {options['out']}")
