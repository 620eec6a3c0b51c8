"""Evaluation: turn the register, the versions in force and the registered sources into findings.

`evaluate()` replaces, for each evaluated rule, the findings of the periods it evaluates within the
org subtree asked for — running it twice gives the same findings (idempotent). Each rule and period
is evaluated with the version in force on the last day evaluated (the `as_of` day for the running
period), region by region where a lower level has overridden the parameters.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import FieldError
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from zugong.core.audit import audit_record
from zugong.core.errors import NotFound
from zugong.core.jurisdiction import Jurisdiction, minimal_roots
from zugong.core.models import OrgUnit
from zugong.core.orgtree import subtree_q
from zugong.core.permissions import SYSTEM, Actor, require
from zugong.rules import digests
from zugong.rules.kinds.aggregate import JobCounts, evaluate_aggregate, replaces_its_findings
from zugong.rules.kinds.deadline import evaluate_deadline
from zugong.rules.kinds.periods import Period, period_containing
from zugong.rules.kinds.region import Job, Region
from zugong.rules.models import EVALUATED_KINDS, Finding, FindingStatus, Rule, RuleKind, RuleVersion
from zugong.rules.registry import (
    DeadlineSource,
    Source,
    cap_registered,
    gate_registered,
    sources_for,
)
from zugong.rules.reminders import NOTIFY_STATUSES, notify_changes
from zugong.rules.summary_cache import findings_changed
from zugong.rules.versions import in_force_q, merge_versions

COUNTED = ("compliant", "due_soon", "overdue", "violated")
SOURCE_ERRORS = (ValueError, TypeError, KeyError, AttributeError, FieldError, DatabaseError)
logger = logging.getLogger(__name__)


@dataclass
class RuleReport:
    code: str
    status: str
    subjects: int = 0
    compliant: int = 0
    due_soon: int = 0
    overdue: int = 0
    violated: int = 0
    pending: int = 0
    message: str = ""


@dataclass
class EvaluationReport:
    as_of: date
    rules: list[RuleReport] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        keys = ("code", "status", "subjects", *COUNTED)
        return {"as_of": self.as_of.isoformat(),
                "rules": [{k: asdict(r)[k] for k in keys} for r in self.rules]}


def _depth(version: RuleVersion) -> int:
    return len(version.scope.path) if version.scope is not None else -1


def _in_force(version: RuleVersion, on: date) -> bool:
    return version.valid_from <= on and (version.valid_to is None or version.valid_to > on)


def regions_for(rule: Rule, root_path: str, on: date, loaded: list[RuleVersion] | None = None) -> list[Region]:
    """The regions of the subtree at `root_path` with their own parameters on `on` (root region first), from
    the rule's versions `loaded` with their scope (read here when not given)."""
    if loaded is None:
        versions = list(RuleVersion.objects.filter(in_force_q(on), rule=rule).select_related("scope"))
    else:
        versions = [v for v in loaded if _in_force(v, on)]
    chain = sorted((v for v in versions if v.scope is None or root_path.startswith(v.scope.path)), key=_depth)
    below = sorted((v for v in versions if v.scope is not None and v.scope.path.startswith(root_path)
                    and v.scope.path != root_path), key=_depth)

    def region(path: str, own: list[RuleVersion]) -> Region:
        deeper = minimal_roots(v.scope.path for v in below if v.scope is not None
                               and v.scope.path.startswith(path) and v.scope.path != path)
        merged = merge_versions(rule.code, chain + own)
        return Region(root_path=path, exclude_paths=deeper, params=merged.params,
                      version_id=merged.version_id, enabled=merged.enabled)

    regions = [region(root_path, [])]
    for version in below:
        assert version.scope is not None
        path = version.scope.path
        own = [v for v in below if v.scope is not None and path.startswith(v.scope.path)]
        regions.append(region(path, own))
    return regions


def _part_params(params: dict[str, Any], part: str) -> dict[str, Any]:
    return dict(params[part]) if part else params


def _scope_q(root_path: str) -> Q:
    return subtree_q(root_path, "org_unit__") if root_path else Q()


def _run_job(job: Job, source: Source, kind: str) -> JobCounts:
    if not job.region.enabled or not replaces_its_findings():
        with digests.engine_writing():
            digests.forget(job.rule_id, part=job.part, period_start=job.period.start, region=job.region)
            Finding.objects.filter(job.region.org_q("org_unit__"), rule_id=job.rule_id, part=job.part,
                                   period_start=job.period.start).delete()
    if not job.region.enabled:
        return JobCounts({})
    if isinstance(source, DeadlineSource):
        return evaluate_deadline(job, source)
    return evaluate_aggregate(job, source, kind)


