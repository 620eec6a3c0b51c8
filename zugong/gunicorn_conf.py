"""gunicorn settings used by `zugong run`: the master process also runs the daily rule evaluation."""

from __future__ import annotations

import os
from typing import Any


def when_ready(server: Any) -> None:
    at = os.environ.get("ZUGONG_EVALUATE_AT", "01:30")
    if at.lower() in {"", "off", "0"}:
        return
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zugong.settings")
    django.setup()
    from zugong.rules.scheduler import start_daily_evaluation

    start_daily_evaluation(at=at)
    server.log.info("zugong: rule register evaluated daily at %s", at)
