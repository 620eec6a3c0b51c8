"""Parameters of the mass-work rules: each has one owner.

The rule register (`zugong.rules`, seeded by its migration, overridable per org unit and date) owns
every parameter it declares: R16 `days` (3) and `workdays`, R28 `days` (60) and `workdays`, and the
R08–R11 targets the rule engine reads itself. The three parameters the register does not declare are
masswork's own and have their defaults here. `param()` asks the register first; a parameter that
neither knows is a programming error (KeyError), never a silent default.
"""

from __future__ import annotations

import importlib
from datetime import date
from typing import Any

from django.utils import timezone

from zugong.core.models import OrgUnit

# Only what the register does not declare (zugong/rules/params.py): masswork's own deadlines.
DEFAULTS: dict[tuple[str, str], Any] = {
    ("R16", "handle_days"): 7,        # deadline given to the member on (re-)dispatch
    ("R28", "accept_days"): 15,       # 受理期限
    ("R28", "extend_days"): 30,       # 延期一次
}


def _registry_param(code: str, name: str, org_unit: OrgUnit | None, on: date | None) -> Any:
    try:
        registry = importlib.import_module("zugong.rules.registry")
    except ImportError:
        return None
    lookup = getattr(registry, "param", None)
    if lookup is None:
        return None
    try:
        return lookup(code, name, org_unit=org_unit, on=on or timezone.localdate())
    except (LookupError, ImportError):  # the register has no such rule or parameter
        return None


def param(code: str, name: str, *, org_unit: OrgUnit | None = None, on: date | None = None) -> Any:
    value = _registry_param(code, name, org_unit, on)
    return DEFAULTS[(code, name)] if value is None else value


def int_param(code: str, name: str, *, org_unit: OrgUnit | None = None, on: date | None = None) -> int:
    return int(param(code, name, org_unit=org_unit, on=on))


def bool_param(code: str, name: str, *, org_unit: OrgUnit | None = None, on: date | None = None) -> bool:
    value = param(code, name, org_unit=org_unit, on=on)
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "workdays"}
    return bool(value)
