"""Copy the front-end files zugong serves from node_modules (installed by `npm ci` from the lockfile)
into zugong/static/vendor/, where whitenoise serves them. No CDN: these systems run on closed intranets."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENDOR = Path(__file__).resolve().parents[1] / "static" / "vendor"
FILES = {
    "htmx.org/dist/htmx.min.js": "htmx.min.js",
    "echarts/dist/echarts.min.js": "echarts.min.js",
    "@picocss/pico/css/pico.min.css": "pico.min.css",
}


def copy_assets(node_modules: Path = ROOT / "node_modules") -> list[Path]:
    VENDOR.mkdir(parents=True, exist_ok=True)
    written = []
    for source, target in FILES.items():
        src = node_modules / source
        if not src.is_file():
            raise FileNotFoundError(f"{src} is missing: run `npm ci` first")
        dest = VENDOR / target
        shutil.copyfile(src, dest)
        written.append(dest)
    return written


if __name__ == "__main__":
    for path in copy_assets():
        sys.stdout.write(f"{path.relative_to(ROOT)}\n")
