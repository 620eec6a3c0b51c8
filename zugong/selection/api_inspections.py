"""API of R22, the special supervision of selection work: inspections, the rotation with its overdue units,
and the accountability situations. Mounted by `selection.api`'s router (endpoints: docs/selection.md)."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from zugong.core.api_auth import permitted
from zugong.core.request import Limit, Offset, RowId, actor_of, jurisdiction_of
from zugong.core.selectors import org_unit_get
from zugong.selection import selectors
from zugong.selection.models import AccountabilitySituation, SpecialInspection
from zugong.selection.services import inspections as svc

router = Router(tags=["selection"])


class SituationOut(Schema):
    id: int
    head: str
    head_label: str
    text: str


class InspectionOut(Schema):
    id: int
    inspected_unit_id: int
    inspected_unit: str
    started_on: date
    team: str
    findings: str
    situations: list[SituationOut]
    handling: str


class InspectionIn(Schema):
    org_unit_id: RowId = Field(description="被检查的县（市、区）或市直部门")
    started_on: date
    team: str = Field(max_length=300)
    findings: str = Field("", max_length=20000)
    situation_ids: list[RowId] = Field(default_factory=list, max_length=50)
    handling: str = Field("", max_length=5000)


class RotationOut(Schema):
    unit_id: int
    unit: str
    kind: str = Field(description="county 县（市、区）, department 市直部门")
    years: int = Field(description="轮回年数（制度参数 R22）")
    last: date | None
    due: date | None = Field(description="下次检查应在此日前；从未检查为 null")
    overdue: bool


class Page(Schema):
    limit: Limit = 50
    offset: Offset = 0


def _situation(s: AccountabilitySituation) -> SituationOut:
    return SituationOut(id=s.pk, head=s.head, head_label=str(s.get_head_display()), text=s.text)


def _inspection(r: SpecialInspection) -> InspectionOut:
    return InspectionOut(id=r.pk, inspected_unit_id=r.inspected_unit_id, inspected_unit=r.inspected_unit.name,
                         started_on=r.started_on, team=r.team, findings=r.findings, handling=r.handling,
                         situations=[_situation(s) for s in r.situations.all()])


@router.get("/accountability-situations", response=list[SituationOut], summary="责任追究情形（在用）")
def situation_list(request: HttpRequest) -> list[SituationOut]:
    jurisdiction_of(request, "selection.inspection_view")
    return [_situation(s) for s in selectors.situations_in_use()]


@router.get("/special-inspections", response=list[InspectionOut], summary="选人用人专项检查")
def inspection_list(request: HttpRequest, page: Query[Page]) -> list[InspectionOut]:
    rows = selectors.inspection_list(jurisdiction_of(request, "selection.inspection_view"))
    return [_inspection(r) for r in rows[page.offset:page.offset + page.limit]]


@router.get("/special-inspections/schedule", response=list[RotationOut],
            summary="专项检查轮回：各县（市、区）和市直部门的上次检查、应检日期、是否逾期（逾期在前）")
def schedule(request: HttpRequest) -> list[RotationOut]:
    rows = selectors.inspection_schedule(jurisdiction_of(request, "selection.inspection_view"), timezone.localdate())
    return [RotationOut(unit_id=r.unit.pk, unit=r.unit.name, kind=r.kind, years=r.years, last=r.last, due=r.due,
                        overdue=r.overdue) for r in rows]


@router.post("/special-inspections", response={201: InspectionOut}, auth=permitted("selection.inspection_record"),
             summary="登记选人用人专项检查（上级组织部门）")
def inspection_create(request: HttpRequest, payload: InspectionIn) -> Status[InspectionOut]:
    jurisdiction = jurisdiction_of(request)
    row = svc.inspection_record(actor=actor_of(request), jurisdiction=jurisdiction,
                                inspected_unit=org_unit_get(jurisdiction, payload.org_unit_id),
                                started_on=payload.started_on, team=payload.team, findings=payload.findings,
                                situation_ids=list(payload.situation_ids), handling=payload.handling)
    return Status(201, _inspection(selectors.inspection_get(jurisdiction, row.pk)))
