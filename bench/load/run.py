"""One locust run (headless, bounded) and what its CSV says."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
LOCUST = Path(sys.executable).with_name("locust")
MIX = ("Clerk", "Resident", "Open311Client", "Leader")


@dataclass(frozen=True)
class Row:
    name: str
    requests: int
    failures: int
    rps: float
    p50: float
    p95: float
    p99: float


@dataclass(frozen=True)
class Result:
    users: int
    seconds: int
    rows: list[Row]

    @property
    def total(self) -> Row:
        return next(r for r in self.rows if r.name == "Aggregated")

    def count(self, name: str) -> int:
        return sum(r.requests for r in self.rows if r.name == name)


def _number(value: str) -> float:
    return float(value) if value not in ("", "N/A") else 0.0


def _label(kind: str, name: str) -> str:
    """GETs by their path; other methods prefixed unless the name says it already."""
    if kind in ("", "None", "GET") or name == "Aggregated" or "POST" in name:
        return name
    return f"{kind} {name}"


def read_stats(path: Path) -> list[Row]:
    with path.open(encoding="utf-8") as f:
        return [Row(name=_label(r["Type"], r["Name"]), requests=int(r["Request Count"]),
                    failures=int(r["Failure Count"]), rps=_number(r["Requests/s"]), p50=_number(r["50%"]),
                    p95=_number(r["95%"]), p99=_number(r["99%"]))
                for r in csv.DictReader(f)]


def locust(*, host: str, users: int, seconds: int, classes: tuple[str, ...], out: Path, data: Path,
           dispatch_from: int = 0) -> Result:
    prefix = out / f"{'-'.join(c.lower() for c in classes) if len(classes) == 1 else 'mix'}-{users}u-{seconds}s"
    env = {**os.environ, "ZUGONG_LOAD_DATA": str(data), "ZUGONG_LOAD_DISPATCH_FROM": str(dispatch_from)}
    argv = [str(LOCUST), "-f", str(HERE / "locustfile.py"), "--headless", "--host", host, "-u", str(users),
            "-r", str(min(users, 20)), "--run-time", f"{seconds}s", "--stop-timeout", "5", "--csv", str(prefix),
            "--only-summary", "--loglevel", "WARNING", *classes]
    with (prefix.parent / (prefix.name + ".log")).open("w") as log:
        subprocess.run(argv, env=env, stdout=log, stderr=subprocess.STDOUT, check=False, timeout=seconds + 120)
    return Result(users, seconds, read_stats(prefix.parent / (prefix.name + "_stats.csv")))
