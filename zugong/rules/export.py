"""Excel export of the dashboard views (openpyxl)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from zugong.core.downloads import xlsx_append
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import OrgUnit
from zugong.rules import selectors
from zugong.rules.models import Rule
from zugong.rules.subjects import subject_text

# Above this many findings the rule page's Excel is written by a job (`rules.export_findings`), not in the request.
INLINE_FINDINGS = 5_000


def workbook_bytes(sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """One sheet per (title, header, rows); returns the .xlsx file content."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, header, rows in sheets:
        sheet = book.create_sheet(title=title[:31])
        xlsx_append(sheet, header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            xlsx_append(sheet, ["" if value is None else value for value in row])
        for index, _ in enumerate(header, start=1):
            sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = 18
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rule_workbook(jurisdiction: Jurisdiction, *, rule: Rule, org: OrgUnit | None, period: date | None,
                  progress: Callable[[int, int], None] | None = None) -> tuple[bytes, str]:
    """A rule's page as Excel: the units' rates and every finding of the period, worst first."""
    rows = selectors.drilldown(jurisdiction, rule=rule, org=org, period_start=period) if period else []
    units = [(r.label, r.rate.rate, r.rate.get("compliant"), r.rate.get("due_soon"), r.rate.get("overdue"),
              r.rate.get("violated"), r.rate.get("pending")) for r in rows]
    subjects = selectors.findings_worst_first(jurisdiction, rule=rule, org=org, period_start=period) \
        if period else None
    total = subjects.count() if subjects is not None and progress is not None else 0

    def people() -> Iterable[Sequence[Any]]:
        for done, f in enumerate(subjects.iterator(chunk_size=2_000) if subjects is not None else [], start=1):
            yield (subject_text(f.subject_type, f.subject_id, f.subject_label), f.org_unit.name if f.org_unit else "",
                   f.get_status_display(), f.measure, f.target, str(f.due_date or ""), f.detail)
            if progress is not None and done % 1_000 == 0:
                progress(done, total)

    data = workbook_bytes([
        ("下级落实情况", ["单位", "落实率%", "已落实", "即将到期", "已逾期", "未落实", "进行中"], units),
        ("对象明细", ["对象", "单位", "状态", "实际", "标准", "期限", "说明"], people()),
    ])
    return data, f"{rule.code}-{org.name if org else '全部'}-{period or ''}.xlsx"
