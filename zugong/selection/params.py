"""The selection's configurable numbers. Rule parameters come from the rule register (R13 days, R17 share);
those the register has no field for yet are Django settings with the issue's defaults."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from django.conf import settings

from zugong.core.models import OrgUnit


def r17_min_share(org_unit: OrgUnit | None, on: date) -> float | None:
    from zugong.rules.registry import param

    value = param("R17", "min_vote_share", org_unit=org_unit, on=on)
    return None if value is None else float(value)


def r17_max_rank() -> int | None:
    """Only the first N by votes may be shortlisted (None: no rank limit). ZUGONG_SELECTION_MAX_RANK."""
    value = getattr(settings, "ZUGONG_SELECTION_MAX_RANK", None)
    return None if value is None else int(value)


def quorum() -> Fraction:
    """Share of the members who should attend that must be present (default two thirds)."""
    return Fraction(str(getattr(settings, "ZUGONG_SELECTION_QUORUM", "2/3")))


def publicity_min_workdays() -> int:
    return int(getattr(settings, "ZUGONG_SELECTION_PUBLICITY_WORKDAYS", 5))


def r13_due(org_unit: OrgUnit | None, end: date) -> date:
    """R13: the last day to announce the appointment after a publicity period ending on `end` (3 calendar
    days by default; the register's `workdays` switch counts working days instead)."""
    from zugong.core.calendar import add_days
    from zugong.rules.registry import param

    days = int(param("R13", "days", org_unit=org_unit, on=end))
    return add_days(end, days, workdays=bool(param("R13", "workdays", org_unit=org_unit, on=end)))


def plenary_rank(org_unit: OrgUnit | None, on: date) -> str:
    """R21: posts of this rank level are decided by a 全委会 vote."""
    from zugong.rules.registry import param

    return str(param("R21", "vote_required_level", org_unit=org_unit, on=on))
