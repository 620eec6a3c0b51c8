"""R13's announcing body by post level (任职由谁发文): `announcers` (level name → body) and `default_announcer`,
added to the register's R13 like every parameter, settable per jurisdiction."""

from typing import Any

from django.db import migrations

ADDED = {"announcers": {"正县级": "市委", "副县级": "市委", "正科级": "县委", "副科级": "县委"},
         "default_announcer": "本级党委"}


def forwards(apps: Any, schema_editor: Any) -> None:
    RuleVersion = apps.get_model("rules", "RuleVersion")
    for version in RuleVersion.objects.filter(rule__code="R13", scope__isnull=True):
        version.params = {**ADDED, **(version.params or {})}
        version.save(update_fields=["params"])


def backwards(apps: Any, schema_editor: Any) -> None:
    RuleVersion = apps.get_model("rules", "RuleVersion")
    for version in RuleVersion.objects.filter(rule__code="R13"):
        version.params = {k: v for k, v in (version.params or {}).items() if k not in ADDED}
        version.save(update_fields=["params"])


class Migration(migrations.Migration):
    dependencies = [("rules", "0013_fieldwork_parts")]
    operations = [migrations.RunPython(forwards, backwards)]
