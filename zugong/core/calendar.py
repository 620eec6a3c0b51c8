"""Working days (工作日) on the Chinese statutory calendar, 调休 included.

chinesecalendar knows the State Council's holiday notices; `CalendarOverride` rows, edited by org
admins, win over it (local arrangements, or a year the package does not cover yet). For a year with
neither, the calendar falls back to Monday–Friday and `uncovered_years()` tells the admin pages to warn.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import chinese_calendar

from zugong.core.models import CalendarOverride

_MAX_SPAN_DAYS = 3660  # refuse to walk more than ten years day by day


def _overrides(start: date, end: date) -> dict[date, bool]:
    rows = CalendarOverride.objects.filter(day__gte=start, day__lte=end).values_list("day", "is_workday")
    return dict(rows)


def _statutory_workday(day: date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def year_is_covered(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return CalendarOverride.objects.filter(day__year=year).exists()
    return True


def uncovered_years(years: Iterable[int]) -> list[int]:
    return [year for year in sorted(set(years)) if not year_is_covered(year)]


def is_workday(day: date) -> bool:
    override = _overrides(day, day).get(day)
    if override is not None:
        return override
    return _statutory_workday(day)


def _workday_flags(start: date, end: date) -> list[tuple[date, bool]]:
    if (end - start).days > _MAX_SPAN_DAYS:
        raise ValueError("日期跨度超过十年，无法计算工作日")
    overrides = _overrides(start, end)
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    return [(day, overrides[day] if day in overrides else _statutory_workday(day)) for day in days]


def add_workdays(start: date, n: int) -> date:
    """The date `n` working days after `start` (start itself not counted). n=0 returns start."""
    if n < 0:
        raise ValueError("工作日数不能为负数")
    if n == 0:
        return start
    # Holidays never run longer than ~2 weeks, so 2n+30 calendar days always hold n working days.
    window_end = start + timedelta(days=2 * n + 30)
    counted = 0
    for day, working in _workday_flags(start + timedelta(days=1), window_end):
        if working:
            counted += 1
            if counted == n:
                return day
    raise ValueError("无法在合理范围内找到足够的工作日")


def workdays_between(start: date, end: date) -> int:
    """Working days in the half-open interval (start, end]; negative when end is before start."""
    if end == start:
        return 0
    if end < start:
        return -workdays_between(end, start)
    return sum(1 for _, working in _workday_flags(start + timedelta(days=1), end) if working)


def add_days(start: date, n: int, *, workdays: bool) -> date:
    """A deadline `n` days after `start`, counted in working or calendar days."""
    return add_workdays(start, n) if workdays else start + timedelta(days=n)
