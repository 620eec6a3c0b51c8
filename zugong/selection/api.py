"""JSON API of the selection app, mounted under /api/v1/ by zugong/api.py (endpoints: docs/selection.md)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from zugong.cadres.selectors import cadre_get
from zugong.core.api_auth import permitted
from zugong.core.errors import ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.request import RowId, actor_of, jurisdiction_of
from zugong.core.selectors import org_unit_get
from zugong.selection import access, selectors
from zugong.selection.api_review import ReviewOut, StatsOut, review_out, stats
from zugong.selection.flow import (
    ShortlistRow,
    open_audit_errors,
    selection_trace,
    shortlist_preview,
    stage_flow,
)
from zugong.selection.models import ProblemEntry, ProblemSource, ProblemStatus, Selection, Stage
from zugong.selection.review_reference import REFERENCE_SIZE, ReviewStanding, review_reference
from zugong.selection.services import problems
from zugong.selection.services import selections as svc

router = Router(tags=["selection"])


# --- the problem archive ----------------------------------------------------------------------------

class EntryRow(Schema):
    id: int
    cadre_id: int
    cadre: str
    org_unit: str
    source: str
    source_label: str
    received_on: date
    document_number: str
    status: str
    status_label: str
    handling: str
    shielding: bool
    petition_id: int | None = Field(None, description="来源为信访时关联的信访件（masswork 信访事项）编号")


class EntryOut(EntryRow):
    summary: str | None = Field(description="问题内容；无权查看时为 null（每次完整查看均记入访问日志）")
    conclusion: str
    concluded_on: date | None
    next_states: list[str]


class EntryIn(Schema):
    cadre_id: RowId
    source: str = Field(description="inspection 中省巡视, discipline 纪检监察, legal 政法, online 网络舆情, "
                                    "petition 信访, audit 审计, other 其他")
    received_on: date
    summary: str = Field(max_length=20000)
    document_number: str = Field("", max_length=80)
    petition_id: RowId | None = Field(None, description="来源为信访时：信访件编号，须为本辖区受理的信访件")


class ProblemTransitionIn(Schema):
    to: str = Field(description="verifying 核实中, confirmed 已查实, unfounded 查无实据, clarified 已澄清")
    handling: str = Field("", description="已查实时：reminder 提醒, inquiry 函询, admonishment 诫勉, "
                                          "org_handling 组织处理, referral 移送纪检")
    conclusion: str = Field("", max_length=20000)


class EntryFilters(Schema):
    status: str = Field("", max_length=12)
    source: str = Field("", max_length=12)
    cadre_id: int | None = Field(None, ge=1, le=2**31 - 1)
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=1_000_000)


def _problem_row(e: ProblemEntry) -> EntryRow:
    return EntryRow(id=e.pk, cadre_id=e.cadre_id, cadre=e.cadre.name, org_unit=e.org_unit.name, source=e.source,
                      source_label=str(e.get_source_display()), received_on=e.received_on,
                      document_number=e.document_number, status=e.status, status_label=str(e.get_status_display()),
                      handling=e.handling, shielding=e.is_unresolved, petition_id=e.petition_id)


def _problem_out(request: HttpRequest, e: ProblemEntry) -> EntryOut:
    summary = access.summary_for(jurisdiction_of(request), actor_of(request), e, channel="api")
    return EntryOut(**_problem_row(e).dict(), summary=summary, conclusion=e.conclusion,
                      concluded_on=e.concluded_on, next_states=e.next_states())


@router.get("/problem-entries", response=list[EntryRow], summary="问题信息档案（列表不含问题内容）")
def problem_list(request: HttpRequest, filters: Query[EntryFilters]) -> list[EntryRow]:
    jurisdiction = jurisdiction_of(request, "selection.problem_view")
    if filters.status and filters.status not in ProblemStatus.values:
        raise ValidationFailed(f"不支持的状态：{filters.status}", field="status")
    if filters.source and filters.source not in ProblemSource.values:
        raise ValidationFailed(f"不支持的来源：{filters.source}", field="source")
    rows = selectors.problem_list(jurisdiction, status=filters.status, source=filters.source,
                                  cadre_id=filters.cadre_id)
    return [_problem_row(e) for e in rows[filters.offset:filters.offset + filters.limit]]


@router.get("/problem-entries/{entry_id}", response=EntryOut, summary="一条问题信息（内容按权限显示）")
def problem_detail(request: HttpRequest, entry_id: RowId) -> EntryOut:
    return _problem_out(request, selectors.problem_get(jurisdiction_of(request, "selection.problem_view"), entry_id))


@router.post("/problem-entries",
             auth=permitted("selection.problem_record"),
             response={201: EntryOut}, summary="登记问题信息")
def problem_create(request: HttpRequest, payload: EntryIn) -> Status[EntryOut]:
    jurisdiction = jurisdiction_of(request)
    entry = problems.problem_record(
        actor=actor_of(request), jurisdiction=jurisdiction, cadre=cadre_get(jurisdiction, payload.cadre_id),
        source=payload.source, received_on=payload.received_on, summary=payload.summary,
        document_number=payload.document_number, petition_id=payload.petition_id)
    return Status(201, _problem_out(request, selectors.problem_get(jurisdiction, entry.pk)))


@router.post("/problem-entries/{entry_id}/transition",
             auth=permitted("selection.problem_transition", scope=selectors.problems_visible, by="entry_id"),
             response=EntryOut, summary="办理核实（状态转换）")
def problem_transition(request: HttpRequest, entry_id: RowId, payload: ProblemTransitionIn) -> EntryOut:
    jurisdiction = jurisdiction_of(request)
    selectors.problem_get(jurisdiction, entry_id)  # 404 outside the jurisdiction before anything else
    problems.problem_transition(actor=actor_of(request), jurisdiction=jurisdiction, entry_id=entry_id,
                                to=payload.to, handling=payload.handling, conclusion=payload.conclusion)
    return _problem_out(request, selectors.problem_get(jurisdiction, entry_id))


# --- selections ---------------------------------------------------------------------------------------

class SelectionRow(Schema):
    id: int
    title: str
    org_unit_id: int
    org_unit: str
    posts: str
    rank_level: str
    stage: str
    stage_label: str
    candidate_count: int


class SignatureOut(Schema):
    signer: str
    capacity: str
    signed_at: Any
    digest: str
    audit_sequence: int
    valid: bool = Field(description="签字时的摘要与记录现在的摘要一致")
    attested_by: str = Field("", description="非系统用户的签字：见证并登记的用户；本人签字时为空")


class StageOut(Schema):
    stage: str
    label: str
    state: str = Field(description="done 已完成, current 当前环节, pending 未到, stopped 终止")
    digest: str | None
    data: dict[str, Any] | None
    signatures: list[SignatureOut]


class ReviewStandingOut(Schema):
    side: str = Field(description="top 前列, bottom 后列")
    rank: int = Field(description="在该次考核全部参评对象中的排名")
    of: int = Field(description="参评对象人数")
    score: Decimal
    text: str


class ReviewCampaignOut(Schema):
    id: int
    title: str
    year: int
    size: int = Field(description="取前、后各几名")
    note: str


class CandidateOut(Schema):
    cadre_id: int
    name: str
    status: str
    status_label: str
    public_review: ReviewStandingOut | None = Field(
        None, description="最近公布的群众评议中进入前列或后列时的排名；仅供参考，不是把关条件")


class RefusalOut(Schema):
    cadre_id: int
    name: str
    gate: str
    reason: str


class AuditErrorOut(Schema):
    cadre_id: int
    name: str
    check: str
    message: str


class RoundOut(Schema):
    kind: str = Field(description="meeting 会议推荐, talk 谈话推荐")
    votes: int
    valid: int = Field(description="该轮有效票")
    rank: int | None = Field(description="该轮排名，未获该轮推荐票时为空")


class ShortlistOut(Schema):
    cadre_id: int
    name: str
    votes: int = Field(description="两轮推荐票合计")
    rank: int = Field(description="获推荐各轮中最好的排名")
    rounds: list[RoundOut] = Field(description="会议推荐、谈话推荐各轮的得票、有效票和排名（R17 按轮把关）")
    blocked_by: str = Field(description="拦住该人选的制度（R18、R17、R23 及其他模块登记的把关），可列为考察对象时为空")
    reason: str
    shortlisted: bool
    public_review: ReviewStandingOut | None = Field(
        None, description="最近公布的群众评议中进入前列或后列时的排名；仅供参考，不是把关条件")


def _standing(s: ReviewStanding | None) -> ReviewStandingOut | None:
    return None if s is None else ReviewStandingOut(side=s.side, rank=s.rank, of=s.of, score=s.score, text=s.text)


def _shortlist_row(row: ShortlistRow, standing: ReviewStanding | None) -> ShortlistOut:
    return ShortlistOut(**{**row.__dict__, "rounds": [RoundOut(**r.__dict__) for r in row.rounds]},
                        public_review=_standing(standing))


class SelectionOut(SelectionRow):
    requires_report: bool
    plan_reviews: list[ReviewOut] = Field(description="报备：上级组织部门对方案的审核")
    shortlist: list[ShortlistOut] = Field(description="确定考察对象环节：每位被推荐人及各项把关的结果")
    audit_errors: list[AuditErrorOut] = Field(description="讨论决定前：考察对象档案审核中未经签批的错误（R19）")
    public_review_campaign: ReviewCampaignOut | None = Field(
        None, description="群众评议排名所取自的考核（本辖区最近公布的一次）；仅供参考")
    stop_reason: str
    next_states: list[str]
    stages: list[StageOut]
    candidates: list[CandidateOut]
    refusals: list[RefusalOut]


def _row(s: Selection, candidate_count: int) -> SelectionRow:
    return SelectionRow(id=s.pk, title=s.title, org_unit_id=s.org_unit_id, org_unit=s.org_unit.name, posts=s.posts,
                        rank_level=s.rank_level, stage=s.stage, stage_label=str(s.get_stage_display()),
                        candidate_count=candidate_count)


REFERENCE_NOTE = "群众评议排名仅供参考，不作为能否列为考察对象的条件"


def _detail(s: Selection, jurisdiction: Jurisdiction) -> SelectionOut:
    candidates = list(s.candidates.all())
    errors = [AuditErrorOut(cadre_id=f.cadre_id, name=f.name, check=f.check, message=f.message)
              for rows in open_audit_errors(s).values() for f in rows]
    rows = shortlist_preview(s, timezone.localdate())
    reference = review_reference(jurisdiction, s) if rows or candidates else None
    standing = reference.standing if reference else {}
    return SelectionOut(
        **_row(s, len(candidates)).dict(), audit_errors=errors, requires_report=s.requires_report,
        plan_reviews=[review_out(r) for r in s.plan_reviews.all()],
        public_review_campaign=None if reference is None else ReviewCampaignOut(
            id=reference.campaign_id, title=reference.title, year=reference.year, size=REFERENCE_SIZE,
            note=REFERENCE_NOTE),
        shortlist=[_shortlist_row(row, standing.get(row.cadre_id)) for row in rows], stop_reason=s.stop_reason,
        next_states=s.next_states(),
        stages=[StageOut(stage=f.stage, label=str(f.label), state=f.state, digest=f.digest, data=f.data,
                         signatures=[SignatureOut(**sig.__dict__) for sig in f.signatures]) for f in stage_flow(s)],
        candidates=[CandidateOut(cadre_id=c.cadre_id, name=c.cadre.name, status=c.status,
                                 status_label=str(c.get_status_display()),
                                 public_review=_standing(standing.get(c.cadre_id))) for c in candidates],
        refusals=[RefusalOut(cadre_id=r.cadre_id, name=r.cadre.name, gate=r.gate, reason=r.reason)
                  for r in s.refusals.all()])


def _fresh(request: HttpRequest, selection_id: RowId) -> SelectionOut:
    jurisdiction = jurisdiction_of(request)
    return _detail(selectors.selection_get(jurisdiction, selection_id), jurisdiction)


class SelectionFilters(Schema):
    stage: str = Field("", max_length=16)
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=1_000_000)


class SelectionIn(Schema):
    org_unit_id: RowId
    title: str = Field(max_length=200)
    posts: str = Field(max_length=300)
    rank_level: str = Field("", max_length=20)
    requires_report: bool = Field(False, description="须向上级组织部门报备方案（同意后才能开展民主推荐）")
    proposed_by: str = Field(max_length=200)
    reason: str = Field(max_length=5000)
    plan: str = Field(max_length=10000)


@router.get("/selections", response=list[SelectionRow], summary="选拔任用工作")
def selection_list(request: HttpRequest, filters: Query[SelectionFilters]) -> list[SelectionRow]:
    jurisdiction = jurisdiction_of(request, "selection.selection_view")
    if filters.stage and filters.stage not in Stage.values:
        raise ValidationFailed(f"不支持的环节：{filters.stage}", field="stage")
    rows = selectors.selection_list(jurisdiction, stage=filters.stage)
    return [_row(s, s.candidate_count) for s in rows[filters.offset:filters.offset + filters.limit]]  # type: ignore[attr-defined]


router.get("/selections/stats", response=StatsOut,
           summary="选拔任用统计：报备、调整、票决、核查、未如实报告")(stats)  # before {selection_id}


@router.get("/selections/{selection_id}", response=SelectionOut, summary="一项选拔任用：各环节、签字、考察对象")
def selection_detail(request: HttpRequest, selection_id: RowId) -> SelectionOut:
    jurisdiction = jurisdiction_of(request, "selection.selection_view")
    return _detail(selectors.selection_get(jurisdiction, selection_id), jurisdiction)


@router.get("/selections/{selection_id}/trace", response=list[dict[str, Any]], summary="倒查：各环节责任人与签字")
def selection_trace_api(request: HttpRequest, selection_id: RowId) -> list[dict[str, Any]]:
    selection = selectors.selection_get(jurisdiction_of(request, "selection.selection_view"), selection_id)
    return selection_trace(selection)


@router.post("/selections",
             auth=permitted("selection.selection_open"),
             response={201: SelectionOut}, summary="动议：启动选拔任用")
def selection_create(request: HttpRequest, payload: SelectionIn) -> Status[SelectionOut]:
    jurisdiction = jurisdiction_of(request)
    selection = svc.selection_open(
        actor=actor_of(request), jurisdiction=jurisdiction, org_unit=org_unit_get(jurisdiction, payload.org_unit_id),
        title=payload.title, posts=payload.posts, rank_level=payload.rank_level,
        requires_report=payload.requires_report, proposed_by=payload.proposed_by,
        reason=payload.reason, plan=payload.plan)
    return Status(201, _fresh(request, selection.pk))


class CandidateIn(Schema):
    cadre_id: RowId


class VoteIn(Schema):
    cadre_id: RowId
    votes: int = Field(ge=0, le=1_000_000)
    kind: Literal["meeting", "talk"] = Field("meeting", description="meeting 会议推荐（默认）, talk 谈话推荐")


def _visible(request: HttpRequest, selection_id: RowId) -> None:
    selectors.selection_get(jurisdiction_of(request), selection_id)  # 404 outside the jurisdiction


@router.post("/selections/{selection_id}/votes",
             auth=permitted("selection.selection_advance", scope=selectors.selections_visible, by="selection_id"),
             response=SelectionOut, summary="民主推荐：登记一人的推荐票")
def vote_set(request: HttpRequest, selection_id: RowId, payload: VoteIn) -> SelectionOut:
    _visible(request, selection_id)
    jurisdiction = jurisdiction_of(request)
    svc.recommendation_vote_set(actor=actor_of(request), jurisdiction=jurisdiction, selection_id=selection_id,
                                cadre=cadre_get(jurisdiction, payload.cadre_id), votes=payload.votes,
                                kind=payload.kind)
    return _fresh(request, selection_id)


class SignedIn(Schema):
    recommender: str = Field(max_length=80)
    recommender_post: str = Field("", max_length=120)
    cadre_id: RowId
    reason: str = Field(max_length=5000)


@router.post("/selections/{selection_id}/signed-recommendations",
             auth=permitted("selection.selection_advance", scope=selectors.selections_visible, by="selection_id"),
             response=SelectionOut,
             summary="民主推荐：登记署名推荐（推荐人对推荐负责）")
def signed_add(request: HttpRequest, selection_id: RowId, payload: SignedIn) -> SelectionOut:
    _visible(request, selection_id)
    jurisdiction = jurisdiction_of(request)
    svc.signed_recommendation_add(actor=actor_of(request), jurisdiction=jurisdiction, selection_id=selection_id,
                                  recommender=payload.recommender, recommender_post=payload.recommender_post,
                                  cadre=cadre_get(jurisdiction, payload.cadre_id), reason=payload.reason)
    return _fresh(request, selection_id)


class BallotsIn(Schema):
    eligible: int = Field(ge=0, le=1_000_000)
    issued: int = Field(ge=0, le=1_000_000)
    returned: int = Field(ge=0, le=1_000_000)
    valid: int = Field(ge=0, le=1_000_000)


class RecommendationIn(Schema):
    """The top-level counts are the 会议推荐's (all four left out when the 方案 holds 谈话推荐 only); `talk` the
    谈话推荐's when one was held."""

    eligible: int | None = Field(None, ge=0, le=1_000_000)
    issued: int | None = Field(None, ge=0, le=1_000_000)
    returned: int | None = Field(None, ge=0, le=1_000_000)
    valid: int | None = Field(None, ge=0, le=1_000_000)

    signed_recommendations: str = Field("", max_length=10000)
    talk: BallotsIn | None = Field(None, description="谈话推荐：应参加人数、发出票、收回票、有效票")


