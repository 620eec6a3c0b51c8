"""Row locks of the selection app: `of=("self",)`, returning the row the service then changes."""

from __future__ import annotations

from zugong.core.errors import NotFound
from zugong.selection.models import PlanReview, ProblemEntry, PublicityReport, ReportCheck, Selection

NOT_FOUND = "未找到，或不在您的管辖范围内"


def lock_problem(pk: int) -> ProblemEntry:
    entry = (ProblemEntry.objects.select_for_update(of=("self",)).select_related("org_unit", "cadre")
             .filter(pk=pk).first())
    if entry is None:
        raise NotFound(NOT_FOUND)
    return entry


def lock_selection(pk: int) -> Selection:
    selection = Selection.objects.select_for_update(of=("self",)).select_related("org_unit").filter(pk=pk).first()
    if selection is None:
        raise NotFound(NOT_FOUND)
    return selection


def lock_check(pk: int) -> ReportCheck:
    check = (ReportCheck.objects.select_for_update(of=("self",)).select_related("report__org_unit", "report__cadre")
             .filter(pk=pk).first())
    if check is None:
        raise NotFound(NOT_FOUND)
    return check


def lock_review(pk: int) -> PlanReview:
    review = (PlanReview.objects.select_for_update(of=("self",)).select_related("selection__org_unit", "reviewer_unit")
              .filter(pk=pk).first())
    if review is None:
        raise NotFound(NOT_FOUND)
    return review


def lock_publicity_report(pk: int) -> PublicityReport:
    """A report received during 任前公示; the caller has locked its selection first (selection, then report)."""
    report = (PublicityReport.objects.select_for_update(of=("self",)).select_related("cadre")
              .filter(pk=pk).first())
    if report is None:
        raise NotFound(NOT_FOUND)
    return report
