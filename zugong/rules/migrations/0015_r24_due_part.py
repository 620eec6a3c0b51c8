"""R24 gains the part `due`: each problem's own deadline (`Problem.due_on`), evaluated as a deadline item so that
a notice goes out before it falls due and once it is overdue — `warn_days` 7 (R24's own), `days` 0 (the level
raising a problem names the day; not used), `workdays` false, `period` month. Settable per jurisdiction like
every part: an override keeps what it set and takes the rest from the root. Forwards keeps a root that already
has the part (a fresh register seeded from `params.py`)."""

from typing import Any

from django.db import migrations

DUE = {"days": 0, "workdays": False, "warn_days": 7, "period": "month"}


def forwards(apps: Any, schema_editor: Any) -> None:
    RuleVersion = apps.get_model("rules", "RuleVersion")
    for version in RuleVersion.objects.filter(rule__code="R24", scope__isnull=True):
        params = dict(version.params or {})
        params["due"] = {**DUE, **(params["due"] if isinstance(params.get("due"), dict) else {})}
        version.params = params
        version.save(update_fields=["params"])


def backwards(apps: Any, schema_editor: Any) -> None:
    RuleVersion = apps.get_model("rules", "RuleVersion")
    for version in RuleVersion.objects.filter(rule__code="R24"):
        version.params = {k: v for k, v in (version.params or {}).items() if k != "due"}
        version.save(update_fields=["params"])


class Migration(migrations.Migration):
    dependencies = [("rules", "0014_r13_announcers")]
    operations = [migrations.RunPython(forwards, backwards)]