def _evaluate_source(rule: Rule, source: Source, root_path: str, as_of: date, periods: int | date,
                     now: datetime, counts: Counter[str], written: set[str],
                     versions: list[RuleVersion]) -> tuple[set[date], bool, bool]:
    """Run the jobs of one source; add its findings, by status, to `counts` and the statuses of the findings
    it wrote to `written`; return the periods' starts, whether any region is enabled and whether any job changed
    a finding (one that found its findings stored as they are did not).

    `periods` is a number of periods, or a date: every period of the source's own length from the one
    containing `as_of` back to the one containing that date (a year back: 13 months, 5 quarters, 2 years)."""
    day = as_of
    starts: set[date] = set()
    any_enabled = False
    changed = False
    done = 0
    while (day >= periods) if isinstance(periods, date) else (done < periods):
        done += 1
        root_period: Period | None = None
        for region in regions_for(rule, root_path, day, versions):
            params = _part_params(region.params, source.part)
            period = period_containing(params.get("period", "month"), day)
            root_period = root_period or period
            any_enabled = any_enabled or region.enabled
            starts.add(period.start)
            job = Job(rule_id=rule.pk, code=rule.code, part=source.part, region=region, period=period,
                      as_of=as_of, evaluated_at=now, params=params)
            result = _run_job(job, source, rule.kind)
            counts.update(result)
            written |= result.written
            changed = changed or not result.unchanged
        assert root_period is not None
        day = root_period.start - timedelta(days=1)
    return starts, any_enabled, changed


def _no_data_source(rule: Rule, org_unit: OrgUnit | None, as_of: date, now: datetime) -> None:
    root_path = org_unit.path if org_unit else ""
    period = period_containing("month", as_of)
    with digests.engine_writing():
        digests.forget(rule.pk)
        Finding.objects.filter(_scope_q(root_path), rule=rule, period_start=period.start).delete()
    units = [org_unit] if org_unit else list(OrgUnit.objects.filter(parent__isnull=True))
    Finding.objects.bulk_create([
        Finding(rule=rule, part="", period_start=period.start, period_end=period.end,
                subject_type="core.orgunit", subject_id=str(unit.pk), subject_label=unit.name, org_unit=unit,
                status=FindingStatus.NO_DATA_SOURCE, detail="尚无数据来源：负责该制度的业务模块尚未登记数据", evaluated_at=now)
        for unit in units
    ])


def _report(code: str, counts: Counter[str], enabled: bool) -> RuleReport:
    report = RuleReport(code=code, status="disabled")
    report.subjects = sum(counts.values())
    for status in (*COUNTED, "pending"):
        setattr(report, status, counts.get(status, 0))
    if enabled:
        worst = next((s for s in ("violated", "overdue", "due_soon") if counts.get(s)), "compliant")
        report.status = worst if report.subjects else "no_subjects"
    return report


def _evaluate_rule(rule: Rule, org_unit: OrgUnit | None, as_of: date, periods: int | date,
                   versions: list[RuleVersion]) -> tuple[RuleReport, bool]:
    """Evaluate one rule; the caller holds the transaction. Return its report and whether a finding changed."""
    now = timezone.now()
    root_path = org_unit.path if org_unit else ""
    sources = sources_for(rule.code)
    if not sources:
        _no_data_source(rule, org_unit, as_of, now)
        return RuleReport(code=rule.code, status=FindingStatus.NO_DATA_SOURCE), True
    starts: set[date] = set()
    enabled = False
    changed = False
    counts: Counter[str] = Counter()
    written: set[str] = set()
    for source in sources:
        source_starts, source_enabled, source_changed = _evaluate_source(rule, source, root_path, as_of, periods,
                                                                         now, counts, written, versions)
        starts |= source_starts
        enabled = enabled or source_enabled
        changed = changed or source_changed
    # A notice is due only when a finding became due soon or overdue: a re-evaluation that wrote none (on
    # PostgreSQL the findings that did not change are not rewritten) has nobody new to notify.
    if written & set(NOTIFY_STATUSES):
        notify_changes(rule=rule, period_starts=starts, root_path=root_path)
    return _report(rule.code, counts, enabled), changed


