from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

from zugong.jobs.supervisor import Child, supervise


def test_when_one_child_exits_the_others_are_stopped():
    started = time.monotonic()
    code = supervise([Child("short", [sys.executable, "-c", "import sys; sys.exit(3)"]),
                      Child("long", [sys.executable, "-c", "import time; time.sleep(60)"])], grace=5)
    assert code == 3 and time.monotonic() - started < 10


def test_sigterm_stops_every_child_cleanly(tmp_path):
    # given: two children that note when they get SIGTERM
    script = ("import signal, sys, time, pathlib\n"
              "def bye(*_):\n    pathlib.Path(sys.argv[1]).write_text('stopped'); sys.exit(0)\n"
              "signal.signal(signal.SIGTERM, bye)\n"
              "pathlib.Path(sys.argv[1] + '.ready').write_text('1')\n"
              "time.sleep(60)\n")
    marks = [tmp_path / "a", tmp_path / "b"]

    def send_sigterm_when_ready() -> None:
        deadline = time.monotonic() + 20
        while not all((tmp_path / f"{m.name}.ready").exists() for m in marks) and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(os.getpid(), signal.SIGTERM)  # when: the supervisor (this process) gets SIGTERM

    threading.Thread(target=send_sigterm_when_ready, daemon=True).start()
    code = supervise([Child(m.name, [sys.executable, "-c", script, str(m)]) for m in marks], grace=5)
    # then: it stopped both and reports a clean exit
    assert code == 0
    assert [m.read_text() for m in marks] == ["stopped", "stopped"]


def test_zugong_run_worker_and_scheduler_have_help():
    for command in ("run", "worker", "scheduler"):
        out = subprocess.run([sys.executable, "-m", "zugong.cli", command, "--help"], capture_output=True,
                             text=True, timeout=120, check=True).stdout
        assert "usage:" in out
    run_help = subprocess.run([sys.executable, "-m", "zugong.cli", "run", "--help"], capture_output=True,
                              text=True, timeout=120, check=True).stdout
    assert "--job-workers" in run_help and "--no-scheduler" in run_help
