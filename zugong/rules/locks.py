"""Row locks of the rules app."""

from __future__ import annotations

from zugong.rules.models import Rule


def lock_rule(rule: Rule) -> Rule:
    """Serialise version changes of one rule (two admins setting overrides at once)."""
    return Rule.objects.select_for_update().get(pk=rule.pk)
