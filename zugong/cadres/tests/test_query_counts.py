"""Every list page and list endpoint of the roster costs the same number of queries however many rows
it shows: count with a few rows, add many more, count again (no N+1)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zugong.cadres.services import cadre_transfer, cadre_update
from zugong.cadres.tests.factories import make_cadre
from zugong.conftest import bearer, logged_in
from zugong.core.jurisdiction import jurisdiction_for


def _queries(client, url: str) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response


def _add_cadres(tree, count: int, start: int) -> None:
    units = (tree.township_a, tree.township_a2, tree.village_a, tree.county_a)
    for i in range(count):
        make_cadre(units[i % len(units)], name=f"李{i:02d}", birth=date(1970 + i % 20, 1 + i % 12, 1 + i % 27),
                   order=start + i)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/cadres/", "/cadres/?sort=birth", "/cadres/?org={county}&leading=0"])
def test_list_page_queries_do_not_grow_with_the_cadres(tree, alice, url):
    url = url.format(county=tree.county_a.pk)
    web = logged_in(alice)
    _add_cadres(tree, 3, start=1)
    web.get("/cadres/")  # session and menu warm
    few, first = _queries(web, url)
    _add_cadres(tree, 30, start=100)
    many, second = _queries(web, url)
    assert many == few
    assert second.content.decode().count("/cadres/") > first.content.decode().count("/cadres/") + 25


@pytest.mark.django_db
def test_list_endpoint_queries_do_not_grow_with_the_cadres(tree, alice):
    api = bearer(alice)
    _add_cadres(tree, 3, start=1)
    api.get("/api/v1/cadres?limit=1")  # token stamp and cached memberships written here, not counted
    few, first = _queries(api, "/api/v1/cadres?limit=100")
    _add_cadres(tree, 30, start=100)
    many, second = _queries(api, "/api/v1/cadres?limit=100")
    assert (len(first.json()["items"]), len(second.json()["items"])) == (3, 33)
    assert many == few


@pytest.mark.django_db
def test_changes_endpoint_queries_do_not_grow_with_the_changes(tree, alice):
    # given: a cadre with a few changes, one of them a unit (whose name is read for display)
    j = jurisdiction_for(alice)
    cadre = make_cadre(tree.township_a, health="健康")
    cadre_transfer(actor=alice, jurisdiction=j, cadre=cadre, to_org_unit=tree.township_a2, on=date(2026, 1, 5),
                   title="丙乡副乡长")
    api = bearer(alice)
    url = f"/api/v1/cadres/{cadre.pk}/changes"
    api.get(url)  # token stamp and cached memberships written here, not counted
    few, first = _queries(api, url)
    # when: thirty more changes are made
    for i in range(30):
        cadre_update(actor=alice, jurisdiction=j, cadre=cadre, changes={"professional_title": f"职称{i}"})
    many, second = _queries(api, url)
    # then
    assert (len(first.json()), len(second.json())) == (3, 33)  # post, leading flag, unit; then titles
    assert many == few


@pytest.mark.django_db
def test_detail_page_queries_do_not_grow_with_changes_and_posts(tree, alice):
    j = jurisdiction_for(alice)
    cadre = make_cadre(tree.township_a)
    cadre_transfer(actor=alice, jurisdiction=j, cadre=cadre, on=date(2019, 1, 1), title="职务",
                   to_org_unit=tree.township_a2)  # a unit change: its names are read in one query
    web = logged_in(alice)
    web.get("/cadres/")
    few, _ = _queries(web, f"/cadres/{cadre.pk}/")
    for i in range(15):
        cadre_update(actor=alice, jurisdiction=j, cadre=cadre, changes={"professional_title": f"职称{i}"})
        cadre_transfer(actor=alice, jurisdiction=j, cadre=cadre, on=date(2020, 1, 1 + i), title=f"职务{i}",
                       to_org_unit=tree.township_a2 if i % 2 == 0 else tree.township_a)
    many, page = _queries(web, f"/cadres/{cadre.pk}/")
    assert "职务14" in page.content.decode()
    assert many == few
