"""JSON API of training records (R30) and village collective income (R27), mounted under /api/v1/; the
field stays' operations (R06) are in `api_stays`, added to this router.

A unit or cadre outside the reader's jurisdiction is 404."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from zugong.core.api_auth import permitted
from zugong.core.errors import ValidationFailed
from zugong.core.request import Limit, Offset, RowId, actor_of, jurisdiction_of
from zugong.fieldwork import selectors
from zugong.fieldwork.models import ProgrammeKind, TrainingProgramme
from zugong.fieldwork.services.income import income_report_correct, income_report_submit
from zugong.fieldwork.services.training import training_programme_add

router = Router(tags=["fieldwork"])
router.add_router("", "zugong.fieldwork.api_stays.router")  # 蹲点调研 (R06)
router.add_router("", "zugong.fieldwork.api_research.router")  # 调研课题 (R26), 离任村干部 (R25)
INCOME_VIEW = "fieldwork.income_view"
TRAINING_VIEW = "fieldwork.training_view"


class VillageIncomeRow(Schema):
    village: str
    income: Decimal
    level: str


class TrainingRow(Schema):
    id: int
    cadre_id: int
    course: str
    organiser: str
    kind: str
    start_date: date
    end_date: date
    days: int
    hours: Decimal
    certificate: str


class CycleRow(Schema):
    cadre_id: int
    name: str
    off_job_days: int
    meets: bool


def _quarter(text: str) -> date:
    if not text:
        return selectors.quarter_start(timezone.localdate())
    try:
        return selectors.parse_quarter(text)
    except ValueError:
        raise ValidationFailed(f"季度格式应为 2024Q3：{text}", field="quarter") from None


@router.get("/villages/income", response=list[VillageIncomeRow], summary="村集体经济收入及预警等级（按季度）")
def village_income(request: HttpRequest, org: RowId | None = None, quarter: str = "") -> list[VillageIncomeRow]:
    """`org` defaults to the top unit of the reader's jurisdiction, `quarter` (2024Q3) to this one."""
    jurisdiction = jurisdiction_of(request, INCOME_VIEW)
    unit = selectors.visible_unit(jurisdiction, org) if org is not None else selectors.home_unit(jurisdiction)
    rows = selectors.graded_reports(unit, _quarter(quarter))
    return [VillageIncomeRow(village=r["village_name"], income=r["income"], level=r["level"]) for r in rows]


class IncomeReportIn(Schema):
    village_id: RowId
    quarter: str = Field(..., description="2025Q3")
    income: Decimal = Field(..., ge=0, max_digits=12, decimal_places=2)
    goal: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    channels: str = Field("", max_length=300)
    measures: str = Field("", max_length=5000)


class IncomeReportOut(Schema):
    id: int
    village: str
    quarter_start: date
    income: Decimal


@router.post("/villages/income",
             auth=permitted("fieldwork.income_report"),
             response={201: IncomeReportOut}, summary="报送一个村一个季度的集体经济收入")
def village_income_report(request: HttpRequest, payload: IncomeReportIn) -> Status[IncomeReportOut]:
    jurisdiction = jurisdiction_of(request)
    village = selectors.visible_unit(jurisdiction, payload.village_id)
    report = income_report_submit(actor=actor_of(request), jurisdiction=jurisdiction, village=village,
                                  quarter=_quarter(payload.quarter), income=payload.income, goal=payload.goal,
                                  channels=payload.channels, measures=payload.measures)
    return Status(201, IncomeReportOut(id=report.pk, village=village.name, quarter_start=report.quarter_start,
                                       income=report.income))


class IncomeCorrectionIn(Schema):
    village_id: RowId
    quarter: str = Field(..., description="2025Q3")
    income: Decimal = Field(..., ge=0, max_digits=12, decimal_places=2)
    goal: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    channels: str = Field("", max_length=300)
    measures: str = Field("", max_length=5000)
    reason: str = Field(..., max_length=200, description="更正原因")


class IncomeCorrectionOut(IncomeReportOut):
    goal: Decimal | None
    submitted_on: date
    corrected_on: date
    correction_reason: str


@router.post("/villages/income/corrections", auth=permitted("fieldwork.income_report"),
             response=IncomeCorrectionOut, summary="更正一个村一个季度已报送的集体经济收入（截止报送日前）")
