"""R24 (整改检查) becomes a cadence rule evaluated by the engine: its parameter `check_period` is now the
cadence's `period`, with one check per period (`min_count` 1) and the cadence's warn and grace days."""

from typing import Any

from django.db import migrations

CADENCE_DEFAULTS = {"min_count": 1, "max_count": None, "warn_days": 7, "grace_days": 5}


def forwards(apps: Any, schema_editor: Any) -> None:
    Rule = apps.get_model("rules", "Rule")
    RuleVersion = apps.get_model("rules", "RuleVersion")
    Rule.objects.filter(code="R24").update(kind="cadence")
    for version in RuleVersion.objects.filter(rule__code="R24"):
        params = dict(version.params or {})
        if "check_period" in params:
            params["period"] = params.pop("check_period")
        if version.scope_id is None:
            params = {**CADENCE_DEFAULTS, "period": "quarter", **params}
        version.params = params
        version.save(update_fields=["params"])


def backwards(apps: Any, schema_editor: Any) -> None:
    Rule = apps.get_model("rules", "Rule")
    RuleVersion = apps.get_model("rules", "RuleVersion")
    Rule.objects.filter(code="R24").update(kind="workflow")
    for version in RuleVersion.objects.filter(rule__code="R24"):
        params = dict(version.params or {})
        kept = {"check_period": params["period"]} if "period" in params else {}
        version.params = kept
        version.save(update_fields=["params"])


class Migration(migrations.Migration):
    dependencies = [("rules", "0005_finding_fingerprint")]
    operations = [migrations.RunPython(forwards, backwards)]
