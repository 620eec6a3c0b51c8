"""A 信访 entry of the problem archive names the petition record it came from (masswork's `Petition`): only a
petition the recorder sees and that was received in the cadre's own county; shown with a link for those who may
read petitions there; `petition_id` in the API."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User

from zugong.conftest import bearer, logged_in, make_user
from zugong.core.errors import ValidationFailed
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import OrgUnit, Role
from zugong.masswork.models import Petition
from zugong.masswork.services.petitions import petition_receive
from zugong.selection.services.problems import problem_record
from zugong.selection.tests.conftest import World


def _petition(user: User, unit: OrgUnit) -> Petition:
    return petition_receive(actor=user, jurisdiction=jurisdiction_for(user), org_unit=unit, channel="letter",
                            petitioner_name="群众甲", subject="反映镇干部问题", content="反映某镇干部作风问题",
                            received_on=date(2026, 3, 1))


def _entry(w: World, user: User, petition_id: int | None, source: str = "petition") -> Any:
    return problem_record(actor=user, jurisdiction=jurisdiction_for(user), cadre=w.zhang, source=source,
                          received_on=date(2026, 3, 2), summary="信访反映其作风粗暴", petition_id=petition_id)


def test_a_petition_entry_links_to_a_petition_of_its_own_county(world: World) -> None:
    petition = _petition(world.alice, world.tree.county_a)
    entry = _entry(world, world.alice, petition.pk)
    assert entry.petition_id == petition.pk
    api = bearer(world.alice)
    assert api.get(f"/api/v1/problem-entries/{entry.pk}").json()["petition_id"] == petition.pk
    assert api.get("/api/v1/problem-entries").json()[0]["petition_id"] == petition.pk
    page = logged_in(world.alice).get(f"/selection/problems/{entry.pk}/").content.decode()
    assert f'href="/masswork/petitions/{petition.pk}/"' in page and f"第 {petition.pk} 号信访件（甲县受理）" in page


def test_another_county_s_petition_is_refused_in_chinese(world: World, carol: User) -> None:
    theirs = _petition(carol, world.tree.county_b)
    with pytest.raises(ValidationFailed, match=f"未找到编号为 {theirs.pk} 的信访件，或不在您的管辖范围内"):
        _entry(world, world.alice, theirs.pk)
    # a city admin sees both counties, yet a county-A cadre's entry cannot name county B's petition
    city = make_user("city", world.tree.city, Role.ORG_ADMIN)
    with pytest.raises(ValidationFailed, match="该信访件由乙县受理，不属于张一所在的甲县，不能关联其他辖区的信访件"):
        _entry(world, city, theirs.pk)
    assert _entry(world, city, _petition(city, world.tree.township_a).pk).petition.org_unit == world.tree.township_a


def test_only_a_petition_entry_names_a_petition(world: World) -> None:
    petition = _petition(world.alice, world.tree.county_a)
    with pytest.raises(ValidationFailed, match="只有来源为信访的问题信息才能关联信访件"):
        _entry(world, world.alice, petition.pk, source="audit")


def test_the_api_and_the_page_take_the_petition_and_refuse_another_county_s(world: World, carol: User) -> None:
    ours, theirs = _petition(world.alice, world.tree.county_a), _petition(carol, world.tree.county_b)
    api = bearer(world.alice)
    body = {"cadre_id": world.zhang.pk, "source": "petition", "received_on": "2026-03-02", "summary": "信访反映"}
    made = api.post("/api/v1/problem-entries", {**body, "petition_id": ours.pk}, content_type="application/json")
    assert made.status_code == 201 and made.json()["petition_id"] == ours.pk
    refused = api.post("/api/v1/problem-entries", {**body, "petition_id": theirs.pk}, content_type="application/json")
    assert refused.status_code == 400 and "不在您的管辖范围内" in str(refused.json())
    client = logged_in(world.alice)
    form = {"cadre": world.zhang.pk, "source": "petition", "received_on": "2026-03-02", "summary": "信访反映"}
    answer = client.post("/selection/problems/new/", {**form, "petition": theirs.pk})
    assert answer.status_code == 200 and "不在您的管辖范围内，不能关联" in answer.content.decode()
    assert client.post("/selection/problems/new/", {**form, "petition": ours.pk}).status_code == 302


def test_the_link_is_shown_only_to_those_who_may_read_the_petition(world: World) -> None:
    petition = _petition(world.alice, world.tree.county_a)  # received by the county: out of a township's sight
    entry = _entry(world, world.alice, petition.pk)
    township_clerk = make_user("tclerk", world.tree.township_a, Role.ORG_STAFF)
    page = logged_in(township_clerk).get(f"/selection/problems/{entry.pk}/").content.decode()
    assert f"第 {petition.pk} 号信访件" in page and f"/masswork/petitions/{petition.pk}/" not in page
