"""Register changes for #13 fieldwork: what the pages computed becomes engine findings, one part each.

- R06 gains the part `stay` (each stay started in the year against about a month: `min_count` 30 days; the
  former `stay_days` moves into it) and the part `suggestions` (a deadline: each forwarded suggestion's reply by
  its reply day, `days` 30 after forwarding unless the forwarder named another; `warn_days` 3; yearly).
- R26 gains the part `topics` (each leader's topics of the year's lists against `min_total` 1; `max_topics` 2
  refuses more at registration): the former `min_topics` and `max_topics` move into it.
- R30's programme becomes two parts, `advanced_classes` (示范班) and `seminars` (研讨班), each a yearly threshold
  (`min_total` 2): the engine counts one measure per subject and part, so the two counts are two parts; the
  former integers of the same names become their `min_total`.

The root version gains the parts' defaults; an override keeps only what it had set, moved into its part.
Forwards and backwards are idempotent (a version already in the new shape is left as it is)."""

from typing import Any

from django.db import migrations

R06_STAY = {"period": "year", "min_count": 30, "max_count": None, "warn_days": 7, "grace_days": 5}
R06_SUGGESTIONS = {"days": 30, "workdays": False, "warn_days": 3, "period": "year"}
R26_TOPICS = {"period": "year", "min_total": 1.0, "min_share_of_days": None, "warn_days": 7, "grace_days": 5,
              "max_topics": 2}
R30_PROGRAMME = {"period": "year", "min_total": 2.0, "min_share_of_days": None, "warn_days": 7, "grace_days": 5}

# rule -> part -> (root defaults, {former top-level name: name in the part})
PARTS: dict[str, dict[str, tuple[dict[str, Any], dict[str, str]]]] = {
    "R06": {"stay": (R06_STAY, {"stay_days": "min_count"}), "suggestions": (R06_SUGGESTIONS, {})},
    "R26": {"topics": (R26_TOPICS, {"min_topics": "min_total", "max_topics": "max_topics"})},
    "R30": {"advanced_classes": (R30_PROGRAMME, {"advanced_classes": "min_total"}),
            "seminars": (R30_PROGRAMME, {"seminars": "min_total"})},
}
FLOATS = {"min_total"}  # thresholds are floats in the register, the former counts were integers


def _forwards(code: str, params: dict[str, Any], *, root: bool) -> dict[str, Any]:
    params = dict(params)
    for part, (defaults, moved) in PARTS[code].items():
        current = params.get(part)
        section = dict(current) if isinstance(current, dict) else {}
        for old, new in moved.items():
            value = params.get(old)
            if old in params and not isinstance(value, dict):
                del params[old]
                section[new] = float(value) if new in FLOATS and value is not None else value
        if root:
            section = {**defaults, **section}
        if section:
            params[part] = section
    return params


def _backwards(code: str, params: dict[str, Any]) -> dict[str, Any]:
    params = dict(params)
    for part, (_defaults, moved) in PARTS[code].items():
        section = params.get(part)
        if not isinstance(section, dict):
            continue
        del params[part]
        for old, new in moved.items():
            if new in section:
                params[old] = int(section[new]) if new in FLOATS and section[new] is not None else section[new]
    return params


def forwards(apps: Any, schema_editor: Any) -> None:
    RuleVersion = apps.get_model("rules", "RuleVersion")
    for code in PARTS:
        for version in RuleVersion.objects.filter(rule__code=code):
            version.params = _forwards(code, version.params or {}, root=version.scope_id is None)
            version.save(update_fields=["params"])


def backwards(apps: Any, schema_editor: Any) -> None:
    RuleVersion = apps.get_model("rules", "RuleVersion")
    for code in PARTS:
        for version in RuleVersion.objects.filter(rule__code=code):
            version.params = _backwards(code, version.params or {})
            version.save(update_fields=["params"])


class Migration(migrations.Migration):
    dependencies = [("rules", "0012_job_digest")]
    operations = [migrations.RunPython(forwards, backwards)]
