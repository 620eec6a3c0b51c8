"""Who may do what with a cadre of 甲镇, generated from the one permission table (core.permissions).

Every write service of the roster is tried by every person: the org department of 甲县 (alice), a
township clerk of 甲镇 (bob), the org department of 乙县 (carol), a county leader (lee, read-only) and
a clerk with no role at all. The expected answer is read from `PERMISSIONS`: allowed, Forbidden (in the
jurisdiction without the role) or NotFound (outside it). The pages are checked the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from zugong.cadres.importers import cadre_import
from zugong.cadres.lrmx import write_lrmx
from zugong.cadres.models import Cadre, PostHolding
from zugong.cadres.services import (
    cadre_create,
    cadre_save_record,
    cadre_second,
    cadre_transfer,
    cadre_update,
    post_change,
)
from zugong.cadres.tests.factories import make_cadre, record
from zugong.conftest import logged_in, make_user
from zugong.core.errors import Forbidden, NotFound
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import Role
from zugong.core.permissions import PERMISSIONS, actions_of

ON = date(2026, 3, 2)
Call = Callable[..., Any]

# service → (the action it requires, how to call it for `cadre` in the test tree)
SERVICES: dict[str, tuple[str, Call]] = {
    "cadre_create": ("cadres.cadre_create", lambda tree, cadre, **who: cadre_create(
        **who, org_unit=tree.township_a, record=record("李四", date(1985, 3, 4), 9))),
    "cadre_update": ("cadres.cadre_update", lambda tree, cadre, **who: cadre_update(
        **who, cadre=cadre, changes={"health": "良好"})),
    "cadre_save_record": ("cadres.cadre_update", lambda tree, cadre, **who: cadre_save_record(
        **who, cadre=cadre, record=record(health="良好"))),
    "post_change": ("cadres.cadre_move", lambda tree, cadre, **who: post_change(
        **who, cadre=cadre, org_unit=tree.township_a, title="甲镇镇长", on=ON)),
    "cadre_transfer": ("cadres.cadre_move", lambda tree, cadre, **who: cadre_transfer(
        **who, cadre=cadre, to_org_unit=tree.township_a2, title="丙乡乡长", on=ON)),
    "cadre_second": ("cadres.cadre_move", lambda tree, cadre, **who: cadre_second(
        **who, cadre=cadre, to_org_unit=tree.township_a2, on=ON, until=None)),
    "cadre_import": ("cadres.cadre_import", lambda tree, cadre, **who: cadre_import(
        **who, org_unit=tree.township_a, files=[("a.lrmx", write_lrmx(record(health="良好")))])),
}
# where each person holds which role (None: a user without any membership)
PEOPLE = {"alice": ("county_a", Role.ORG_ADMIN), "bob": ("township_a", Role.TOWNSHIP_STAFF),
          "carol": ("county_b", Role.ORG_ADMIN), "lee": ("county_a", Role.LEADER), "nobody": None}


def _person(tree, name: str):
    from django.contrib.auth.models import User

    where = PEOPLE[name]
    if where is None:
        return User.objects.create_user(username=name, password="pw-" + name)
    return make_user(name, getattr(tree, where[0]), where[1])


def _expected(name: str, action: str) -> type[Exception] | None:
    where = PEOPLE[name]
    if where is None or where[0] == "county_b":
        return NotFound  # 甲镇 lies outside their jurisdiction
    return None if where[1].value in PERMISSIONS[action].roles else Forbidden


def test_every_write_action_of_the_app_is_covered():
    reads = {a for a in actions_of("cadres") if not PERMISSIONS[a].writes}
    assert {action for action, _ in SERVICES.values()} == set(actions_of("cadres")) - reads - {"cadres.cadre_pick"}


@pytest.mark.django_db
@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("name", PEOPLE)
def test_service_answers_as_the_permission_table_says(tree, service, name):
    # given
    cadre = make_cadre(tree.township_a)
    person = _person(tree, name)
    action, call = SERVICES[service]
    expected = _expected(name, action)
    before = (Cadre.objects.count(), PostHolding.objects.count(), Cadre.objects.get(pk=cadre.pk).health)
    # when / then
    if expected is None:
        call(tree, cadre, actor=person, jurisdiction=jurisdiction_for(person))
        after = (Cadre.objects.count(), PostHolding.objects.count(), Cadre.objects.get(pk=cadre.pk).health)
        assert after != before
    else:
        with pytest.raises(expected):
            call(tree, cadre, actor=person, jurisdiction=jurisdiction_for(person))
        assert (Cadre.objects.count(), PostHolding.objects.count(), Cadre.objects.get(pk=cadre.pk).health) == before


def test_the_leader_role_writes_nothing_in_the_roster():
    assert not [a for a in actions_of("cadres") if PERMISSIONS[a].writes and Role.LEADER.value in PERMISSIONS[a].roles]


PAGES = {  # url → the action of its @page (the per-cadre pages add the check at the cadre's unit)
    "/cadres/": "cadres.cadre_view",
    "/cadres/{pk}/": "cadres.cadre_view",
    "/cadres/{pk}/form?format=lrmx": "cadres.cadre_export",
    "/cadres/import/": "cadres.cadre_import",
    "/cadres/template.xlsx": "cadres.cadre_import",
    "/cadres/audit/": "cadres.archive_audit",
}


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("name", PEOPLE)
def test_page_answers_as_the_permission_table_says(tree, url, name):
    cadre = make_cadre(tree.township_a)
    person = _person(tree, name)
    action = PAGES[url]
    response = logged_in(person).get(url.format(pk=cadre.pk))
    where = PEOPLE[name]
    if where is None:
        expected = 403  # no role anywhere: refused before anything is looked up
    elif where[1].value not in PERMISSIONS[action].roles:
        expected = 403
    elif "{pk}" in url and where[0] == "county_b":
        expected = 404
    else:
        expected = 200
    assert response.status_code == expected
    if expected != 200:
        assert response.templates[0].name == "error.html"  # the one Chinese error page of @page


ENDPOINTS = ["/api/v1/cadres", "/api/v1/cadres/{pk}", "/api/v1/cadres/{pk}/changes"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ENDPOINTS)
@pytest.mark.parametrize("name", [*PEOPLE, "villager"])
def test_read_endpoints_answer_as_the_pages_do(tree, url, name):
    from zugong.conftest import bearer

    cadre = make_cadre(tree.township_a)
    person = make_user(name, tree.village_a, Role.VILLAGE_STAFF) if name == "villager" else _person(tree, name)
    response = bearer(person).get(url.format(pk=cadre.pk))
    where = PEOPLE.get(name)
    role = Role.VILLAGE_STAFF.value if name == "villager" else (where[1].value if where else None)
    allowed = role in PERMISSIONS["cadres.cadre_view"].roles
    sees_the_unit = name in ("alice", "bob", "lee")  # 甲镇 lies in their jurisdiction
    if "{pk}" in url:
        expected = 404 if not sees_the_unit else 200 if allowed else 403
    else:
        expected = 200 if allowed else 403
    assert response.status_code == expected
