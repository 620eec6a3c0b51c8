"""Talk statistics for a period and jurisdiction, in the words of the seeds' reports:
"共与科级以上领导干部开展谈心谈话 N 人次，其中部长 a 人次、部领导班子成员 b 人次；覆盖率 x%".

A 人次 is one talkee in one talk. Coverage is the R04 roster (副科级以上实职, on the period's last day)
talked with at least once in the period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count

from zugong.core.models import OrgUnit
from zugong.core.orgtree import subtree_q
from zugong.talks.models import Talk, TalkerRole, TalkKind
from zugong.talks.roster import coverage_counts


@dataclass
class TalkStats:
    org_unit: OrgUnit
    start: date
    end: date
    total: int
    by_role: dict[str, int]
    by_kind: dict[str, int]
    by_talker: list[tuple[str, int]] = field(default_factory=list)
    by_unit: list[tuple[str, int]] = field(default_factory=list)
    roster: int = 0
    covered: int = 0

    @property
    def coverage(self) -> float:
        return round(self.covered / self.roster, 4) if self.roster else 1.0

    @property
    def sentence(self) -> str:
        return (f"{self.start:%Y年%m月%d日}至{self.end:%Y年%m月%d日}，{self.org_unit.name}共与科级以上领导干部开展"
                f"谈心谈话 {self.total} 人次，其中部长 {self.by_role[TalkerRole.MINISTER]} 人次、部领导班子成员 "
                f"{self.by_role[TalkerRole.TEAM_MEMBER]} 人次；覆盖率 {self.coverage * 100:.1f}%")


def talk_stats(org_unit: OrgUnit, start: date, end: date) -> TalkStats:
    pairs = Talk.talkees.through.objects.filter(
        subtree_q(org_unit.path, "talk__org_unit__"), talk__held_on__gte=start, talk__held_on__lte=end)
    by_role = {role: 0 for role in TalkerRole.values}
    for row in pairs.values("talk__lead_role").annotate(n=Count("pk")):
        by_role[row["talk__lead_role"]] = row["n"]
    by_kind = {kind: 0 for kind in TalkKind.values}
    for kind_row in pairs.values("talk__kind").annotate(n=Count("pk")):
        by_kind[kind_row["talk__kind"]] = kind_row["n"]
    talker_rows = (Talk.talkers.through.objects.filter(talk_id__in=pairs.values("talk_id"))
                   .values("talker__name", "talker__role").annotate(n=Count("talk__talkees")).order_by("-n"))
    by_talker = [(f"{r['talker__name']}（{TalkerRole(r['talker__role']).label}）", r["n"]) for r in talker_rows]
    by_unit = [(r["cadre__org_unit__name"], r["n"]) for r in
               pairs.values("cadre__org_unit__name").annotate(n=Count("pk")).order_by("-n", "cadre__org_unit__name")]
    roster, covered = coverage_counts(org_unit, start, end)
    return TalkStats(org_unit=org_unit, start=start, end=end, total=sum(by_role.values()), by_role=by_role,
                     by_kind=by_kind, by_talker=by_talker, by_unit=by_unit, roster=roster, covered=covered)
