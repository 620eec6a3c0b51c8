"""System data an indicator scored 按数据计数 can read instead of a score typed by hand.

Each source is a rate in percent for the subject's unit and everything under it (a cadre: the cadre's
unit) over the campaign year, with the counts it came from, so the page can say how the number was
reached. One query per source and subject; the reads belong to the apps that own the data, counted here
with their models because none of them offers a per-unit yearly rate yet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q

from zugong.assessment.models import Subject

HUNDRED = Decimal("100")


@dataclass(frozen=True)
class Reading:
    numerator: int
    denominator: int
    basis: str  # what was counted, in Chinese
    value: Decimal | None = None  # a score read directly (the points card), not a rate

    @property
    def rate(self) -> Decimal:
        """numerator ÷ denominator × 100, two decimals; nothing to count reads as 0."""
        if self.value is not None:
            return self.value.quantize(Decimal("0.01"))
        if not self.denominator:
            return Decimal("0")
        return (Decimal(self.numerator) * HUNDRED / self.denominator).quantize(Decimal("0.01"))


def _unit_path(subject: Subject) -> str:
    return subject.org_unit.path


def _year(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def talk_coverage(subject: Subject, year: int) -> Reading:
    """Serving leading cadres of the unit with at least one 谈心谈话 held in the year ÷ all of them."""
    from zugong.cadres.models import Cadre, CadreStatus

    start, end = _year(year)
    row = (Cadre.objects.filter(org_unit__path__startswith=_unit_path(subject), is_leading=True,
                                status=CadreStatus.SERVING)
           .aggregate(all=Count("pk", distinct=True),
                      talked=Count("pk", distinct=True, filter=Q(talks__held_on__range=(start, end)))))
    return Reading(row["talked"], row["all"], f"谈话覆盖 {row['talked']} 人 / 实职领导干部 {row['all']} 人")


def rule_compliance(subject: Subject, year: int) -> Reading:
    """Rule-engine findings of the unit for periods starting in the year: 已落实 ÷ (已落实 + 未落实 + 已逾期)."""
    from zugong.rules.models import Finding, FindingStatus

    start, end = _year(year)
    closed = (FindingStatus.COMPLIANT, FindingStatus.VIOLATED, FindingStatus.OVERDUE)
    row = (Finding.objects.filter(org_unit__path__startswith=_unit_path(subject), period_start__range=(start, end),
                                  status__in=closed)
           .aggregate(all=Count("pk"), ok=Count("pk", filter=Q(status=FindingStatus.COMPLIANT))))
    return Reading(row["ok"], row["all"], f"已落实 {row['ok']} 项 / 已到期 {row['all']} 项")


def wall_satisfaction(subject: Subject, year: int) -> Reading:
    """民心墙 orders of the unit placed in the year and rated: 满意 ÷ rated."""
    from zugong.masswork.models import Rating, ServiceOrder

    row = (ServiceOrder.objects.filter(org_unit__path__startswith=_unit_path(subject), ordered_at__year=year)
           .exclude(rating="").aggregate(all=Count("pk"), ok=Count("pk", filter=Q(rating=Rating.SATISFIED))))
    return Reading(row["ok"], row["all"], f"满意 {row['ok']} 件 / 已评价 {row['all']} 件")


def petition_closure(subject: Subject, year: int) -> Reading:
    """Petitions received by the unit in the year: 已办结 ÷ received."""
    from zugong.masswork.models import Petition, PetitionStatus

    start, end = _year(year)
    row = (Petition.objects.filter(org_unit__path__startswith=_unit_path(subject), received_on__range=(start, end))
           .aggregate(all=Count("pk"), ok=Count("pk", filter=Q(status=PetitionStatus.CLOSED))))
    return Reading(row["ok"], row["all"], f"办结 {row['ok']} 件 / 受理 {row['all']} 件")


def points_card(subject: Subject, year: int) -> Reading:
    """R32: a cadre's approved points of the year, kept within 0–100; a team or unit: the mean over its
    cadres with points that year."""
    from django.db.models import Sum

    from zugong.assessment.models_points import EntryStatus, PointEntry

    start, end = _year(year)
    entries = PointEntry.objects.filter(status=EntryStatus.APPROVED, on__range=(start, end))
    entries = (entries.filter(cadre_id=subject.cadre_id) if subject.cadre_id is not None
               else entries.filter(org_unit__path__startswith=_unit_path(subject)))
    per_cadre = [t for _c, t in entries.order_by().values_list("cadre_id").annotate(t=Sum("points"))]
    mean = sum(per_cadre, Decimal("0")) / len(per_cadre) if per_cadre else Decimal("0")
    capped = min(max(mean, Decimal("0")), HUNDRED)
    return Reading(len(per_cadre), 0, f"积分卡 {mean.quantize(Decimal('0.01'))} 分（{len(per_cadre)} 人），计 0–100",
                   value=capped)


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    read: Callable[[Subject, int], Reading]


SOURCES: dict[str, Source] = {s.key: s for s in (
    Source("talk_coverage", "谈心谈话覆盖率", talk_coverage),
    Source("rule_compliance", "制度执行落实率", rule_compliance),
    Source("wall_satisfaction", "民心墙满意率", wall_satisfaction),
    Source("petition_closure", "信访办结率", petition_closure),
    Source("points_card", "积分卡积分", points_card),
)}


def labels() -> dict[str, str]:
    """label → key, as the indicator form reads them."""
    return {s.label: s.key for s in SOURCES.values()}
