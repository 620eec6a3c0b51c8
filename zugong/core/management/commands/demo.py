from __future__ import annotations

from argparse import ArgumentParser
from typing import Any, TextIO, cast

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from zugong.core.audit import audit_record
from zugong.core.demo import DemoContext, contributors, foreign_keys_checked_once
from zugong.core.models import OrgUnit


def migrate_if_needed(out: TextIO) -> None:
    """A database never migrated (or behind the code) is brought up to date first, as `zugong run` does."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        out.write(f"数据库结构尚未就绪，先执行 {len(plan)} 个迁移……\n")
        call_command("migrate", interactive=False, verbosity=0)


def print_accounts(ctx: DemoContext) -> None:
    ctx.say("\n演示账号 / demo accounts (password for all: see below)")
    for a in ctx.accounts:
        ctx.say(f"  {a.username:<10} {a.password:<14} {a.role:<15} {a.org_name} {a.note}")


class Command(BaseCommand):
    help = "Load the fictional demo province 示范省 (990000) into an empty database."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--scale", choices=["small", "province"], default="small")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--if-empty", action="store_true", help="do nothing when org units exist")
        parser.add_argument("--fraction", type=float, default=1.0,
                            help="province scale times this (e.g. 0.01 for a quick look); small ignores it")

    def handle(self, *args: Any, **options: Any) -> None:
        if not 0 < options["fraction"] <= 1:
            raise CommandError("--fraction 应大于 0、不超过 1")
        migrate_if_needed(cast(TextIO, self.stdout))
        if OrgUnit.objects.exists():
            if options["if_empty"]:
                self.stdout.write("数据库已有数据，跳过演示数据。")
                return
            raise CommandError("数据库中已有组织数据；演示数据只能装入空数据库。")
        loading = timezone.now()
        autodiscover_modules("demo_data")
        ctx = DemoContext(scale=options["scale"], seed=options["seed"], today=timezone.localdate(),
                          out=cast(TextIO, self.stdout), fraction=options["fraction"])
        with foreign_keys_checked_once(ctx):
            for registered in contributors():
                started = timezone.now()
                registered.func(ctx)
                ctx.say(f"[{registered.name}] {(timezone.now() - started).total_seconds():.1f}s")
        if connection.vendor == "postgresql":  # fresh statistics, or the planner guesses on millions of rows
            started = timezone.now()
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            ctx.say(f"[ANALYZE] {(timezone.now() - started).total_seconds():.1f}s")
        audit_record(actor=None, action="core.demo_load", object_type="demo", object_id=ctx.scale,
                     summary={"scale": ctx.scale, "seed": ctx.seed})
        ctx.say(f"[演示数据共计] {(timezone.now() - loading).total_seconds():.1f}s（不含迁移）")
        print_accounts(ctx)
