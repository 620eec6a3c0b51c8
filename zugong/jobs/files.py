"""Result files of jobs: under the var dir's jobs/ folder with mode 0600, named by a random token."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings

RESULT_DIR = "jobs"


def result_root() -> Path:
    return Path(settings.VAR_DIR) / RESULT_DIR


def result_write(data: bytes, filename: str) -> str:
    """Store `data` privately; the returned path is relative to `result_root()`."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    relative = f"{secrets.token_hex(16)}.{extension[:8]}"
    root = result_root()
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(root / relative, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    return relative


def result_read(relative: str) -> bytes:
    return (result_root() / Path(relative).name).read_bytes()


def result_delete(relative: str) -> None:
    (result_root() / Path(relative).name).unlink(missing_ok=True)