@router.post("/selections/{selection_id}/recommendation",
             auth=permitted("selection.selection_advance", scope=selectors.selections_visible, by="selection_id"),
             response=SelectionOut, summary="民主推荐：完成推荐")
def recommendation(request: HttpRequest, selection_id: RowId, payload: RecommendationIn) -> SelectionOut:
    _visible(request, selection_id)
    talk = svc.Ballots(**payload.talk.dict()) if payload.talk is not None else None
    svc.recommendation_close(actor=actor_of(request), jurisdiction=jurisdiction_of(request),
                             selection_id=selection_id, **payload.dict(exclude={"talk"}), talk=talk)
    return _fresh(request, selection_id)


@router.post("/selections/{selection_id}/candidates",
             auth=permitted("selection.candidate_add", scope=selectors.selections_visible, by="selection_id"),
             response={201: SelectionOut},
             summary="确定考察对象（R18、R17、R23 及其他模块登记的把关，不符合时 409 并说明原因）")
def candidate_add(request: HttpRequest, selection_id: RowId, payload: CandidateIn) -> Status[SelectionOut]:
    _visible(request, selection_id)
    jurisdiction = jurisdiction_of(request)
    svc.candidate_add(actor=actor_of(request), jurisdiction=jurisdiction, selection_id=selection_id,
                      cadre=cadre_get(jurisdiction, payload.cadre_id), on=timezone.localdate())
    return Status(201, _fresh(request, selection_id))


