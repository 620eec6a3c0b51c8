"""The server's processes and their memory, read from /proc (Linux): the descendants of one process, and
a sampler thread that records each one's resident set size every few seconds."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

PROC = Path("/proc")


def children_of(pid: int) -> list[int]:
    found: list[int] = []
    for task in (PROC / str(pid) / "task").glob("*"):
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        for child in children_of(current):
            found.append(child)
            todo.append(child)
    return found


def rss_kib(pid: int) -> int | None:
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def describe(pid: int) -> str:
    try:
        argv = (PROC / str(pid) / "cmdline").read_bytes().split(b"\0")
    except OSError:
        return "?"
    words = [a.decode(errors="replace") for a in argv if a]
    if any("gunicorn" in w for w in words[:2]):
        return "gunicorn"
    for name in ("worker", "scheduler", "run"):
        if name in words:
            return f"zugong {name}"
    return Path(words[0]).name if words else "?"


@dataclass
class Sampler:
    """RSS of every descendant of `root` every `every` seconds, until stopped."""

    root: int
    every: float = 2.0
    samples: list[tuple[float, int, str, int]] = field(default_factory=list)  # (time, pid, what, KiB)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            now = time.monotonic()
            for pid in descendants(self.root):
                kib = rss_kib(pid)
                if kib is not None:
                    self.samples.append((now, pid, describe(pid), kib))
            self._stop.wait(self.every)

    def between(self, start: float, end: float) -> list[tuple[float, int, str, int]]:
        return [s for s in self.samples if start <= s[0] <= end]


@dataclass(frozen=True)
class Growth:
    pid: int
    what: str
    first_kib: int
    peak_kib: int
    last_kib: int

    @property
    def percent(self) -> float:
        return 100.0 * (self.last_kib - self.first_kib) / max(self.first_kib, 1)


def growth(samples: list[tuple[float, int, str, int]]) -> list[Growth]:
    """Per process: the median of its first fifth of samples against the median of its last fifth."""
    by_pid: dict[int, list[tuple[float, str, int]]] = {}
    for at, pid, what, kib in samples:
        by_pid.setdefault(pid, []).append((at, what, kib))
    result = []
    for pid, rows in sorted(by_pid.items()):
        rows.sort()
        fifth = max(1, len(rows) // 5)
        first = sorted(r[2] for r in rows[:fifth])[fifth // 2]
        last = sorted(r[2] for r in rows[-fifth:])[fifth // 2]
        result.append(Growth(pid, rows[0][1], first, max(r[2] for r in rows), last))
    return result
