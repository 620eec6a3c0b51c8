"""Template context for the UI shell: navigation and the jurisdiction switcher."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from zugong.core.middleware import ACTIVE_MEMBERSHIP_KEY
from zugong.core.models import Membership
from zugong.core.nav import menu_for


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": [], "nav": [], "memberships": []}
    menu = menu_for(request.jurisdiction, request.path)  # type: ignore[attr-defined]
    active = next(((g, e) for g in menu for e in g.entries if e.active), None)
    # The user's own memberships (not user-facing data of others): the switcher lists them.
    memberships = list(Membership.objects.filter(user_id=user.pk).select_related("org_unit").order_by("pk"))
    return {
        "menu": menu,
        "nav": [entry for group in menu for entry in group.entries],
        "nav_trail": active,
        "memberships": memberships,
        "active_membership_id": request.session.get(ACTIVE_MEMBERSHIP_KEY),
    }
