from __future__ import annotations

from django.test import Client


def test_english_browser_still_gets_chinese_until_the_user_switches(db) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    page = client.get("/login/").content.decode()
    assert "登录" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert "Sign in" in client.get("/login/").content.decode()
