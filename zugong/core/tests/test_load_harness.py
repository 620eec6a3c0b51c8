"""bench/load, the load test harness: it refuses other hosts and unbounded runs, reads locust's figures
and the workers' memory correctly, and the bare view it measures against answers through Django."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.test import Client, override_settings

from bench.load.__main__ import arguments
from bench.load.guard import is_loopback
from bench.load.procs import descendants, describe, growth, rss_kib
from bench.load.run import read_stats

STATS = """Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,\
Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%
GET,/cadres/,120,0,45,50.1,20,300,9000,4.0,0.0,45,50,60,70,90,120,150,180,300,300,300
POST,POST /api/v1/talks,10,1,80,85,60,200,500,0.33,0.03,80,90,95,100,120,150,180,200,200,200,200
POST,/login/ (POST),5,0,30,31,25,40,100,0.17,0.0,30,31,32,33,35,38,40,40,40,40,40
,Aggregated,135,1,47,55,20,300,8000,4.5,0.03,47,52,62,72,95,130,160,190,300,300,300
"""


def test_only_loopback_hosts_are_accepted() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("http://localhost:8765") and is_loopback("::1")
    assert not is_loopback("10.0.0.8") and not is_loopback("http://192.0.2.1:80") and not is_loopback("")


def test_the_harness_refuses_another_host_and_unbounded_runs(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--host", "192.0.2.1"], ["--users", "8,1000"], ["--duration", "7200"], ["--step-seconds", "0"]):
        with pytest.raises(SystemExit):
            arguments(argv)
    assert "loopback" in capsys.readouterr().err
    args = arguments(["--users", "4,8", "--duration", "60"])
    assert (args.steps, args.duration, args.host) == ([4, 8], 60, "127.0.0.1")


def test_locust_stats_are_read_per_page(tmp_path: Path) -> None:
    path = tmp_path / "x_stats.csv"
    path.write_text(STATS, encoding="utf-8")
    rows = {r.name: r for r in read_stats(path)}
    assert set(rows) == {"/cadres/", "POST /api/v1/talks", "/login/ (POST)", "Aggregated"}
    cadres = rows["/cadres/"]
    assert (cadres.requests, cadres.failures, cadres.rps, cadres.p50, cadres.p95, cadres.p99) == (120, 0, 4.0, 45, 120, 180)
    assert rows["Aggregated"].failures == 1


def test_memory_growth_compares_the_first_and_last_fifth_per_process() -> None:
    samples = [(float(t), 7, "gunicorn", 100_000 + 1000 * t) for t in range(10)]
    samples += [(float(t), 8, "zugong worker", 50_000) for t in range(10)]
    worker7, worker8 = growth(samples)
    assert (worker7.pid, worker7.first_kib, worker7.last_kib, worker7.peak_kib) == (7, 101_000, 109_000, 109_000)
    assert worker7.percent == pytest.approx(7.92, abs=0.01)
    assert worker8.percent == 0


def test_proc_readers_see_this_process_and_its_children() -> None:
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "import time; print('up', flush=True); time.sleep(5)"],
                             stdout=subprocess.PIPE)
    try:
        assert child.stdout is not None and child.stdout.readline() == b"up\n"  # Python is loaded: RSS is real
        assert child.pid in descendants(os.getpid())
        kib = rss_kib(child.pid)
        assert kib is not None and kib > 1000
        assert describe(child.pid) == Path(sys.executable).name
    finally:
        child.kill()
        child.wait()


@override_settings(ROOT_URLCONF="bench.load.urls")
def test_the_bare_view_answers_beside_zugongs_urls(db) -> None:
    client = Client()
    response = client.get("/bench/bare")
    assert response.status_code == 200 and response.content == b"ok"
    assert client.get("/open311/v2/services.json").status_code == 200
