"""Row locks of the field work app: `of=("self",)`, returning the row the service then changes."""

from __future__ import annotations

from datetime import date

from zugong.core.errors import NotFound
from zugong.fieldwork.models import FieldBatch, Suggestion, VillageIncomeReport


def lock_batch(pk: int) -> FieldBatch:
    batch = FieldBatch.objects.select_for_update(of=("self",)).select_related("organiser").filter(pk=pk).first()
    if batch is None:
        raise NotFound("未找到该蹲点调研批次")
    return batch


def lock_suggestion(pk: int) -> Suggestion:
    suggestion = (Suggestion.objects.select_for_update(of=("self",))
                  .select_related("stay__batch__organiser", "department").filter(pk=pk).first())
    if suggestion is None:
        raise NotFound("未找到该意见建议")
    return suggestion


def lock_income_report(village_id: int, quarter_start: date) -> VillageIncomeReport:
    report = (VillageIncomeReport.objects.select_for_update(of=("self",)).select_related("village")
              .filter(village_id=village_id, quarter_start=quarter_start).first())
    if report is None:
        raise NotFound("该村本季度尚未报送集体经济收入，无可更正的数据")
    return report
