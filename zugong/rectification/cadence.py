"""Check periods of R24 (a quarter by default; month or year when a level sets R24's `period`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from zugong.core.models import OrgUnit
from zugong.rules.registry import param

_MONTHS = {"month": 1, "quarter": 3, "year": 12}


@dataclass(frozen=True)
class CheckPeriod:
    kind: str
    start: date
    end: date  # inclusive

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.start.year}年{self.start.month}月"
        if self.kind == "quarter":
            return f"{self.start.year}年第{(self.start.month - 1) // 3 + 1}季度"
        return f"{self.start.year}年"

    def previous(self) -> CheckPeriod:
        return period_of(self.kind, self.start - timedelta(days=1))


def period_of(kind: str, day: date) -> CheckPeriod:
    months = _MONTHS[kind]
    first = (day.month - 1) // months * months + 1
    start = date(day.year, first, 1)
    after = first + months
    end = date(day.year + (after - 1) // 12, (after - 1) % 12 + 1, 1) - timedelta(days=1)
    return CheckPeriod(kind, start, end)


def check_period_kind(issuing_unit: OrgUnit | None, on: date) -> str:
    """The cadence in force at the issuing level (R24 `period`)."""
    return str(param("R24", "period", org_unit=issuing_unit, on=on))
