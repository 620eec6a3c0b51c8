"""zugong audit-archives [--org CODE] [--check CODE ...] [--json]: the 三龄两历一身份 checks over the roster."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from zugong.cadres import archive_audit
from zugong.cadres.models import Cadre
from zugong.core.models import OrgUnit
from zugong.core.progress import Progress


class Command(BaseCommand):
    help = "干部档案“三龄两历一身份”审核：逐人列出问题、严重程度和说明"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", help="单位的行政区划代码（含下级）")
        parser.add_argument("--check", action="append", metavar="CODE",
                            help="只运行该审核项目（可重复），代码见 docs/cadres.md")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        cadres = Cadre.objects.all()
        if options["org"]:
            unit = OrgUnit.objects.filter(division_code=options["org"]).order_by("depth").first()
            if unit is None:
                raise CommandError(f"找不到行政区划代码为 {options['org']} 的单位")
            cadres = cadres.filter(org_unit__path__gte=unit.path, org_unit__path__lt=unit.path_upper)
        checks = set(options["check"]) if options["check"] else None
        try:
            with Progress(self.stderr, "档案审核").ticking() as progress:  # type: ignore[arg-type]
                checked, findings = archive_audit.run(cadres, today=timezone.localdate(), checks=checks)
            progress.finish()
        except archive_audit.UnknownCheck as exc:
            raise CommandError(f"{exc}；可用的代码：{'、'.join(archive_audit.CHECKS)}") from exc
        if options["json"]:
            self.stdout.write(json.dumps({"cadres_checked": checked, "findings": [f.as_dict() for f in findings]},
                                         ensure_ascii=False))
            return
        for f in findings:
            self.stdout.write(f"[{'错误' if f.severity == 'error' else '提示'}] {f.name} {f.id_number}："
                              f"{archive_audit.CHECKS[f.check]}——{f.message}")
        self.stdout.write(f"共审核 {checked} 人，发现问题 {len(findings)} 处")
