"""Register changes for #10 selection: R22 (选人用人专项检查) becomes a deadline rule evaluated by the engine.

Each county's and municipal department's next special inspection falls due `county_years` (2) or
`department_years` (3) after its last one — the selection app's source computes the due day —, with a
reminder `warn_days` (60) before and a yearly period; `days` (0) and `workdays` (false) are the deadline
kind's and not used. Only the root version gains the deadline parameters: overrides keep the values they
set and take the rest from the root."""

from typing import Any

from django.db import migrations

R22_DEADLINE = {"days": 0, "workdays": False, "warn_days": 60, "period": "year"}


def forwards(apps: Any, schema_editor: Any) -> None:
    Rule = apps.get_model("rules", "Rule")
    RuleVersion = apps.get_model("rules", "RuleVersion")
    Rule.objects.filter(code="R22").update(kind="deadline")
    for version in RuleVersion.objects.filter(rule__code="R22", scope__isnull=True):
        version.params = {**R22_DEADLINE, **(version.params or {})}
        version.save(update_fields=["params"])


def backwards(apps: Any, schema_editor: Any) -> None:
    Rule = apps.get_model("rules", "Rule")
    RuleVersion = apps.get_model("rules", "RuleVersion")
    Rule.objects.filter(code="R22").update(kind="cadence")
    for version in RuleVersion.objects.filter(rule__code="R22"):
        version.params = {k: v for k, v in (version.params or {}).items() if k not in R22_DEADLINE}
        version.save(update_fields=["params"])


class Migration(migrations.Migration):
    dependencies = [("rules", "0010_rectification_register")]
    operations = [migrations.RunPython(forwards, backwards)]
