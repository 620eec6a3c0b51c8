"""Register changes for #13 fieldwork: R27 (村集体经济收入预警) becomes a deadline rule evaluated by the engine.

Each quarter's income report is due `days` (10) calendar days after the quarter ends (`workdays` false),
with the deadline kind's `warn_days` (3); its five levels and quarterly period stay. Only the root version
gains the deadline parameters: overrides keep the values they set and take the rest from the root."""

from typing import Any

from django.db import migrations

R27_DEADLINE = {"days": 10, "workdays": False, "warn_days": 3}


def forwards(apps: Any, schema_editor: Any) -> None:
    Rule = apps.get_model("rules", "Rule")
    RuleVersion = apps.get_model("rules", "RuleVersion")
    Rule.objects.filter(code="R27").update(kind="deadline")
    for version in RuleVersion.objects.filter(rule__code="R27", scope__isnull=True):
        version.params = {**R27_DEADLINE, **(version.params or {})}
        version.save(update_fields=["params"])


def backwards(apps: Any, schema_editor: Any) -> None:
    Rule = apps.get_model("rules", "Rule")
    RuleVersion = apps.get_model("rules", "RuleVersion")
    Rule.objects.filter(code="R27").update(kind="computed")
    for version in RuleVersion.objects.filter(rule__code="R27"):
        version.params = {k: v for k, v in (version.params or {}).items() if k not in R27_DEADLINE}
        version.save(update_fields=["params"])


class Migration(migrations.Migration):
    dependencies = [("rules", "0007_selection_parameters")]
    operations = [migrations.RunPython(forwards, backwards)]
