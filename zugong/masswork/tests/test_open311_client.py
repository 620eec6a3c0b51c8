"""A real GeoReport v2 client against the live server: the published Python client `georeport` (PyPI) reads
in JSON and in XML, and a request is placed by location with a POST made as the spec's example makes it
(form-encoded to requests.xml, http://wiki.open311.org/GeoReport_v2#POST_Service_Request)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
import requests
from georeport import GeoReport

from zugong.conftest import make_user
from zugong.core.services import api_token_issue
from zugong.masswork.models import Channel, ServiceOrder, Wall


@pytest.fixture
def endpoint(transactional_db: Any, django_db_serialized_rollback: None, live_server: Any, walls: Any) -> str:
    Wall.objects.filter(pk=walls.a.pk).update(lat=34.650, long=107.130, coverage_m=1500)
    return f"{live_server.url}/open311/v2"


def _post_as_the_spec_example(endpoint: str, key: str) -> ElementTree.Element:
    # The spec's example: api_key, jurisdiction_id, service_code, lat, long, address_string, email, device_id,
    # account_id, first_name, last_name, phone, description, media_url — form-encoded, answered in XML.
    body = urlencode({"api_key": key, "jurisdiction_id": "demo.zugong", "service_code": "repair",
                      "lat": "34.65124078", "long": "107.1312043", "address_string": "甲社区幸福路 12 号",
                      "email": "wang333@example.cn", "device_id": "tt222111", "account_id": "123456",
                      "first_name": "秀英", "last_name": "王", "phone": "13700001111",
                      "description": "楼道灯坏了一个星期", "media_url": "http://myimages.com/1234.jpg"})
    response = requests.post(f"{endpoint}/requests.xml", data=body, timeout=10,
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 201, response.text
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    return ElementTree.fromstring(response.content)


def test_a_standard_client_discovers_places_by_location_and_reads_back(endpoint, tree):
    # given an integrator's key
    key = api_token_issue(actor=None, user=make_user("app", tree.county_a, "org_staff"))
    discovered = requests.get(f"{endpoint}/discovery.json", timeout=10).json()
    assert discovered["endpoints"][0]["url"] == f"{endpoint}/"
    # when a request is placed by lat/long, as the spec's example does
    placed = _post_as_the_spec_example(endpoint, key)
    # then it lands at the wall covering the point, and the client reads it back in both formats
    request_id = placed.findtext("request/service_request_id")
    order = ServiceOrder.objects.get(pk=int(request_id or 0))
    assert order.wall.lat == 34.650 and order.channel == Channel.OPEN311 and order.resident_name == "王秀英"
    assert placed.findtext("request/service_notice") == f"查询码：{order.tracking_code}"
    for fmt in ("json", "xml"):
        client = GeoReport(endpoint, output_format=fmt)
        codes = [s["service_code"] for s in client.get_service_list()]
        assert "repair" in codes and "elderly" in codes
        definition = client.get_service_definition("repair")
        assert definition["service_code"] == "repair"
        listed = client.get_service_requests(status="open")
        row = listed[0] if isinstance(listed, list) else listed  # xmltodict: one element is not a list
        assert row["service_request_id"] == request_id and row["service_code"] == "repair"
        one = client.get_service_request(request_id)
        assert one["status"] == "open" and str(one["lat"]) == "34.651" and str(one["long"]) == "107.131"
        assert "王" not in str(one) and "13700001111" not in str(one)


def test_the_client_sees_an_error_for_an_unknown_service_code(endpoint):
    with pytest.raises(requests.HTTPError) as raised:
        GeoReport(endpoint, output_format="xml").get_service_definition("pothole")
    answer = raised.value.response
    assert answer is not None and answer.status_code == 404
    assert ElementTree.fromstring(answer.content).findtext("error/code") == "404"
