"""The one permission table: the menu, the pages and the services read it, and these tests are generated
from it and from the URL registry, so a new page or menu entry cannot escape it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from zugong.conftest import Tree
from zugong.core.errors import Forbidden, NotFound
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import Membership, OrgUnit, Role
from zugong.core.nav import nav_items
from zugong.core.permissions import PERMISSIONS, SYSTEM, may, require
from zugong.core.request import PageMarker

PACKAGE = Path(__file__).resolve().parents[2]

# URL prefixes served without the page decorator, and why.
PUBLIC_PREFIXES = (
    "login/", "logout/", "password/",  # Django's auth views: they are the login itself
    "i18n/",  # the language switch works signed out too
    "m/", "open311/", "^open311/",  # residents' public pages and the Open311 endpoint: no account by design
    "admin/",  # Django admin: staff users only, with its own permission system
    "api/",  # django-ninja: its own auth (bearer or session) and the JSON error envelope
    "favicon.ico",  # a redirect to the static icon
    "healthz",  # load balancers and monitoring probe it without an account (zugong/jobs/health.py)
)


def _walk(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[tuple[str, object]]:
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, route)
        else:
            yield route, entry.callback


def test_every_signed_in_page_goes_through_the_page_decorator() -> None:
    routes = [(r, cb) for r, cb in _walk(get_resolver().url_patterns) if not r.startswith(PUBLIC_PREFIXES)]
    assert len(routes) > 20  # the walk found the apps' pages
    missing = [r for r, cb in routes if not isinstance(getattr(cb, "zugong_page", None), PageMarker)]
    assert not missing, f"pages without @page (no login, permission or error path): {missing}"


def test_every_page_action_is_in_the_table() -> None:
    for _route, callback in _walk(get_resolver().url_patterns):
        marker = getattr(callback, "zugong_page", None)
        if isinstance(marker, PageMarker) and marker.action is not None:
            assert marker.action in PERMISSIONS


def test_every_action_in_the_table_is_used_by_code() -> None:
    sources = "\n".join(p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py")
                        if "tests" not in p.parts and p.name != "permissions.py")
    unused = [action for action in PERMISSIONS if f'"{action}"' not in sources]
    assert not unused, f"actions no service, page or menu entry checks: {unused}"


def test_action_names_follow_app_dot_entity_verb() -> None:
    apps = {p.name for p in PACKAGE.iterdir() if (p / "apps.py").exists()}
    for action in PERMISSIONS:
        app, _, name = action.partition(".")
        assert app in apps and re.fullmatch(r"[a-z]+(_[a-z0-9]+)*", name), action


# --- may / require -------------------------------------------------------------------------------

def _member(tree_unit: OrgUnit, role: str, name: str) -> User:
    user = User.objects.create_user(name, password="x")
    Membership.objects.create(user=user, org_unit=tree_unit, role=role)
    return user


def test_require_is_not_found_outside_and_forbidden_without_the_role(tree: Tree) -> None:
    # given: a township cadre of township A
    jurisdiction = jurisdiction_for(_member(tree.township_a, Role.TOWNSHIP_STAFF, "t1"))
    # then: in their township they may visit households but not record a talk
    require(jurisdiction, "masswork.visit_record", tree.village_a)
    with pytest.raises(Forbidden, match="您没有记录谈心谈话的权限"):
        require(jurisdiction, "talks.talk_record", tree.village_a)
    # and another township is out of sight, whatever the role
    with pytest.raises(NotFound):
        require(jurisdiction, "masswork.visit_record", tree.township_b)


def test_a_role_held_higher_up_applies_below(tree: Tree) -> None:
    jurisdiction = jurisdiction_for(_member(tree.county_a, Role.ORG_STAFF, "s1"))
    assert may(jurisdiction, "talks.talk_record", tree.village_a)
    assert not may(jurisdiction, "talks.talk_record", tree.village_b)
    assert not may(jurisdiction, "rules.rule_override_set")  # org_admin only


def test_leader_is_read_only_except_approving_interviews(tree: Tree) -> None:
    jurisdiction = jurisdiction_for(_member(tree.county_a, Role.LEADER, "l1"))
    allowed_writes = {a for a, p in PERMISSIONS.items() if p.writes and may(jurisdiction, a, tree.county_a)}
    assert allowed_writes == {"talks.interview_approve"}


def test_system_may_do_every_action(tree: Tree) -> None:
    assert all(may(SYSTEM, action, tree.village_b) for action in PERMISSIONS)


def test_unknown_action_is_a_programming_error(tree: Tree) -> None:
    with pytest.raises(LookupError, match="unknown action"):
        may(SYSTEM, "talks.talk_delete")


# --- the menu and the pages agree, for every role -------------------------------------------------

ROLE_HOMES = {
    Role.ORG_ADMIN: "county_a", Role.ORG_STAFF: "county_a", Role.LEADER: "county_a",
    Role.TOWNSHIP_STAFF: "township_a", Role.VILLAGE_STAFF: "village_a", Role.GROUP_LEADER: "village_a",
    Role.MEMBER: "village_a",
}


@pytest.mark.parametrize("role", list(ROLE_HOMES))
def test_menu_shows_exactly_the_pages_the_role_may_open(tree: Tree, role: Role) -> None:
    # given: one person with this role
    user = _member(getattr(tree, ROLE_HOMES[role]), role, f"p-{role}")
    jurisdiction = jurisdiction_for(user)
    client = Client()
    client.force_login(user)
    menu = client.get("/").content.decode()
    for item in nav_items():
        allowed = may(jurisdiction, item.action)
        # then: the entry is in the menu exactly when its page opens, and refused (403) otherwise
        assert (f'data-nav="{item.key}"' in menu) is allowed, (role, item.key)
        status = client.get(reverse(item.url_name)).status_code
        assert status == (200 if allowed else 403), (role, item.key, status)


# --- the API reads what the page beside it shows, for every role -------------------------------

API_READS = {  # every GET list endpoint of the schema → the action its page requires
    "/api/v1/me": None, "/api/v1/org-units": "core.org_view", "/api/v1/cadres": "cadres.cadre_view",
    "/api/v1/rules": "rules.finding_view", "/api/v1/findings": "rules.finding_view",
    "/api/v1/talks": "talks.talk_view", "/api/v1/talks/stats": "talks.talk_view",
    "/api/v1/interviews": "talks.talk_view", "/api/v1/orders": "masswork.order_view",
    "/api/v1/petitions": "masswork.petition_view", "/api/v1/petitions/stats": "masswork.petition_view",
    "/api/v1/reception-days": "masswork.petition_view", "/api/v1/ledger": "masswork.township_view",
    "/api/v1/duty": "masswork.township_view", "/api/v1/pairings": "masswork.township_view",
    "/api/v1/meetings": "meetings.meeting_view",
    "/api/v1/problem-lists": "rectification.problem_view", "/api/v1/problems": "rectification.problem_view",
    "/api/v1/duty-reports": "rectification.problem_view", "/api/v1/projects": "rectification.project_view",
    "/api/v1/leader-reports": "rectification.project_view",
    "/api/v1/selections": "selection.selection_view", "/api/v1/problem-entries": "selection.problem_view",
    "/api/v1/personal-report-items": "selection.report_view", "/api/v1/personal-reports": "selection.report_view",
    "/api/v1/report-checks": "selection.report_view",
    "/api/v1/plan-reviews": "selection.selection_view", "/api/v1/selections/stats": "selection.selection_view",
    "/api/v1/special-inspections": "selection.inspection_view",
    "/api/v1/special-inspections/schedule": "selection.inspection_view",
    "/api/v1/accountability-situations": "selection.inspection_view",
    "/api/v1/assessments": "assessment.campaign_view",
    "/api/v1/villages/income": "fieldwork.income_view", "/api/v1/training-records": "fieldwork.training_view",
    "/api/v1/training/cycle": "fieldwork.training_view",
    "/api/v1/surveys": "assessment.survey_view",
    "/api/v1/points/items": "assessment.points_view",
    "/api/v1/points/entries": "assessment.points_view",
    "/api/v1/points/totals": "assessment.points_view",
    "/api/v1/field-batches": "fieldwork.stay_view", "/api/v1/field-stays": "fieldwork.stay_view",
    "/api/v1/suggestions": "fieldwork.stay_view",
    "/api/v1/research-topics": "fieldwork.topic_view", "/api/v1/field-days": "fieldwork.topic_view",
    "/api/v1/retired-village-cadres": "fieldwork.retiree_view",
    "/api/v1/retired-village-cadres/missed-visits": "fieldwork.retiree_view",
    "/api/v1/township-recruits/turnover": "fieldwork.turnover_view",
    "/api/v1/training-programmes": "fieldwork.training_view",
    "/api/v1/link-spendings": "fieldwork.stay_view",
    "/api/v1/jobs": "jobs.job_view",
}


def test_every_api_list_endpoint_is_in_the_read_table() -> None:
    from zugong.api import api

    paths = {p for p, ops in api.get_openapi_schema()["paths"].items() if "get" in ops and "{" not in p}
    assert paths == set(API_READS)


@pytest.mark.parametrize("role", list(ROLE_HOMES))
def test_api_reads_are_refused_exactly_where_the_pages_are(tree: Tree, role: Role) -> None:
    user = _member(getattr(tree, ROLE_HOMES[role]), role, f"a-{role}")
    jurisdiction = jurisdiction_for(user)
    client = Client()
    client.force_login(user)
    for path, action in API_READS.items():
        query = ({"org": tree.county_a.division_code or "", "from": "2026-01-01", "to": "2026-12-31"}
                 if path == "/api/v1/talks/stats" else {})
        status = client.get(path, query).status_code
        if action is None or may(jurisdiction, action):
            assert status in (200, 404), (role, path, status)  # 404: a stats unit outside a village's view
        else:
            assert status == 403, (role, path, status)