def village_income_correct(request: HttpRequest, payload: IncomeCorrectionIn) -> IncomeCorrectionOut:
    """Another jurisdiction's village is 404, no report for the quarter 404, after the due day 409."""
    jurisdiction = jurisdiction_of(request)
    village = selectors.visible_unit(jurisdiction, payload.village_id)
    report = income_report_correct(actor=actor_of(request), jurisdiction=jurisdiction, village=village,
                                   quarter=_quarter(payload.quarter), income=payload.income, reason=payload.reason,
                                   goal=payload.goal, channels=payload.channels, measures=payload.measures)
    report.refresh_from_db()  # the figures as stored (8.5 is kept as 8.50)
    assert report.corrected_on is not None
    return IncomeCorrectionOut(id=report.pk, village=village.name, quarter_start=report.quarter_start,
                               income=report.income, goal=report.goal, submitted_on=report.submitted_on,
                               corrected_on=report.corrected_on, correction_reason=report.correction_reason)


@router.get("/training-records", response=list[TrainingRow], summary="干部教育培训记录")
def training_records(request: HttpRequest, cadre_id: RowId | None = None, limit: Limit = 100,
                     offset: Offset = 0) -> list[TrainingRow]:
    jurisdiction = jurisdiction_of(request, TRAINING_VIEW)
    rows = (selectors.trainings_of(jurisdiction, cadre_id) if cadre_id is not None
            else selectors.trainings_visible(jurisdiction))
    return [TrainingRow(id=t.pk, cadre_id=t.cadre_id, course=t.course, organiser=t.organiser, kind=t.kind,
                        start_date=t.start_date, end_date=t.end_date, days=t.days, hours=t.hours,
                        certificate=t.certificate) for t in rows[offset:offset + limit]]


@router.get("/training/cycle", response=list[CycleRow], summary="组工干部五年脱产培训天数（滚动周期）")
def training_cycle(request: HttpRequest, org: RowId | None = None, as_of: date | None = None,
                   limit: Limit = 500, offset: Offset = 0) -> list[CycleRow]:
    jurisdiction = jurisdiction_of(request, TRAINING_VIEW)
    unit = selectors.visible_unit(jurisdiction, org) if org is not None else None
    rows = selectors.off_job_days_in_cycle(jurisdiction, as_of=as_of or timezone.localdate(), org_unit=unit)
    return [CycleRow(cadre_id=r["id"], name=r["name"], off_job_days=r["off_job_days"], meets=r["meets"])
            for r in rows[offset:offset + limit]]


class ProgrammeIn(Schema):
    org_unit_id: RowId
    kind: ProgrammeKind
    title: str = Field(..., min_length=1, max_length=200)
    start_date: date
    end_date: date
    participants: int = Field(0, ge=0, le=100_000)


class ProgrammeOut(Schema):
    id: int
    org_unit_id: int
    kind: str
    title: str
    start_date: date
    end_date: date
    participants: int


def _programme(p: TrainingProgramme) -> ProgrammeOut:
    return ProgrammeOut(id=p.pk, org_unit_id=p.org_unit_id, kind=p.kind, title=p.title, start_date=p.start_date,
                        end_date=p.end_date, participants=p.participants)


@router.get("/training-programmes", response=list[ProgrammeOut], summary="组织部举办的示范班、研讨班")
def training_programmes(request: HttpRequest, org: RowId | None = None, limit: Limit = 100,
                        offset: Offset = 0) -> list[ProgrammeOut]:
    rows = selectors.programmes_visible(jurisdiction_of(request, TRAINING_VIEW)).order_by("-start_date", "pk")
    if org is not None:
        rows = rows.filter(org_unit_id=org)
    return [_programme(p) for p in rows[offset:offset + limit]]


@router.post("/training-programmes", auth=permitted("fieldwork.training_record"), response={201: ProgrammeOut},
             summary="登记组织部举办的示范班或研讨班")
def training_programme_create(request: HttpRequest, payload: ProgrammeIn) -> Status[ProgrammeOut]:
    jurisdiction = jurisdiction_of(request)
    unit = selectors.visible_unit(jurisdiction, payload.org_unit_id)
    programme = training_programme_add(actor=actor_of(request), jurisdiction=jurisdiction, org_unit=unit,
                                       kind=payload.kind, title=payload.title, start_date=payload.start_date,
                                       end_date=payload.end_date, participants=payload.participants)
    return Status(201, _programme(programme))
