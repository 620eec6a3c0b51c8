"""Uploaded import files waiting between the preview and the confirmation.

They live under the var dir (`$ZUGONG_VAR_DIR/pending-imports/<token>/`, mode 700), which app servers
share, with the original file names in `manifest.json`: errors cite them, an .lrm finds its .pic by
name and may carry the ID number in it. Previews nobody confirmed within a day are deleted, so
uploaded personal data does not linger.
"""

from __future__ import annotations

import json
import secrets
import time
from pathlib import Path

from django.conf import settings

MAX_AGE_SECONDS = 24 * 3600


def root() -> Path:
    path = Path(settings.VAR_DIR) / "pending-imports"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def keep(files: list[tuple[str, bytes]]) -> str:
    """Store the files; return the token that finds them again."""
    base = root()
    discard_stale(base)
    token = secrets.token_hex(16)
    folder = base / token
    folder.mkdir(mode=0o700)
    for index, (_name, data) in enumerate(files):
        (folder / f"{index:04d}.bin").write_bytes(data)
    (folder / "manifest.json").write_text(json.dumps([name for name, _ in files], ensure_ascii=False))
    return token


def folder(token: str) -> Path | None:
    """The folder of a token, or None for a malformed, unknown or expired one (older than a day, even
    when no later upload has swept it away yet)."""
    if not token.isalnum():
        return None
    path = root() / token
    if not (path / "manifest.json").is_file():
        return None
    if _stale(path):
        remove(path)
        return None
    return path


def _stale(path: Path) -> bool:
    return path.stat().st_mtime < time.time() - MAX_AGE_SECONDS


def read(path: Path) -> list[tuple[str, bytes]]:
    names = json.loads((path / "manifest.json").read_text())
    return [(str(name), (path / f"{index:04d}.bin").read_bytes()) for index, name in enumerate(names)]


def remove(path: Path) -> None:
    for item in path.iterdir():
        item.unlink()
    path.rmdir()


def discard_stale(base: Path) -> None:
    for path in base.iterdir():
        if path.is_dir() and _stale(path):
            remove(path)
