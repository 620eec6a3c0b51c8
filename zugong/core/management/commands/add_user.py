from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from zugong.core.errors import DomainError
from zugong.core.models import OrgUnit, Role
from zugong.core.services import api_token_issue, user_create


class Command(BaseCommand):
    help = "Create a user with one membership (org unit by division code, role) and print an API token."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--org", required=True, help="division code of the org unit")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--name", default="", help="full name shown in the UI")
        parser.add_argument("--password-stdin", action="store_true", help="read the password from stdin")

    def handle(self, *args: Any, **options: Any) -> None:
        unit = OrgUnit.objects.filter(division_code=options["org"]).order_by("depth").first()
        if unit is None:
            raise CommandError(f"找不到区划代码为 {options['org']} 的组织")
        password = sys.stdin.readline().rstrip("\n") if options["password_stdin"] else None
        if options["password_stdin"] and not password:
            raise CommandError("标准输入中没有读到密码")
        try:
            user = user_create(actor=None, username=options["username"], org_unit=unit, role=options["role"],
                               password=password, full_name=options["name"])
            token = api_token_issue(actor=None, user=user)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(token)
