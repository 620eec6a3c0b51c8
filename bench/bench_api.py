"""The API reads of the load test (issue 17, items 6 and 8) beside a bare Django view, in one process.

Data (scratch database zg_bench_api, reused across runs): the small demo province (`zugong demo`: two
counties' cadres and talks), and a bearer token for alice, county A's org department, the load test's clerk.

Each request goes through Django's WSGI handler as gunicorn would call it (a WSGI environ with the bearer
token, the whole middleware stack, the request_started/finished signals, the response iterated and closed),
without the test client's extra machinery. Per endpoint it prints:
- CPU of this process per request (`time.process_time`, median and mean): what the Django side costs, and
  robust to a busy machine, since time spent waiting for the CPU or for PostgreSQL is not counted;
- wall p50 / p95 (includes PostgreSQL's own work and waiting for the CPU on a loaded machine);
- queries per request.
Endpoints are timed in interleaved rounds, so drift hits all alike. The ratio printed is the bare view's
CPU over the API mix's (me 1 : cadres 2 : talks 1, the load test's mix): an estimate of the throughput ratio
on a CPU-bound server (target ≥ 0.5), which leaves out PostgreSQL's CPU on the same cores.

`BENCH_API_ROUNDS` (default 300) sets the rounds; `BENCH_API_PROFILE=<endpoint>` also prints cProfile's
top functions by CPU for that endpoint (me, cadres, talks, bare; `BENCH_API_SORT`, `BENCH_API_LINES`).
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.common import Stats, require_postgres, use_scratch_database

SCRATCH = "zg_bench_api"
CLERK = "alice"
ROUNDS = int(os.environ.get("BENCH_API_ROUNDS", "300"))
WARMUP = 20
SORT = os.environ.get("BENCH_API_SORT", "cumulative")
LINES = int(os.environ.get("BENCH_API_LINES", "45"))
ENDPOINTS: dict[str, str] = {
    "bare": "/bench/bare.json",
    "me": "/api/v1/me",
    "cadres": "/api/v1/cadres?limit=50",
    "talks": "/api/v1/talks?limit=50",
}
MIX = {"me": 1, "cadres": 2, "talks": 1}  # the load test's ApiReader tasks
TARGET = 0.5

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def ensure_demo() -> None:
    from django.core.management import call_command

    from zugong.core.models import OrgUnit

    if OrgUnit.objects.exists():
        return
    started = time.perf_counter()
    call_command("demo", scale="small", stdout=io.StringIO())
    print(f"small demo built in {time.perf_counter() - started:.1f} s")


def issue_token() -> str:
    from django.contrib.auth.models import User

    from zugong.core.services import api_token_issue

    return api_token_issue(actor=None, user=User.objects.get(username=CLERK))


def environ(path: str, token: str | None) -> dict[str, Any]:
    path_info, _, query = path.partition("?")
    env: dict[str, Any] = {
        "REQUEST_METHOD": "GET", "SCRIPT_NAME": "", "PATH_INFO": path_info, "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1:8000", "REMOTE_ADDR": "127.0.0.1", "HTTP_ACCEPT": "application/json",
        "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr, "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
    }
    if token is not None:
        env["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return env


def call(app: WsgiApp, path: str, token: str | None) -> tuple[str, bytes]:
    """One request as a WSGI server makes it: the body read to the end, the response closed."""
    statuses: list[str] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: object = None) -> None:
        statuses.append(status)

    result = app(environ(path, token), start_response)
    try:
        body = b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    return statuses[0], body


@dataclass
class Figures:
    cpu_ms: list[float]
    wall_ms: list[float]
    queries: int
    size: int


def queries_of(app: WsgiApp, path: str, token: str | None) -> int:
    with CaptureQueriesContext(connection) as captured:
        call(app, path, token)
    return len(captured.captured_queries)


def measure(app: WsgiApp, token: str) -> dict[str, Figures]:
    tokens = {name: (None if name == "bare" else token) for name in ENDPOINTS}
    figures: dict[str, Figures] = {}
    for name, path in ENDPOINTS.items():
        status, body = call(app, path, tokens[name])
        if not status.startswith("200"):
            raise SystemExit(f"{path}: {status} {body[:300]!r}")
        figures[name] = Figures([], [], queries_of(app, path, tokens[name]), len(body))
    for _ in range(WARMUP):
        for name, path in ENDPOINTS.items():
            call(app, path, tokens[name])
    for _ in range(ROUNDS):
        for name, path in ENDPOINTS.items():
            cpu, wall = time.process_time(), time.perf_counter()
            call(app, path, tokens[name])
            figures[name].wall_ms.append((time.perf_counter() - wall) * 1000)
            figures[name].cpu_ms.append((time.process_time() - cpu) * 1000)
    return figures


def profile(app: WsgiApp, name: str, token: str) -> None:
    path = ENDPOINTS[name]
    profiler = cProfile.Profile(time.process_time)  # CPU, as the figures: waiting for PostgreSQL is not counted
    profiler.enable()
    for _ in range(100):
        call(app, path, None if name == "bare" else token)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(SORT).print_stats(LINES)
    print(f"--- cProfile (CPU) of 100 × {path}, by {SORT}")
    print(out.getvalue())


def print_figures(figures: dict[str, Figures]) -> float:
    print(f"{'endpoint':<26} {'CPU med ms':>10} {'CPU mean':>9} {'wall p50':>9} {'wall p95':>9} "
          f"{'queries':>7} {'bytes':>7} {'bare/CPU':>8}")
    bare_cpu = statistics.mean(figures["bare"].cpu_ms)
    for name, path in ENDPOINTS.items():
        f = figures[name]
        wall = Stats.of(f.wall_ms)
        mean = statistics.mean(f.cpu_ms)
        print(f"{path:<26} {statistics.median(f.cpu_ms):>10.3f} {mean:>9.3f} {wall.median:>9.3f} {wall.p95:>9.3f} "
              f"{f.queries:>7} {f.size:>7} {bare_cpu / mean:>8.3f}")
    weight = sum(MIX.values())
    mix_cpu = sum(statistics.mean(figures[n].cpu_ms) * w for n, w in MIX.items()) / weight
    mix_wall = sum(statistics.median(figures[n].wall_ms) * w for n, w in MIX.items()) / weight
    ratio = bare_cpu / mix_cpu
    verdict = "OK" if ratio >= TARGET else f"BELOW TARGET {TARGET}"
    print(f"API mix (me 1 : cadres 2 : talks 1): CPU {mix_cpu:.3f} ms per request, bare {bare_cpu:.3f} ms "
          f"-> ratio {ratio:.3f} {verdict}; by wall p50: {statistics.median(figures['bare'].wall_ms) / mix_wall:.3f}")
    return ratio


def main() -> None:
    require_postgres()
    use_scratch_database(SCRATCH)
    settings.ROOT_URLCONF = "bench.load.urls"
    ensure_demo()
    from django.core.handlers.wsgi import WSGIHandler

    app = WSGIHandler()
    token = issue_token()
    print(f"load average: {' / '.join(f'{x:.2f}' for x in os.getloadavg())}; {ROUNDS} rounds")
    figures = measure(app, token)
    print_figures(figures)
    wanted = os.environ.get("BENCH_API_PROFILE", "")
    if wanted:
        profile(app, wanted, token)
    print(f"load average after: {' / '.join(f'{x:.2f}' for x in os.getloadavg())}")
