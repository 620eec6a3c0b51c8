"""A problem list (`problem_list_workbook`) and the project register (`project_register_workbook`) as Excel;
sent through `core.downloads.download`."""

from __future__ import annotations

import io

from django.db.models import QuerySet
from openpyxl import Workbook

from zugong.core.downloads import xlsx_append
from zugong.rectification.models import (
    MilestoneKind,
    Problem,
    ProblemStatus,
    Project,
    ProjectKind,
    ProjectStatus,
    Severity,
)
from zugong.rectification.services.imports import HEADERS


def problem_list_workbook(problems: QuerySet[Problem]) -> bytes:
    """The list as Excel: the import's columns first (so it imports again), then status, the plan's deadline, the
    closure, and the problem's own deadline (`due_on`) with whether it has passed (`due_overdue`: annotated by
    `selectors.with_plan_deadline`)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "问题清单"
    xlsx_append(sheet, [*HEADERS, "状态", "整改时限", "销号日期", "问题时限", "问题时限已逾期"])
    for p in problems:
        plan = next(iter(p.plans.all()), None)
        xlsx_append(sheet, [p.number, p.description, str(Severity(p.severity).label), p.org_unit.name,
                            p.responsible_person, str(ProblemStatus(p.status).label),
                            plan.deadline.isoformat() if plan else "", p.closed_on.isoformat() if p.closed_on else "",
                            p.due_on.isoformat() if p.due_on else "",
                            "是" if getattr(p, "due_overdue", False) else ""])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


PROJECT_HEADERS = ["项目名称", "类别", "发布单位", "牵头单位", "责任领导", "责任人", "工作措施", "开始日期", "完成时限",
                   "节点", "状态", "下一时限", "逾期节点数", "已通过认项", "最近完成进度（%）", "编号"]


def project_register_workbook(projects: QuerySet[Project]) -> bytes:
    """The register as Excel, one row per item (`selectors_projects.project_list` rows, milestones prefetched):
    what was registered (milestones one per line "2027-03-31 完成验收", as on the registration form), then where
    it stands; last the item's number (编号), by which an import updates the item instead of registering a new one."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "项目台账"
    xlsx_append(sheet, PROJECT_HEADERS)
    for p in projects:
        milestones = "\n".join(f"{m.due.isoformat()} {m.title}" for m in p.milestones.all()
                               if m.kind == MilestoneKind.MILESTONE)
        next_due = getattr(p, "next_due", None)
        last = getattr(p, "last_percent", None)
        xlsx_append(sheet, [p.title, str(ProjectKind(p.kind).label), p.issuing_unit.name, p.lead_unit.name, p.leader,
                            p.responsible_person, p.measures, p.starts_on.isoformat(), p.deadline.isoformat(),
                            milestones, str(ProjectStatus(p.status).label),
                            next_due.isoformat() if next_due else "", getattr(p, "overdue_count", 0),
                            getattr(p, "claims_approved", 0), "" if last is None else last, p.pk])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
