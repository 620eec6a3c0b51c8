"""gunicorn settings used by `zugong run` and the systemd web unit (docs/deploy.md).

The web server does no scheduled or long work: the daily evaluation is enqueued by `zugong scheduler`
(zugong/jobs/scheduler.py) and run by `zugong worker`, so any number of web servers can run side by side.
"""

from __future__ import annotations

proc_name = "zugong-web"
