"""`make bench`: run every bench/bench_*.py (each has a main()) or those named on the command line.

Benchmarks need PostgreSQL for their published figures (DATABASE_URL); they build their own data in a
scratch database (see bench/common.py) and print their figure beside a raw-SQL baseline measured in
the same run. One failing benchmark does not stop the others; the exit code is the worst of them.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
from pathlib import Path


def _run(name: str) -> int:
    module = importlib.import_module(f"bench.{name}")
    print(f"=== {name}", flush=True)
    try:
        module.main()
    except SystemExit as exc:
        if exc.code not in (None, 0):
            print(f"=== {name} failed: {exc.code}", file=sys.stderr, flush=True)
            return exc.code if isinstance(exc.code, int) else 1
    return 0


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zugong.settings")
    import django

    django.setup()
    here = Path(__file__).parent
    names = sys.argv[1:] or sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    worst = max((_run(name) for name in names), default=0)
    raise SystemExit(worst)


if __name__ == "__main__":
    main()
