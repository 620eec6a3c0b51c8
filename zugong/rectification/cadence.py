"""Check periods of R24 (a quarter by default; month or year when a level sets R24's `period`): the rule
engine's own periods (`rules.kinds.periods`), so the pages and the engine cut the year the same way."""

from __future__ import annotations

from datetime import date

from zugong.core.models import OrgUnit
from zugong.rules.kinds.periods import Period as CheckPeriod
from zugong.rules.kinds.periods import period_containing as period_of
from zugong.rules.registry import param

__all__ = ["CheckPeriod", "check_period_kind", "check_period_kinds", "period_of"]


def check_period_kind(issuing_unit: OrgUnit | None, on: date) -> str:
    """The cadence in force at the issuing level (R24 `period`)."""
    return str(param("R24", "period", org_unit=issuing_unit, on=on))


def check_period_kinds(issuing_units: list[OrgUnit], on: date) -> dict[int, str]:
    """`check_period_kind` of many levels with one read of R24's versions (not one per level)."""
    from zugong.rules.versions import params_in_force_many

    in_force = params_in_force_many("R24", org_units=issuing_units, on=on)
    return {pk: str(versions.params["period"]) for pk, versions in in_force.items()}