@router.post("/selections/{selection_id}/shortlist",
             auth=permitted("selection.selection_advance", scope=selectors.selections_visible, by="selection_id"),
             response=SelectionOut, summary="确定考察对象：完成")
def shortlist(request: HttpRequest, selection_id: RowId) -> SelectionOut:
    _visible(request, selection_id)
    svc.shortlist_confirm(actor=actor_of(request), jurisdiction=jurisdiction_of(request), selection_id=selection_id)
    return _fresh(request, selection_id)


class ShortcomingIn(Schema):
    item: str = Field(max_length=1000)
    fact: str = Field(max_length=5000)


class FindingIn(Schema):
    cadre_id: RowId
    evaluation: str = Field("", max_length=5000)
    conclusion: str = Field(max_length=20000)
    shortcomings: list[ShortcomingIn] = Field(max_length=50)


class InvestigationIn(Schema):
    team: str = Field(max_length=1000)
    talks_held: int = Field(ge=0, le=100_000)
    findings: list[FindingIn] = Field(max_length=100)


@router.post("/selections/{selection_id}/investigation",
             auth=permitted("selection.selection_advance", scope=selectors.selections_visible, by="selection_id"),
             response=SelectionOut, summary="考察")
def investigation(request: HttpRequest, selection_id: RowId, payload: InvestigationIn) -> SelectionOut:
    _visible(request, selection_id)
    findings = {f.cadre_id: svc.InvestigationFinding(
        evaluation=f.evaluation, conclusion=f.conclusion,
        shortcomings=[svc.Shortcoming(item=s.item, fact=s.fact) for s in f.shortcomings]) for f in payload.findings}
    svc.investigation_record(actor=actor_of(request), jurisdiction=jurisdiction_of(request),
                             selection_id=selection_id, team=payload.team, talks_held=payload.talks_held,
                             findings=findings)
    return _fresh(request, selection_id)


