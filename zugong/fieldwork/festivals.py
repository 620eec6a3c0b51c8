"""The occasions of R25's visits to retired village cadres: 七一 (1 July) and 春节 (the lunar new year's day).

春节 moves with the lunar calendar; its Gregorian dates are a table (checked against the State Council's
holiday notices as `chinesecalendar` knows them, see tests/test_care.py). A visit counts for an occasion
when it falls in the occasion's window: 七一 from 1 June to 31 July; 春节 from 30 days before (腊月)
to 14 days after (正月十五, 元宵)."""

from __future__ import annotations

from datetime import date, timedelta

from zugong.core.errors import ValidationFailed

SPRING_FESTIVAL: dict[int, tuple[int, int]] = {
    2004: (1, 22), 2005: (2, 9), 2006: (1, 29), 2007: (2, 18), 2008: (2, 7), 2009: (1, 26), 2010: (2, 14),
    2011: (2, 3), 2012: (1, 23), 2013: (2, 10), 2014: (1, 31), 2015: (2, 19), 2016: (2, 8), 2017: (1, 28),
    2018: (2, 16), 2019: (2, 5), 2020: (1, 25), 2021: (2, 12), 2022: (2, 1), 2023: (1, 22), 2024: (2, 10),
    2025: (1, 29), 2026: (2, 17), 2027: (2, 6), 2028: (1, 26), 2029: (2, 13), 2030: (2, 3), 2031: (1, 23),
    2032: (2, 11), 2033: (1, 31), 2034: (2, 19), 2035: (2, 8), 2036: (1, 28), 2037: (2, 15), 2038: (2, 4),
    2039: (1, 24), 2040: (2, 12),
}
SPRING_BEFORE = 30  # days before 春节 a visit counts (腊月)
SPRING_AFTER = 14  # days after (to 元宵)
JULY_FIRST = "july_first"
SPRING = "spring_festival"
LABELS = {JULY_FIRST: "七一", SPRING: "春节"}


def spring_festival(year: int) -> date:
    try:
        month, day = SPRING_FESTIVAL[year]
    except KeyError:
        raise ValidationFailed(f"暂无{year}年的春节日期（农历），请联系管理员", field="visited_on") from None
    return date(year, month, day)


def occasion_day(occasion: str, year: int) -> date:
    return date(year, 7, 1) if occasion == JULY_FIRST else spring_festival(year)


def window(occasion: str, year: int) -> tuple[date, date]:
    """The first and last day a visit counts for the occasion of `year`."""
    if occasion == JULY_FIRST:
        return date(year, 6, 1), date(year, 7, 31)
    day = spring_festival(year)
    return day - timedelta(days=SPRING_BEFORE), day + timedelta(days=SPRING_AFTER)


def occasion_of_visit(occasion: str, visited_on: date) -> date:
    """The day of the occasion a visit on `visited_on` counts for; refused outside every window (a 春节
    visit in late December counts for the next year's 春节)."""
    if occasion not in LABELS:
        raise ValidationFailed("走访节点应为七一或春节", field="occasion")
    for year in (visited_on.year, visited_on.year + 1):
        if occasion == JULY_FIRST and year != visited_on.year:
            continue
        first, last = window(occasion, year)
        if first <= visited_on <= last:
            return occasion_day(occasion, year)
    first, last = window(occasion, visited_on.year)
    raise ValidationFailed(f"{visited_on:%Y年%m月%d日}不在{visited_on.year}年{LABELS[occasion]}走访时段"
                           f"（{first:%m月%d日}至{last:%m月%d日}）内", field="visited_on")
