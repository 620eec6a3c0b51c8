"""`zugong demo` as an operator runs it: on a database never migrated, without jieba's chatter."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

ZUGONG = Path(sys.executable).with_name("zugong")


def test_demo_on_a_never_migrated_database_migrates_first_and_jieba_stays_quiet(tmp_path: Path) -> None:
    # given: a database file that does not exist yet
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    # when
    done = subprocess.run([str(ZUGONG), "demo"], env=env, capture_output=True, text=True, timeout=300, check=False)
    # then
    assert done.returncode == 0, done.stderr
    assert "no such table" not in done.stderr
    assert done.stdout.startswith("数据库结构尚未就绪，先执行 ")
    assert "信访" in done.stdout  # the petitions were tokenised with jieba …
    output = done.stdout + done.stderr
    assert "prefix dict" not in output and "Loading model" not in output  # … without its messages
    assert "  alice      zugong-demo" in done.stdout
    assert "[core.orgs] " in done.stdout and "[演示数据共计] " in done.stdout  # each step timed, and the whole


@pytest.mark.django_db
def test_fraction_must_be_a_share_of_the_province() -> None:
    for bad in ("0", "1.5", "-0.1"):
        with pytest.raises(CommandError, match="--fraction"):
            call_command("demo", "--scale", "province", "--fraction", bad)
