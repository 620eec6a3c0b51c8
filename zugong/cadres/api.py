"""JSON API of the cadres app, mounted under /api/v1/ by zugong/api.py."""

from ninja import Router

router = Router(tags=["cadres"])
