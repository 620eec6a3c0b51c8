"""Writes of the rules app: parameter overrides, switching a rule off for a jurisdiction, the inbox."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from zugong.core.audit import audit_record
from zugong.core.errors import Conflict, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import OrgUnit
from zugong.core.permissions import Actor, require
from zugong.rules.locks import lock_rule
from zugong.rules.models import Notification, Rule, RuleVersion
from zugong.rules.params import validate_params
from zugong.rules.versions import ancestor_paths, deep_merge, in_force_q, merge_versions


def _parent_chain(rule: Rule, org_unit: OrgUnit, on: date) -> list[RuleVersion]:
    parents = ancestor_paths(org_unit.path)[:-1]
    versions = RuleVersion.objects.filter(in_force_q(on), Q(scope__isnull=True) | Q(scope__path__in=parents),
                                          rule=rule).select_related("scope")
    return sorted(versions, key=lambda v: len(v.scope.path) if v.scope else -1)


@transaction.atomic
def rule_override_set(
    *, actor: Actor, jurisdiction: Jurisdiction, code: str, org_unit: OrgUnit, valid_from: date,
    params: dict[str, Any], enabled: bool | None = None, note: str = "",
) -> RuleVersion:
    """Set parameters of rule `code` for `org_unit`'s subtree from `valid_from` on.

    Only the given parameters are overridden (the others follow the level above); the override at
    the same level that was in force closes on `valid_from`.
    """
    require(jurisdiction, "rules.rule_override_set", org_unit)
    rule = lock_rule(code)
    same_level = RuleVersion.objects.filter(rule=rule, scope=org_unit)
    later = same_level.filter(valid_from__gte=valid_from).order_by("valid_from").first()
    if later is not None:
        raise Conflict(f"该组织自 {later.valid_from:%Y-%m-%d} 起已有制度参数版本，不能设置更早或同日生效的版本")
    current = same_level.filter(in_force_q(valid_from)).first()
    own = deep_merge(current.params if current else {}, params)
    merged = merge_versions(rule.code, _parent_chain(rule, org_unit, valid_from))
    validate_params(rule.code, deep_merge(merged.params, own))
    if enabled is None:
        enabled = current.enabled if current else merged.enabled
    if current is not None:
        current.valid_to = valid_from
        current.save(update_fields=["valid_to"])
    version = RuleVersion.objects.create(rule=rule, scope=org_unit, valid_from=valid_from, params=own,
                                         enabled=enabled, note=note[:200], created_by=actor)
    audit_record(actor=actor, action="rules.rule_override_set", obj=version, org_unit=org_unit,
                 summary={"rule": rule.code, "valid_from": valid_from.isoformat(), "params": params,
                          "enabled": enabled})
    return version


def rule_disable(*, actor: Actor, jurisdiction: Jurisdiction, code: str, org_unit: OrgUnit, valid_from: date,
                 note: str = "") -> RuleVersion:
    """Switch rule `code` off for `org_unit`'s subtree from `valid_from` on."""
    if not note.strip():
        raise ValidationFailed("停用制度须说明理由", field="note")
    return rule_override_set(actor=actor, jurisdiction=jurisdiction, code=code, org_unit=org_unit,
                             valid_from=valid_from, params={}, enabled=False, note=note)


def rule_enable(*, actor: Actor, jurisdiction: Jurisdiction, code: str, org_unit: OrgUnit, valid_from: date,
                note: str = "") -> RuleVersion:
    return rule_override_set(actor=actor, jurisdiction=jurisdiction, code=code, org_unit=org_unit,
                             valid_from=valid_from, params={}, enabled=True, note=note)


@transaction.atomic
def notifications_mark_read(*, actor: User, jurisdiction: Jurisdiction) -> int:
    """Mark all of the actor's own unread notices read; returns how many."""
    require(jurisdiction, "rules.notifications_mark_read")
    count = Notification.objects.filter(user_id=actor.pk, read_at__isnull=True).update(read_at=timezone.now())
    if count:
        audit_record(actor=actor, action="rules.notifications_mark_read", object_type="rules.notification",
                     object_id=str(actor.pk), summary={"count": count})
    return count
