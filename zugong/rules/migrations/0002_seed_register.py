"""Seed the 33 rules of the register (R01–R33) with their default parameters as root versions."""

from datetime import date
from typing import Any

from django.db import migrations

REGISTER_START = date(2000, 1, 1)


def seed(apps: Any, schema_editor: Any) -> None:
    from zugong.rules.params import REGISTER

    Rule = apps.get_model("rules", "Rule")
    RuleVersion = apps.get_model("rules", "RuleVersion")
    for spec in REGISTER:
        rule, _ = Rule.objects.update_or_create(
            code=spec.code,
            defaults={"title": spec.title, "seed": spec.seed, "kind": spec.kind, "description": spec.description},
        )
        if not RuleVersion.objects.filter(rule=rule, scope__isnull=True).exists():
            RuleVersion.objects.create(
                rule=rule, scope=None, valid_from=REGISTER_START, params=spec.schema().model_dump(mode="json"),
                enabled=True, note="制度清单默认参数",
            )


def unseed(apps: Any, schema_editor: Any) -> None:
    apps.get_model("rules", "Rule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("rules", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
