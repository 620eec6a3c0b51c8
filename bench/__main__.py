"""`make bench`: run every bench/bench_*.py (each has a main()) or those named on the command line.

Benchmarks need PostgreSQL for their published figures (DATABASE_URL); they build their own data in a
scratch database and print their figure beside a raw-SQL baseline measured in the same run.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
from pathlib import Path


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zugong.settings")
    import django

    django.setup()
    here = Path(__file__).parent
    names = sys.argv[1:] or sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        print(f"=== {name}")
        module.main()


if __name__ == "__main__":
    main()
