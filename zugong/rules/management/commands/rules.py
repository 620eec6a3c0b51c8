from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from zugong.rules.selectors import register_rows


class Command(BaseCommand):
    help = "List the rule register with the versions and the parameters in force (默认参数与各级调整)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="machine-readable output")
        parser.add_argument("--on", type=date.fromisoformat, default=None, help="in force on YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = register_rows(on=options["on"] or timezone.localdate())
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            self.stdout.write(f"{row['code']}  {row['title']}  [{row['kind']}]  来源 {row['seed']}  "
                              f"数据来源：{'已登记' if row['has_source'] else '无'}")
            for version in row["versions"]:
                scope = version["scope"] or "默认"
                until = version["valid_to"] or "至今"
                state = "" if version["enabled"] else "（停用）"
                self.stdout.write(f"    {scope} {version['valid_from']}–{until}{state}: "
                                  f"{json.dumps(version['params'], ensure_ascii=False)}")
