"""JSON API of the rules app, mounted under /api/v1/ by zugong/api.py."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from annotated_types import Interval
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from zugong.core.api_auth import permitted
from zugong.core.errors import ValidationFailed
from zugong.core.request import Offset, actor_of, jurisdiction_of
from zugong.rules import selectors
from zugong.rules.services import rule_override_set

router = Router(tags=["rules"])

FindingLimit = Annotated[int, Interval(ge=1, le=1000)]


class VersionOut(Schema):
    scope: str | None
    scope_id: int | None
    valid_from: str
    valid_to: str | None
    enabled: bool
    params: dict[str, Any]
    note: str


class RuleOut(Schema):
    code: str
    title: str
    kind: str
    seed: str
    description: str
    has_source: bool
    default_params: dict[str, Any]
    versions: list[VersionOut]


class FindingOut(Schema):
    id: int
    rule: str
    part: str
    period_start: date
    period_end: date
    subject_type: str
    subject_id: str
    subject_label: str
    org_unit_id: int | None
    org_unit_name: str | None
    status: str
    measure: float | None
    target: float | None
    due_date: date | None
    done_date: date | None
    detail: str
    evaluated_at: str


class FindingPage(Schema):
    count: int
    results: list[FindingOut]


class OverrideIn(Schema):
    org: str
    valid_from: date
    params: dict[str, Any] = {}
    enabled: bool | None = None
    note: str = ""


@router.get("/rules", response=list[RuleOut])
def rule_list(request: HttpRequest) -> list[dict[str, Any]]:
    return selectors.register_rows(on=timezone.localdate(), jurisdiction=jurisdiction_of(request, "rules.finding_view"))


@router.get("/findings", response=FindingPage)
def finding_list(request: HttpRequest, rule: str = "", org: str = "", status: str = "",
                 period_start: date | None = None, limit: FindingLimit = 100, offset: Offset = 0) -> dict[str, Any]:
    jurisdiction = jurisdiction_of(request, "rules.finding_view")
    unit = selectors.org_for(jurisdiction, org or None)
    rows = selectors.findings_for(jurisdiction, rule=rule.upper() or None, org=unit, status=status or None,
                                  period_start=period_start)
    limit = max(1, min(limit, 1000))
    page = rows[max(offset, 0):max(offset, 0) + limit]
    return {"count": rows.count(), "results": [_finding_out(f) for f in page]}


def _finding_out(finding: Any) -> dict[str, Any]:
    return {
        "id": finding.pk, "rule": finding.rule.code, "part": finding.part, "period_start": finding.period_start,
        "period_end": finding.period_end, "subject_type": finding.subject_type, "subject_id": finding.subject_id,
        "subject_label": finding.subject_name, "org_unit_id": finding.org_unit_id,
        "org_unit_name": finding.org_unit.name if finding.org_unit else None, "status": finding.status,
        "measure": finding.measure, "target": finding.target, "due_date": finding.due_date,
        "done_date": finding.done_date, "detail": finding.detail, "evaluated_at": finding.evaluated_at.isoformat(),
    }


@router.post("/rules/{code}/overrides", auth=permitted("rules.rule_override_set"), response={201: VersionOut})
def override_create(request: HttpRequest, code: str, payload: OverrideIn) -> Status[dict[str, Any]]:
    jurisdiction = jurisdiction_of(request)
    rule = selectors.rule_get(code)
    unit = selectors.org_for(jurisdiction, payload.org)
    if unit is None:
        raise ValidationFailed("请指定单位（org：单位编号或区划代码）", field="org")
    version = rule_override_set(actor=actor_of(request), jurisdiction=jurisdiction, code=rule.code,
                                org_unit=unit, valid_from=payload.valid_from, params=payload.params,
                                enabled=payload.enabled, note=payload.note)
    return Status(201, selectors.version_row(version))
