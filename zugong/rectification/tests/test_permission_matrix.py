"""Every role against every page and step of a problem issued by county A to township A: the page opens
(or the step is taken) exactly when the permission table allows it at the unit concerned; another
county's admin gets 404 for every read."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from zugong.conftest import Tree, logged_in, make_user
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import Role
from zugong.core.permissions import may
from zugong.rectification.models import ProblemStatus
from zugong.rectification.tests.helpers import add_problem, issue_list

HOMES = {Role.ORG_ADMIN: "county_a", Role.ORG_STAFF: "county_a", Role.LEADER: "county_a",
         Role.TOWNSHIP_STAFF: "township_a", Role.VILLAGE_STAFF: "village_a", Role.GROUP_LEADER: "village_a",
         Role.MEMBER: "village_a"}
TODAY = timezone.localdate().isoformat()


@pytest.fixture(autouse=True)
def _media(settings: object, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]


@pytest.mark.parametrize("role", list(HOMES))
def test_reads_open_exactly_for_the_roles_that_may_view(tree: Tree, alice: User, role: Role) -> None:
    problem = add_problem(issue_list(tree, alice), alice)
    user = make_user(f"u-{role}", getattr(tree, HOMES[role]), role)
    jurisdiction = jurisdiction_for(user)
    anywhere = may(jurisdiction, "rectification.problem_view")
    here = may(jurisdiction, "rectification.problem_view", tree.township_a)
    client = logged_in(user)
    assert client.get("/rectification/").status_code == (200 if anywhere else 403)
    for url in (f"/rectification/lists/{problem.problem_list_id}/", f"/rectification/problems/{problem.pk}/"):
        # a village's staff may read problems, but not their township's list: out of sight is 404
        assert client.get(url).status_code == (200 if here else 404 if anywhere else 403), (role, url)
    assert client.get("/api/v1/problems").status_code == (200 if anywhere else 403)


def test_another_county_gets_404_everywhere(tree: Tree, alice: User, carol: User) -> None:
    problem = add_problem(issue_list(tree, alice), alice)
    client = logged_in(carol)
    for url in (f"/rectification/lists/{problem.problem_list_id}/", f"/rectification/lists/{problem.problem_list_id}/export/",
                f"/rectification/problems/{problem.pk}/", f"/api/v1/problems/{problem.pk}"):
        assert client.get(url).status_code == 404, url


STEPS = [  # (url suffix, action, where it is decided, form data, state before, state after)
    ("plan/", "rectification.plan_submit", "owner", {"measures": "m", "deadline": TODAY}, ProblemStatus.OPEN,
     ProblemStatus.PLAN_SUBMITTED),
    ("checks/", "rectification.check_record", "issuer", {"verdict": "in_place", "checked_on": TODAY},
     ProblemStatus.OPEN, ProblemStatus.OPEN),
]


@pytest.mark.parametrize("role", list(HOMES))
@pytest.mark.parametrize(("suffix", "action", "where", "data", "before", "after"), STEPS)
def test_steps_are_taken_exactly_where_the_table_allows(tree: Tree, alice: User, role: Role, suffix: str,
                                                        action: str, where: str, data: dict[str, str], before: str,
                                                        after: str) -> None:
    problem = add_problem(issue_list(tree, alice), alice)
    user = make_user(f"u-{role}", getattr(tree, HOMES[role]), role)
    unit = tree.township_a if where == "owner" else tree.county_a
    jurisdiction = jurisdiction_for(user)
    response = logged_in(user).post(f"/rectification/problems/{problem.pk}/{suffix}", data)
    problem.refresh_from_db()
    if not may(jurisdiction, action):
        assert response.status_code == 403
    else:
        # a problem of the township is out of a village's sight: 404 before the form is read
        assert response.status_code == (302 if jurisdiction.contains(problem.org_unit) else 404)
    taken = problem.status == after and (suffix != "checks/" or problem.checks.exists())
    assert taken is may(jurisdiction, action, unit), (role, suffix)
    assert before in ProblemStatus.values
