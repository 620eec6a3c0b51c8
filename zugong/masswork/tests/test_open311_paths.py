"""Every path under /open311/ answers the GeoReport v2 error array, also outside /open311/v2/."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/open311/foo", "/open311/", "/open311/v1/requests.json"])
def test_paths_outside_v2_answer_the_error_array(path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert body[0]["code"] == 404 and "discovery" in body[0]["description"]
