"""Reads of R25 (离任村干部关爱): the register scoped by village, the subsidy rule in force, each retiree's
eligibility, the subsidy register of a year and the 七一 / 春节 visits missed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet

from zugong.core.errors import NotFound
from zugong.core.jurisdiction import Jurisdiction, scope
from zugong.core.orgtree import ancestor_paths
from zugong.fieldwork.festivals import JULY_FIRST, LABELS, SPRING, occasion_day, window
from zugong.fieldwork.models import CareVisit, RetiredVillageCadre, SubsidyPayment, SubsidyRule


def retirees_visible(jurisdiction: Jurisdiction) -> QuerySet[RetiredVillageCadre]:
    return scope(RetiredVillageCadre.objects.all(), jurisdiction, "village").select_related("village__parent")


def retiree_get(jurisdiction: Jurisdiction, pk: int) -> RetiredVillageCadre:
    retiree = retirees_visible(jurisdiction).filter(pk=pk).first()
    if retiree is None:
        raise NotFound("未找到该离任村干部，或不在您的管辖范围内")
    return retiree


def rules_visible(jurisdiction: Jurisdiction) -> QuerySet[SubsidyRule]:
    """The subsidy rules set at units in sight, newest first per unit."""
    return scope(SubsidyRule.objects.all(), jurisdiction).select_related("org_unit").order_by("org_unit__path",
                                                                                               "-valid_from")


def years_served(retiree: RetiredVillageCadre) -> int:
    """Whole years from taking up the post to leaving it."""
    start, end = retiree.served_from, retiree.left_on
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def subsidy_rule_for(retiree: RetiredVillageCadre, on: date) -> SubsidyRule | None:
    """The lowest level's newest rule in force on `on` at the retiree's village or above."""
    return (SubsidyRule.objects.filter(org_unit__path__in=ancestor_paths(retiree.village.path), valid_from__lte=on)
            .order_by("-org_unit__depth", "-valid_from").first())


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reason: str
    amount: Decimal


def eligibility(retiree: RetiredVillageCadre, on: date) -> Eligibility:
    return judge(retiree, subsidy_rule_for(retiree, on))


def eligibilities(retirees: list[RetiredVillageCadre], on: date) -> list[Eligibility]:
    """Each retiree's eligibility, the rules read once for all of them (a page of the register)."""
    paths = {p for r in retirees for p in ancestor_paths(r.village.path)}
    rules = sorted(SubsidyRule.objects.filter(org_unit__path__in=paths, valid_from__lte=on).select_related("org_unit"),
                   key=lambda rule: (rule.org_unit.depth, rule.valid_from), reverse=True)
    return [judge(r, next((rule for rule in rules if r.village.path.startswith(rule.org_unit.path)), None))
            for r in retirees]


def judge(retiree: RetiredVillageCadre, rule: SubsidyRule | None) -> Eligibility:
    if rule is None:
        return Eligibility(False, "本地尚未设定生活补贴条件", Decimal(0))
    served = years_served(retiree)
    posts = [p.strip() for p in rule.posts.replace("，", ",").split(",") if p.strip()]
    if posts and not any(p in retiree.posts for p in posts):
        return Eligibility(False, f"未担任{'、'.join(posts)}", Decimal(0))
    if served < rule.min_years:
        return Eligibility(False, f"任职 {served} 年，不足 {rule.min_years} 年", Decimal(0))
    return Eligibility(True, f"任职 {served} 年，符合条件", rule.yearly_amount)


def subsidies_of_year(jurisdiction: Jurisdiction, year: int) -> QuerySet[SubsidyPayment]:
    return (scope(SubsidyPayment.objects.all(), jurisdiction, "retiree__village").filter(year=year)
            .select_related("retiree__village"))


@dataclass(frozen=True)
class MissedVisit:
    retiree: RetiredVillageCadre
    occasion: str
    label: str
    occasion_date: date


def missed_visits(jurisdiction: Jurisdiction, year: int, on: date) -> list[MissedVisit]:
    """Retirees on the register not visited at the year's 七一 or 春节 whose visiting window has closed by
    `on`: one query per occasion."""
    missed: list[MissedVisit] = []
    for occasion in (SPRING, JULY_FIRST):
        day = occasion_day(occasion, year)
        if window(occasion, year)[1] >= on:
            continue
        visited = CareVisit.objects.filter(retiree=OuterRef("pk"), occasion=occasion, occasion_date=day)
        rows = (retirees_visible(jurisdiction).filter(Q(left_on__lt=day), is_active=True)
                .filter(~Exists(visited)).order_by("village__path", "name")[:500])
        missed.extend(MissedVisit(r, occasion, LABELS[occasion], day) for r in rows)
    return missed