class ReplyIn(Schema):
    cadre_id: RowId
    reply: str = Field(max_length=5000)


class ConsultationIn(Schema):
    replied_on: date
    replies: list[ReplyIn] = Field(max_length=100)
    audit_note: str = Field("", max_length=5000)


@router.post("/selections/{selection_id}/consultation",
             auth=permitted("selection.selection_advance", scope=selectors.selections_visible, by="selection_id"),
             response=SelectionOut, summary="征求纪检监察机关意见")
def consultation(request: HttpRequest, selection_id: RowId, payload: ConsultationIn) -> SelectionOut:
    _visible(request, selection_id)
    svc.consultation_record(actor=actor_of(request), jurisdiction=jurisdiction_of(request),
                            selection_id=selection_id, replied_on=payload.replied_on,
                            replies={r.cadre_id: r.reply for r in payload.replies}, audit_note=payload.audit_note)
    return _fresh(request, selection_id)


class StatementIn(Schema):
    name: str = Field(max_length=80)
    is_secretary: bool = False


class TallyIn(Schema):
    cadre_id: RowId
    agree: int = Field(ge=0, le=1000)
    disagree: int = Field(ge=0, le=1000)
    abstain: int = Field(ge=0, le=1000)


class DecisionIn(Schema):
    kind: str = Field(description="standing 常委会, plenary 全委会")
    held_on: date
    expected: int = Field(ge=0, le=1000)
    present: int = Field(ge=0, le=1000)
    statements: list[StatementIn] = Field(max_length=200, description="按发言顺序；书记须在最后")
    tallies: list[TallyIn] = Field(max_length=100)


