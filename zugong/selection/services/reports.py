"""Personal-matters reports (个人有关事项报告, R19): filing a cadre's annual report, the random draw of reports
to check (抽查核实, seeded so it can be drawn again), the mandatory check of a selection's candidates, and
recording a check's outcome with its handling."""

from __future__ import annotations

import math
import random
import secrets
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from django.db import transaction

from zugong.cadres.models import Cadre
from zugong.core.audit import audit_record
from zugong.core.errors import Conflict, IllegalTransition, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import OrgUnit
from zugong.core.orgtree import subtree_q
from zugong.core.permissions import Actor, require
from zugong.selection.locks import lock_check, lock_selection
from zugong.selection.models import (
    CandidateStatus,
    CheckDraw,
    CheckHandling,
    CheckKind,
    CheckOutcome,
    PersonalMatterItem,
    PersonalReport,
    ReportCheck,
    Stage,
)
from zugong.talks.services.supervision import supervision_record

SEED_MAX = 2**62  # fits a signed 64-bit column
# Handlings that are talks' supervision actions (提醒函询诫勉): recorded there too, with the check linked.
SUPERVISION_KINDS: dict[str, str] = {CheckHandling.REMINDER: "reminder", CheckHandling.ADMONISHMENT: "admonishment"}


def _actor_id(actor: Actor) -> int | None:
    return actor.pk if actor is not None else None


def _declared(declared: dict[str, str]) -> dict[str, str]:
    """Every active item answered (empty means 无); no item the register does not hold."""
    items = dict(PersonalMatterItem.objects.filter(active=True).values_list("code", "label"))
    unknown = sorted(set(declared) - set(items))
    if unknown:
        raise ValidationFailed(f"没有报告事项“{unknown[0]}”", field="declared")
    return {code: declared.get(code, "").strip() for code in items}


@transaction.atomic
def personal_report_submit(*, actor: Actor, jurisdiction: Jurisdiction, cadre: Cadre, year: int,
                           submitted_on: date, declared: dict[str, str]) -> PersonalReport:
    """File a cadre's report for `year`; one report per cadre and year."""
    require(jurisdiction, "selection.report_record", cadre.org_unit)
    if not 2000 <= year <= submitted_on.year:
        raise ValidationFailed(f"报告年度 {year} 无效（不能晚于报告日期所在年度）", field="year")
    if PersonalReport.objects.filter(cadre=cadre, year=year).exists():
        raise Conflict(f"{cadre.name}的 {year} 年度个人有关事项报告已登记")
    report = PersonalReport.objects.create(cadre=cadre, org_unit=cadre.org_unit, year=year, submitted_on=submitted_on,
                                           declared=_declared(declared), created_by_id=_actor_id(actor))
    audit_record(actor=actor, action="selection.personal_report_submit", obj=report, org_unit=cadre.org_unit,
                 summary={"cadre": cadre.pk, "year": year})  # the content stays out of the chain
    return report


def draw_sample(population: list[int], seed: int, share: Decimal) -> list[int]:
    """The reports a draw picks: ceil(share × N) of the population (sorted ids) with `random.Random(seed)`.
    Pure, so anyone can replay a recorded draw. (Draws made before stratification.)"""
    size = min(len(population), math.ceil(Decimal(len(population)) * share))
    return sorted(random.Random(seed).sample(sorted(population), size))


def draw_stratified(strata: Mapping[str, Sequence[int]], seed: int, share: Decimal) -> list[int]:
    """Per unit (units by id, ascending), ceil(share × the unit's reports) of its sorted report ids, all
    drawn from one `random.Random(seed)`. Pure: the recorded strata, seed and share give the same sample."""
    rng = random.Random(seed)
    picked: list[int] = []
    for unit in sorted(strata, key=int):
        ids = sorted(strata[unit])
        picked += rng.sample(ids, min(len(ids), math.ceil(Decimal(len(ids)) * share)))
    return sorted(picked)


def draw_replay(draw: CheckDraw) -> list[int]:
    """Draw again from what the draw recorded (to show it is the one the seed gives)."""
    if draw.strata:
        return draw_stratified(draw.strata, draw.seed, draw.share)
    return draw_sample(list(draw.population), draw.seed, draw.share)


def _draw_population(org_unit: OrgUnit, year: int) -> tuple[dict[str, list[int]], list[int]]:
    """The year's reports in the subtree by unit, less those already checked that year (any check, open
    or concluded, random or of a candidate); and the ones left out."""
    filed = list(PersonalReport.objects.filter(subtree_q(org_unit.path, "org_unit__"), year=year)
                 .order_by("pk").values_list("pk", "org_unit_id"))
    if not filed:
        raise Conflict(f"{org_unit.name} {year} 年度尚无个人有关事项报告，不能抽查")
    checked = set(ReportCheck.objects.filter(subtree_q(org_unit.path, "report__org_unit__"), report__year=year)
                  .values_list("report_id", flat=True))
    strata: dict[str, list[int]] = {}
    for pk, unit in filed:
        if pk not in checked:
            strata.setdefault(str(unit), []).append(pk)
    if not strata:
        raise Conflict(f"{org_unit.name} {year} 年度的个人有关事项报告均已核查，没有可抽取的报告")
    return strata, sorted(checked)