def evaluate(*, as_of: date, org_unit: OrgUnit | None = None, rule: str | None = None, periods: int = 2,
             since: date | None = None, actor: Actor = None, jurisdiction: Jurisdiction = SYSTEM) -> EvaluationReport:
    """Evaluate the register (or one rule) for the periods around `as_of` within `org_unit`'s subtree.

    `periods` is how many periods are evaluated, going back from the one containing `as_of`
    (2: the running period and the one just closed). `since` instead evaluates each rule for its own
    periods back to the one containing that day, so a yearly rule is not evaluated for 12 years when a
    monthly one is for 12 months (the demo). The scheduler, the command and the demo run it
    as the system (`actor=None`, `jurisdiction=SYSTEM`, the defaults); a person needs `rules.evaluate`
    at `org_unit`.
    """
    require(jurisdiction, "rules.evaluate", org_unit)
    rules, versions = _rules_and_versions(rule)
    report = EvaluationReport(as_of=as_of)
    span = since if since is not None else periods
    summary = {"as_of": as_of.isoformat(), "periods": periods, "rules": len(rules),
               **({"since": since.isoformat()} if since is not None else {})}

    def audit() -> None:
        audit_record(actor=actor, action="rules.evaluate", object_type="rules.rule", object_id=rule or "*",
                     org_unit=org_unit, summary=summary)

    audited = False
    changed = False
    for item in rules:
        if item.kind not in EVALUATED_KINDS:
            report.rules.append(RuleReport(code=item.code, status=_service_status(item)))
            continue
        try:
            with transaction.atomic():
                _begin(item, actor)
                rule_report, rule_changed = _evaluate_rule(item, org_unit, as_of, span, versions[item.pk])
                report.rules.append(rule_report)
                if len(rules) == 1:
                    # One rule: its audit event goes into its transaction (one commit, not two).
                    audit()
                    audited = True
            changed = changed or rule_changed
        except SOURCE_ERRORS as exc:
            # A broken source of one module must not stop the register; its rule reports the error.
            logger.exception("rule %s could not be evaluated", item.code)
            report.rules.append(RuleReport(code=item.code, status="error", message=str(exc)[:300]))
    if not audited:
        with transaction.atomic():
            audit()
    if changed:
        findings_changed()  # the dashboards' kept counts are stale (summary_cache); not when every job was unchanged
    return report


_EVALUATION_LOCK = 7_202_605  # advisory lock namespace: (this, rule id) serialises evaluations of one rule


def _begin(rule: Rule, actor: Actor) -> None:
    """PostgreSQL, in the rule's transaction, one round trip:

    - one evaluation of a rule at a time (the daily one and a job on demand, on any app server): the second
      waits for the first to commit, then diffs against its findings and digests — two at once would both
      insert what neither saw stored;
    - the system's evaluation commits without waiting for its WAL flush (`synchronous_commit = off` for this
      transaction only): what it writes is derived data — findings, their notices and the evaluation's audit
      event, all or nothing —, which a crash in the next fraction of a second would lose whole, as if the
      evaluation had not run, and the next one recomputes. Any later synchronous commit makes it durable. A
      person's evaluation (`actor` given) stays synchronous."""
    if connection.vendor != "postgresql":
        return
    relax = ", set_config('synchronous_commit', 'off', true)" if actor is None else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_advisory_xact_lock(%s, %s){relax}", [_EVALUATION_LOCK, rule.pk])


def _rules_and_versions(code: str | None) -> tuple[list[Rule], dict[int, list[RuleVersion]]]:
    """The rules to evaluate and all their versions with their scope (filtered by day in Python): one query
    for one rule (the rule comes with its versions), two for the register."""
    versions: dict[int, list[RuleVersion]] = defaultdict(list)
    if code is not None:
        loaded = list(RuleVersion.objects.filter(rule__code=code).select_related("rule", "scope"))
        rules = [loaded[0].rule] if loaded else list(Rule.objects.filter(code=code))
        if not rules:
            raise NotFound(f"制度 {code} 不存在")
        versions[rules[0].pk] = loaded
        return rules, versions
    rules = list(Rule.objects.filter(kind__in=EVALUATED_KINDS).order_by("code"))
    for version in RuleVersion.objects.filter(rule__kind__in=EVALUATED_KINDS).select_related("scope"):
        versions[version.rule_id].append(version)
    return rules, versions


def _service_status(rule: Rule) -> str:
    """Gates and caps are enforced by services, not evaluated; workflow/computed rules by their module."""
    if rule.kind == RuleKind.GATE:
        return "enforced" if gate_registered(rule.code) else FindingStatus.NO_DATA_SOURCE
    if rule.kind == RuleKind.CAP:
        return "enforced" if cap_registered(rule.code) else FindingStatus.NO_DATA_SOURCE
    return "not_evaluated"