@router.post("/selections/{selection_id}/decision",
             auth=permitted("selection.selection_advance", scope=selectors.selections_visible, by="selection_id"),
             response=SelectionOut, summary="讨论决定（法定人数、末位表态、票决）")
def decision(request: HttpRequest, selection_id: RowId, payload: DecisionIn) -> SelectionOut:
    _visible(request, selection_id)
    svc.decision_record(
        actor=actor_of(request), jurisdiction=jurisdiction_of(request), selection_id=selection_id, kind=payload.kind,
        held_on=payload.held_on, expected=payload.expected, present=payload.present,
        statements=[svc.Statement(name=s.name, is_secretary=s.is_secretary) for s in payload.statements],
        tallies={t.cadre_id: svc.Tally(agree=t.agree, disagree=t.disagree, abstain=t.abstain)
                 for t in payload.tallies})
    return _fresh(request, selection_id)


class InvestigationReportIn(Schema):
    content: str = Field(max_length=5000)
    conclusion: str = Field(max_length=5000)


class PublicityIn(Schema):
    start: date
    end: date
    channel: str = Field(max_length=200)
    reports: list[InvestigationReportIn] = Field(
        default_factory=list, max_length=100,
        description="不再接受：公示期间收到的反映请在公示登记后逐件 POST /selections/{id}/publicity-reports")


