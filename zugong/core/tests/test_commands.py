"""`zugong add-user` prints a working API token; bad input is a CommandError in Chinese."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from zugong.conftest import Tree
from zugong.core.models import Membership


def test_add_user_prints_a_token_that_reads_only_its_county(tree: Tree) -> None:
    out = io.StringIO()
    call_command("add_user", "erin", "--org", "990122", "--role", "org_admin", "--name", "县委组织部", stdout=out)
    token = out.getvalue().strip()
    assert token.startswith("zg_")
    membership = Membership.objects.get(user__username="erin")
    assert (membership.org_unit_id, membership.role) == (tree.county_b.pk, "org_admin")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get("/api/v1/me").json()["name"] == "县委组织部"
    assert client.get(f"/api/v1/org-units/{tree.county_b.pk}").status_code == 200
    assert client.get(f"/api/v1/org-units/{tree.county_a.pk}").status_code == 404


def test_add_user_reads_password_from_stdin(tree: Tree, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password\n"))
    call_command("add_user", "frank", "--org", "990121001", "--role", "township_staff", "--password-stdin",
                 stdout=io.StringIO())
    assert User.objects.get(username="frank").check_password("a-long-password")


def test_add_user_refuses_empty_stdin_unknown_org_and_duplicate(tree: Tree, alice: User, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with pytest.raises(CommandError, match="没有读到密码"):
        call_command("add_user", "gina", "--org", "990121", "--role", "org_staff", "--password-stdin")
    with pytest.raises(CommandError, match="找不到区划代码为 123456 的组织"):
        call_command("add_user", "gina", "--org", "123456", "--role", "org_staff")
    with pytest.raises(CommandError, match="用户名“alice”已存在"):
        call_command("add_user", "alice", "--org", "990121", "--role", "org_staff")
    assert not User.objects.filter(username="gina").exists()
