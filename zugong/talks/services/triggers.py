"""五必谈 (R05) and flagged cadres (R03): what makes a talk due, and by when.

Event-driven triggers (post change, flags) arrive through domain events; list-driven ones (key
posts, problem units, long service in hardship areas) come from `triggers_scan`, which is idempotent:
a cadre has at most one open trigger of each kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Min, QuerySet
from django.utils import timezone, translation

from zugong.cadres.models import Cadre, CadreStatus, PostHolding
from zugong.core import events
from zugong.core.audit import audit_record
from zugong.core.errors import NotFound, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import OrgUnit
from zugong.core.orgtree import ancestor_paths, subtree_q
from zugong.core.permissions import SYSTEM, Actor, require
from zugong.talks.locks import lock_triggers
from zugong.talks.models import (
    CadreFlag,
    FlagKind,
    HardshipArea,
    KeyPost,
    TalkTrigger,
    TriggerKind,
    TriggerStatus,
)
from zugong.talks.params import talk_param
from zugong.talks.problem_counts import problem_counts
from zugong.talks.roster import current_holdings_q
from zugong.talks.services.common import actor_id, trigger_due_on

FLAG_TO_TRIGGER = {
    FlagKind.HAS_IDEAS: TriggerKind.FLAGGED, FlagKind.HAS_REPORTS: TriggerKind.FLAGGED,
    FlagKind.HARDSHIP: TriggerKind.HARDSHIP_OR_ILLNESS, FlagKind.ILLNESS: TriggerKind.HARDSHIP_OR_ILLNESS,
    "有想法": TriggerKind.FLAGGED, "有反映": TriggerKind.FLAGGED,
    "家庭困难": TriggerKind.HARDSHIP_OR_ILLNESS, "重大疾病": TriggerKind.HARDSHIP_OR_ILLNESS,
}
HEAD_TITLE_KEYWORDS = ("书记", "乡长", "镇长", "局长", "主任", "部长", "县长", "区长", "主席", "院长", "校长")


def _rule_of(kind: str) -> str:
    return "R03" if kind == TriggerKind.FLAGGED else "R05"


@transaction.atomic
def trigger_raise(*, actor: Actor, jurisdiction: Jurisdiction, cadre: Cadre, kind: str, raised_on: date,
                  detail: str = "") -> TalkTrigger:
    """Make a talk due for `cadre`; an open trigger of the same kind is kept rather than doubled."""
    if kind not in TriggerKind.values:
        raise ValidationFailed(f"谈话事由“{kind}”无效", field="kind")
    require(jurisdiction, "talks.trigger_raise", cadre.org_unit)
    open_one = TalkTrigger.objects.filter(cadre=cadre, kind=kind, status=TriggerStatus.OPEN).first()
    if open_one is not None:
        return open_one
    code = _rule_of(kind)
    trigger = TalkTrigger.objects.create(
        cadre=cadre, org_unit=cadre.org_unit, kind=kind, rule_code=code, detail=detail[:300], raised_on=raised_on,
        due_on=trigger_due_on(code, raised_on, cadre.org_unit))
    audit_record(actor=actor, action="talks.trigger_raise", obj=trigger, org_unit=cadre.org_unit, summary={
        "cadre": cadre.pk, "kind": kind, "raised_on": raised_on.isoformat(), "due_on": trigger.due_on.isoformat()})
    return trigger


@transaction.atomic
def trigger_cancel(*, actor: Actor, jurisdiction: Jurisdiction, trigger_id: int, reason: str) -> TalkTrigger:
    locked = next(iter(lock_triggers([trigger_id])), None)
    if locked is None:
        raise NotFound("未找到该谈话事由，或不在您的管辖范围内")
    require(jurisdiction, "talks.trigger_cancel", locked.org_unit)
    if locked.status != TriggerStatus.OPEN:
        raise ValidationFailed("只能撤销待谈的事由")
    if not reason.strip():
        raise ValidationFailed("请填写撤销理由", field="reason")
    locked.status = TriggerStatus.CANCELLED
    locked.save(update_fields=["status"])
    audit_record(actor=actor, action="talks.trigger_cancel", obj=locked, org_unit=locked.org_unit,
                 summary={"reason": reason})
    return locked


def _today_or(day: date | None) -> date:
    return day or timezone.localdate()


def is_key_post(holding: PostHolding) -> bool:
    unit_path = holding.org_unit.path
    for key in KeyPost.objects.filter(org_unit__path__in=ancestor_paths(unit_path)).select_related("unit"):
        in_unit = key.unit is None or unit_path.startswith(key.unit.path)
        if in_unit and (not key.title_keyword or key.title_keyword in holding.title):
            return True
    return False


def on_post_changed(*, cadre: Cadre, old_holding: PostHolding | None = None,
                    new_holding: PostHolding | None = None, **_: Any) -> None:
    """Subscriber of the registry's `post_changed`: 岗位发生调整、变动必谈 (and a new key post).

    The system raises the trigger (actor None, `SYSTEM`): the person who changed the post may not
    hold a talks role, and the change itself is already audited by the cadres app."""
    if cadre.status != CadreStatus.SERVING:
        return
    raised_on = (new_holding.valid_from if new_holding else None) or _today_or(None)
    before = old_holding.title if old_holding else "（无）"
    after = new_holding.title if new_holding else "（免职）"
    trigger_raise(actor=None, jurisdiction=SYSTEM, cadre=cadre, kind=TriggerKind.POST_CHANGE, raised_on=raised_on,
                  detail=f"职务变动：{before} → {after}")
    if new_holding is not None and is_key_post(new_holding):
        trigger_raise(actor=None, jurisdiction=SYSTEM, cadre=cadre, kind=TriggerKind.KEY_POST, raised_on=raised_on,
                      detail=f"任重点岗位：{new_holding.title}")


def on_cadre_flagged(*, cadre: Cadre, flag: str, raised_on: date | None = None, note: str = "",
                     **_: Any) -> None:
    """Subscriber of `cadre_flagged`: 有想法/有反映 → R03 talk; hardship or illness → R05 talk."""
    kind = FLAG_TO_TRIGGER.get(flag)
    if kind is None:
        return
    with translation.override("zh-hans"):  # stored text: Chinese whatever the language of the page
        label = str(dict(FlagKind.choices).get(flag, flag))
    trigger_raise(actor=None, jurisdiction=SYSTEM, cadre=cadre, kind=kind, raised_on=_today_or(raised_on),
                  detail=f"{label}：{note}" if note else str(label))


@transaction.atomic
def cadre_flag_raise(*, actor: Actor, jurisdiction: Jurisdiction, cadre: Cadre, kind: str, note: str = "",
                     raised_on: date | None = None) -> CadreFlag:
    if kind not in FlagKind.values:
        raise ValidationFailed(f"标记“{kind}”无效", field="kind")
    require(jurisdiction, "talks.cadre_flag_raise", cadre.org_unit)
    day = _today_or(raised_on)
    flag = CadreFlag.objects.create(cadre=cadre, kind=kind, note=note[:300], raised_on=day,
                                    raised_by_id=actor_id(actor))
    audit_record(actor=actor, action="talks.cadre_flag_raise", obj=flag, org_unit=cadre.org_unit,
                 summary={"cadre": cadre.pk, "kind": kind, "raised_on": day.isoformat()})
    events.publish("cadre_flagged", cadre=cadre, flag=kind, actor=actor, raised_on=day, note=note)
    return flag


@dataclass
class ScanResult:
    raised: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, trigger_created: bool) -> None:
        self.raised[kind] = self.raised.get(kind, 0) + int(trigger_created)


def _raise_counted(result: ScanResult, actor: Actor, jurisdiction: Jurisdiction, cadre: Cadre, kind: str, on: date,
                   detail: str) -> None:
    before = TalkTrigger.objects.filter(cadre=cadre, kind=kind, status=TriggerStatus.OPEN).exists()
    trigger_raise(actor=actor, jurisdiction=jurisdiction, cadre=cadre, kind=kind, raised_on=on, detail=detail)
    result.add(kind, not before)


def _current(org_unit: OrgUnit, on: date) -> QuerySet[PostHolding]:
    return (PostHolding.objects.filter(current_holdings_q(on), subtree_q(org_unit.path, "org_unit__"), is_leading=True,
                                       cadre__status=CadreStatus.SERVING)
            .select_related("cadre", "cadre__org_unit", "org_unit"))


def _covered_recently(cadre_id: int, kind: str, on: date, window_days: int = 365) -> bool:
    """A periodic trigger (key post, hardship area) is raised again only a year after the last one."""
    return TalkTrigger.objects.filter(cadre_id=cadre_id, kind=kind,
                                      raised_on__gt=on - timedelta(days=window_days)).exists()


@transaction.atomic
def triggers_scan(*, actor: Actor, jurisdiction: Jurisdiction, org_unit: OrgUnit, on: date | None = None
                  ) -> ScanResult:
    """Raise the list-driven 五必谈 triggers of the subtree: key posts, problem units, hardship areas."""
    require(jurisdiction, "talks.triggers_scan", org_unit)
    day = _today_or(on)
    result = ScanResult()
    holdings = list(_current(org_unit, day))
    for holding in holdings:
        if is_key_post(holding) and not _covered_recently(holding.cadre_id, TriggerKind.KEY_POST, day):
            _raise_counted(result, actor, jurisdiction, holding.cadre, TriggerKind.KEY_POST, day,
                           f"重点岗位：{holding.title}")
    _scan_problem_units(result, actor, jurisdiction, org_unit, holdings, day)
    _scan_hardship_areas(result, actor, jurisdiction, org_unit, day)
    audit_record(actor=actor, action="talks.triggers_scan", obj=None, object_type="talks.scan",
                 object_id=org_unit.path, org_unit=org_unit, summary={"on": day.isoformat(), **result.raised})
    return result


def _scan_problem_units(result: ScanResult, actor: Actor, jurisdiction: Jurisdiction, org_unit: OrgUnit,
                        holdings: list[PostHolding], day: date) -> None:
    threshold = int(talk_param("R05", "problem_threshold", org_unit=org_unit, on=day))
    heads = [h for h in holdings if any(k in h.title for k in HEAD_TITLE_KEYWORDS) and "副" not in h.title]
    counts = problem_counts([h.org_unit_id for h in heads], day - timedelta(days=365), day)
    for holding in heads:
        count = counts.get(holding.org_unit_id, 0)
        if count >= threshold > 0 and not _covered_recently(holding.cadre_id, TriggerKind.PROBLEM_UNIT, day):
            _raise_counted(result, actor, jurisdiction, holding.cadre, TriggerKind.PROBLEM_UNIT, day,
                           f"{holding.org_unit.name}近一年问题/信访 {count} 件（阈值 {threshold}）")


def _scan_hardship_areas(result: ScanResult, actor: Actor, jurisdiction: Jurisdiction, org_unit: OrgUnit,
                         day: date) -> None:
    """Cadres serving now in a hardship area whose posts there began `hardship_years` ago or more."""
    years = int(talk_param("R05", "hardship_years", org_unit=org_unit, on=day))
    cutoff = date(day.year - years, day.month, min(day.day, 28))
    for area in HardshipArea.objects.select_related("org_unit"):
        area_path = area.org_unit.path
        if not (area_path.startswith(org_unit.path) or org_unit.path.startswith(area_path)):
            continue
        inner = org_unit if org_unit.path.startswith(area_path) else area.org_unit
        in_area = PostHolding.objects.filter(subtree_q(inner.path, "org_unit__"))
        serving_now = in_area.filter(current_holdings_q(day), cadre__status=CadreStatus.SERVING)
        firsts = (in_area.filter(cadre_id__in=serving_now.values("cadre_id")).values("cadre_id")
                  .annotate(first=Min("valid_from")).filter(first__lte=cutoff))
        for row in firsts:
            if _covered_recently(row["cadre_id"], TriggerKind.HARDSHIP_AREA, day):
                continue
            cadre = Cadre.objects.select_related("org_unit").get(pk=row["cadre_id"])
            _raise_counted(result, actor, jurisdiction, cadre, TriggerKind.HARDSHIP_AREA, day,
                           f"自 {row['first']:%Y年%m月} 起在{area.org_unit.name}工作满 {years} 年")
