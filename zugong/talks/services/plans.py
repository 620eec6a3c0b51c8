"""The annual talk plan (R04): every 副科级以上 leading cadre of the jurisdiction, each assigned a talker
by the pairing rules (first matching rule by priority)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from zugong.cadres.models import PostHolding
from zugong.core.audit import audit_record
from zugong.core.errors import ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import OrgUnit
from zugong.core.orgtree import ancestor_paths, subtree_q
from zugong.core.permissions import Actor, require
from zugong.talks.locks import lock_plan
from zugong.talks.models import PairingRule, TalkPlan, TalkPlanItem
from zugong.talks.roster import leading_holdings


def _csv(raw: str) -> list[str]:
    return [part.strip() for part in raw.replace("，", ",").split(",") if part.strip()]


@dataclass(frozen=True)
class CompiledRule:
    rule: PairingRule
    kinds: frozenset[str]
    keywords: tuple[str, ...]
    excluded: tuple[str, ...]
    unit_paths: tuple[str, ...]

    def matches(self, holding: PostHolding) -> bool:
        unit = holding.org_unit
        if self.kinds and unit.kind not in self.kinds:
            return False
        if self.keywords and not any(k in holding.title for k in self.keywords):
            return False
        if any(k in holding.title for k in self.excluded):
            return False
        return not self.unit_paths or any(unit.path.startswith(p) for p in self.unit_paths)


def compile_rules(org_unit: OrgUnit) -> list[CompiledRule]:
    """Rules set at `org_unit` or above it (a province-wide rule applies in each county)."""
    rules = (PairingRule.objects.filter(org_unit__path__in=ancestor_paths(org_unit.path), talker__active=True)
             .select_related("talker").prefetch_related("units").order_by("priority", "pk"))
    compiled = []
    for r in rules:
        words = _csv(r.title_keywords)
        compiled.append(CompiledRule(
            rule=r, kinds=frozenset(_csv(r.unit_kinds)), keywords=tuple(w for w in words if not w.startswith("!")),
            excluded=tuple(w[1:] for w in words if w.startswith("!") and len(w) > 1),
            unit_paths=tuple(u.path for u in r.units.all())))
    return compiled


def assign(holding: PostHolding, rules: list[CompiledRule]) -> PairingRule | None:
    return next((c.rule for c in rules if c.matches(holding)), None)


def plan_as_of(year: int) -> date:
    """The roster day of a plan: today within the year, else the year's first or last day."""
    today = timezone.localdate()
    return min(max(today, date(year, 1, 1)), date(year, 12, 31))


@dataclass(frozen=True)
class PlanResult:
    plan: TalkPlan
    created: int
    removed: int
    unassigned: int


@transaction.atomic
def talk_plan_generate(*, actor: Actor, jurisdiction: Jurisdiction, year: int, org_unit: OrgUnit,
                       on: date | None = None) -> PlanResult:
    """Create or refresh the plan: new roster members are added, those who left are removed, and
    every item's talker follows the current rules. Regenerating is idempotent."""
    if not 2000 <= year <= 2100:
        raise ValidationFailed("年度无效", field="year")
    require(jurisdiction, "talks.talk_plan_generate", org_unit)
    as_of = on or plan_as_of(year)
    plan = lock_plan(TalkPlan.objects.get_or_create(org_unit=org_unit, year=year)[0].pk)  # one generator at a time
    rules = compile_rules(org_unit)
    existing = {item.talkee_id: item for item in plan.items.all()}
    seen: set[int] = set()
    created = unassigned = 0
    for holding in leading_holdings(org_unit, as_of):
        if holding.cadre_id in seen:
            continue  # a cadre with two leading posts is talked with once; the newest post decides
        seen.add(holding.cadre_id)
        rule = assign(holding, rules)
        unassigned += rule is None
        fields = {"talker": rule.talker if rule else None, "rule": rule, "talkee_unit": holding.org_unit,
                  "talkee_title": holding.title, "due_on": date(year, 12, 31)}
        item = existing.get(holding.cadre_id)
        if item is None:
            TalkPlanItem.objects.create(plan=plan, talkee=holding.cadre, **fields)
            created += 1
        else:
            for name, value in fields.items():
                setattr(item, name, value)
            item.save(update_fields=list(fields))
    removed_ids = [pk for cadre_id, item in existing.items() if cadre_id not in seen for pk in [item.pk]]
    TalkPlanItem.objects.filter(pk__in=removed_ids).delete()
    plan.generated_at = timezone.now()
    plan.save(update_fields=["generated_at"])
    audit_record(actor=actor, action="talks.talk_plan_generate", obj=plan, org_unit=org_unit, summary={
        "year": year, "as_of": as_of.isoformat(), "items": len(seen), "created": created,
        "removed": len(removed_ids), "unassigned": unassigned})
    return PlanResult(plan=plan, created=created, removed=len(removed_ids), unassigned=unassigned)


@transaction.atomic
def pairing_rule_create(
    *, actor: Actor, jurisdiction: Jurisdiction, org_unit: OrgUnit, talker_id: int, priority: int,
    unit_kinds: str = "", title_keywords: str = "", unit_ids: list[int] | None = None, description: str = "",
) -> PairingRule:
    require(jurisdiction, "talks.pairing_rule_create", org_unit)
    rule = PairingRule.objects.create(org_unit=org_unit, talker_id=talker_id, priority=priority,
                                      unit_kinds=unit_kinds, title_keywords=title_keywords,
                                      description=description)
    if unit_ids:
        units = OrgUnit.objects.filter(subtree_q(org_unit.path), pk__in=unit_ids)
        rule.units.set(units)
    audit_record(actor=actor, action="talks.pairing_rule_create", obj=rule, org_unit=org_unit, summary={
        "talker": talker_id, "priority": priority, "unit_kinds": unit_kinds, "title_keywords": title_keywords,
        "units": unit_ids or []})
    return rule
