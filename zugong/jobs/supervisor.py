"""Run a few child processes together and stop them together (`zugong run`, `zugong worker --processes`).

When one child exits, or the supervisor gets SIGTERM / SIGINT, every other child gets SIGTERM and is
killed if it has not stopped within `grace` seconds. The exit code is the first exited child's
(0 when the supervisor was asked to stop).
"""

from __future__ import annotations

import logging
import signal
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from types import FrameType

logger = logging.getLogger("zugong.jobs.supervisor")


@dataclass(frozen=True)
class Child:
    name: str
    argv: Sequence[str]


def _stop_all(running: dict[str, subprocess.Popen[bytes]], grace: float) -> None:
    for process in running.values():
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + grace
    for name, process in running.items():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            logger.warning("%s did not stop within %.0fs: killing it", name, grace)
            process.kill()
            process.wait()


def supervise(children: Sequence[Child], *, grace: float = 15.0, poll: float = 0.2) -> int:
    stopping: list[int] = []

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        stopping.append(signum)

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    running: dict[str, subprocess.Popen[bytes]] = {}
    try:
        for child in children:
            running[child.name] = subprocess.Popen(list(child.argv))
        while not stopping:
            for name, process in running.items():
                code = process.poll()
                if code is not None:
                    logger.warning("%s exited with %s: stopping the others", name, code)
                    _stop_all(running, grace)
                    return code
            time.sleep(poll)
        _stop_all(running, grace)
        return 0
    finally:
        _stop_all(running, grace)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