@router.post("/selections/{selection_id}/publicity",
             auth=permitted("selection.selection_advance", scope=selectors.selections_visible, by="selection_id"),
             response=SelectionOut, summary="任前公示")
def publicity(request: HttpRequest, selection_id: RowId, payload: PublicityIn) -> SelectionOut:
    _visible(request, selection_id)
    if payload.reports:
        raise ValidationFailed("公示期间收到的反映请在公示登记后逐件登记（POST /api/v1/selections/{id}/publicity-reports），"
                               "并逐件核查办结", field="reports")
    svc.publicity_record(actor=actor_of(request), jurisdiction=jurisdiction_of(request), selection_id=selection_id,
                         start=payload.start, end=payload.end, channel=payload.channel)
    return _fresh(request, selection_id)


class AppointmentIn(Schema):
    on: date
    title: str = Field(max_length=120)
    document_number: str = Field(max_length=80)
    late_reason: str = Field("", max_length=2000)


@router.post("/selections/{selection_id}/appointment",
             auth=permitted("selection.selection_advance", scope=selectors.selections_visible, by="selection_id"),
             response=SelectionOut, summary="任职（R13 期限）")
def appointment(request: HttpRequest, selection_id: RowId, payload: AppointmentIn) -> SelectionOut:
    _visible(request, selection_id)
    svc.appointment_record(actor=actor_of(request), jurisdiction=jurisdiction_of(request), selection_id=selection_id,
                           **payload.dict())
    return _fresh(request, selection_id)


