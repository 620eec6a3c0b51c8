"""JSON API of the assessment app, mounted under /api/v1/ by zugong/api.py (endpoints: docs/assessment.md)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from zugong.assessment import selectors
from zugong.assessment.models import Campaign, CampaignStatus, Indicator, SideEvidenceRequest, Subject
from zugong.assessment.services import ballots, ratings, side_evidence
from zugong.assessment.services import campaigns as svc
from zugong.cadres.selectors import cadre_get
from zugong.core.api_auth import permitted
from zugong.core.errors import NotFound, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.permissions import may
from zugong.core.request import RowId, actor_of, jurisdiction_of
from zugong.core.selectors import org_unit_get

router = Router(tags=["assessment"])
VIEW = "assessment.campaign_view"


class CampaignRow(Schema):
    id: int
    title: str
    kind: str
    kind_label: str
    year: int
    period: str
    org_unit_id: int
    org_unit: str
    status: str
    status_label: str
    excellent_share: Decimal
    evaluation_share: Decimal
    focus: str
    theme: str


class CampaignIn(Schema):
    org_unit_id: int = Field(ge=1, le=2**31 - 1)
    title: str = Field(max_length=200)
    kind: str = Field(description="annual 年度考核, regular 平时考核, special 专项考核, target 目标责任考核")
    year: int = Field(ge=2000, le=2100)
    period: str = Field("", max_length=20)
    excellent_share: Decimal = Field(Decimal("0.15"), ge=0, le=1, description="优秀（好）等次最多占考核对象的比例")
    focus: str = Field("", description="R01：classified 分类考核, key 重点考核，空为一般考核")
    theme: str = Field("", max_length=100, description="分类考核的部门类别或主题")
    evaluation_share: Decimal = Field(Decimal("0"), ge=0, le=1,
                                      description="总分 = 指标得分 × (1 − 占比) + 民主测评得分 × 占比")


class CampaignFilters(Schema):
    year: int | None = Field(None, ge=2000, le=2100)
    status: str = Field("", max_length=10)
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=1_000_000)


class SubjectOut(Schema):
    id: int
    kind: str
    name: str
    cadre_id: int | None
    org_unit_id: int
    rating: str | None = Field(description="等次；公布前只有考核工作人员可见（其他人为 null）")
    rating_note: str | None
    allowed: list[str] | None = Field(description="可评等次（R14 约谈上限、负面清单）；仅考核工作人员可见")
    reasons: list[str] | None


class SubjectIn(Schema):
    kind: str = Field(description="cadre 领导干部, team 领导班子, unit 单位")
    cadre_id: int | None = Field(None, ge=1, le=2**31 - 1)
    org_unit_id: int | None = Field(None, ge=1, le=2**31 - 1)


class IndicatorNode(Schema):
    name: str = Field(max_length=200)
    weight: Decimal = Field(gt=0, le=100)
    scoring: str = Field("scale", description="scale 打分, count 按数据计数, pass_fail 达标/不达标, deduction 扣分")
    evaluation: str = Field("", description="report 述职评议, unannounced 明察暗访, special_check 专项督查, "
                                            "site_visit 实地查看, social 社会评价, public_review 群众评议, data 系统数据")
    source: str = Field("", description="按数据计数的指标读取的系统数据：talk_coverage 谈心谈话覆盖率, "
                                        "rule_compliance 制度执行落实率, wall_satisfaction 民心墙满意率, "
                                        "petition_closure 信访办结率")
    children: list[IndicatorNode] = Field(default_factory=list, max_length=50)


class TransitionIn(Schema):
    to: str = Field(description="open, scoring, rating, published, archived")


class RatingIn(Schema):
    cadre_id: int | None = Field(None, ge=1, le=2**31 - 1)
    team_org_unit_id: int | None = Field(None, ge=1, le=2**31 - 1, description="领导班子或单位：其组织 id")
    rating: str = Field(max_length=6, description="优秀/称职/基本称职/不称职；班子和单位：好/较好/一般/较差")


def _row(c: Campaign) -> CampaignRow:
    return CampaignRow(id=c.pk, title=c.title, kind=c.kind, kind_label=str(c.get_kind_display()), year=c.year,
                       period=c.period, org_unit_id=c.org_unit_id, org_unit=c.org_unit.name, status=c.status,
                       status_label=str(c.get_status_display()), excellent_share=c.excellent_share,
                       evaluation_share=c.evaluation_share, focus=c.focus,
                       theme=c.theme)


def _subjects_out(jurisdiction: Jurisdiction, campaign: Campaign, subjects: list[Subject]) -> list[SubjectOut]:
    staff = may(jurisdiction, "assessment.rating_set")
    shown = staff or campaign.status in (CampaignStatus.PUBLISHED, CampaignStatus.ARCHIVED)
    limits = ratings.rating_limits(subjects, campaign.year) if staff else {}
    return [SubjectOut(id=s.pk, kind=s.kind, name=s.name, cadre_id=s.cadre_id, org_unit_id=s.org_unit_id,
                       rating=(s.rating or None) if shown else None, rating_note=s.rating_note if staff else None,
                       allowed=list(limits[s.pk].allowed) if staff else None,
                       reasons=list(limits[s.pk].reasons) if staff else None) for s in subjects]


def _subject_out(jurisdiction: Jurisdiction, campaign: Campaign, s: Subject) -> SubjectOut:
    return _subjects_out(jurisdiction, campaign, [s])[0]


def _node(i: Indicator, children: dict[int | None, list[Indicator]]) -> IndicatorNode:
    return IndicatorNode(name=i.name, weight=i.weight, scoring=i.scoring, evaluation=i.evaluation, source=i.source,
                         children=[_node(c, children) for c in children.get(i.pk, [])])


def _spec(n: IndicatorNode) -> svc.IndicatorSpec:
    return svc.IndicatorSpec(name=n.name, weight=n.weight, scoring=n.scoring, evaluation=n.evaluation, source=n.source,
                             children=[_spec(c) for c in n.children])


@router.get("/assessments", response=list[CampaignRow], summary="考核列表")
def campaign_list(request: HttpRequest, filters: Query[CampaignFilters]) -> list[CampaignRow]:
    jurisdiction = jurisdiction_of(request, VIEW)
    if filters.status and filters.status not in CampaignStatus.values:
        raise ValidationFailed(f"不支持的状态：{filters.status}", field="status")
    rows = selectors.campaign_list(jurisdiction, year=filters.year, status=filters.status)
    return [_row(c) for c in rows[filters.offset:filters.offset + filters.limit]]


@router.get("/assessments/{campaign_id}", response=CampaignRow, summary="一次考核")
def campaign_detail(request: HttpRequest, campaign_id: RowId) -> CampaignRow:
    return _row(selectors.campaign_get(jurisdiction_of(request, VIEW), campaign_id))


@router.post("/assessments",
             auth=permitted("assessment.campaign_create"),
             response={201: CampaignRow}, summary="新建考核（草稿）")
def campaign_create(request: HttpRequest, payload: CampaignIn) -> Status[CampaignRow]:
    jurisdiction = jurisdiction_of(request)
    campaign = svc.campaign_create(
        actor=actor_of(request), jurisdiction=jurisdiction, org_unit=org_unit_get(jurisdiction, payload.org_unit_id),
        title=payload.title, kind=payload.kind, year=payload.year, period=payload.period,
        excellent_share=payload.excellent_share, focus=payload.focus, theme=payload.theme,
        evaluation_share=payload.evaluation_share)
    return Status(201, _row(selectors.campaign_get(jurisdiction, campaign.pk)))


@router.post("/assessments/{campaign_id}/transition",
             auth=permitted("assessment.campaign_advance", scope=selectors.campaigns_visible, by="campaign_id"),
             response=CampaignRow, summary="考核状态转换")
def campaign_transition(request: HttpRequest, campaign_id: RowId, payload: TransitionIn) -> CampaignRow:
    jurisdiction = jurisdiction_of(request)
    selectors.campaign_get(jurisdiction, campaign_id)
    svc.campaign_transition(actor=actor_of(request), jurisdiction=jurisdiction, campaign_id=campaign_id,
                            to=payload.to)
    return _row(selectors.campaign_get(jurisdiction, campaign_id))


@router.get("/assessments/{campaign_id}/subjects", response=list[SubjectOut], summary="考核对象及等次")
def subject_list(request: HttpRequest, campaign_id: RowId) -> list[SubjectOut]:
    jurisdiction = jurisdiction_of(request, VIEW)
    campaign = selectors.campaign_get(jurisdiction, campaign_id)
    return _subjects_out(jurisdiction, campaign, list(selectors.subjects_of(campaign)))


@router.post("/assessments/{campaign_id}/subjects",
             auth=permitted("assessment.campaign_create", scope=selectors.campaigns_visible, by="campaign_id"),
             response={201: SubjectOut}, summary="添加考核对象")
def subject_add(request: HttpRequest, campaign_id: RowId, payload: SubjectIn) -> Status[SubjectOut]:
    jurisdiction = jurisdiction_of(request)
    campaign = selectors.campaign_get(jurisdiction, campaign_id)
    cadre = cadre_get(jurisdiction, payload.cadre_id) if payload.cadre_id is not None else None
    unit = org_unit_get(jurisdiction, payload.org_unit_id) if payload.org_unit_id is not None else None
    subject = svc.subject_add(actor=actor_of(request), jurisdiction=jurisdiction, campaign_id=campaign.pk,
                              kind=payload.kind, cadre=cadre, org_unit=unit)
    return Status(201, _subject_out(jurisdiction, campaign, selectors.subjects_of(campaign).get(pk=subject.pk)))


@router.get("/assessments/{campaign_id}/indicators", response=list[IndicatorNode], summary="考核指标树")
def indicator_tree(request: HttpRequest, campaign_id: RowId) -> list[IndicatorNode]:
    campaign = selectors.campaign_get(jurisdiction_of(request, VIEW), campaign_id)
    children: dict[int | None, list[Indicator]] = {}
    for i in selectors.indicators_of(campaign):
        children.setdefault(i.parent_id, []).append(i)
    return [_node(i, children) for i in children.get(None, [])]


@router.put("/assessments/{campaign_id}/indicators",
            auth=permitted("assessment.campaign_create", scope=selectors.campaigns_visible, by="campaign_id"),
            response=list[IndicatorNode],
            summary="设置考核指标树（每一级权重合计须为 100）")
def indicator_tree_set(request: HttpRequest, campaign_id: RowId, payload: list[IndicatorNode]) -> list[IndicatorNode]:
    jurisdiction = jurisdiction_of(request)
    selectors.campaign_get(jurisdiction, campaign_id)
    svc.indicator_tree_set(actor=actor_of(request), jurisdiction=jurisdiction, campaign_id=campaign_id,
                           indicators=[_spec(n) for n in payload])
    return indicator_tree(request, campaign_id)


@router.post("/assessments/{campaign_id}/ratings",
             auth=permitted("assessment.rating_set", scope=selectors.campaigns_visible, by="campaign_id"),
             response=SubjectOut,
             summary="评定等次（R14 约谈上限、负面清单或优秀名额不允许时 409，并说明原因）")
def rating_set(request: HttpRequest, campaign_id: RowId, payload: RatingIn) -> SubjectOut:
    jurisdiction = jurisdiction_of(request)
    campaign = selectors.campaign_get(jurisdiction, campaign_id)
    subjects = selectors.subjects_of(campaign)
    if (payload.cadre_id is None) == (payload.team_org_unit_id is None):
        raise ValidationFailed("请提供 cadre_id 或 team_org_unit_id 之一", field="cadre_id")
    subject = (subjects.filter(cadre_id=payload.cadre_id).first() if payload.cadre_id is not None
               else subjects.filter(cadre__isnull=True, org_unit_id=payload.team_org_unit_id).first())
    if subject is None:
        raise NotFound("该干部或班子不是本次考核的考核对象")
    ratings.rating_set(actor=actor_of(request), jurisdiction=jurisdiction, campaign_id=campaign.pk,
                       subject_id=subject.pk, rating=payload.rating)
    return _subject_out(jurisdiction, campaign, subjects.get(pk=subject.pk))


# --- democratic evaluation ---------------------------------------------------------------------------------

class VoterClassIn(Schema):
    name: str = Field(max_length=40, description="班子成员、中层干部、服务对象、群众代表 …")
    weight: Decimal = Field(gt=0, le=100, description="类别权重；再次设置同一类别即新增一个版本")


class VoterClassOut(Schema):
    voter_class_id: int
    name: str
    weight: Decimal
    version: int
    issued: int
    voted: int
    turnout_percent: Decimal


class CodesIn(Schema):
    voter_class_id: int = Field(ge=1, le=2**31 - 1)
    count: int = Field(ge=1, le=5000)


class CodesOut(Schema):
    codes: list[str] = Field(description="一次性测评码（只在此时返回一次，系统只保存其摘要）")


class ResultOut(Schema):
    subject_id: int
    name: str
    rank: int
    score: Decimal = Field(description="Σ 类别权重 × 该类别平均分 ÷ Σ 有投票的类别权重（优秀/好 100，称职/较好 80，"
                                       "基本称职/一般 60，不称职/较差 0）")
    means: dict[str, Decimal]
    counts: dict[str, dict[str, int]]


def _turnout(campaign: Campaign) -> list[VoterClassOut]:
    return [VoterClassOut(voter_class_id=t.voter_class_id, name=t.name, weight=t.weight, version=t.version,
                          issued=t.issued, voted=t.voted, turnout_percent=t.rate)
            for t in selectors.turnout(campaign)]


@router.get("/assessments/{campaign_id}/voter-classes", response=list[VoterClassOut],
            summary="投票人类别、当前权重版本与参评率")
def voter_class_list(request: HttpRequest, campaign_id: RowId) -> list[VoterClassOut]:
    return _turnout(selectors.campaign_get(jurisdiction_of(request, "assessment.rating_set"), campaign_id))


@router.post("/assessments/{campaign_id}/voter-classes",
             auth=permitted("assessment.campaign_create", scope=selectors.campaigns_visible, by="campaign_id"),
             response=list[VoterClassOut],
             summary="设置投票人类别权重（新增一个版本）")
def voter_class_weight_set(request: HttpRequest, campaign_id: RowId, payload: VoterClassIn) -> list[VoterClassOut]:
    jurisdiction = jurisdiction_of(request)
    campaign = selectors.campaign_get(jurisdiction, campaign_id)
    ballots.voter_class_weight_set(actor=actor_of(request), jurisdiction=jurisdiction, campaign_id=campaign.pk,
                                   name=payload.name, weight=payload.weight)
    return _turnout(campaign)


@router.post("/assessments/{campaign_id}/codes",
             auth=permitted("assessment.campaign_create", scope=selectors.campaigns_visible, by="campaign_id"),
             response={201: CodesOut}, summary="发放一次性测评码")
def codes_issue(request: HttpRequest, campaign_id: RowId, payload: CodesIn) -> Status[CodesOut]:
    jurisdiction = jurisdiction_of(request)
    campaign = selectors.campaign_get(jurisdiction, campaign_id)
    codes = ballots.codes_issue(actor=actor_of(request), jurisdiction=jurisdiction, campaign_id=campaign.pk,
                                voter_class_id=payload.voter_class_id, count=payload.count)
    return Status(201, CodesOut(codes=codes))


@router.get("/assessments/{campaign_id}/evaluation", response=list[ResultOut],
            summary="民主测评结果（按加权得分排名；仅考核工作人员可见）")
def evaluation_results(request: HttpRequest, campaign_id: RowId) -> list[ResultOut]:
    campaign = selectors.campaign_get(jurisdiction_of(request, "assessment.rating_set"), campaign_id)
    return [ResultOut(**r.__dict__) for r in selectors.evaluation_results(campaign)]


# --- side evidence (旁证, R02) ---------------------------------------------------------------------------

class SideEvidenceOut(Schema):
    id: int
    subject_id: int
    subject: str
    agency: str
    requested_on: date
    due_on: date
    replied_on: date | None
    reply: str
    overdue: bool = Field(description="过期未回复，或回复晚于期限")


class SideEvidenceIn(Schema):
    subject_id: int = Field(ge=1, le=2**31 - 1)
    requested_on: date
    agencies: list[str] | None = Field(None, max_length=20, description="省略时为 R02 参数中的全部旁证单位")


class SideEvidenceReplyIn(Schema):
    replied_on: date
    reply: str = Field(max_length=20000)


def _evidence_out(r: SideEvidenceRequest) -> SideEvidenceOut:
    return SideEvidenceOut(id=r.pk, subject_id=r.assessed_id, subject=r.assessed.name, agency=r.agency,
                           requested_on=r.requested_on, due_on=r.due_on, replied_on=r.replied_on, reply=r.reply,
                           overdue=r.is_overdue(timezone.localdate()))


@router.get("/assessments/{campaign_id}/side-evidence", response=list[SideEvidenceOut],
            summary="旁证征求情况（R02；仅考核工作人员可见）")
def side_evidence_list(request: HttpRequest, campaign_id: RowId) -> list[SideEvidenceOut]:
    campaign = selectors.campaign_get(jurisdiction_of(request, "assessment.rating_set"), campaign_id)
    return [_evidence_out(r) for r in selectors.side_evidence_of(campaign)]


@router.post("/assessments/{campaign_id}/side-evidence",
             auth=permitted("assessment.campaign_create", scope=selectors.campaigns_visible, by="campaign_id"),
             response={201: list[SideEvidenceOut]},
             summary="向旁证单位发函（期限按 R02 的回复天数）")
def side_evidence_request(request: HttpRequest, campaign_id: RowId,
                          payload: SideEvidenceIn) -> Status[list[SideEvidenceOut]]:
    jurisdiction = jurisdiction_of(request)
    campaign = selectors.campaign_get(jurisdiction, campaign_id)
    rows = side_evidence.side_evidence_request(actor=actor_of(request), jurisdiction=jurisdiction,
                                               campaign_id=campaign.pk, subject_id=payload.subject_id,
                                               requested_on=payload.requested_on, agencies=payload.agencies)
    ids = {r.pk for r in rows}
    return Status(201, [_evidence_out(r) for r in selectors.side_evidence_of(campaign) if r.pk in ids])


@router.post("/assessments/{campaign_id}/side-evidence/{request_id}/reply",
             auth=permitted("assessment.campaign_create", scope=selectors.campaigns_visible, by="campaign_id"),
             response=SideEvidenceOut,
             summary="登记旁证回复")
def side_evidence_reply(request: HttpRequest, campaign_id: RowId, request_id: RowId,
                        payload: SideEvidenceReplyIn) -> SideEvidenceOut:
    jurisdiction = jurisdiction_of(request)
    campaign = selectors.campaign_get(jurisdiction, campaign_id)
    if not selectors.side_evidence_of(campaign).filter(pk=request_id).exists():
        raise NotFound("未找到该旁证")
    side_evidence.side_evidence_reply(actor=actor_of(request), jurisdiction=jurisdiction, request_id=request_id,
                                      replied_on=payload.replied_on, reply=payload.reply)
    return _evidence_out(selectors.side_evidence_of(campaign).get(pk=request_id))


# the points cards and the uses of results: their own module, under this router (so zugong/api.py is unchanged)
router.add_router("", "zugong.assessment.api_points.router")
router.add_router("", "zugong.assessment.api_raters.router")
router.add_router("", "zugong.assessment.api_results.router")
