from datetime import date

import pytest

from zugong.cadres import selectors
from zugong.cadres.records import EducationData
from zugong.cadres.tests.factories import make_cadre
from zugong.core.jurisdiction import jurisdiction_for


@pytest.fixture
def three(tree):
    return [
        make_cadre(tree.township_a, name="甲一", birth=date(1970, 3, 1), order=41,
                   education=[EducationData("full_time", "硕士研究生", "法学硕士")]),
        make_cadre(tree.township_a2, name="甲二", birth=date(1985, 7, 1), order=42, political_status="13",
                   party_join_date=None),
        make_cadre(tree.county_a, name="甲三", birth=date(1978, 1, 1), order=43,
                   education=[EducationData("full_time", "大专")]),
    ]


def names(alice, filters, **kw):
    page = selectors.cadre_search(jurisdiction_for(alice), filters, **kw)
    return [c.name for c in page.items], page.next_cursor


@pytest.mark.django_db
def test_filters_by_org_subtree_education_group_and_political_status(alice, tree, three):
    assert names(alice, selectors.CadreFilters(org=tree.township_a.pk))[0] == ["甲一"]
    assert names(alice, selectors.CadreFilters(education="1"))[0] == ["甲一"]  # 研究生 group
    assert names(alice, selectors.CadreFilters(education="31"))[0] == ["甲三"]
    assert names(alice, selectors.CadreFilters(political_status="13"))[0] == ["甲二"]


@pytest.mark.django_db
def test_birth_sort_pages_with_cursor_in_both_directions(alice, three):
    first, cursor = names(alice, selectors.CadreFilters(), sort="birth", limit=2)
    rest, end = names(alice, selectors.CadreFilters(), sort="birth", limit=2, cursor=cursor or "")
    assert (first, rest, end) == (["甲一", "甲三"], ["甲二"], None)
    first, cursor = names(alice, selectors.CadreFilters(), sort="-birth", limit=1)
    rest, _ = names(alice, selectors.CadreFilters(), sort="-birth", limit=5, cursor=cursor or "")
    assert (first, rest) == (["甲二"], ["甲三", "甲一"])


@pytest.mark.django_db
def test_org_filter_outside_jurisdiction_is_not_found(carol, tree, three):
    from zugong.core.errors import NotFound

    with pytest.raises(NotFound):
        selectors.cadre_search(jurisdiction_for(carol), selectors.CadreFilters(org=tree.township_a.pk))
