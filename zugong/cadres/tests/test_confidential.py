"""#16 item 1: a masked ID number (`110105********0017`) cannot be completed by anything shown or searchable
beside it. The birth date is the missing middle of the number, so wherever the number is masked the
birth date shows as year and month only; the full date comes with the full number, to those allowed to
see it, and that view is logged as an access event."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from zugong.cadres import selectors
from zugong.cadres.models import Cadre
from zugong.cadres.services import cadre_update
from zugong.cadres.tests.factories import make_cadre
from zugong.conftest import bearer, logged_in, make_user
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import AccessEvent, Role
from zugong.core.permissions import SYSTEM

BIRTH = date(1980, 5, 17)
# every way the full day could be written beside the number
FULL_BIRTH = ("1980-05-17", "1980.05.17", "19800517", "1980年05月17日", "1980年5月17日", "1980/05/17")


@pytest.fixture
def cadre(tree):
    made = make_cadre(tree.township_a, name="王建国", birth=BIRTH)
    # a change of the birth day makes a history row that quotes old and new dates
    cadre_update(actor=None, jurisdiction=SYSTEM, cadre=made, changes={"birth_date": date(1980, 5, 18)})
    cadre_update(actor=None, jurisdiction=SYSTEM, cadre=made, changes={"birth_date": BIRTH})
    return made


@pytest.fixture
def leader(tree):
    return make_user("lee", tree.county_a, Role.LEADER)


def _xlsx_text(content: bytes) -> str:
    sheet = load_workbook(io.BytesIO(content)).active
    return "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None)


def _responses(user, cadre) -> dict[str, str]:
    web, api = logged_in(user), bearer(user)
    pages = {
        "api list": api.get("/api/v1/cadres?q=王"),
        "api list by birth": api.get("/api/v1/cadres?sort=birth"),
        "api detail": api.get(f"/api/v1/cadres/{cadre.pk}"),
        "api changes": api.get(f"/api/v1/cadres/{cadre.pk}/changes"),
        "list page": web.get("/cadres/?q=王"),
        "detail page": web.get(f"/cadres/{cadre.pk}/"),
        "picker": web.get("/pick/cadres/?q=王"),
    }
    texts = {}
    for key, response in pages.items():
        assert response.status_code == 200, key
        texts[key] = response.content.decode()
    export = web.get("/cadres/export.xlsx?q=王")
    assert export.status_code == 200
    texts["xlsx roster"] = _xlsx_text(export.content)
    return texts


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["bob", "leader"])
def test_no_response_holds_a_masked_number_and_the_full_birth_date(who, bob, leader, cadre):
    user = {"bob": bob, "leader": leader}[who]
    masked = f"{cadre.id_number[:6]}********{cadre.id_number[-4:]}"
    texts = _responses(user, cadre)
    assert masked in texts["api list"] and masked in texts["list page"] and masked in texts["xlsx roster"]
    for key, text in texts.items():
        assert cadre.id_number not in text, key
        assert not [form for form in FULL_BIRTH if form in text], key
    # the month is still there, in each place it was
    assert '"birth_month": "1980-05"' in texts["api list"] and '"birth_date": null' in texts["api detail"]
    assert "1980.05" in texts["xlsx roster"]
    assert '"old_value": "1980-05"' in texts["api changes"]
    assert AccessEvent.objects.count() == 0


@pytest.mark.django_db
def test_the_full_view_shows_the_day_and_is_logged(alice, cadre):
    # given: alice (org department) sees masked numbers and months like everyone in lists
    api, web = bearer(alice), logged_in(alice)
    listed = api.get("/api/v1/cadres?q=王").json()["items"][0]
    assert (listed["birth_month"], listed["birth_date"]) == ("1980-05", None)
    assert AccessEvent.objects.count() == 0
    # when: she asks for the full number
    body = api.get(f"/api/v1/cadres/{cadre.pk}?full_id=1").json()
    page = web.get(f"/cadres/{cadre.pk}/?full_id=1").content.decode()
    # then: number and day, each view logged
    assert (body["id_number"], body["birth_date"]) == (cadre.id_number, "1980-05-17")
    assert cadre.id_number in page and "1980-05-17" in page
    events = AccessEvent.objects.filter(user=alice, object_id=str(cadre.pk), field="id_number")
    assert sorted(events.values_list("channel", flat=True)) == ["api", "web"]


@pytest.mark.django_db
def test_full_view_is_refused_to_the_clerk_and_the_leader(bob, leader, cadre):
    for user in (bob, leader):
        assert bearer(user).get(f"/api/v1/cadres/{cadre.pk}?full_id=1").status_code == 403
    assert AccessEvent.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["q={prefix}", "id_number={prefix}"])
def test_searching_by_number_prefix_is_refused_without_the_right_to_see_numbers(bob, alice, cadre, query):
    # A prefix search would answer digit by digit: "is there a number starting 11010519800517…?"
    url = "/api/v1/cadres?" + query.format(prefix=cadre.id_number[:14])
    refused = bearer(bob).get(url)
    assert refused.status_code == 400 and "权限" in refused.json()["error"]["message"]
    assert "权限" in logged_in(bob).get("/cadres/?" + query.format(prefix=cadre.id_number[:14])).content.decode()
    assert logged_in(bob).get(f"/pick/cadres/?q={cadre.id_number[:14]}").content.decode().count("王建国") == 0
    # those who may see the number still find the cadre by it
    assert [c["id"] for c in bearer(alice).get(url).json()["items"]] == [cadre.pk]


@pytest.mark.django_db
def test_age_filter_and_birth_order_work_by_month_without_the_right(tree, bob, alice):
    # given: two cadres born in the same month, on the 3rd and the 25th
    early = make_cadre(tree.township_a, name="甲", birth=date(1980, 5, 3), order=1)
    late = make_cadre(tree.township_a, name="乙", birth=date(1980, 5, 25), order=2)

    def found(user, on: date) -> set[int]:
        page = selectors.cadre_search(jurisdiction_for(user), selectors.CadreFilters(age_min=40, age_on=on))
        return {c.pk for c in page.items}

    # when: the age is asked on the days between the two birthdays
    # then: the clerk cannot tell the two apart by moving the day; the org department can
    assert found(bob, date(2020, 5, 10)) == found(bob, date(2020, 5, 1)) == {early.pk, late.pk}
    assert found(bob, date(2020, 4, 30)) == set()
    assert found(alice, date(2020, 5, 10)) == {early.pk}
    # and sorting by birth sorts by month (ties by id), so the order within a month says nothing
    page = selectors.cadre_search(jurisdiction_for(bob), selectors.CadreFilters(), sort="-birth", limit=1)
    assert "1980-05-01" in str(selectors.decode_cursor(page.next_cursor or "")[0])


@pytest.mark.django_db
def test_the_audit_export_quotes_an_invalid_birth_date_masked(tree, alice):
    # given: a stored number whose birth digits are no date (30 February): the id_birth finding quotes them
    cadre = make_cadre(tree.township_a, name="王建国", birth=BIRTH)
    bad = "11010519800230001" + "2"
    Cadre.objects.filter(pk=cadre.pk).update(id_number=bad)
    # when
    export = logged_in(alice).get("/cadres/audit/export.xlsx?check=id_birth")
    # then: neither the number nor its birth digits appear beside the mask
    text = _xlsx_text(export.content)
    assert "110105********0012" in text and "出生日期 ******** 不是有效日期" in text
    assert bad not in text and "19800230" not in text


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "found"), [
    ("age_on=9999-12-31&age_min=0", True), ("age_on=9999-12-31&age_max=0", False),
    ("age_on=0001-01-01&age_max=0", True), ("age_on=0001-01-01&age_min=5", False),  # age_max: no lower bound
    ("age_on=2026-01-01&age_max=150", True),
])
@pytest.mark.parametrize("who", ["bob", "alice"])
def test_age_filters_at_the_ends_of_the_calendar(who, bob, alice, cadre, query, found):
    response = bearer({"bob": bob, "alice": alice}[who]).get("/api/v1/cadres?" + query)
    assert response.status_code == 200
    assert [c["id"] for c in response.json()["items"]] == ([cadre.pk] if found else [])
