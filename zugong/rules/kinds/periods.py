"""Evaluation periods (month, quarter, year), their Chinese labels and the status of a shortfall."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from zugong.rules.models import FindingStatus


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.start.year}年{self.start.month}月"
        if self.kind == "quarter":
            return f"{self.start.year}年第{(self.start.month - 1) // 3 + 1}季度"
        return f"{self.start.year}年"

    def previous(self) -> Period:
        return period_containing(self.kind, self.start - timedelta(days=1))


def period_containing(kind: str, day: date) -> Period:
    if kind == "year":
        return Period(kind, date(day.year, 1, 1), date(day.year, 12, 31))
    first_month = day.month if kind == "month" else (day.month - 1) // 3 * 3 + 1
    start = date(day.year, first_month, 1)
    months = 1 if kind == "month" else 3
    next_month = first_month + months
    after = date(day.year + (next_month - 1) // 12, (next_month - 1) % 12 + 1, 1)
    return Period(kind, start, after - timedelta(days=1))


def shortfall_status(period: Period, as_of: date, *, warn_days: int, grace_days: int) -> str:
    """What a subject that has not (yet) met the rule is, given how far the period has run.

    Running period: due soon within `warn_days` of its end, pending before. Ended period: overdue
    while records may still be entered (`grace_days`), violated after.
    """
    if as_of <= period.end:
        return FindingStatus.DUE_SOON if (period.end - as_of).days <= warn_days else FindingStatus.PENDING
    if (as_of - period.end).days <= grace_days:
        return FindingStatus.OVERDUE
    return FindingStatus.VIOLATED
