"""Reads of the rules app, every user-facing one scoped to the jurisdiction."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Substr
from django.utils.translation import gettext

from zugong.core.errors import NotFound
from zugong.core.jurisdiction import Jurisdiction, scope
from zugong.core.models import PATH_SEGMENT_WIDTH, OrgUnit
from zugong.rules.models import Finding, FindingStatus, Notification, Rule, RuleVersion
from zugong.rules.params import ParamField
from zugong.rules.registry import is_wired
from zugong.rules.subjects import subject_name
from zugong.rules.summary_cache import counted
from zugong.rules.versions import ancestor_paths, in_force_q, params_in_force

SEVERITY = Case(
    *(When(status=s, then=Value(i)) for i, s in enumerate(
        ["violated", "overdue", "due_soon", "pending", "no_data_source", "compliant"])),
    output_field=IntegerField(),
)
ASSESSED = (FindingStatus.COMPLIANT, FindingStatus.DUE_SOON, FindingStatus.OVERDUE, FindingStatus.VIOLATED)


def version_row(version: RuleVersion) -> dict[str, Any]:
    return {
        "scope": version.scope.name if version.scope else None,
        "scope_id": version.scope_id,
        "valid_from": version.valid_from.isoformat(),
        "valid_to": version.valid_to.isoformat() if version.valid_to else None,
        "enabled": version.enabled,
        "params": version.params,
        "note": version.note,
    }


def register_rows(*, on: date, jurisdiction: Jurisdiction | None = None) -> list[dict[str, Any]]:
    """The register with every version (or, for a user, the versions that concern their jurisdiction)."""
    versions = RuleVersion.objects.select_related("scope", "rule").order_by("rule__code", "scope__path", "valid_from")
    if jurisdiction is not None and not jurisdiction.is_superuser:
        above = {p for root in jurisdiction.paths for p in ancestor_paths(root)}
        versions = versions.filter(Q(scope__isnull=True) | Q(scope__path__in=above) | jurisdiction.org_q("scope__"))
    by_rule: dict[int, list[RuleVersion]] = defaultdict(list)
    for version in versions:
        by_rule[version.rule_id].append(version)
    rows = []
    for rule in Rule.objects.order_by("code"):
        default = next((v for v in by_rule[rule.pk] if v.scope_id is None and v.valid_from <= on
                        and (v.valid_to is None or v.valid_to > on)), None)
        rows.append({
            "code": rule.code, "title": rule.title, "kind": rule.kind, "seed": rule.seed,
            "description": rule.description, "has_source": is_wired(rule.code),
            "default_params": default.params if default else {},
            "versions": [version_row(v) for v in by_rule[rule.pk]],
        })
    return rows


def findings_for(jurisdiction: Jurisdiction, *, rule: str | None = None, org: OrgUnit | None = None,
                 status: str | None = None, period_start: date | None = None) -> QuerySet[Finding]:
    rows = scope(Finding.objects.select_related("rule", "org_unit").annotate(subject_name=subject_name()), jurisdiction)
    if rule:
        rows = rows.filter(rule__code=rule)
    if org is not None:
        rows = rows.filter(org_unit__path__gte=org.path, org_unit__path__lt=org.path_upper)
    if status:
        rows = rows.filter(status=status)
    if period_start is not None:
        rows = rows.filter(period_start=period_start)
    return rows.order_by("rule__code", "-period_start", "org_unit__path", "subject_label")


def org_for(jurisdiction: Jurisdiction, ref: str | int | None) -> OrgUnit | None:
    """An org unit in the jurisdiction by id or division code; 404 when unknown or out of sight."""
    if ref in (None, ""):
        return None
    text = str(ref)
    query = Q(division_code=text) | Q(pk=int(text)) if text.isdigit() and len(text) < 9 else Q(division_code=text)
    unit = scope(OrgUnit.objects.filter(query), jurisdiction, org_field="").order_by("depth").first()
    if unit is None:
        raise NotFound("组织不存在，或不在您的管辖范围内")
    return unit


@dataclass
class Rate:
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def assessed(self) -> int:
        return sum(self.counts.get(s, 0) for s in ASSESSED)

    @property
    def rate(self) -> float | None:
        return round(100 * self.counts.get(FindingStatus.COMPLIANT, 0) / self.assessed, 1) if self.assessed else None

    def get(self, status: str) -> int:
        return self.counts.get(status, 0)


@dataclass
class RuleSummary:
    rule: Rule
    period_start: date | None = None
    period_end: date | None = None
    rate: Rate = field(default_factory=Rate)
    trend: list[tuple[date, Rate]] = field(default_factory=list)
    has_source: bool = False

    @property
    def period_starts(self) -> list[date]:
        """The headline period and the trend's, latest first (the rule page's choice of period)."""
        starts = {start for start, _rate in self.trend}
        if self.period_start is not None:
            starts.add(self.period_start)
        return sorted(starts, reverse=True)


def summaries(jurisdiction: Jurisdiction, *, org: OrgUnit | None, today: date, periods: int = 12,
              rule: Rule | None = None) -> list[RuleSummary]:
    """Each evaluated rule's (or one rule's) rate in its latest closed period (or the running one) and its trend."""
    rows = counted(("summaries", jurisdiction.paths, rule.code if rule else None, org.pk if org else None),
                   lambda: list(findings_for(jurisdiction, rule=rule.code if rule else None, org=org).order_by()
                                .values("rule_id", "period_start", "period_end", "status").annotate(n=Count("id"))))
    by_rule: dict[int, dict[tuple[date, date], Rate]] = defaultdict(lambda: defaultdict(Rate))
    for row in rows:
        by_rule[row["rule_id"]][(row["period_start"], row["period_end"])].counts[row["status"]] = row["n"]
    rules = [rule] if rule is not None else list(Rule.objects.order_by("code"))
    return [_summary(each, by_rule.get(each.pk, {}), today=today, periods=periods) for each in rules]


def _summary(rule: Rule, found: dict[tuple[date, date], Rate], *, today: date, periods: int) -> RuleSummary:
    """Headline the period running today (its pending findings counted apart, not in the rate); without
    findings for it, the latest judged period. The trend is the closed periods."""
    item = RuleSummary(rule=rule, has_source=is_wired(rule.code))
    if found:
        keys = sorted(found)
        current = [k for k in keys if k[0] <= today <= k[1]]
        assessed = [k for k in keys if found[k].assessed] or keys
        chosen = current[-1] if current else ([k for k in assessed if k[1] < today] or assessed)[-1]
        item.period_start, item.period_end = chosen
        item.rate = found[chosen]
        item.trend = [(start, found[(start, end)]) for start, end in keys if end < today][-periods:]
    return item


def summary_of(jurisdiction: Jurisdiction, *, rule: Rule, org: OrgUnit | None, today: date) -> RuleSummary:
    return summaries(jurisdiction, org=org, today=today, rule=rule)[0]


@dataclass
class DrillRow:
    unit: OrgUnit | None
    label: str
    rate: Rate


def drilldown(jurisdiction: Jurisdiction, *, rule: Rule, org: OrgUnit | None, period_start: date) -> list[DrillRow]:
    """Rates of the rule in the period for each unit one level below `org` (the jurisdiction roots)."""
    base = findings_for(jurisdiction, rule=rule.code, org=org, period_start=period_start).order_by()
    if org is None:
        roots = list(scope(OrgUnit.objects.filter(path__in=jurisdiction.paths), jurisdiction, org_field="")) \
            if not jurisdiction.is_superuser else list(OrgUnit.objects.filter(parent__isnull=True))
        width = min((len(u.path) for u in roots), default=PATH_SEGMENT_WIDTH + 1)
    else:
        width = len(org.path) + PATH_SEGMENT_WIDTH + 1
    rows = counted(("drilldown", jurisdiction.paths, rule.code, org.pk if org else None, period_start, width),
                   lambda: list(base.annotate(prefix=Substr("org_unit__path", 1, width))
                                .values("prefix", "status").annotate(n=Count("id"))))
    rates: dict[str, Rate] = defaultdict(Rate)
    for row in rows:
        rates[row["prefix"]].counts[row["status"]] = row["n"]
    units = {u.path: u for u in OrgUnit.objects.filter(path__in=list(rates))}
    result = []
    for prefix in sorted(rates):
        unit = units.get(prefix)
        own = org is not None and unit is not None and unit.pk == org.pk
        result.append(DrillRow(unit=None if own else unit, label=(gettext("本级") if own else unit.name if unit else prefix),
                               rate=rates[prefix]))
    return result


def findings_worst_first(jurisdiction: Jurisdiction, *, rule: Rule, org: OrgUnit | None,
                         period_start: date) -> QuerySet[Finding]:
    """The subjects of one rule and period, worst status first (the drill-down's subject list)."""
    return (findings_for(jurisdiction, rule=rule.code, org=org, period_start=period_start)
            .order_by(SEVERITY, "org_unit__path", "subject_label"))


def org_chain(jurisdiction: Jurisdiction, org: OrgUnit | None) -> list[OrgUnit]:
    """`org` and its ancestors that the jurisdiction holds, top first (the drill-down's way back up)."""
    if org is None:
        return []
    chain = scope(OrgUnit.objects.filter(path__in=ancestor_paths(org.path)), jurisdiction, org_field="")
    return list(chain.order_by("depth", "path"))


@dataclass(frozen=True)
class ParamRow:
    name: str
    title: str
    value: Any

    @property
    def shown(self) -> Any:
        """The value as a page shows it: 10 rather than 10.0, a list as 七一、春节 (booleans: the template)."""
        if isinstance(self.value, float) and self.value.is_integer():
            return int(self.value)
        if isinstance(self.value, list):
            return "、".join(str(item) for item in self.value)
        return self.value


def params_in_force_rows(rule: Rule, *, org: OrgUnit | None, on: date,
                         fields: Sequence[ParamField]) -> list[ParamRow]:
    """The rule's parameters in force at `org` on `on` (one query), one row per parameter."""
    params = params_in_force(rule.code, org_unit=org, on=on).params
    return [ParamRow(f.name, f.title, _dotted(params, f.name)) for f in fields]


def _dotted(params: dict[str, Any], name: str) -> Any:
    value: Any = params
    for part in name.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def notifications_for(jurisdiction: Jurisdiction, user_id: int) -> QuerySet[Notification]:
    """The user's notices about units they can still see (a notice whose unit left their jurisdiction, e.g.
    after a transfer, would link to a page that no longer opens)."""
    return scope(Notification.objects.filter(user_id=user_id).select_related("rule", "org_unit"), jurisdiction)


def rule_get(code: str) -> Rule:
    rule = Rule.objects.filter(code=code.upper()).first()
    if rule is None:
        raise NotFound(f"制度 {code} 不存在")
    return rule


def version_in_force(rule: Rule, on: date) -> RuleVersion | None:
    return RuleVersion.objects.filter(in_force_q(on), rule=rule, scope__isnull=True).first()


def overdue_by_rule(jurisdiction: Jurisdiction, *, limit: int = 5) -> list[tuple[str, str, int]]:
    """(code, title, count) of the rules with the most overdue findings in the jurisdiction (one query)."""
    rows = (findings_for(jurisdiction, status=FindingStatus.OVERDUE).order_by()
            .values("rule__code", "rule__title").annotate(n=Count("id")).order_by("-n", "rule__code")[:limit])
    return [(row["rule__code"], row["rule__title"], row["n"]) for row in rows]
