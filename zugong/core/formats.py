"""Named date formats: every date a page shows goes through one of these (template filters in
`core/templatetags/zugong.py`), and every date a form carries is ISO 8601 in every language, because
an `<input type="date">` accepts nothing else."""

from __future__ import annotations

from datetime import date, datetime
from typing import Final

from django.utils import dateformat, timezone

DAY: Final = "Y-m-d"          # 2026-12-05: lists, tables, exports
MONTH: Final = "Y.m"          # 2026.12: 出生年月, 入党时间 — the 任免审批表's month precision
MOMENT: Final = "Y-m-d H:i"   # 2026-12-05 14:30: when something happened
LETTER_DAY: Final = "Y年n月j日"  # 2026年12月5日: letters and notices to people
ISO_INPUT: Final = "%Y-%m-%d"  # what a date input sends and shows


def render(value: date | datetime | None, fmt: str) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, fmt)
