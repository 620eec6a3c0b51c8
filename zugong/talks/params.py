"""Rule parameters of the talks module (R03, R04, R05, R14, R15), read from the rule engine.

Names follow the register's schemas (zugong/rules/params.py). The rule register holds every parameter, effective-dated and overridable per
jurisdiction. These defaults are the documents' values; they apply only when the register has no
such rule or parameter yet (a fresh database before the register is seeded, or a test without it).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ObjectDoesNotExist

from zugong.core.models import OrgUnit

DEFAULTS: dict[tuple[str, str], Any] = {
    ("R03", "days"): 30,            # talk with a flagged cadre (有想法/有反映) within 30 days
    ("R03", "workdays"): False,
    # 副科级以上: the registry's rank-level codes (D2 乡科级副职 … A1 省部级正职) and the plain names.
    ("R04", "rank_levels"): ["D2", "D1", "C2", "C1", "B2", "B1", "A2", "A1",
                             "副科", "正科", "副处", "正处", "副厅", "正厅", "副部", "正部"],
    ("R04", "min_coverage"): 1.0,   # 全覆盖
    ("R05", "days"): 30,            # 五必谈 talk due within 30 days of the trigger
    ("R05", "workdays"): False,
    ("R05", "hardship_years"): 5,   # "长期在条件艰苦地方工作"
    ("R05", "problem_threshold"): 5,  # problem records/petitions of a unit in the last 12 months
    ("R14", "team_no_excellent"): 2,   # team interviewed 2 times: unit and head not 优秀
    ("R14", "team_poor"): 3,           # 3+: unit rated 一般 or 较差
    ("R14", "cadre_no_excellent"): 1,  # cadre interviewed at all: not 优秀
    ("R14", "cadre_poor"): 2,          # 2+: 基本称职 or 不称职
    ("R15", "months"): 1,           # written report within one calendar month (not in the register: default)
    ("R15", "workdays"): False,     # True (set in the register): count `days` working days instead
    ("R15", "days"): 22,            # the register's `days` wins when it has one
}


def talk_param(code: str, name: str, *, org_unit: OrgUnit | None, on: date) -> Any:
    """The parameter in force at `org_unit` on `on`; the default above when the register lacks it."""
    default = DEFAULTS[(code, name)]
    try:
        from zugong.rules.registry import param
    except ImportError:
        return default
    try:
        value = param(code, name, org_unit=org_unit, on=on)
    except (KeyError, LookupError, ObjectDoesNotExist, ImportError):
        return default
    return default if value is None else value
