"""The counts the seed reports (汉中): 审核报备 and 调整, 全委会票决干部, 个人有关事项核查 and 未如实报告 — for any
unit's subtree and period, with the sentence generated from them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count

from zugong.core.models import OrgUnit
from zugong.core.orgtree import subtree_q
from zugong.selection.models import (
    NOT_TRUTHFUL,
    CheckHandling,
    CheckOutcome,
    CommitteeKind,
    PlanReview,
    ReportCheck,
    ReviewDecision,
    Stage,
    StageRecord,
)


@dataclass(frozen=True)
class SelectionStats:
    reported: int  # plans reported to the level above (报备) in the period
    adjusted: int  # of those, ordered to adjust (责令调整)
    decided_by_vote: int  # candidates voted on by a 全委会 (票决) in the period
    checked: int  # cadres whose personal-matters report was checked (concluded) in the period
    not_truthful: int  # of those, found 漏报 or 瞒报
    handled: dict[str, int] = field(default_factory=dict)  # handling label → cadres

    def sentence(self, unit: OrgUnit) -> str:
        text = (f"{unit.name}审核报备选拔任用工作方案 {self.reported} 次，责令调整 {self.adjusted} 次；"
                f"全委会票决干部 {self.decided_by_vote} 人；先后核查个人有关事项报告 {self.checked} 人")
        if not self.not_truthful:
            return text + "，均如实报告。"
        if len(self.handled) == 1:
            return text + f"，对其中没有如实报告的 {self.not_truthful} 人进行了{next(iter(self.handled))}。"
        parts = "、".join(f"{label} {n} 人" for label, n in self.handled.items())
        return text + f"，对其中没有如实报告的 {self.not_truthful} 人分别进行了处理（{parts}）。"


def _votes(unit: OrgUnit, start: date, end: date) -> int:
    """Candidates tallied at 全委会 decisions held in the period (the held day lives in the record's data)."""
    records = StageRecord.objects.filter(subtree_q(unit.path, "selection__org_unit__"), stage=Stage.DECISION,
                                         data__kind=CommitteeKind.PLENARY).values_list("data", flat=True)
    return sum(len(d.get("tallies", [])) for d in records
               if start.isoformat() <= str(d.get("held_on", "")) <= end.isoformat())


def selection_stats(unit: OrgUnit, start: date, end: date) -> SelectionStats:
    reviews = PlanReview.objects.filter(subtree_q(unit.path, "selection__org_unit__"),
                                        submitted_on__gte=start, submitted_on__lte=end)
    checks = ReportCheck.objects.filter(subtree_q(unit.path, "report__org_unit__"), checked_on__gte=start,
                                        checked_on__lte=end).exclude(outcome=CheckOutcome.PENDING)
    bad = checks.filter(outcome__in=NOT_TRUTHFUL)
    by_handling = Counter(dict(bad.values("handling").annotate(n=Count("report__cadre", distinct=True))
                               .values_list("handling", "n")))
    labels = dict(CheckHandling.choices)
    return SelectionStats(
        reported=reviews.count(), adjusted=reviews.filter(decision=ReviewDecision.ADJUST).count(),
        decided_by_vote=_votes(unit, start, end),
        checked=checks.values("report__cadre").distinct().count(),
        not_truthful=bad.values("report__cadre").distinct().count(),
        handled={str(labels[h]): n for h, n in by_handling.most_common() if h})
