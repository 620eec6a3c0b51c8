"""Register changes for #12 rectification.

- R24 gains the part `plan`: the accepted rectification plans' milestones and deadlines, evaluated as deadline
  items so that a notice goes out before each falls due — `warn_days` 7 (R24's own), `days` 0 (a plan always
  names its dates), `workdays` false, `period` month.
- R33 gains `report_day` 25: a key task's report is due on that day of the report period's last month (until
  now the constant 25 of the rectification module), settable per issuing level like the period.
Overrides keep what they set and take the rest from the root."""

from typing import Any

from django.db import migrations

ADDED: dict[str, dict[str, Any]] = {
    "R24": {"plan": {"days": 0, "workdays": False, "warn_days": 7, "period": "month"}},
    "R33": {"report_day": 25},
}


def forwards(apps: Any, schema_editor: Any) -> None:
    RuleVersion = apps.get_model("rules", "RuleVersion")
    for code, added in ADDED.items():
        for version in RuleVersion.objects.filter(rule__code=code, scope__isnull=True):
            version.params = {**added, **(version.params or {})}
            version.save(update_fields=["params"])


def backwards(apps: Any, schema_editor: Any) -> None:
    RuleVersion = apps.get_model("rules", "RuleVersion")
    for code, added in ADDED.items():
        for version in RuleVersion.objects.filter(rule__code=code):
            version.params = {k: v for k, v in (version.params or {}).items() if k not in added}
            version.save(update_fields=["params"])


class Migration(migrations.Migration):
    dependencies = [("rules", "0009_assessment_register")]
    operations = [migrations.RunPython(forwards, backwards)]
