"""API of 任前公示's reports (docs/selection.md): list and register a selection's reports, and move one through
its check (待核查 → 核查中 → 查实 / 部分查实 / 不实)."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from zugong.cadres.selectors import cadre_get
from zugong.core.api_auth import permitted
from zugong.core.request import RowId, actor_of, jurisdiction_of
from zugong.selection import access, selectors
from zugong.selection.models import PublicityReport, Selection
from zugong.selection.services import publicity

router = Router(tags=["selection"])


class PublicityReportOut(Schema):
    id: int
    selection_id: int
    received_on: date
    channel: str = Field(description="letter 来信, call 来电, visit 来访, online 网络, other 其他")
    channel_label: str
    cadre_id: int | None = Field(description="反映对象（本次讨论决定通过的人选）；不针对具体人选时为空")
    cadre: str
    content: str | None = Field(description="反映内容；无权查看时为 null（每次完整查看均记入访问日志）")
    status: str = Field(description="pending 待核查, checking 核查中, confirmed 查实, partly 部分查实, unfounded 不实")
    status_label: str
    handling: str = Field(description="no_effect 不影响任职, reminder 提醒或批评教育后任职, suspend 暂缓任职, "
                                      "cancel 取消任职；未办结或不实时为空")
    handling_label: str
    conclusion: str | None = Field(description="核查结论；无权查看反映内容时为 null")
    concluded_on: date | None
    blocks: bool = Field(description="该反映使任职暂不能办理（未办结、查实，或处理意见为暂缓、取消任职）")
    next_states: list[str]


class PublicityReportIn(Schema):
    received_on: date
    channel: str = Field(description="letter 来信, call 来电, visit 来访, online 网络, other 其他")
    content: str = Field(max_length=20000)
    cadre_id: RowId | None = Field(None, description="反映对象：本次讨论决定通过的人选之一；可空")


class PublicityReportTransitionIn(Schema):
    to: str = Field(description="checking 核查中, confirmed 查实, partly 部分查实, unfounded 不实")
    conclusion: str = Field("", max_length=20000)
    handling: str = Field("", description="查实：suspend / cancel；部分查实：no_effect / reminder / suspend / cancel；"
                                          "不实：空")
    on: date | None = Field(None, description="办结日期，默认今天")


def _outs(request: HttpRequest, selection: Selection, reports: list[PublicityReport]) -> list[PublicityReportOut]:
    contents = access.publicity_contents_for(jurisdiction_of(request), actor_of(request), selection, reports,
                                             channel="api")
    return [PublicityReportOut(
        id=r.pk, selection_id=r.selection_id, received_on=r.received_on, channel=r.channel,
        channel_label=str(r.get_channel_display()), cadre_id=r.cadre_id, cadre=r.cadre.name if r.cadre else "",
        content=contents[r.pk], status=r.status, status_label=str(r.get_status_display()), handling=r.handling,
        handling_label=str(r.get_handling_display()) if r.handling else "",
        conclusion=r.conclusion if contents[r.pk] is not None else None, concluded_on=r.concluded_on,
        blocks=r.blocks, next_states=r.next_states()) for r in reports]


def _one(request: HttpRequest, report_id: int) -> PublicityReportOut:
    report = selectors.publicity_report_get(jurisdiction_of(request), report_id)
    return _outs(request, report.selection, [report])[0]


@router.get("/selections/{selection_id}/publicity-reports", response=list[PublicityReportOut],
            summary="任前公示期间收到的反映（内容按权限显示）")
def publicity_report_list(request: HttpRequest, selection_id: RowId) -> list[PublicityReportOut]:
    selection = selectors.selection_get(jurisdiction_of(request, "selection.selection_view"), selection_id)
    return _outs(request, selection, list(selection.publicity_reports.all()))


@router.post("/selections/{selection_id}/publicity-reports",
             auth=permitted("selection.publicity_report_record", scope=selectors.selections_visible,
                            by="selection_id"),
             response={201: PublicityReportOut}, summary="登记任前公示期间收到的一件反映")
def publicity_report_create(request: HttpRequest, selection_id: RowId,
                            payload: PublicityReportIn) -> Status[PublicityReportOut]:
    jurisdiction = jurisdiction_of(request)
    selectors.selection_get(jurisdiction, selection_id)  # 404 outside the jurisdiction
    cadre = cadre_get(jurisdiction, payload.cadre_id) if payload.cadre_id is not None else None
    report = publicity.publicity_report_record(
        actor=actor_of(request), jurisdiction=jurisdiction, selection_id=selection_id,
        received_on=payload.received_on, channel=payload.channel, content=payload.content, cadre=cadre)
    return Status(201, _one(request, report.pk))


@router.post("/publicity-reports/{report_id}/transition",
             auth=permitted("selection.publicity_report_check", scope=selectors.publicity_reports_visible,
                            by="report_id"),
             response=PublicityReportOut, summary="核查办理公示期间的反映（状态转换）")
def publicity_report_transition(request: HttpRequest, report_id: RowId,
                                payload: PublicityReportTransitionIn) -> PublicityReportOut:
    jurisdiction = jurisdiction_of(request)
    selectors.publicity_report_get(jurisdiction, report_id)  # 404 outside the jurisdiction before anything else
    publicity.publicity_report_transition(actor=actor_of(request), jurisdiction=jurisdiction, report_id=report_id,
                                          to=payload.to, conclusion=payload.conclusion, handling=payload.handling,
                                          on=payload.on)
    return _one(request, report_id)
