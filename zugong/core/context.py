"""Template context for the UI shell: navigation and the jurisdiction switcher."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from zugong.core.middleware import ACTIVE_MEMBERSHIP_KEY
from zugong.core.models import Membership
from zugong.core.nav import nav_items


def _is_active(url: str, current_path: str) -> bool:
    if url == "/":
        return current_path == "/"
    return current_path.startswith(url)


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": [], "memberships": []}
    roles = request.jurisdiction.roles()  # type: ignore[attr-defined]
    nav = []
    for item in nav_items():
        if item.roles and not (item.roles & roles):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        nav.append({"key": item.key, "label": item.label, "url": url, "active": _is_active(url, request.path)})
    # The user's own memberships (not user-facing data of others): the switcher lists them.
    memberships = list(Membership.objects.filter(user_id=user.pk).select_related("org_unit").order_by("pk"))
    return {
        "nav": nav,
        "memberships": memberships,
        "active_membership_id": request.session.get(ACTIVE_MEMBERSHIP_KEY),
    }