class SignOffIn(Schema):
    cadre_id: RowId
    check: str = Field(max_length=40, description="archive_audit 的审核项目代码，如 id_check_digit")
    reason: str = Field(max_length=2000)


@router.post("/selections/{selection_id}/audit-sign-off",
             auth=permitted("selection.audit_sign_off", scope=selectors.selections_visible, by="selection_id"),
             response=SelectionOut,
             summary="签批考察对象档案审核中的一项错误（R19，组织部负责同志）")
def audit_sign_off(request: HttpRequest, selection_id: RowId, payload: SignOffIn) -> SelectionOut:
    _visible(request, selection_id)
    jurisdiction = jurisdiction_of(request)
    svc.audit_sign_off(actor=actor_of(request), jurisdiction=jurisdiction, selection_id=selection_id,
                       cadre=cadre_get(jurisdiction, payload.cadre_id), check=payload.check, reason=payload.reason)
    return _fresh(request, selection_id)


class StopIn(Schema):
    reason: str = Field(max_length=2000)


@router.post("/selections/{selection_id}/stop",
             auth=permitted("selection.selection_stop", scope=selectors.selections_visible, by="selection_id"),
             response=SelectionOut, summary="终止")
def stop(request: HttpRequest, selection_id: RowId, payload: StopIn) -> SelectionOut:
    _visible(request, selection_id)
    svc.selection_stop(actor=actor_of(request), jurisdiction=jurisdiction_of(request), selection_id=selection_id,
                       reason=payload.reason)
    return _fresh(request, selection_id)


class SignIn(Schema):
    stage: str = Field(max_length=16)
    capacity: str = Field("", max_length=80)


@router.post("/selections/{selection_id}/sign",
             auth=permitted("selection.stage_sign", scope=selectors.selections_visible, by="selection_id"),
             response=SelectionOut, summary="签字确认一个环节的纪实记录")
def sign(request: HttpRequest, selection_id: RowId, payload: SignIn) -> SelectionOut:
    _visible(request, selection_id)
    svc.stage_sign(actor=actor_of(request), jurisdiction=jurisdiction_of(request), selection_id=selection_id,
                   stage=payload.stage, capacity=payload.capacity)
    return _fresh(request, selection_id)


class AttestedSignIn(Schema):
    stage: str = Field(max_length=16)
    signer_name: str = Field(max_length=80, description="签字人姓名（非系统用户的会议成员等）")
    capacity: str = Field(max_length=80, description="签字人身份或职务")


@router.post("/selections/{selection_id}/attested-signatures",
             auth=permitted("selection.stage_sign", scope=selectors.selections_visible, by="selection_id"),
             response={201: SelectionOut}, summary="登记非系统用户的签字确认（由登录用户见证）")
def sign_attested(request: HttpRequest, selection_id: RowId, payload: AttestedSignIn) -> Status[SelectionOut]:
    _visible(request, selection_id)
    svc.stage_sign_attested(actor=actor_of(request), jurisdiction=jurisdiction_of(request),
                            selection_id=selection_id, stage=payload.stage, signer_name=payload.signer_name,
                            capacity=payload.capacity)
    return Status(201, _fresh(request, selection_id))


router.add_router("", "zugong.selection.api_reports.router")
router.add_router("", "zugong.selection.api_review.router")
router.add_router("", "zugong.selection.api_inspections.router")
router.add_router("", "zugong.selection.api_documents.router")
router.add_router("", "zugong.selection.api_publicity.router")
