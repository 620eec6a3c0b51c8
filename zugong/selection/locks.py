"""Row locks of the selection app: `of=("self",)`, returning the row the service then changes."""

from __future__ import annotations

from zugong.core.errors import NotFound
from zugong.selection.models import ProblemEntry, Selection

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
