"""Row locks of the rules app: each returns the locked row, which the service then uses."""

from __future__ import annotations

from zugong.core.errors import NotFound
from zugong.rules.models import Rule


def lock_rule(code: str) -> Rule:
    """Serialise version changes of one rule (two admins setting overrides at once).

    `of=("self",)` locks only the rule row; the versions themselves are never edited except to close
    them, and every such write first takes this lock.
    """
    rule = Rule.objects.select_for_update(of=("self",)).filter(code=code).order_by("pk").first()
    if rule is None:
        raise NotFound(f"制度 {code} 不存在")
    return rule
