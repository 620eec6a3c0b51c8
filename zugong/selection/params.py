"""The selection's configurable numbers, all read per jurisdiction and day from the rule register
(`rules.registry.param`): R13 days and `workdays`, R17 share and rank limit, R21 rank and quorum, the
publicity minimum (R13) and R19's switch and draw share.

Every key is in the register (rules migration 0007 added R13 `publicity_min_workdays`, R17 `max_rank`,
R19 `draw_share` and R21 `quorum`), so an org_admin sets them per unit on the rules page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from zugong.core.models import OrgUnit


def register_value(code: str, name: str, org_unit: OrgUnit | None, on: date) -> Any:
    from zugong.rules.registry import param

    return param(code, name, org_unit=org_unit, on=on)


def r17_min_share(org_unit: OrgUnit | None, on: date) -> float | None:
    value = register_value("R17", "min_vote_share", org_unit, on)
    return None if value is None else float(value)


def r17_max_rank(org_unit: OrgUnit | None, on: date) -> int | None:
    """Only the first N by votes may be shortlisted (None: no rank limit)."""
    value = register_value("R17", "max_rank", org_unit, on)
    return None if value is None else int(value)


def r17_in_force(org_unit: OrgUnit | None, on: date) -> tuple[bool, float | None, int | None]:
    """R17's switch, share and rank limit from one read of the register (the candidate step reads all three)."""
    from zugong.rules.versions import params_in_force

    found = params_in_force("R17", org_unit=org_unit, on=on)
    share, rank = found.params.get("min_vote_share"), found.params.get("max_rank")
    return found.enabled, None if share is None else float(share), None if rank is None else int(rank)


def quorum(org_unit: OrgUnit | None, on: date) -> Fraction:
    """Share of the members who should attend that must be present (default two thirds)."""
    return Fraction(str(register_value("R21", "quorum", org_unit, on)))


def publicity_min_workdays(org_unit: OrgUnit | None, on: date) -> int:
    return int(register_value("R13", "publicity_min_workdays", org_unit, on))


def require_personal_report(org_unit: OrgUnit | None, on: date) -> bool:
    return bool(register_value("R19", "require_personal_report", org_unit, on))


def draw_share(org_unit: OrgUnit | None, on: date) -> Decimal:
    return Decimal(str(register_value("R19", "draw_share", org_unit, on)))


def r13_due(org_unit: OrgUnit | None, end: date) -> date:
    """R13: the last day to announce the appointment after a publicity period ending on `end` (3 calendar
    days by default; the register's `workdays` switch counts working days instead)."""
    from zugong.core.calendar import add_days

    days = int(register_value("R13", "days", org_unit, end))
    return add_days(end, days, workdays=bool(register_value("R13", "workdays", org_unit, end)))


def r13_announcer(org_unit: OrgUnit | None, rank_level: str, on: date) -> str:
    """R13: who announces the appointment (发文) of a post of this level: the register's `announcers` (level →
    body), else its `default_announcer`."""
    announcers = register_value("R13", "announcers", org_unit, on) or {}
    found = announcers.get(rank_level.strip()) if isinstance(announcers, dict) else None
    return str(found or register_value("R13", "default_announcer", org_unit, on))


def plenary_rank(org_unit: OrgUnit | None, on: date) -> str:
    """R21: posts of this rank level are decided by a 全委会 vote."""
    return str(register_value("R21", "vote_required_level", org_unit, on))
