"""JSON API of the rules app, mounted under /api/v1/ by zugong/api.py."""

from ninja import Router

router = Router(tags=["rules"])
