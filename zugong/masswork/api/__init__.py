"""JSON API of the masswork app, mounted under /api/v1/ by zugong/api.py: one router, one module per
subdomain — `orders` (民心墙), `petitions` (信访), `township` (ledger, visits, pairings, duty).

Reads check their action of the permission table the way `@page` does (the caller's roles allow it
somewhere in the jurisdiction; the selectors then scope the rows); writes are checked by the services.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from zugong.core.errors import Forbidden
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.permissions import may, permission
from zugong.core.request import jurisdiction_of


def reader(request: HttpRequest, action: str) -> Jurisdiction:
    """The jurisdiction of a read endpoint, refused (403) when no role of the caller allows `action`."""
    jurisdiction = jurisdiction_of(request)
    if not may(jurisdiction, action):
        raise Forbidden(f"您没有{permission(action).label}的权限")
    return jurisdiction


router = Router(tags=["masswork"])
router.add_router("", "zugong.masswork.api.orders.router")
router.add_router("", "zugong.masswork.api.petitions.router")
router.add_router("", "zugong.masswork.api.township.router")
