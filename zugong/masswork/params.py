"""Parameters of the mass-work rules, with their defaults in one place.

When the rule engine (`zugong.rules.registry`) is installed its effective-dated parameter wins
(`param(code, name, org_unit=, on=)`); otherwise the default below applies.
"""

from __future__ import annotations

import importlib
from datetime import date
from typing import Any

from django.utils import timezone

from zugong.core.models import OrgUnit

# Names follow the rule register (zugong/rules/params.py) where it has the parameter.
DEFAULTS: dict[tuple[str, str], Any] = {
    ("R16", "days"): 3,               # 三天内派单
    ("R16", "workdays"): False,       # calendar days unless configured
    ("R16", "handle_days"): 7,        # deadline given to the member on (re-)dispatch
    ("R28", "accept_days"): 15,       # 受理期限
    ("R28", "days"): 60,              # 办结期限（自受理之日起）
    ("R28", "extend_days"): 30,       # 延期一次
    ("R28", "workdays"): False,
    ("R08", "min_count"): 2,          # 结对户数
    ("R09", "min_total"): 10,         # 每月走访户数
    ("R10", "min_share_of_days"): 2 / 3,
    ("R11", "min_on_duty"): 1,
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
    except (LookupError, ImportError):  # the register has no such rule or parameter (yet)
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
