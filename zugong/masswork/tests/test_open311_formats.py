"""Open311 GeoReport v2: every method in XML as well as JSON, discovery, service definitions, the error array
for anything that goes wrong (also an unknown path), charset=utf-8."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest
from django.test import Client

from zugong.masswork.tests.conftest import place

BASE = "/open311/v2/"


def _xml(response) -> ElementTree.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ElementTree.fromstring(response.content)


@pytest.mark.django_db
def test_json_answers_say_utf8():
    response = Client().get(BASE + "services.json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "维修维护".encode() in response.content  # not \\u-escaped


@pytest.mark.django_db
def test_services_xml():
    root = _xml(Client().get(BASE + "services.xml"))
    assert root.tag == "services"
    first = root.find("service")
    assert first is not None
    assert [c.tag for c in first] == ["service_code", "service_name", "description", "metadata", "type",
                                      "keywords", "group"]
    assert first.findtext("metadata") == "false" and first.findtext("type") == "realtime"
    assert {s.findtext("service_code") for s in root} >= {"repair", "elderly", "other"}


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_service_definition_and_unknown_code_is_404(fmt):
    client = Client()
    found = client.get(f"{BASE}services/repair.{fmt}")
    missing = client.get(f"{BASE}services/pothole.{fmt}")
    assert found.status_code == 200 and missing.status_code == 404
    if fmt == "json":
        assert found.json() == {"service_code": "repair", "attributes": []}
        assert missing.json() == [{"code": 404, "description": "没有服务代码 pothole，可用的代码见 services.json"}]
    else:
        root = _xml(found)
        assert root.tag == "service_definition" and root.findtext("service_code") == "repair"
        attributes = root.find("attributes")
        assert attributes is not None and len(attributes) == 0
        error = _xml(missing)
        assert error.tag == "errors" and error.findtext("error/code") == "404"
        assert "pothole" in (error.findtext("error/description") or "")


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_discovery(fmt):
    response = Client().get(f"{BASE}discovery.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        endpoint = response.json()["endpoints"][0]
        assert endpoint["url"] == "http://testserver/open311/v2/"
        assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
        assert endpoint["formats"] == ["text/xml", "application/json"] and endpoint["type"] == "production"
    else:
        root = _xml(response)
        assert root.tag == "discovery" and root.findtext("endpoints/endpoint/url") == "http://testserver/open311/v2/"
        assert [f.text for f in root.iterfind("endpoints/endpoint/formats/format")] == ["text/xml",
                                                                                     "application/json"]


def test_requests_xml_and_one_request_xml(walls):
    order = place(walls.a, lat=34.6512345, long=107.1312345)
    client = Client()
    listed = _xml(client.get(BASE + "requests.xml"))
    assert listed.tag == "service_requests" and len(listed) == 1
    row = listed.find("request")
    assert row is not None and row.findtext("service_request_id") == str(order.pk)
    assert row.findtext("status") == "open" and row.findtext("lat") == "34.651"
    assert row.findtext("media_url") == "" and row.find("zipcode") is not None
    one = _xml(client.get(f"{BASE}requests/{order.pk}.xml"))
    assert one.tag == "service_requests" and one.findtext("request/service_request_id") == str(order.pk)
    missing = _xml(client.get(f"{BASE}requests/999999.xml"))
    assert missing.findtext("error/code") == "404"


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "fmt"), [("pothole.json", "json"), ("v3/services.xml", "xml"),
                                           ("services.csv", "json"), ("requests/12/extra.json", "json"),
                                           ("", "json")])
def test_unknown_paths_answer_the_error_array(path, fmt):
    response = Client().get(BASE + path)
    assert response.status_code == 404
    if fmt == "xml":
        assert _xml(response).findtext("error/code") == "404"
    else:
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert response.json()[0]["code"] == 404 and "discovery.json" in response.json()[0]["description"]


@pytest.mark.django_db
def test_wrong_method_is_the_error_array():
    response = Client().post(BASE + "services.xml")
    assert response.status_code == 405 and response["Allow"] == "GET"
    assert _xml(response).findtext("error/code") == "405"


def test_bad_filter_in_xml_is_the_error_array(walls):
    response = Client().get(BASE + "requests.xml?status=pending")
    assert response.status_code == 400
    assert "open 或 closed" in (_xml(response).findtext("error/description") or "")
