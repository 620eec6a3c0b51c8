"""Login throttling: django-axes locks an account and a client address out after repeated failures.

Axes counts failures per account and per address, each on its own (`AXES_LOCKOUT_PARAMETERS`), in the
shared cache (`AxesCacheHandler`, zugong/core/cache.py), so every gunicorn worker sees the same count.
It reaches the login page and the admin login alike: it listens to Django's `authenticate()`.

What zugong adds is the back-off and the record: each lockout of the same account or address within a
day doubles the next one (`ZUGONG_LOGIN_LOCKOUT_MINUTES`, up to `ZUGONG_LOGIN_LOCKOUT_MAX_MINUTES`);
every failure is a warning on the `zugong.security` logger and each lockout is an audit event
(`auth.login_locked_out`) in the chain.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zugong.core.audit import audit_record

logger = logging.getLogger("zugong.security")
STRIKES_SECONDS = 24 * 3600


def _client(request: HttpRequest | None) -> tuple[str | None, str | None]:
    """The account name tried and the client address of a login request."""
    if request is None:
        return None, None
    username = getattr(request, "axes_credentials", None) or {}
    name = username.get("username") if isinstance(username, dict) else None
    if name is None and request.method == "POST":
        name = request.POST.get("username")
    address = getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR")
    return (str(name) if name else None), (str(address) if address else None)


def _keys(kind: str, value: str) -> tuple[str, str]:
    digest = hashlib.sha256(value.encode("utf-8")).hexdigest()[:32]
    return f"zugong:lockout:strikes:{kind}:{digest}", f"zugong:lockout:active:{kind}:{digest}"


def _subjects(request: HttpRequest | None) -> list[tuple[str, str]]:
    username, address = _client(request)
    return [(kind, value) for kind, value in (("username", username), ("address", address)) if value]


def cool_off(request: HttpRequest | None) -> timedelta:
    """AXES_COOLOFF_TIME: the base time doubled for each earlier lockout of this account or address today.

    A lockout under way counts as the current one, not an earlier one, so its length does not change while
    it lasts (axes asks again at every failure and when it shows the lockout page)."""
    doublings = 0
    for kind, value in _subjects(request):
        strikes_key, active_key = _keys(kind, value)
        strikes = int(cache.get(strikes_key, 0))
        doublings = max(doublings, strikes - 1 if cache.get(active_key) else strikes)
    base = int(settings.ZUGONG_LOGIN_LOCKOUT_MINUTES)
    ceiling = int(settings.ZUGONG_LOGIN_LOCKOUT_MAX_MINUTES)
    return timedelta(minutes=min(ceiling, base * 2 ** min(doublings, 20)))


def login_failed(request: HttpRequest | None, credentials: dict[str, Any], **kwargs: Any) -> None:
    """user_login_failed: every failure is a security warning (the password is never logged)."""
    username, address = _client(request)
    logger.warning("login failed: account=%r address=%s", credentials.get("username", username), address)


def locked_out(request: HttpRequest, username: str | None, ip_address: str | None, **kwargs: Any) -> None:
    """axes' user_locked_out, sent at every failure while locked: a new lockout counts a strike and is audited,
    one under way is only kept as long as axes keeps its own counters."""
    timeout = int(cool_off(request).total_seconds())
    started = False
    for kind, value in _subjects(request):
        strikes_key, active_key = _keys(kind, value)
        if cache.add(active_key, 1, timeout=timeout):
            started = True
            cache.add(strikes_key, 0, timeout=STRIKES_SECONDS)
            cache.incr(strikes_key)
        else:
            cache.touch(active_key, timeout=timeout)
    if started:
        logger.warning("login locked out for %d minutes: account=%r address=%s", timeout // 60, username, ip_address)
        audit_record(actor=None, action="auth.login_locked_out", object_type="auth.user",
                     object_id=(username or "")[:64],
                     summary={"username": username or "", "address": ip_address or "", "minutes": timeout // 60,
                              "path": request.path})


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict[str, Any] | None = None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the Chinese page (429) that says how long to wait, for the login and the admin."""
    minutes = int(cool_off(request).total_seconds()) // 60
    return render(request, "core/login_locked.html", {"minutes": minutes}, status=429)