@transaction.atomic
def check_draw(*, actor: Actor, jurisdiction: Jurisdiction, org_unit: OrgUnit, year: int, share: Decimal,
               seed: int | None = None) -> CheckDraw:
    """抽查核实: draw `share` of each unit's `year` reports in `org_unit`'s subtree, leaving out reports
    already checked that year; each drawn report gets a random check. The seed (given, or drawn here), the
    strata and what was left out are recorded with the result."""
    require(jurisdiction, "selection.report_draw", org_unit)
    if not Decimal("0") < share <= Decimal("1"):
        raise ValidationFailed("抽查比例应大于 0 且不超过 100%", field="share")
    if seed is None:
        seed = secrets.randbelow(SEED_MAX)
    if not 0 <= seed < SEED_MAX:
        raise ValidationFailed("随机种子超出范围", field="seed")
    strata, excluded = _draw_population(org_unit, year)
    drawn = draw_stratified(strata, seed, share)
    draw = CheckDraw.objects.create(org_unit=org_unit, year=year, seed=seed, share=share, drawn=drawn,
                                    population=sorted(pk for ids in strata.values() for pk in ids),
                                    strata=strata, excluded=excluded, drawn_by_id=_actor_id(actor))
    ReportCheck.objects.bulk_create([ReportCheck(report_id=pk, kind=CheckKind.RANDOM, draw=draw) for pk in drawn])
    audit_record(actor=actor, action="selection.check_draw", obj=draw, org_unit=org_unit,
                 summary={"year": year, "seed": seed, "share": str(share), "population": len(draw.population),
                          "units": len(strata), "excluded": len(excluded), "drawn": drawn})
    return draw


@transaction.atomic
def candidate_checks_request(*, actor: Actor, jurisdiction: Jurisdiction, selection_id: int,
                             on: date) -> list[ReportCheck]:
    """拟提拔人选必查: a check of the `on` year report of every candidate of the selection (one per report,
    kept if it exists). A candidate without a report for the year is named in the refusal."""
    selection = lock_selection(selection_id)
    require(jurisdiction, "selection.report_check", selection.org_unit)
    if selection.is_final or selection.stage in (Stage.MOTION, Stage.RECOMMENDATION, Stage.SHORTLIST):
        raise IllegalTransition(f"该选拔任用工作当前处于“{Stage(selection.stage).label}”环节，"
                                "确定考察对象后才能核查个人有关事项报告")
    candidates = list(selection.candidates.filter(status=CandidateStatus.SHORTLISTED).select_related("cadre"))
    reports = {r.cadre_id: r for r in PersonalReport.objects.filter(cadre__in=[c.cadre for c in candidates],
                                                                     year=on.year)}
    missing = [c.cadre.name for c in candidates if c.cadre_id not in reports]
    if missing:
        raise Conflict(f"{'、'.join(missing)}尚无 {on.year} 年度个人有关事项报告，请先登记报告")
    checks = []
    for candidate in candidates:
        check, _created = ReportCheck.objects.get_or_create(report=reports[candidate.cadre_id],
                                                           kind=CheckKind.CANDIDATE,
                                                           defaults={"selection": selection})
        checks.append(check)
    audit_record(actor=actor, action="selection.candidate_checks_request", obj=selection,
                 org_unit=selection.org_unit, summary={"year": on.year, "checks": [c.pk for c in checks]})
    return checks


@transaction.atomic
def report_check_record(*, actor: Actor, jurisdiction: Jurisdiction, check_id: int, outcome: str, checked_on: date,
                        handling: str = "", discrepancy: str = "") -> ReportCheck:
    """Conclude a check: 一致, or 漏报 / 瞒报 with what differed and how it was handled. Once concluded a
    check stays as it is (a later finding is a new entry in the problem archive)."""
    check = lock_check(check_id)
    require(jurisdiction, "selection.report_check", check.report.org_unit)
    if check.is_concluded:
        raise IllegalTransition(f"该核查已于 {check.checked_on} 办结（{check.get_outcome_display()}），不能再修改")
    if outcome not in CheckOutcome.values or outcome == CheckOutcome.PENDING:
        raise ValidationFailed("请选择核查结果：一致、漏报或瞒报", field="outcome")
    if outcome == CheckOutcome.CONSISTENT:
        handling, discrepancy = "", ""
    else:
        if handling not in CheckHandling.values:
            raise ValidationFailed("未如实报告的，须选择处理方式", field="handling")
        if not discrepancy.strip():
            raise ValidationFailed("未如实报告的，须写明不一致的情况", field="discrepancy")
    if checked_on < check.report.submitted_on:
        raise ValidationFailed("核查日期不能早于报告日期", field="checked_on")
    check.outcome, check.handling, check.discrepancy = outcome, handling, discrepancy.strip()
    check.checked_on, check.checked_by_id = checked_on, _actor_id(actor)
    if handling in SUPERVISION_KINDS:
        check.supervision_action = supervision_record(
            actor=actor, jurisdiction=jurisdiction, cadre=check.report.cadre, kind=SUPERVISION_KINDS[handling],
            issued_on=checked_on, matter=f"{check.report.year} 年度个人有关事项报告经核查{check.get_outcome_display()}："
                                         f"{check.discrepancy}")
    check.save(update_fields=["outcome", "handling", "discrepancy", "checked_on", "checked_by", "supervision_action"])
    audit_record(actor=actor, action="selection.report_check_record", obj=check, org_unit=check.report.org_unit,
                 summary={"cadre": check.report.cadre_id, "year": check.report.year, "outcome": outcome,
                          "handling": handling})
    return check
