"""The long commands report progress on stderr (plain lines when it is not a terminal), so their output
on stdout — a JSON document, a summary line — stays what it was."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from zugong.rules.models import EVALUATED_KINDS, Rule


@pytest.mark.django_db
def test_evaluate_reports_one_step_per_rule_on_stderr_and_keeps_json_on_stdout() -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("evaluate", "--as-of", "2024-04-03", "--json", stdout=out, stderr=err)
    rules = Rule.objects.filter(kind__in=EVALUATED_KINDS).count()
    data = json.loads(out.getvalue())
    assert [r["code"] for r in data["rules"]] == sorted(r["code"] for r in data["rules"])
    assert len(data["rules"]) == rules > 1
    final = err.getvalue().splitlines()[-1]
    assert final.startswith(f"评估制度 100% {rules}/{rules} ")


@pytest.mark.django_db(transaction=True)
def test_backup_says_it_is_working_on_stderr(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("backup", str(tmp_path / "b.zip"), stdout=out, stderr=err)
    assert out.getvalue().startswith("备份完成：")
    assert err.getvalue().splitlines()[-1].startswith("备份 进行中 用时 00:0")
