"""Login throttling: lockout per account and per client address, with back-off, audited, in Chinese."""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from zugong.conftest import Tree
from zugong.core.lockout import _keys
from zugong.core.models import AuditEvent


def _fail(client: Client, username: str, times: int, path: str = "/login/") -> None:
    for _ in range(times):
        client.post(path, {"username": username, "password": "wrong"})


def _expire(username: str, address: str = "127.0.0.1") -> None:
    """What the passing of the lockout time does: axes' counters and the lockout under way are gone."""
    from axes.helpers import get_client_cache_keys
    from axes.models import AccessAttempt

    for key in get_client_cache_keys(AccessAttempt(username=username, ip_address=address)):
        cache.delete(key)
    for kind, value in (("username", username), ("address", address)):
        cache.delete(_keys(kind, value)[1])


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(tree: Tree, alice: User) -> None:
    # given
    client = Client()
    _fail(client, "alice", 4)
    assert client.post("/login/", {"username": "alice", "password": "wrong"}).status_code == 429
    # when the right password comes next
    response = client.post("/login/", {"username": "alice", "password": "pw-alice"})
    # then it is refused, in Chinese, saying how long to wait
    html = response.content.decode()
    assert response.status_code == 429
    assert "登录失败次数过多，该账号或本机网络已暂停登录 5 分钟" in html
    assert "_auth_user_id" not in client.session


def test_account_is_locked_from_another_address_too(tree: Tree, alice: User) -> None:
    _fail(Client(REMOTE_ADDR="10.0.0.1"), "alice", 5)
    response = Client(REMOTE_ADDR="10.0.0.2").post("/login/", {"username": "alice", "password": "pw-alice"})
    assert response.status_code == 429


def test_address_is_locked_for_other_accounts_too(tree: Tree, alice: User, bob: User) -> None:
    attacker = Client(REMOTE_ADDR="10.0.0.9")
    for name in ("x1", "x2", "x3", "x4", "x5"):
        _fail(attacker, name, 1)
    assert attacker.post("/login/", {"username": "bob", "password": "pw-bob"}).status_code == 429
    # bob himself, elsewhere, still signs in
    assert Client(REMOTE_ADDR="10.0.0.10").post("/login/", {"username": "bob", "password": "pw-bob"}).status_code == 302


def test_fewer_failures_than_the_limit_do_not_lock_and_success_resets(tree: Tree, alice: User) -> None:
    client = Client()
    _fail(client, "alice", 4)
    assert client.post("/login/", {"username": "alice", "password": "pw-alice"}).status_code == 302
    _fail(Client(), "alice", 4)
    assert Client().post("/login/", {"username": "alice", "password": "pw-alice"}).status_code == 302


def test_each_lockout_of_the_day_doubles_the_next(tree: Tree, alice: User) -> None:
    minutes = []
    for _ in range(3):
        # given the previous lockout has run out
        _expire("alice")
        client = Client()
        # when five more failures come
        _fail(client, "alice", 5)
        html = client.post("/login/", {"username": "alice", "password": "pw-alice"}).content.decode()
        # then the lockout is twice the previous one
        minutes.append(next(m for m in (5, 10, 20) if f"暂停登录 {m} 分钟" in html))
    assert minutes == [5, 10, 20]


def test_lockout_length_is_capped(tree: Tree, alice: User, settings) -> None:
    settings.ZUGONG_LOGIN_LOCKOUT_MAX_MINUTES = 8
    for _ in range(3):
        _expire("alice")
        _fail(Client(), "alice", 5)
    html = Client().post("/login/", {"username": "alice", "password": "pw-alice"}).content.decode()
    assert "暂停登录 8 分钟" in html


def test_lockout_is_an_audit_event_once_and_failures_are_security_warnings(
        tree: Tree, alice: User, caplog: pytest.LogCaptureFixture) -> None:
    # given
    before = AuditEvent.objects.filter(action="auth.login_locked_out").count()
    # when 8 failures: the fifth locks, the three after it fall in the same lockout
    with caplog.at_level(logging.WARNING, logger="zugong.security"):
        _fail(Client(REMOTE_ADDR="10.3.3.3"), "alice", 8)
    # then
    events = list(AuditEvent.objects.filter(action="auth.login_locked_out").order_by("sequence"))[before:]
    assert len(events) == 1
    assert events[0].summary == {"username": "alice", "address": "10.3.3.3", "minutes": 5, "path": "/login/"}
    failures = [r for r in caplog.records if r.name == "zugong.security" and r.getMessage().startswith("login failed")]
    assert len(failures) == 8
    assert all("wrong" not in r.getMessage() for r in caplog.records)


def test_admin_login_is_throttled_too(tree: Tree, alice: User) -> None:
    alice.is_staff = True
    alice.save(update_fields=["is_staff"])
    client = Client()
    _fail(client, "alice", 5, path="/admin/login/")
    response = client.post("/admin/login/", {"username": "alice", "password": "pw-alice"})
    assert response.status_code == 429
    assert "暂停登录" in response.content.decode()
    # and the lockout holds on the main login page as well
    assert Client().post("/login/", {"username": "alice", "password": "pw-alice"}).status_code == 429


def test_lockout_page_in_english(tree: Tree, alice: User) -> None:
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    _fail(client, "alice", 5)
    html = client.post("/login/", {"username": "alice", "password": "pw-alice"}).content.decode()
    assert "Too many failed sign-ins" in html and "for 5 min." in html


def test_operator_lifts_a_lockout_as_docs_deploy_says(tree: Tree, alice: User) -> None:
    from axes.handlers.cache import AxesCacheHandler

    # given a locked account
    _fail(Client(), "alice", 5)
    # when the operator resets it
    AxesCacheHandler().reset_attempts(username="alice", ip_address="127.0.0.1")
    # then the right password signs in again
    assert Client().post("/login/", {"username": "alice", "password": "pw-alice"}).status_code == 302
