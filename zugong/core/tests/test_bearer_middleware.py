"""A bearer request without cookies skips Django's session, locale, authentication and messages machinery
(core/middleware.py): it answers exactly what the same request answers through the whole stack, and a browser's
session-authenticated API request keeps its CSRF check (issue 17, item 6)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from zugong.conftest import Tree
from zugong.core.services import api_token_issue

PATHS = ["/api/v1/me", "/api/v1/cadres?limit=5", "/api/v1/talks?limit=5", "/api/v1/org-units",
         "/api/v1/no-such-thing", "/api/v1/cadres?sort=nonsense", "/api/v1/orders?limit=3"]


def shortcut_taken(response: Any) -> bool | None:
    """Whether the request was recognised as a cookieless bearer request (None: never asked)."""
    return response.wsgi_request.__dict__.get("_zugong_bearer_only")


def _answer(response: Any) -> tuple[int, bytes, dict[str, str]]:
    return response.status_code, response.content, dict(response.headers)


@pytest.mark.parametrize("path", PATHS)
def test_without_cookies_the_answer_is_the_whole_stack_s(tree: Tree, alice: User, path: str) -> None:
    token = api_token_issue(actor=None, user=alice)
    bare = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    full = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    full.cookies["unrelated"] = "1"  # any cookie: Django's own middleware, as before this change
    # when the same request is sent both ways
    shortcut, whole = bare.get(path), full.get(path)
    # then status, body and every header (Vary, Content-Language, Content-Type, …) are the same
    assert shortcut_taken(shortcut) is True
    assert shortcut_taken(whole) is False
    assert _answer(shortcut) == _answer(whole)
    if shortcut.status_code != 404:  # the error contract's envelope replaces Django's 404 page and its headers
        assert shortcut["Content-Language"] == "zh-hans"
        assert "Accept-Language" in shortcut["Vary"]
    assert not hasattr(shortcut.wsgi_request, "_messages")


def test_a_bad_token_without_cookies_is_401_like_the_whole_stack(tree: Tree) -> None:
    bare = Client(HTTP_AUTHORIZATION="Bearer zg_no-such-token")
    full = Client(HTTP_AUTHORIZATION="Bearer zg_no-such-token")
    full.cookies["unrelated"] = "1"
    shortcut, whole = bare.get("/api/v1/me"), full.get("/api/v1/me")
    assert shortcut.status_code == 401 and shortcut.json()["error"]["code"] == "unauthenticated"
    assert _answer(shortcut) == _answer(whole)


def test_the_labels_are_chinese_without_cookies_and_english_with_the_language_cookie(tree: Tree, alice: User) -> None:
    token = api_token_issue(actor=None, user=alice)
    chinese = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE="en")
    english = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    english.cookies["django_language"] = "en"
    assert chinese.get("/api/v1/me")["Content-Language"] == "zh-hans"  # Accept-Language is not asked
    assert english.get("/api/v1/me")["Content-Language"] == "en"
    assert shortcut_taken(chinese.get("/api/v1/me")) is True


def test_a_browser_write_still_needs_its_csrf_token(tree: Tree, alice: User) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    refused = browser.post("/api/v1/orders", {}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "csrf_failed"
    # with the token the write is checked past CSRF (its empty body is then the 422 envelope)
    browser.get("/")  # the page sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    passed = browser.post("/api/v1/orders", {}, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert passed.status_code == 422 and passed.json()["error"]["code"] == "invalid"
    # a bearer write carries no cookie and needs no CSRF token, as before
    raw = api_token_issue(actor=None, user=alice)
    bearer = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {raw}")
    answered = bearer.post("/api/v1/orders", {}, content_type="application/json")
    assert answered.status_code == 422 and shortcut_taken(answered) is True


def test_a_session_and_a_bearer_token_together_take_the_whole_stack(tree: Tree, alice: User, bob: User) -> None:
    browser = Client(HTTP_AUTHORIZATION=f"Bearer {api_token_issue(actor=None, user=bob)}")
    browser.force_login(alice)
    response = browser.get("/api/v1/me")
    assert shortcut_taken(response) is False
    assert response.json()["username"] == "bob"  # the token answers first, as before
