"""API of the personal-matters reports (个人有关事项报告, R19): items, reports, the random draw and the
checks. Mounted by `selection.api`'s router (endpoints: docs/selection.md)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from zugong.cadres.selectors import cadre_get
from zugong.core.api_auth import permitted
from zugong.core.errors import ValidationFailed
from zugong.core.request import Limit, Offset, RowId, actor_of, jurisdiction_of
from zugong.core.selectors import org_unit_get
from zugong.selection import access, params, selectors
from zugong.selection.models import CheckDraw, CheckKind, CheckOutcome, PersonalReport, ReportCheck
from zugong.selection.services import reports as svc

router = Router(tags=["selection"])


class ItemOut(Schema):
    code: str
    label: str


class ReportCheckOut(Schema):
    id: int
    report_id: int
    cadre_id: int
    cadre: str
    year: int
    kind: str
    kind_label: str
    draw_id: int | None
    selection_id: int | None
    outcome: str
    outcome_label: str
    handling: str
    handling_label: str
    discrepancy: str
    checked_on: date | None


class ReportRow(Schema):
    id: int
    cadre_id: int
    cadre: str
    org_unit: str
    year: int
    submitted_on: date
    checks: list[ReportCheckOut]


class PersonalReportOut(ReportRow):
    declared: dict[str, str] | None = Field(
        description="报告事项代码 → 报告内容（空为“无”）；无权查看时为 null（每次完整查看均记入访问日志）")


class PersonalReportIn(Schema):
    cadre_id: RowId
    year: int = Field(ge=2000, le=2100)
    submitted_on: date
    declared: dict[str, str] = Field(default_factory=dict, description="报告事项代码 → 报告内容，见 GET /personal-report-items")


class ReportFilters(Schema):
    year: int | None = Field(None, ge=2000, le=2100)
    cadre_id: RowId | None = None
    limit: Limit = 50
    offset: Offset = 0


class DrawIn(Schema):
    org_unit_id: RowId
    year: int = Field(ge=2000, le=2100)
    share: Decimal | None = Field(None, gt=0, le=1, description="抽查比例；不填时取制度参数 R19.draw_share")
    seed: int | None = Field(None, ge=0, lt=2**62, description="随机种子；不填时随机产生并记录")


class DrawStratumOut(Schema):
    org_unit_id: int
    org_unit: str
    population: int
    drawn: int


class DrawOut(Schema):
    id: int
    org_unit_id: int
    org_unit: str
    year: int
    seed: int
    share: Decimal
    population: int
    drawn: list[int] = Field(description="抽中的报告编号")
    reproducible: bool = Field(description="用记录的种子和比例对记录的总体重新抽取，结果一致")
    strata: list[DrawStratumOut] = Field(description="按单位分层：各单位报告数与抽中数（每单位抽 ⌈比例 × 报告数⌉）")
    excluded: int = Field(description="当年已核查、不再抽取的报告数")


class CheckFilters(Schema):
    outcome: str = Field("", max_length=12)
    kind: str = Field("", max_length=12)
    year: int | None = Field(None, ge=2000, le=2100)
    limit: Limit = 50
    offset: Offset = 0


class ReportCheckIn(Schema):
    outcome: str = Field(description="consistent 一致, omitted 漏报, concealed 瞒报")
    checked_on: date
    handling: str = Field("", description="未如实报告时：reminder 组织提醒, criticism 批评教育, admonishment 诫勉, "
                                          "suspended 暂停提拔, disqualified 取消提拔资格, org_handling 组织处理")
    discrepancy: str = Field("", max_length=5000)


class CandidateChecksIn(Schema):
    on: date | None = Field(None, description="报告年度取此日期所在年度；不填为今天")


def _check(c: ReportCheck) -> ReportCheckOut:
    return ReportCheckOut(id=c.pk, report_id=c.report_id, cadre_id=c.report.cadre_id, cadre=c.report.cadre.name,
                    year=c.report.year, kind=c.kind, kind_label=str(c.get_kind_display()), draw_id=c.draw_id,
                    selection_id=c.selection_id, outcome=c.outcome, outcome_label=str(c.get_outcome_display()),
                    handling=c.handling, handling_label=str(c.get_handling_display()) if c.handling else "",
                    discrepancy=c.discrepancy, checked_on=c.checked_on)


def _report_row(r: PersonalReport) -> ReportRow:
    checks = []
    for c in r.checks.all():
        c.report = r
        checks.append(_check(c))
    return ReportRow(id=r.pk, cadre_id=r.cadre_id, cadre=r.cadre.name, org_unit=r.org_unit.name, year=r.year,
                     submitted_on=r.submitted_on, checks=checks)


def _draw(d: CheckDraw) -> DrawOut:
    replay = svc.draw_replay(d)
    strata = [DrawStratumOut(org_unit_id=x.org_unit_id, org_unit=x.org_unit, population=x.population, drawn=x.drawn)
              for x in selectors.draw_strata(d)]
    return DrawOut(id=d.pk, org_unit_id=d.org_unit_id, org_unit=d.org_unit.name, year=d.year, seed=d.seed,
                   share=d.share, population=len(d.population), drawn=list(d.drawn), reproducible=replay == d.drawn,
                   strata=strata, excluded=len(d.excluded))


@router.get("/personal-report-items", response=list[ItemOut], summary="个人有关事项报告的事项")
def item_list(request: HttpRequest) -> list[ItemOut]:
    jurisdiction_of(request, "selection.report_view")
    return [ItemOut(code=i.code, label=i.label) for i in selectors.report_items()]


@router.get("/personal-reports", response=list[ReportRow], summary="个人有关事项报告（列表不含报告内容）")
def report_list(request: HttpRequest, filters: Query[ReportFilters]) -> list[ReportRow]:
    rows = selectors.report_list(jurisdiction_of(request, "selection.report_view"), year=filters.year,
                                 cadre_id=filters.cadre_id)
    return [_report_row(r) for r in rows[filters.offset:filters.offset + filters.limit]]


@router.get("/personal-reports/{report_id}", response=PersonalReportOut, summary="一份个人有关事项报告")
def report_detail(request: HttpRequest, report_id: RowId) -> PersonalReportOut:
    jurisdiction = jurisdiction_of(request, "selection.report_view")
    report = selectors.report_get(jurisdiction, report_id)
    declared = access.declared_for(jurisdiction, actor_of(request), report, channel="api")
    return PersonalReportOut(**_report_row(report).dict(), declared=declared)


@router.post("/personal-reports", response={201: PersonalReportOut}, auth=permitted("selection.report_record"),
             summary="登记个人有关事项报告")
def report_create(request: HttpRequest, payload: PersonalReportIn) -> Status[PersonalReportOut]:
    jurisdiction = jurisdiction_of(request)
    report = svc.personal_report_submit(
        actor=actor_of(request), jurisdiction=jurisdiction, cadre=cadre_get(jurisdiction, payload.cadre_id),
        year=payload.year, submitted_on=payload.submitted_on, declared=payload.declared)
    return Status(201, report_detail(request, report.pk))


@router.post("/report-draws", response={201: DrawOut}, auth=permitted("selection.report_draw"),
             summary="随机抽查个人有关事项报告（种子与比例留痕，可重新抽取验证）")
def draw_create(request: HttpRequest, payload: DrawIn) -> Status[DrawOut]:
    jurisdiction = jurisdiction_of(request)
    unit = org_unit_get(jurisdiction, payload.org_unit_id)
    share = payload.share if payload.share is not None else params.draw_share(unit, date(payload.year, 12, 31))
    draw = svc.check_draw(actor=actor_of(request), jurisdiction=jurisdiction, org_unit=unit, year=payload.year,
                          share=share, seed=payload.seed)
    return Status(201, _draw(selectors.draw_get(jurisdiction, draw.pk)))


@router.get("/report-draws/{draw_id}", response=DrawOut, summary="一次随机抽查及其复核")
def draw_detail(request: HttpRequest, draw_id: RowId) -> DrawOut:
    return _draw(selectors.draw_get(jurisdiction_of(request, "selection.report_view"), draw_id))


@router.get("/report-checks", response=list[ReportCheckOut], summary="个人有关事项报告核查")
def check_list(request: HttpRequest, filters: Query[CheckFilters]) -> list[ReportCheckOut]:
    jurisdiction = jurisdiction_of(request, "selection.report_view")
    if filters.outcome and filters.outcome not in CheckOutcome.values:
        raise ValidationFailed(f"不支持的核查结果：{filters.outcome}", field="outcome")
    if filters.kind and filters.kind not in CheckKind.values:
        raise ValidationFailed(f"不支持的核查方式：{filters.kind}", field="kind")
    rows = selectors.check_list(jurisdiction, outcome=filters.outcome, kind=filters.kind, year=filters.year)
    return [_check(c) for c in rows[filters.offset:filters.offset + filters.limit]]


@router.post("/report-checks/{check_id}", response=ReportCheckOut,
             auth=permitted("selection.report_check", scope=selectors.checks_visible, by="check_id"),
             summary="登记核查结果（一致、漏报、瞒报及处理）")
def check_record(request: HttpRequest, check_id: RowId, payload: ReportCheckIn) -> ReportCheckOut:
    jurisdiction = jurisdiction_of(request)
    svc.report_check_record(actor=actor_of(request), jurisdiction=jurisdiction, check_id=check_id,
                            outcome=payload.outcome, checked_on=payload.checked_on, handling=payload.handling,
                            discrepancy=payload.discrepancy)
    return _check(selectors.check_get(jurisdiction, check_id))


@router.post("/selections/{selection_id}/report-checks", response=list[ReportCheckOut],
             auth=permitted("selection.report_check", scope=selectors.selections_visible, by="selection_id"),
             summary="拟提拔人选个人有关事项报告必查（讨论决定前）")
def candidate_checks(request: HttpRequest, selection_id: RowId, payload: CandidateChecksIn) -> list[ReportCheckOut]:
    jurisdiction = jurisdiction_of(request)
    checks = svc.candidate_checks_request(actor=actor_of(request), jurisdiction=jurisdiction,
                                          selection_id=selection_id, on=payload.on or timezone.localdate())
    return [_check(selectors.check_get(jurisdiction, c.pk)) for c in checks]
