"""The gates this app registers with the rule engine (R17, R18, R19), R22's deadline source
(`rule_sources.py`) and talks' problem-unit counter (R05).

Called from SelectionConfig.ready()."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from zugong.cadres.models import Cadre
from zugong.core.models import OrgUnit
from zugong.selection.recommendation import RoundStanding, r17_reason


def r18_gate(*, org_unit: OrgUnit | None, on: date, cadre: Cadre, **_: Any) -> str | None:
    from zugong.selection.selectors import shielded_ids

    if cadre.pk in shielded_ids([cadre.pk]):
        return R18_REASON.format(name=cadre.name)
    return None


def r17_gate(*, org_unit: OrgUnit | None, on: date, cadre: Cadre, rounds: Sequence[RoundStanding],
             **_: Any) -> str | None:
    """`rounds`: the cadre's standing in each round of 民主推荐 (`recommendation.recommendation_rounds`)."""
    from zugong.selection.params import r17_in_force

    _enabled, share, max_rank = r17_in_force(org_unit, on)
    return r17_reason(cadre.name, rounds, share, max_rank)


R18_REASON = "{name}在问题信息档案中有待核实或核实中的问题，核实前不得进入选拔"


def r19_gate(*, org_unit: OrgUnit | None, on: date, cadre: Cadre, selection: Any, **_: Any) -> str | None:
    """Both halves of R19: the 三龄两历一身份 audit without an unsigned error, and — when the register's
    `require_personal_report` is on — the `on` year's personal-matters report checked and not 瞒报."""
    from zugong.selection.params import require_personal_report
    from zugong.selection.selectors import audit_errors, report_standing

    reasons = []
    errors = audit_errors(selection, [cadre.pk], on)[cadre.pk]
    if errors:
        listed = "；".join(f"{f.message}（{f.check}）" for f in errors)
        reasons.append(f"{cadre.name}的三龄两历一身份审核有 {len(errors)} 项错误未经签批：{listed}")
    if require_personal_report(org_unit, on):
        standing = report_standing([cadre.pk], on.year)[cadre.pk]
        if standing:
            reasons.append(f"{cadre.name}{standing}")
    return "；".join(reasons) or None


def wire() -> None:
    from zugong.rules.registry import register_gate
    from zugong.selection.rule_sources import wire_sources
    from zugong.selection.selectors import problem_unit_counts
    from zugong.selection.shortlist_gates import r23_gate, register_shortlist_gate
    from zugong.talks.problem_counts import register_problem_counter

    register_gate("R17", r17_gate)
    register_gate("R18", r18_gate)
    register_gate("R19", r19_gate)
    register_problem_counter("selection.problem_entries", problem_unit_counts)
    # R23 at 确定考察对象 through the registry of shortlist gates (another module's gates join it there)
    register_shortlist_gate("R23", r23_gate, switch=False)
    wire_sources()  # R22
