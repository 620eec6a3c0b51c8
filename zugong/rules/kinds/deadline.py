"""Deadline: an item started on a day must be done within N calendar or working days.

One SELECT fetches the items of the job, due dates are computed for the distinct start days from one
read of the working-day calendar, and the findings are written with one bulk insert.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from django.db.models import Q

from zugong.core.calendar import _workday_flags
from zugong.core.models import OrgUnit
from zugong.rules.kinds.region import Job
from zugong.rules.models import Finding, FindingStatus
from zugong.rules.registry import DeadlineSource, SourceContext


def due_dates(starts: set[date], days: int, *, workdays: bool) -> dict[date, date]:
    """The due date of every start day, reading the calendar once for the whole span."""
    if not starts:
        return {}
    if not workdays or days == 0:
        return {start: start + timedelta(days=days) for start in starts}
    first, last = min(starts), max(starts)
    flags = _workday_flags(first + timedelta(days=1), last + timedelta(days=2 * days + 30))
    working = [day for day, is_working in flags if is_working]
    result: dict[date, date] = {}
    index = 0
    for start in sorted(starts):
        while index < len(working) and working[index] <= start:
            index += 1
        result[start] = working[index + days - 1]
    return result


def classify(*, due: date, done: date | None, as_of: date, warn_days: int) -> str:
    if done is not None:
        return FindingStatus.COMPLIANT if done <= due else FindingStatus.VIOLATED
    if as_of > due:
        return FindingStatus.OVERDUE
    return FindingStatus.DUE_SOON if (due - as_of).days <= warn_days else FindingStatus.PENDING


def _detail(label: str, status: str, start: date, due: date, done: date | None, as_of: date) -> str:
    head = f"{label}{start:%Y-%m-%d}起算，应于{due:%Y-%m-%d}前办结"
    if done is not None:
        late = (done - due).days
        return f"{head}，{done:%Y-%m-%d}办结" + (f"，逾期 {late} 天" if late > 0 else "")
    if status == FindingStatus.OVERDUE:
        return f"{head}，尚未办结，已逾期 {(as_of - due).days} 天"
    return f"{head}，尚未办结，剩余 {(due - as_of).days} 天"


def evaluate_deadline(job: Job, source: DeadlineSource) -> dict[str, int]:
    params = job.params
    ctx = SourceContext(period_start=job.period.start, period_end=job.period.end, as_of=job.as_of,
                        root_path=job.region.root_path, params=params)
    in_region = OrgUnit.objects.filter(job.region.org_q()).values("id")
    rows = list(
        source.items(ctx)
        .filter(org_unit_id__in=in_region, start_date__lte=job.as_of)
        .filter(Q(done_date__isnull=True) | Q(done_date__gte=job.period.start, done_date__lte=job.as_of))
        .order_by()
    )
    computed = due_dates({r["start_date"] for r in rows if r["due_date"] is None}, params["days"],
                         workdays=params["workdays"])
    findings: list[Finding] = []
    for row in rows:
        due = row["due_date"] or computed[row["start_date"]]
        status = classify(due=due, done=row["done_date"], as_of=job.as_of, warn_days=params["warn_days"])
        findings.append(_finding(job, source, row, due, status))
    Finding.objects.bulk_create(findings, batch_size=2000)
    return dict(Counter(f.status for f in findings))


def _finding(job: Job, source: DeadlineSource, row: dict[str, Any], due: date, status: str) -> Finding:
    return Finding(
        rule_id=job.rule_id, rule_version_id=job.region.version_id, part=job.part,
        period_start=job.period.start, period_end=job.period.end, subject_type=source.subject_type,
        subject_id=str(row["subject_id"]), subject_label=str(row["subject_label"])[:200],
        org_unit_id=row["org_unit_id"], status=status, measure=None, target=None, due_date=due,
        done_date=row["done_date"], responsible_user_id=row.get("responsible_user_id"),
        detail=_detail(source.item_label, status, row["start_date"], due, row["done_date"], job.as_of)[:300],
        evaluated_at=job.evaluated_at,
    )
