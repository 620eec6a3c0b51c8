"""Register changes for #11 assessment: R01, R02 and R31 evaluated by the engine.

- R01 (cadence) gets two parts, each a yearly cadence: `classified` (分类考核 campaigns, 1–2) and `key` (teams
  under 重点考核, at least 10 — "about 10", so no maximum). The old flat `min_count`/`max_count` move into
  `classified`, `key_teams` becomes `key.min_count`; period, warn and grace days go to both parts.
- R02 becomes a deadline rule: `response_days` is renamed `days` (15) and the root gains the deadline kind's
  `workdays` (false), `warn_days` (3) and `period` (month).
- R31 becomes a deadline rule for its follow-up tasks: the root gains `days` (30, the deadline the page
  proposes), `workdays`, `warn_days` and `period`; its survey parameters stay.
Overrides keep the values they set (renamed or moved as above) and take the rest from the root."""

from typing import Any

from django.db import migrations

CADENCE = {"max_count": None, "warn_days": 7, "grace_days": 5}
DEADLINE = {"workdays": False, "warn_days": 3, "period": "month"}
R01_ROOT = {"classified": {**CADENCE, "period": "year", "min_count": 1, "max_count": 2},
            "key": {**CADENCE, "period": "year", "min_count": 10}}
R01_SHARED = ("period", "warn_days", "grace_days")


def _r01_forwards(params: dict[str, Any]) -> dict[str, Any]:
    if "classified" in params or "key" in params:  # seeded by 0002 from today's schema: already in parts
        return params
    classified = {k: params[k] for k in ("min_count", "max_count", *R01_SHARED) if k in params}
    key = {k: params[k] for k in R01_SHARED if k in params}
    if "key_teams" in params:
        key["min_count"] = params["key_teams"]
    return {**({"classified": classified} if classified else {}), **({"key": key} if key else {})}


def _r01_backwards(params: dict[str, Any]) -> dict[str, Any]:
    if "classified" not in params and "key" not in params:
        return params
    flat = dict(params.get("classified", {}))
    key = params.get("key", {})
    if "min_count" in key:
        flat["key_teams"] = key["min_count"]
    return flat


def _rewrite(apps: Any, code: str, root: Any, override: Any) -> None:
    RuleVersion = apps.get_model("rules", "RuleVersion")
    for version in RuleVersion.objects.filter(rule__code=code):
        params = dict(version.params or {})
        version.params = root(params) if version.scope_id is None else override(params)
        version.save(update_fields=["params"])


def _renamed(params: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    return {(new if k == old else k): v for k, v in params.items()}


def forwards(apps: Any, schema_editor: Any) -> None:
    Rule = apps.get_model("rules", "Rule")
    Rule.objects.filter(code__in=("R02", "R31")).update(kind="deadline")
    _rewrite(apps, "R01", lambda p: R01_ROOT, _r01_forwards)
    _rewrite(apps, "R02", lambda p: {**DEADLINE, **_renamed(p, "response_days", "days")},
             lambda p: _renamed(p, "response_days", "days"))
    _rewrite(apps, "R31", lambda p: {**DEADLINE, "days": 30, **p}, lambda p: p)


def backwards(apps: Any, schema_editor: Any) -> None:
    Rule = apps.get_model("rules", "Rule")
    Rule.objects.filter(code="R02").update(kind="workflow")
    Rule.objects.filter(code="R31").update(kind="computed")
    deadline_keys = ("workdays", "warn_days", "period")
    _rewrite(apps, "R01", lambda p: {"period": "year", "min_count": 1, "max_count": 2, "key_teams": 10,
                                     "warn_days": 7, "grace_days": 5}, _r01_backwards)
    _rewrite(apps, "R02", lambda p: {k: v for k, v in _renamed(p, "days", "response_days").items()
                                     if k not in deadline_keys},
             lambda p: {k: v for k, v in _renamed(p, "days", "response_days").items() if k not in deadline_keys})
    _rewrite(apps, "R31", lambda p: {k: v for k, v in p.items() if k not in ("days", *deadline_keys)},
             lambda p: {k: v for k, v in p.items() if k not in ("days", *deadline_keys)})


class Migration(migrations.Migration):
    dependencies = [("rules", "0008_fieldwork_register")]
    operations = [migrations.RunPython(forwards, backwards)]
