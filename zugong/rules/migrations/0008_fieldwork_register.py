"""Register changes for #13 fieldwork.

R27 (村集体经济收入预警) becomes a deadline rule evaluated by the engine: each quarter's income report is due
`days` (10) calendar days after the quarter ends (`workdays` false), with the deadline kind's `warn_days` (3);
its five levels and quarterly period stay. Only the root version gains the deadline parameters: overrides keep
the values they set and take the rest from the root.

R30 (组工干部教育培训): the rolling window becomes the rule's second part, `cycle`, evaluated by the engine like
a threshold (`period` year, `min_total` 90 days, `years` 5, its own warn and grace days). The parameters
`training_days_per_cycle` and `cycle_years` move into it as `cycle.min_total` and `cycle.years`, in the root
version and in every override (an override keeps only what it had set)."""

from typing import Any

from django.db import migrations

R27_DEADLINE = {"days": 10, "workdays": False, "warn_days": 3}
R30_CYCLE = {"period": "year", "min_total": 90.0, "min_share_of_days": None, "warn_days": 7, "grace_days": 5,
             "years": 5}
R30_MOVED = {"training_days_per_cycle": "min_total", "cycle_years": "years"}


def _r30_forwards(params: dict[str, Any], *, root: bool) -> dict[str, Any]:
    params = dict(params)
    cycle = dict(params.pop("cycle", None) or (R30_CYCLE if root else {}))
    for old, new in R30_MOVED.items():
        if old in params:
            value = params.pop(old)
            cycle[new] = float(value) if new == "min_total" else value
    if cycle:
        params["cycle"] = cycle
    return params


def _r30_backwards(params: dict[str, Any]) -> dict[str, Any]:
    params = dict(params)
    cycle = params.pop("cycle", None) or {}
    for old, new in R30_MOVED.items():
        if new in cycle:
            params[old] = int(cycle[new]) if new == "min_total" else cycle[new]
    return params


def forwards(apps: Any, schema_editor: Any) -> None:
    Rule = apps.get_model("rules", "Rule")
    RuleVersion = apps.get_model("rules", "RuleVersion")
    Rule.objects.filter(code="R27").update(kind="deadline")
    for version in RuleVersion.objects.filter(rule__code="R27", scope__isnull=True):
        version.params = {**R27_DEADLINE, **(version.params or {})}
        version.save(update_fields=["params"])
    for version in RuleVersion.objects.filter(rule__code="R30"):
        version.params = _r30_forwards(version.params or {}, root=version.scope_id is None)
        version.save(update_fields=["params"])


def backwards(apps: Any, schema_editor: Any) -> None:
    Rule = apps.get_model("rules", "Rule")
    RuleVersion = apps.get_model("rules", "RuleVersion")
    Rule.objects.filter(code="R27").update(kind="computed")
    for version in RuleVersion.objects.filter(rule__code="R27"):
        version.params = {k: v for k, v in (version.params or {}).items() if k not in R27_DEADLINE}
        version.save(update_fields=["params"])
    for version in RuleVersion.objects.filter(rule__code="R30"):
        version.params = _r30_backwards(version.params or {})
        version.save(update_fields=["params"])


class Migration(migrations.Migration):
    dependencies = [("rules", "0007_selection_parameters")]
    operations = [migrations.RunPython(forwards, backwards)]
