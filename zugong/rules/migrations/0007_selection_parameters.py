"""The selection module's numbers become register parameters, settable per jurisdiction like every other:
R13 `publicity_min_workdays` (任前公示 at least 5 working days), R17 `max_rank` (no rank limit), R19
`draw_share` (抽查 one report in ten) and R21 `quorum` (two thirds of those who should attend)."""

from typing import Any

from django.db import migrations

ADDED = {
    "R13": {"publicity_min_workdays": 5},
    "R17": {"max_rank": None},
    "R19": {"draw_share": 0.1},
    "R21": {"quorum": "2/3"},
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
    dependencies = [("rules", "0006_r24_cadence")]
    operations = [migrations.RunPython(forwards, backwards)]
