"""Tolerant dates of the forms people type: YYYYMM, YYYYMMDD, YYYY.MM, YYYY.MM.DD, YYYY-MM-DD, …"""

from __future__ import annotations

import re
from datetime import date

_PATTERN = re.compile(r"^(\d{4})(?:[.\-/年]?(\d{1,2})(?:[.\-/月]?(\d{1,2})日?)?月?)?$")


class BadDate(ValueError):
    """The text is not a date in any of the accepted forms (the message is Chinese)."""


def parse_date(text: str, *, require_month: bool = True) -> date | None:
    """None for empty text; a date (day 1 when only the month is given) or BadDate."""
    value = text.strip()
    if not value:
        return None
    match = _PATTERN.match(value)
    if match is None or (len(value) in (5, 7) and value.isdigit()):
        raise BadDate(f"日期“{value}”无法识别，应为 YYYYMM、YYYYMMDD、YYYY.MM、YYYY.MM.DD 或 YYYY-MM-DD")
    year, month, day = match.group(1), match.group(2), match.group(3)
    if month is None and require_month:
        raise BadDate(f"日期“{value}”缺少月份")
    try:
        return date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        raise BadDate(f"日期“{value}”不是有效日期") from exc


def has_day(text: str) -> bool:
    """Whether a date text that parse_date accepts gives the day too (`19960512`, `1996.05.12`)."""
    match = _PATTERN.match(text.strip())
    return bool(match and match.group(3))


def month_text(value: date | None, sep: str = ".") -> str:
    """`1990.01` (or `199001` with sep="")."""
    return "" if value is None else f"{value.year:04d}{sep}{value.month:02d}"


def day_text(value: date | None, sep: str = ".") -> str:
    return "" if value is None else f"{value.year:04d}{sep}{value.month:02d}{sep}{value.day:02d}"


def age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year + years, day=28)


def months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month
