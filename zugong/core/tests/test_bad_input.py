"""Bad input is a 4xx with a Chinese message, never a 500 (issue 16, item 8).

The API part is generated from the OpenAPI schema: every integer parameter of every GET operation gets
the hostile values, so a new endpoint cannot miss the check."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import DataError
from django.test import Client

from zugong.conftest import Tree
from zugong.core.services import api_token_issue
from zugong.masswork.tests import conftest as masswork_fixtures
from zugong.masswork.tests.conftest import Walls, place

walls = masswork_fixtures.walls  # the masswork app's fixture, for the dispatch form below

HOSTILE_INTEGERS = ["-5", "0", "99999", "99999999999999999999", "1000000000000", "abc"]
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _client(user: User, **extra: Any) -> Client:
    token = api_token_issue(actor=None, user=user)
    return Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {token}", **extra)


def _assert_refused_in_chinese(response: Any, *statuses: int) -> None:
    assert response.status_code in statuses, (response.status_code, response.content[:300])
    error = response.json()["error"]
    assert CHINESE.search(error["message"]), error


def _integer_parameters(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any], list[dict[str, Any]]]]:
    found = []
    for path, operations in schema["paths"].items():
        operation = operations.get("get")
        if operation is None:
            continue
        params = operation.get("parameters", [])
        for param in params:
            kinds = {param["schema"].get("type")} | {a.get("type") for a in param["schema"].get("anyOf", [])}
            if "integer" in kinds:
                found.append((path, param, params))
    return found


def test_every_integer_parameter_is_bounded_in_the_schema(tree: Tree, alice: User) -> None:
    schema = _client(alice).get("/api/v1/openapi.json").json()
    unbounded = []
    for path, param, _ in _integer_parameters(schema):
        bounds = [param["schema"], *param["schema"].get("anyOf", [])]
        if not any("maximum" in b for b in bounds):
            unbounded.append(f"{path} {param['name']}")
    assert unbounded == []


def test_hostile_integers_in_every_get_parameter_are_4xx_with_the_envelope(tree: Tree, alice: User) -> None:
    client = _client(alice)
    schema = client.get("/api/v1/openapi.json").json()
    server_errors = []
    for path, param, params in _integer_parameters(schema):
        for value in HOSTILE_INTEGERS:
            url, query = path, {}
            for other in params:
                if other["in"] == "path":
                    url = url.replace(f"{{{other['name']}}}", value if other is param else "1")
            if param["in"] == "query":
                query[param["name"]] = value
            response = client.get(url, query)
            if response.status_code >= 500 or (response.status_code >= 400 and "error" not in response.json()):
                server_errors.append((url, query, response.status_code))
    assert server_errors == []


@pytest.mark.parametrize("query", ["age_max=99999", "age_min=-1", "limit=-5", "limit=100000", "org=99999999999999999999",
                                   "managing_unit=99999999999999999999"])
def test_cadre_filters_out_of_range_are_422(tree: Tree, alice: User, query: str) -> None:
    _assert_refused_in_chinese(_client(alice).get(f"/api/v1/cadres?{query}"), 422)


@pytest.mark.parametrize("url", [
    "/api/v1/org-units?parent=99999999999999999999", "/api/v1/findings?offset=99999999999999999999",
    "/api/v1/findings?limit=-5", "/api/v1/talks?offset=1000000000000", "/api/v1/orders?limit=-5",
    "/api/v1/orders?wall_id=99999999999999999999", "/api/v1/petitions?offset=99999999999999999999",
    "/api/v1/duty?village_id=99999999999999999999", "/api/v1/pairings?cadre_id=99999999999999999999",
    "/api/v1/org-units/99999999999999999999", "/api/v1/cadres/abc",
])
def test_out_of_range_query_and_path_values_are_422(tree: Tree, alice: User, url: str) -> None:
    _assert_refused_in_chinese(_client(alice).get(url), 422)


def test_an_id_past_the_database_integer_in_a_body_is_422(tree: Tree, alice: User) -> None:
    response = _client(alice).post("/api/v1/orders", {"wall_id": 99999999999999999999, "resident_name": "张三",
                                                      "resident_phone": "13800138000", "description": "路灯坏了",
                                                      "category": "repair"}, content_type="application/json")
    _assert_refused_in_chinese(response, 422)


def test_an_overflow_the_schema_did_not_catch_is_400_not_500(tree: Tree, alice: User) -> None:
    from zugong.api import _overflow

    response = _overflow(Client().get("/").wsgi_request, OverflowError("Python int too large"))
    assert response.status_code == 400
    assert b"out_of_range" in response.content


@pytest.mark.parametrize("org", ["", None])
def test_rule_override_without_org_is_400_in_chinese(tree: Tree, alice: User, org: str | None) -> None:
    body: dict[str, Any] = {"valid_from": "2026-01-01", "params": {}}
    if org is not None:
        body["org"] = org
    response = _client(alice).post("/api/v1/rules/R16/overrides", body, content_type="application/json")
    _assert_refused_in_chinese(response, 400, 422)


def test_tracking_lookup_with_a_slash_is_not_a_500(tree: Tree) -> None:
    response = Client(raise_request_exception=False).get("/m/track/", {"code": "a/b"})
    assert response.status_code == 404
    assert "查询码" in response.content.decode()


def test_talk_plan_with_a_year_that_is_no_number_shows_this_year(tree: Tree, alice: User) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    response = client.get("/talks/plan/", {"year": "abc", "org": str(tree.county_a.pk)})
    assert response.status_code == 200


@pytest.mark.parametrize("member", ["abc", "99999999999999999999", ""])
def test_dispatch_form_with_a_member_id_that_is_no_member_is_a_form_error(tree: Tree, alice: User, walls: Walls,
                                                                          member: str) -> None:
    order = place(walls.a)
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    response = client.post(f"/masswork/orders/{order.pk}/", {"action": "dispatch", "member_id": member})
    assert response.status_code in (200, 302, 400), response.status_code


def test_the_three_stats_endpoints_each_have_their_own_response_schema() -> None:
    from zugong.api import api

    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    refs = {path: schema["paths"][path]["get"]["responses"][200]["content"]["application/json"]["schema"]["$ref"]
            for path in ("/api/v1/talks/stats", "/api/v1/petitions/stats", "/api/v1/walls/{wall_id}/stats")}
    assert len(set(refs.values())) == 3, refs  # one shared "StatsOut" name made two of them lie
    wall = schema["components"]["schemas"][refs["/api/v1/walls/{wall_id}/stats"].rsplit("/", 1)[-1]]
    assert {"total", "dispatched", "satisfaction_rate"} <= set(wall["properties"])


@pytest.mark.parametrize(("url", "query"), [("/cadres/", {"org": "99999999999999999999"}),
                                            ("/talks/new/", {"cadre": "99999999999999999999"}),
                                            ("/talks/new/", {"cadre": ["abc", "-1", "99999999999999999999"]})])
def test_picker_with_an_id_past_the_database_integer_is_not_a_500(tree: Tree, alice: User, url: str,
                                                                  query: dict[str, Any]) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    assert client.get(url, query).status_code == 200


def test_talk_form_posted_with_an_id_past_the_database_integer_is_a_form_error(tree: Tree, alice: User) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    response = client.post("/talks/new/", {"talkees": ["99999999999999999999"], "talkers": ["99999999999999999999"],
                                           "held_on": "2025-01-02", "kind": "other"})
    assert response.status_code in (200, 400), response.status_code


@pytest.mark.parametrize("suffix", [".json", ".xml"])
def test_open311_request_ids_past_the_database_integer_are_400(tree: Tree, suffix: str) -> None:
    response = Client(raise_request_exception=False).get(f"/open311/v2/requests{suffix}",
                                                         {"service_request_id": "1,99999999999999999999"})
    assert response.status_code == 400
    assert "service_request_id" in response.content.decode()


@pytest.mark.parametrize("error", [OverflowError("Python int too large to convert to SQLite INTEGER"),
                                   DataError("value out of range for type integer")])
def test_a_page_whose_input_overflows_the_database_is_a_chinese_400(tree: Tree, alice: User, error: Exception,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    def overflowing(*args: Any, **kwargs: Any) -> Any:
        raise error

    monkeypatch.setattr("zugong.meetings.selectors.meeting_list", overflowing)
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    response = client.get("/meetings/")
    assert response.status_code == 400
    assert "输入的数值超出允许范围" in response.content.decode()
