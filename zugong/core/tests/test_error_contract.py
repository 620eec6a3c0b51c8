"""One error contract (issue 16, item 9): under /api/ the `{"error": {"code", "message"}}` envelope, under
/open311/ GeoReport's error array, in Chinese, for every error; oversized bodies refused before parsing."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from zugong.conftest import Tree

CHINESE = re.compile(r"[\u4e00-\u9fff]")
ORDER = {"wall_id": 1, "resident_name": "张三", "resident_phone": "13800138000", "description": "路灯坏了",
         "category": "repair"}


def _envelope(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert CHINESE.search(error["message"]), error
    if code is not None:
        assert error["code"] == code
    return dict(error)


def test_anonymous_write_is_401_with_the_envelope_not_the_csrf_403(tree: Tree) -> None:
    response = Client(enforce_csrf_checks=True).post("/api/v1/orders", ORDER, content_type="application/json")
    _envelope(response, 401, "unauthenticated")


def test_session_write_without_csrf_token_is_a_chinese_403(tree: Tree, alice: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post("/api/v1/orders", ORDER, content_type="application/json")
    _envelope(response, 403, "csrf_failed")


def test_unparsable_json_is_a_chinese_400(tree: Tree, alice: User) -> None:
    client = Client()
    client.force_login(alice)
    response = client.post("/api/v1/orders", "{not json", content_type="application/json")
    _envelope(response, 400, "bad_request")


def test_unknown_api_path_and_wrong_method_use_the_envelope(tree: Tree, alice: User) -> None:
    client = Client()
    client.force_login(alice)
    _envelope(client.get("/api/v1/no-such-thing"), 404, "not_found")
    _envelope(client.delete("/api/v1/orders"), 405, "method_not_allowed")


def test_oversized_api_body_is_413_envelope_before_it_is_read(tree: Tree, alice: User, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    body = json.dumps({**ORDER, "description": "长" * 4000})
    _envelope(client.post("/api/v1/orders", body, content_type="application/json"), 413, "too_large")


def test_body_too_big_found_while_reading_is_the_413_envelope(tree: Tree, alice: User, settings: Any) -> None:
    # No usable Content-Length up front (a chunked body): Django refuses while reading; still the envelope.
    from django.core.exceptions import RequestDataTooBig

    from zugong.api import _too_big

    response = _too_big(Client().get("/").wsgi_request, RequestDataTooBig("too big"))
    assert response.status_code == 413
    assert json.loads(response.content)["error"] == {"code": "too_large", "message": "请求内容过大"}


@pytest.mark.parametrize(("suffix", "kind"), [(".json", "application/json"), (".xml", "text/xml")])
def test_oversized_open311_post_is_413_error_array(tree: Tree, settings: Any, suffix: str, kind: str) -> None:
    settings.ZUGONG_MASSWORK_PHOTO_MAX_BYTES = 1024
    response = Client().post(f"/open311/v2/requests{suffix}", {"description": "长" * 40000, "service_code": "repair"})
    assert response.status_code == 413
    assert response["Content-Type"].startswith(kind)
    text = response.content.decode()
    assert "413" in text and "请求内容过大" in text
    if suffix == ".json":
        assert response.json()[0]["code"] == 413


def test_oversized_public_upload_is_refused_before_csrf_reads_the_body(tree: Tree, settings: Any) -> None:
    settings.ZUGONG_MASSWORK_PHOTO_MAX_BYTES = 1024
    # No CSRF token: had anything parsed the form, this would be the CSRF 403.
    response = Client(enforce_csrf_checks=True).post("/m/", {"description": "长" * 40000})
    assert response.status_code == 413
    assert "提交内容过大" in response.content.decode()


def test_open311_errors_stay_the_error_array(tree: Tree) -> None:
    response = Client().get("/open311/v2/nothing-here.json")
    assert response.status_code == 404
    assert response.json()[0]["code"] == 404
    assert CHINESE.search(response.json()[0]["description"])


def test_server_error_under_api_is_the_envelope(tree: Tree, alice: User, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr("zugong.core.selectors.org_unit_list", broken)
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    _envelope(client.get("/api/v1/org-units"), 500, "server_error")


def test_open311_body_found_too_big_while_parsing_is_413_error_array(tree: Tree, settings: Any) -> None:
    # given: the declared length passes the early check, but the form is past what Django reads into memory
    settings.ZUGONG_MASSWORK_PHOTO_MAX_BYTES = 10 * 1024 * 1024
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    response = Client().post("/open311/v2/requests.json", {"description": "长" * 4000, "service_code": "repair"})
    assert response.status_code == 413
    assert response.json()[0]["code"] == 413
    assert "请求内容过大" in response.json()[0]["description"]
