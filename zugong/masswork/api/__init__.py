"""JSON API of the masswork app, mounted under /api/v1/ by zugong/api.py: one router, one module per
subdomain — `orders` (民心墙), `petitions` (信访), `township` (ledger, visits, pairings, duty), `publication` (a wall's
place, a photo approved for Open311, a resident's phone in full).

Reads pass their action of the permission table to `jurisdiction_of(request, action)`, the check `@page`
makes (the caller's roles allow it somewhere in the jurisdiction; the selectors then scope the rows);
writes are checked by the services.
"""

from __future__ import annotations

from ninja import Router

router = Router(tags=["masswork"])
router.add_router("", "zugong.masswork.api.orders.router")
router.add_router("", "zugong.masswork.api.petitions.router")
router.add_router("", "zugong.masswork.api.township.router")
router.add_router("", "zugong.masswork.api.publication.router")
