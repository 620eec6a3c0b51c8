"""JSON API of R26 (调研课题, research trips, field days per leader), R25 (retired village cadres) and R23
(township recruits' turnover, approvals between [2] and [3] years),
added to the field work router under /api/v1/. A row outside the caller's jurisdiction is 404."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from annotated_types import Interval
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from zugong.cadres.selectors import cadres_visible
from zugong.core.api_auth import permitted
from zugong.core.errors import NotFound
from zugong.core.request import Limit, Offset, RowId, actor_of, jurisdiction_of
from zugong.fieldwork import selectors
from zugong.fieldwork import selectors_care as care
from zugong.fieldwork import selectors_recruits as recruits
from zugong.fieldwork import selectors_research as research
from zugong.fieldwork.models import (
    CareVisit,
    MoveKind,
    Occasion,
    ResearchTopic,
    RetiredVillageCadre,
    TopicGrade,
)
from zugong.fieldwork.services.care import (
    care_visit_record,
    hardship_help_record,
    retiree_from_roster,
    retiree_leave_register,
    retiree_register,
    subsidy_pay,
    subsidy_rule_set,
)
from zugong.fieldwork.services.recruits import transfer_approval_grant
from zugong.fieldwork.services.research import (
    topic_call_open,
    topic_evaluate,
    topic_register,
    topic_submit,
    trip_record,
)

router = Router(tags=["fieldwork"])
Year = Annotated[int, Interval(ge=2000, le=2100)]
TOPIC_VIEW = "fieldwork.topic_view"
RETIREE_VIEW = "fieldwork.retiree_view"


class TopicOut(Schema):
    id: int
    year: int
    org_unit: str
    title: str
    leader_id: int
    leader: str
    status: str
    grade: str
    commendation: str


def _topic(t: ResearchTopic) -> TopicOut:
    return TopicOut(id=t.pk, year=t.call.year, org_unit=t.call.org_unit.name, title=t.title, leader_id=t.leader_id,
                    leader=t.leader.name, status=t.status, grade=t.grade, commendation=t.commendation)


@router.get("/research-topics", response=list[TopicOut], summary="调研课题")
def research_topics(request: HttpRequest, year: Year | None = None, limit: Limit = 100,
                    offset: Offset = 0) -> list[TopicOut]:
    rows = research.topics_visible(jurisdiction_of(request, TOPIC_VIEW)).order_by("pk")
    if year is not None:
        rows = rows.filter(call__year=year)
    return [_topic(t) for t in rows[offset:offset + limit]]


class CallIn(Schema):
    org_unit_id: RowId
    year: Year
    register_by: date


class CallOut(Schema):
    id: int
    year: int
    register_by: date


@router.post("/topic-calls", auth=permitted("fieldwork.topic_manage"), response={201: CallOut},
             summary="开始一个年度的调研课题申报")
def topic_call_create(request: HttpRequest, payload: CallIn) -> Status[CallOut]:
    jurisdiction = jurisdiction_of(request)
    unit = selectors.visible_unit(jurisdiction, payload.org_unit_id)
    call = topic_call_open(actor=actor_of(request), jurisdiction=jurisdiction, org_unit=unit, year=payload.year,
                           register_by=payload.register_by)
    return Status(201, CallOut(id=call.pk, year=call.year, register_by=call.register_by))


class TopicIn(Schema):
    call_id: RowId
    title: str = Field(..., min_length=1, max_length=200)
    leader_id: RowId


@router.post("/research-topics", auth=permitted("fieldwork.topic_manage"), response={201: TopicOut},
             summary="调研课题立项")
def research_topic_register(request: HttpRequest, payload: TopicIn) -> Status[TopicOut]:
    jurisdiction = jurisdiction_of(request)
    call = research.calls_visible(jurisdiction).filter(pk=payload.call_id).first()
    leader = cadres_visible(jurisdiction).filter(pk=payload.leader_id).first()
    if call is None or leader is None:
        raise NotFound("未找到该课题年度或干部，或不在您的管辖范围内")
    topic = topic_register(actor=actor_of(request), jurisdiction=jurisdiction, call=call, title=payload.title,
                           leader=leader)
    return Status(201, _topic(topic))


class TopicSubmitIn(Schema):
    result: str = Field(..., min_length=1, max_length=10000)


@router.post("/research-topics/{topic_id}/submit", response=TopicOut, summary="调研课题结题",
             auth=permitted("fieldwork.topic_manage", scope=research.topics_visible, by="topic_id"))
def research_topic_submit(request: HttpRequest, topic_id: RowId, payload: TopicSubmitIn) -> TopicOut:
    return _topic(topic_submit(actor=actor_of(request), jurisdiction=jurisdiction_of(request), topic_id=topic_id,
                               result=payload.result))


class TopicEvaluateIn(Schema):
    grade: TopicGrade
    commendation: str = Field("", max_length=200)


@router.post("/research-topics/{topic_id}/evaluate", response=TopicOut, summary="调研课题年终评定",
             auth=permitted("fieldwork.topic_manage", scope=research.topics_visible, by="topic_id"))
def research_topic_evaluate(request: HttpRequest, topic_id: RowId, payload: TopicEvaluateIn) -> TopicOut:
    return _topic(topic_evaluate(actor=actor_of(request), jurisdiction=jurisdiction_of(request), topic_id=topic_id,
                                 grade=payload.grade, commendation=payload.commendation))


class TripIn(Schema):
    cadre_id: RowId
    place: str = Field(..., min_length=1, max_length=200)
    start_date: date
    end_date: date
    purpose: str = Field("", max_length=300)
    topic_id: RowId | None = None


class TripOut(Schema):
    id: int
    cadre_id: int
    days: int
    new_days: int


@router.post("/research-trips", auth=permitted("fieldwork.trip_record"), response={201: TripOut},
             summary="登记调研行程（计入基层调研天数，同一天只计一次）")
def research_trip_record(request: HttpRequest, payload: TripIn) -> Status[TripOut]:
    jurisdiction = jurisdiction_of(request)
    cadre = cadres_visible(jurisdiction).filter(pk=payload.cadre_id).first()
    if cadre is None:
        raise NotFound("未找到该干部，或不在您的管辖范围内")
    topic = research.topic_get(jurisdiction, payload.topic_id) if payload.topic_id is not None else None
    trip, new_days = trip_record(actor=actor_of(request), jurisdiction=jurisdiction, cadre=cadre,
                                 place=payload.place, start_date=payload.start_date, end_date=payload.end_date,
                                 purpose=payload.purpose, topic=topic)
    return Status(201, TripOut(id=trip.pk, cadre_id=cadre.pk, days=(trip.end_date - trip.start_date).days + 1,
                               new_days=new_days))


class LeaderDaysOut(Schema):
    cadre_id: int
    name: str
    field_days: int
    topics: int
    days_ok: bool
    topics_ok: bool


@router.get("/field-days", response=list[LeaderDaysOut], summary="组织部领导年度基层调研天数和牵头课题数")
def field_days(request: HttpRequest, org: RowId | None = None, year: Year | None = None) -> list[LeaderDaysOut]:
    jurisdiction = jurisdiction_of(request, TOPIC_VIEW)
    unit = selectors.visible_unit(jurisdiction, org) if org is not None else selectors.home_unit(jurisdiction)
    rows = research.leader_year(jurisdiction, unit, year or timezone.localdate().year)
    return [LeaderDaysOut(cadre_id=r["id"], name=r["name"], field_days=r["field_days"], topics=r["topics"],
                          days_ok=r["days_ok"], topics_ok=r["topics_ok"]) for r in rows]


# ---- R25 -----------------------------------------------------------------------------------------

class RetireeOut(Schema):
    id: int
    village_id: int
    village: str
    name: str
    posts: str
    served_from: date
    left_on: date
    roles_after: str
    eligible: bool
    cadre_id: int | None = Field(None, description="干部档案中的干部（从名册登记时）")
    on_register: bool = Field(True, description="在册（去世、迁出后不在册）")


def _retiree(r: RetiredVillageCadre, eligible: bool) -> RetireeOut:
    return RetireeOut(id=r.pk, village_id=r.village_id, village=r.village.name, name=r.name, posts=r.posts,
                      served_from=r.served_from, left_on=r.left_on, roles_after=r.roles_after, eligible=eligible,
                      cadre_id=r.cadre_id, on_register=r.is_active)


@router.get("/retired-village-cadres", response=list[RetireeOut], summary="离任村干部名册")
def retired_village_cadres(request: HttpRequest, limit: Limit = 100, offset: Offset = 0) -> list[RetireeOut]:
    rows = list(care.retirees_visible(jurisdiction_of(request, RETIREE_VIEW)).order_by("pk")[offset:offset + limit])
    verdicts = care.eligibilities(rows, timezone.localdate())
    return [_retiree(r, v.eligible) for r, v in zip(rows, verdicts, strict=True)]


class RetireeIn(Schema):
    village_id: RowId
    name: str = Field(..., min_length=1, max_length=40)
    posts: str = Field(..., min_length=1, max_length=200)
    served_from: date
    left_on: date
    roles_after: str = Field("", max_length=200)
    in_hardship: bool = False


@router.post("/retired-village-cadres", auth=permitted("fieldwork.retiree_manage"), response={201: RetireeOut},
             summary="登记离任村干部")
def retired_village_cadre_register(request: HttpRequest, payload: RetireeIn) -> Status[RetireeOut]:
    jurisdiction = jurisdiction_of(request)
    village = selectors.visible_unit(jurisdiction, payload.village_id)
    retiree = retiree_register(actor=actor_of(request), jurisdiction=jurisdiction, village=village,
                               name=payload.name, posts=payload.posts, served_from=payload.served_from,
                               left_on=payload.left_on, roles_after=payload.roles_after,
                               in_hardship=payload.in_hardship)
    return Status(201, _retiree(retiree, care.eligibility(retiree, timezone.localdate()).eligible))


class RetireeFromRosterIn(Schema):
    cadre_id: RowId
    left_on: date | None = Field(None, description="离任日期；不填时取其最后一个村级职务的结束日期")


@router.post("/retired-village-cadres/from-roster", auth=permitted("fieldwork.retiree_manage"),
             response={201: RetireeOut}, summary="从干部名册登记离任村干部")
def retired_village_cadre_from_roster(request: HttpRequest, payload: RetireeFromRosterIn) -> Status[RetireeOut]:
    jurisdiction = jurisdiction_of(request)
    cadre = cadres_visible(jurisdiction).filter(pk=payload.cadre_id).first()
    if cadre is None:
        raise NotFound("未找到该干部，或不在您的管辖范围内")
    retiree = retiree_from_roster(actor=actor_of(request), jurisdiction=jurisdiction, cadre=cadre,
                                  left_on=payload.left_on)
    return Status(201, _retiree(retiree, care.eligibility(retiree, timezone.localdate()).eligible))


class RetireeLeaveIn(Schema):
    reason: str = Field(..., min_length=1, max_length=200, description="不在册的原因（去世、迁出等）")


@router.post("/retired-village-cadres/{retiree_id}/leave", response=RetireeOut, summary="离任村干部不再在册",
             auth=permitted("fieldwork.retiree_manage", scope=care.retirees_visible, by="retiree_id"))
def retired_village_cadre_leave(request: HttpRequest, retiree_id: RowId, payload: RetireeLeaveIn) -> RetireeOut:
    jurisdiction = jurisdiction_of(request)
    care.retiree_get(jurisdiction, retiree_id)
    retiree = retiree_leave_register(actor=actor_of(request), jurisdiction=jurisdiction, retiree_id=retiree_id,
                                     reason=payload.reason)
    return _retiree(retiree, care.eligibility(retiree, timezone.localdate()).eligible)


class RetireeVisitIn(Schema):
    occasion: Occasion
    visited_on: date
    visitors: str = Field(..., min_length=1, max_length=200)
    note: str = Field("", max_length=300)


class RetireeVisitOut(Schema):
    id: int
    occasion: str
    occasion_date: date
    visited_on: date


def _visit(v: CareVisit) -> RetireeVisitOut:
    return RetireeVisitOut(id=v.pk, occasion=v.occasion, occasion_date=v.occasion_date, visited_on=v.visited_on)


@router.post("/retired-village-cadres/{retiree_id}/visits", response={201: RetireeVisitOut}, summary="登记七一、春节走访",
             auth=permitted("fieldwork.care_record", scope=care.retirees_visible, by="retiree_id"))
def retiree_visit(request: HttpRequest, retiree_id: RowId, payload: RetireeVisitIn) -> Status[RetireeVisitOut]:
    jurisdiction = jurisdiction_of(request)
    retiree = care.retiree_get(jurisdiction, retiree_id)
    visit = care_visit_record(actor=actor_of(request), jurisdiction=jurisdiction, retiree=retiree,
                              occasion=payload.occasion, visited_on=payload.visited_on, visitors=payload.visitors,
                              note=payload.note)
    return Status(201, _visit(visit))


class HelpIn(Schema):
    given_on: date
    amount: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    goods: str = Field("", max_length=200)
    note: str = Field("", max_length=300)


class HelpOut(Schema):
    id: int
    given_on: date
    amount: Decimal
    goods: str


@router.post("/retired-village-cadres/{retiree_id}/hardship-helps", response={201: HelpOut}, summary="登记困难帮扶",
             auth=permitted("fieldwork.care_record", scope=care.retirees_visible, by="retiree_id"))
def retiree_hardship_help(request: HttpRequest, retiree_id: RowId, payload: HelpIn) -> Status[HelpOut]:
    jurisdiction = jurisdiction_of(request)
    retiree = care.retiree_get(jurisdiction, retiree_id)
    row = hardship_help_record(actor=actor_of(request), jurisdiction=jurisdiction, retiree=retiree,
                               given_on=payload.given_on, amount=payload.amount, goods=payload.goods,
                               note=payload.note)
    return Status(201, HelpOut(id=row.pk, given_on=row.given_on, amount=row.amount, goods=row.goods))


class SubsidyIn(Schema):
    year: Year


class SubsidyOut(Schema):
    id: int
    year: int
    amount: Decimal


@router.post("/retired-village-cadres/{retiree_id}/subsidies", response={201: SubsidyOut}, summary="发放年度生活补贴",
             auth=permitted("fieldwork.subsidy_pay", scope=care.retirees_visible, by="retiree_id"))
def retiree_subsidy_pay(request: HttpRequest, retiree_id: RowId, payload: SubsidyIn) -> Status[SubsidyOut]:
    jurisdiction = jurisdiction_of(request)
    retiree = care.retiree_get(jurisdiction, retiree_id)
    payment = subsidy_pay(actor=actor_of(request), jurisdiction=jurisdiction, retiree=retiree, year=payload.year)
    return Status(201, SubsidyOut(id=payment.pk, year=payment.year, amount=payment.amount))


class SubsidyRuleIn(Schema):
    org_unit_id: RowId
    valid_from: date
    posts: str = Field("", max_length=200)
    min_years: int = Field(..., ge=0, le=60)
    yearly_amount: Decimal = Field(..., gt=0, max_digits=10, decimal_places=2)


class SubsidyRuleOut(Schema):
    id: int
    valid_from: date
    min_years: int
    yearly_amount: Decimal


@router.post("/subsidy-rules", auth=permitted("fieldwork.subsidy_rule_set"), response={201: SubsidyRuleOut},
             summary="设定离任村干部生活补贴条件（任职年限、职务、每年金额）")
def subsidy_rule_create(request: HttpRequest, payload: SubsidyRuleIn) -> Status[SubsidyRuleOut]:
    jurisdiction = jurisdiction_of(request)
    unit = selectors.visible_unit(jurisdiction, payload.org_unit_id)
    rule = subsidy_rule_set(actor=actor_of(request), jurisdiction=jurisdiction, org_unit=unit,
                            valid_from=payload.valid_from, posts=payload.posts, min_years=payload.min_years,
                            yearly_amount=payload.yearly_amount)
    return Status(201, SubsidyRuleOut(id=rule.pk, valid_from=rule.valid_from, min_years=rule.min_years,
                                      yearly_amount=rule.yearly_amount))


class MissedOut(Schema):
    retiree_id: int
    name: str
    village: str
    occasion: str
    occasion_date: date


@router.get("/retired-village-cadres/missed-visits", response=list[MissedOut], summary="七一、春节未走访的离任村干部")
def missed_visits(request: HttpRequest, year: Year | None = None) -> list[MissedOut]:
    jurisdiction = jurisdiction_of(request, RETIREE_VIEW)
    today = timezone.localdate()
    rows = care.missed_visits(jurisdiction, year or today.year, today)
    return [MissedOut(retiree_id=m.retiree.pk, name=m.retiree.name, village=m.retiree.village.name,
                      occasion=m.occasion, occasion_date=m.occasion_date) for m in rows]


# after /missed-visits: the row's id is a path segment of the same shape
@router.get("/retired-village-cadres/{retiree_id}", response=RetireeOut, summary="离任村干部详情")
def retired_village_cadre(request: HttpRequest, retiree_id: RowId) -> RetireeOut:
    retiree = care.retiree_get(jurisdiction_of(request, RETIREE_VIEW), retiree_id)
    return _retiree(retiree, care.eligibility(retiree, timezone.localdate()).eligible)


# ---- R23 -----------------------------------------------------------------------------------------

class TurnoverRow(Schema):
    township: str
    recruits: int
    in_post: int
    moved: int
    average_years: Decimal


class TurnoverOut(Schema):
    sentence: str
    start: date
    end: date
    rows: list[TurnoverRow]


@router.get("/township-recruits/turnover", response=TurnoverOut, summary="新录用乡镇公务员流动情况（任意单位和期间）")
def township_recruit_turnover(request: HttpRequest, org: RowId | None = None, start: date | None = None,
                              end: date | None = None) -> TurnoverOut:
    jurisdiction = jurisdiction_of(request, "fieldwork.turnover_view")
    unit = selectors.visible_unit(jurisdiction, org) if org is not None else selectors.home_unit(jurisdiction)
    first, last = recruits.report_window(start.isoformat() if start else "", end.isoformat() if end else "", timezone.localdate())
    report = recruits.turnover(jurisdiction, unit, start=first, end=last)
    return TurnoverOut(sentence=report.sentence(), start=first, end=last, rows=[
        TurnoverRow(township=r.name, recruits=r.recruits, in_post=r.in_post, moved=r.moved,
                    average_years=r.average_years) for r in report.rows])


class ApprovalIn(Schema):
    cadre_id: RowId
    kind: MoveKind
    destination: str = Field(..., min_length=1, max_length=200)
    reason: str = Field(..., min_length=1, max_length=5000)
    signed_by: str = Field(..., min_length=1, max_length=40)


class ApprovalOut(Schema):
    id: int
    cadre_id: int
    kind: str
    approved_on: date
    valid_until: date
    years_in_township: Decimal


@router.post("/transfer-approvals", auth=permitted("fieldwork.transfer_approve"), response={201: ApprovalOut},
             summary="登记新录用乡镇公务员满2年不满3年调出（借调）的审批")
def transfer_approval_create(request: HttpRequest, payload: ApprovalIn) -> Status[ApprovalOut]:
    jurisdiction = jurisdiction_of(request)
    cadre = cadres_visible(jurisdiction).filter(pk=payload.cadre_id).first()
    if cadre is None:
        raise NotFound("未找到该干部，或不在您的管辖范围内")
    approval = transfer_approval_grant(actor=actor_of(request), jurisdiction=jurisdiction, cadre=cadre,
                                       kind=payload.kind, destination=payload.destination, reason=payload.reason,
                                       signed_by=payload.signed_by)
    return Status(201, ApprovalOut(id=approval.pk, cadre_id=cadre.pk, kind=approval.kind,
                                   approved_on=approval.approved_on, valid_until=approval.valid_until,
                                   years_in_township=approval.years_in_township))
