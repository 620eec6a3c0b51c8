"""Check periods of R24 (a quarter by default; month or year when a level sets R24's `period`): the rule
engine's own periods (`rules.kinds.periods`), so the pages and the engine cut the year the same way."""

from __future__ import annotations

from datetime import date

from zugong.core.models import OrgUnit
from zugong.rules.kinds.periods import Period as CheckPeriod
from zugong.rules.kinds.periods import period_containing as period_of
from zugong.rules.registry import param

__all__ = ["CheckPeriod", "check_period_kind", "period_of"]


def check_period_kind(issuing_unit: OrgUnit | None, on: date) -> str:
    """The cadence in force at the issuing level (R24 `period`)."""
    return str(param("R24", "period", org_unit=issuing_unit, on=on))
