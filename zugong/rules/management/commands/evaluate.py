from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from zugong.core.errors import DomainError
from zugong.core.models import OrgUnit
from zugong.core.permissions import SYSTEM
from zugong.core.progress import Progress
from zugong.rules.engine import EvaluationReport, RuleReport, evaluate
from zugong.rules.models import EVALUATED_KINDS, Rule


class Command(BaseCommand):
    help = "Evaluate the rule register (or one rule) and store the findings; cron runs this daily."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default today)")
        parser.add_argument("--org", default=None, help="division code of the subtree to evaluate")
        parser.add_argument("--rule", default=None, help="rule code, e.g. R07")
        parser.add_argument("--periods", type=int, default=2, help="periods to evaluate back from as-of")
        parser.add_argument("--json", action="store_true", help="machine-readable output")

    def handle(self, *args: Any, **options: Any) -> None:
        org = None
        if options["org"]:
            org = OrgUnit.objects.filter(division_code=options["org"]).order_by("depth").first()
            if org is None:
                raise CommandError(f"行政区划代码 {options['org']} 不存在")
        if options["periods"] < 1 or options["periods"] > 24:
            raise CommandError("--periods 应在 1 到 24 之间")
        as_of = options["as_of"] or timezone.localdate()
        # one rule at a time (as the rules.evaluate job does), so the progress is per rule
        codes = [options["rule"].upper()] if options["rule"] else list(
            Rule.objects.filter(kind__in=EVALUATED_KINDS).order_by("code").values_list("code", flat=True))
        rows: list[RuleReport] = []
        try:
            with Progress(self.stderr, "评估制度", total=len(codes)) as progress:  # type: ignore[arg-type]
                for code in codes:
                    rows += evaluate(as_of=as_of, org_unit=org, rule=code, periods=options["periods"],
                                     actor=None, jurisdiction=SYSTEM).rules
                    progress.advance()
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        report = EvaluationReport(as_of=as_of, rules=rows)
        data = report.as_dict()
        for row in report.rules:
            if row.status == "error":
                self.stderr.write(f"{row.code} 评估出错：{row.message}")
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        self.stdout.write(f"评估日期 {data['as_of']}")
        for row in data["rules"]:
            self.stdout.write(f"{row['code']:<4} {row['status']:<15} 对象 {row['subjects']:>6}  已落实 {row['compliant']:>6}  "
                              f"即将到期 {row['due_soon']:>5}  逾期 {row['overdue']:>5}  未落实 {row['violated']:>5}")
