"""JSON API of the talks app, mounted under /api/v1/ by zugong/api.py."""

from ninja import Router

router = Router(tags=["talks"])
