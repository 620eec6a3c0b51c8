"""The quarterly 通报 of village collective income as an Excel workbook (no personal data)."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from openpyxl import Workbook

from zugong.core.downloads import xlsx_append
from zugong.core.models import OrgUnit
from zugong.fieldwork.models import IncomeLevel
from zugong.fieldwork.selectors import quarter_label

HEADERS = ("排名", "乡镇", "村", "已实现收入（万元）", "预警等级")


def income_bulletin_workbook(county: OrgUnit, quarter: date, rows: list[dict[str, Any]]) -> bytes:
    labels = dict(IncomeLevel.choices)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(quarter_label(quarter))
    xlsx_append(sheet, [f"{county.name}{quarter_label(quarter)}村集体经济收入通报"])
    xlsx_append(sheet, HEADERS)
    for rank, row in enumerate(rows, start=1):
        xlsx_append(sheet, [rank, row["township"] or "", row["village_name"], float(row["income"]),
                            str(labels[row["level"]])])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
