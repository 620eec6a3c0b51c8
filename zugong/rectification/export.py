"""A problem list as Excel (`problem_list_workbook`); sent through `core.downloads.download`."""

from __future__ import annotations

import io

from django.db.models import QuerySet
from openpyxl import Workbook

from zugong.core.downloads import xlsx_append
from zugong.rectification.models import Problem, ProblemStatus, Severity
from zugong.rectification.services.imports import HEADERS


def problem_list_workbook(problems: QuerySet[Problem]) -> bytes:
    """The list as Excel: the import's columns first (so it imports again), then status, deadline, closure."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "问题清单"
    xlsx_append(sheet, [*HEADERS, "状态", "整改时限", "销号日期"])
    for p in problems:
        plan = next(iter(p.plans.all()), None)
        xlsx_append(sheet, [p.number, p.description, str(Severity(p.severity).label), p.org_unit.name,
                            p.responsible_person, str(ProblemStatus(p.status).label),
                            plan.deadline.isoformat() if plan else "", p.closed_on.isoformat() if p.closed_on else ""])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
