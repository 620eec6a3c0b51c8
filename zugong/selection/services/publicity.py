"""任前公示: the reports (反映) received during the publicity period, each checked (核查) and concluded (查实 /
部分查实 / 不实, with the handling). R13 asks for a clean publicity period before the appointment: the 任职 service
refuses while a report is open, found true, or concluded with a handling that holds the appointment back
(`publicity_blocking`)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from zugong.cadres.models import Cadre
from zugong.core.audit import audit_record
from zugong.core.errors import IllegalTransition, NotFound, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.permissions import Actor, require
from zugong.selection.locks import lock_publicity_report, lock_selection
from zugong.selection.models import (
    PUBLICITY_REPORT_ALLOWED,
    CandidateStatus,
    PublicityChannel,
    PublicityHandling,
    PublicityReport,
    PublicityReportStatus,
    Selection,
    Stage,
)

RECORD = "selection.publicity_report_record"
CHECK = "selection.publicity_report_check"


def _actor_id(actor: Actor) -> int | None:
    return actor.pk if actor is not None else None


def publicity_period(selection: Selection) -> tuple[date, date] | None:
    record = selection.records.filter(stage=Stage.PUBLICITY).first()
    if record is None:
        return None
    return date.fromisoformat(record.data["start"]), date.fromisoformat(record.data["end"])


def _open_selection(selection: Selection) -> None:
    if selection.is_final:
        raise IllegalTransition(f"该选拔任用工作{Stage(selection.stage).label}，不能再登记或办理公示期间的反映")
    if selection.stage != Stage.APPOINTMENT:
        raise IllegalTransition(f"该选拔任用工作当前处于“{Stage(selection.stage).label}”环节，"
                                "登记任前公示（公示期）后才能登记公示期间收到的反映")


@transaction.atomic
def publicity_report_record(*, actor: Actor, jurisdiction: Jurisdiction, selection_id: int, received_on: date,
                            channel: str, content: str, cadre: Cadre | None = None) -> PublicityReport:
    """A report received during the publicity period (within its start and end), about one of the cadres the
    decision passed or about the selection as a whole (`cadre` None). Its content is confidential: the audit
    event names the report, never what it says."""
    selection = lock_selection(selection_id)
    require(jurisdiction, RECORD, selection.org_unit)
    _open_selection(selection)
    period = publicity_period(selection)
    if period is None:  # pragma: no cover - the 任职 stage always follows a publicity record
        raise IllegalTransition("尚未登记任前公示，不能登记公示期间的反映")
    start, end = period
    if not start <= received_on <= end:
        raise ValidationFailed(f"收到日期 {received_on.isoformat()} 不在公示期 {start.isoformat()} 至 "
                               f"{end.isoformat()} 之内", field="received_on")
    if received_on > timezone.localdate():
        raise ValidationFailed("收到日期不能晚于今天", field="received_on")
    if channel not in PublicityChannel.values:
        raise ValidationFailed("反映方式无效，可选：来信、来电、来访、网络、其他", field="channel")
    if not content.strip():
        raise ValidationFailed("请填写反映内容", field="content")
    if cadre is not None and not selection.candidates.filter(cadre=cadre, status=CandidateStatus.PASSED).exists():
        raise ValidationFailed(f"{cadre.name}不是本次讨论决定通过、正在公示的人选", field="cadre")
    report = PublicityReport.objects.create(selection=selection, cadre=cadre, received_on=received_on,
                                            channel=channel, content=content.strip(), created_by_id=_actor_id(actor))
    audit_record(actor=actor, action="selection.publicity_report_record", obj=selection, org_unit=selection.org_unit,
                 summary={"report": report.pk, "cadre": cadre.pk if cadre else None, "channel": channel,
                          "received_on": received_on.isoformat()})
    return report


def _check_conclusion(to: str, handling: str, conclusion: str) -> None:
    if to == PublicityReportStatus.CHECKING:
        if handling or conclusion.strip():
            raise ValidationFailed("开始核查时不登记结论和处理意见", field="conclusion")
        return
    if not conclusion.strip():
        raise ValidationFailed("请填写核查结论", field="conclusion")
    if to == PublicityReportStatus.UNFOUNDED:
        if handling:
            raise ValidationFailed("反映不实的不登记处理意见", field="handling")
        return
    if handling not in PublicityHandling.values:
        raise ValidationFailed("查实或部分查实的反映须选择处理意见：不影响任职、提醒或批评教育后任职、暂缓任职、取消任职",
                               field="handling")
    if to == PublicityReportStatus.CONFIRMED and handling in (PublicityHandling.NO_EFFECT, PublicityHandling.REMINDER):
        raise ValidationFailed("反映查实的，处理意见只能是暂缓任职或取消任职", field="handling")


@transaction.atomic
def publicity_report_transition(*, actor: Actor, jurisdiction: Jurisdiction, report_id: int, to: str,
                                conclusion: str = "", handling: str = "", on: date | None = None) -> PublicityReport:
    """待核查 → 核查中 → 查实 / 部分查实 / 不实. Concluding needs the written conclusion; 查实 and 部分查实 need the
    handling (查实: 暂缓任职 or 取消任职)."""
    selection_id = PublicityReport.objects.filter(pk=report_id).values_list("selection_id", flat=True).first()
    if selection_id is None:
        raise NotFound("未找到该反映，或不在您的管辖范围内")
    selection = lock_selection(selection_id)
    require(jurisdiction, CHECK, selection.org_unit)
    report = lock_publicity_report(report_id)
    if to not in PUBLICITY_REPORT_ALLOWED.get(report.status, frozenset()):
        current = PublicityReportStatus(report.status).label
        target = PublicityReportStatus(to).label if to in PublicityReportStatus.values else to
        raise IllegalTransition(f"该反映当前为“{current}”，不能改为“{target}”")
    _open_selection(selection)
    _check_conclusion(to, handling, conclusion)
    report.status = to
    fields = ["status"]
    if to != PublicityReportStatus.CHECKING:
        day = on or timezone.localdate()
        if day < report.received_on:
            raise ValidationFailed("办结日期不能早于收到日期", field="on")
        report.handling, report.conclusion, report.concluded_on = handling, conclusion.strip(), day
        report.checked_by_id = _actor_id(actor)
        fields += ["handling", "conclusion", "concluded_on", "checked_by"]
    report.save(update_fields=fields)
    audit_record(actor=actor, action="selection.publicity_report_transition", obj=selection,
                 org_unit=selection.org_unit, summary={"report": report.pk, "to": to, "handling": handling})
    return report


def blocking_reason(reports: list[PublicityReport]) -> str | None:
    """R13: the publicity period is clean when every report is concluded and none found true or held back;
    else the reason, naming each report that blocks."""
    parts = []
    for r in reports:
        if not r.blocks:
            continue
        about = f"（反映{r.cadre.name}）" if r.cadre is not None else ""
        what = f"{r.received_on.isoformat()}{r.get_channel_display()}{about}"
        if r.is_open:
            parts.append(f"{what}尚未办结（{r.get_status_display()}）")
        else:
            parts.append(f"{what}经核查{r.get_status_display()}，处理意见为{r.get_handling_display()}")
    if not parts:
        return None
    return ("不符合R13（公示无异常方可任职）：公示期间收到的反映" + "；".join(parts)
            + "。反映全部办结且无查实或暂缓、取消任职的，方可发文任职；否则可终止本次选拔任用")


def reports_of(selection: Selection) -> list[PublicityReport]:
    return list(selection.publicity_reports.select_related("cadre").order_by("received_on", "pk"))
