from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from zugong.jobs.supervisor import Child, supervise


def test_when_one_child_exits_the_others_are_stopped():
    started = time.monotonic()
    code = supervise([Child("short", [sys.executable, "-c", "import sys; sys.exit(3)"]),
                      Child("long", [sys.executable, "-c", "import time; time.sleep(60)"])], grace=5)
    assert code == 3 and time.monotonic() - started < 10


def test_sigterm_stops_every_child_cleanly(tmp_path):
    # given: a supervisor (its own process) of two children that note when they get SIGTERM
    child = ("import signal, sys, time, pathlib\n"
             "def bye(*_):\n    pathlib.Path(sys.argv[1]).write_text('stopped'); sys.exit(0)\n"
             "signal.signal(signal.SIGTERM, bye)\n"
             "pathlib.Path(sys.argv[1] + '.ready').write_text('1')\n"
             "time.sleep(60)\n")
    marks = [tmp_path / "a", tmp_path / "b"]
    supervisor = ("import sys\nfrom zugong.jobs.supervisor import Child, supervise\n"
                  f"sys.exit(supervise([Child(m, [sys.executable, '-c', {child!r}, m]) for m in {[str(m) for m in marks]!r}],"
                  " grace=5))\n")
    process = subprocess.Popen([sys.executable, "-c", supervisor])
    deadline = time.monotonic() + 30
    while not all((tmp_path / f"{m.name}.ready").exists() for m in marks) and time.monotonic() < deadline:
        time.sleep(0.05)
    # when: the supervisor gets SIGTERM
    process.send_signal(signal.SIGTERM)
    # then: it stopped both and reports a clean exit
    assert process.wait(timeout=30) == 0
    assert [m.read_text() for m in marks] == ["stopped", "stopped"]


def test_zugong_run_worker_and_scheduler_have_help():
    for command in ("run", "worker", "scheduler"):
        out = subprocess.run([sys.executable, "-m", "zugong.cli", command, "--help"], capture_output=True,
                             text=True, timeout=120, check=True).stdout
        assert "usage:" in out
    run_help = subprocess.run([sys.executable, "-m", "zugong.cli", "run", "--help"], capture_output=True,
                              text=True, timeout=120, check=True).stdout
    assert "--job-workers" in run_help and "--no-scheduler" in run_help


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_zugong_run_serves_healthz_with_its_worker_and_stops_on_sigterm(tmp_path):
    # given: `zugong run` on an empty var dir (its own SQLite database), as `make run` starts it
    import json
    import urllib.error
    import urllib.request

    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "ZUGONG_TEST_DB_NAME"}}
    env.update({"ZUGONG_VAR_DIR": str(tmp_path / "var"), "ZUGONG_EVALUATE_AT": "off"})
    run = subprocess.Popen([sys.executable, "-m", "zugong.cli", "run", "--no-demo", "--port", str(port),
                            "--workers", "1"], env=env, cwd=tmp_path, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        # when: it is up (migrations first), /healthz is asked until the worker's first heartbeat
        body: dict = {}
        status, deadline = None, time.monotonic() + 240
        while time.monotonic() < deadline and status != 200:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                    status, body = response.status, json.load(response)
            except urllib.error.HTTPError as error:
                status, body = error.code, json.load(error)
            except OSError:
                time.sleep(1)
        # then: 200 with the database, the cache and a live worker
        assert status == 200, body
        assert body["database"]["vendor"] == "sqlite" and body["worker_heartbeat"]["ok"]
    finally:
        # when: SIGTERM, as systemd or Ctrl-C sends it; then every process of the group ends
        run.send_signal(signal.SIGTERM)
        code = run.wait(timeout=60)
    assert code == 0
    time.sleep(1)
    survivors = subprocess.run(["pgrep", "-g", str(run.pid)], capture_output=True, text=True).stdout.split()
    assert survivors == []
