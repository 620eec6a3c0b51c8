"""The selection's numbers are register parameters: an org_admin sets them for their county through the
rules app's own override service, and the selection reads them there (and only there)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from zugong.core.errors import ValidationFailed
from zugong.rules.services import rule_override_set
from zugong.selection import params
from zugong.selection.tests.conftest import World

ON = date(2026, 3, 2)


def test_an_override_sets_each_number_for_one_county_only(world: World) -> None:
    # given: the register's defaults everywhere
    county_a, township_a, township_b = world.tree.county_a, world.tree.township_a, world.tree.township_b
    assert (params.quorum(township_a, ON), params.publicity_min_workdays(township_a, ON),
            params.r17_max_rank(township_a, ON), params.draw_share(township_a, ON)) == (
        Fraction(2, 3), 5, None, Decimal("0.1"))
    # when: county A's org_admin sets them on the rules page's service
    overrides: dict[str, dict[str, Any]] = {"R21": {"quorum": "4/5"}, "R13": {"publicity_min_workdays": 7},
                                            "R17": {"max_rank": 3}, "R19": {"draw_share": 0.2}}
    for code, values in overrides.items():
        rule_override_set(actor=world.alice, jurisdiction=world.ja, code=code, org_unit=county_a,
                          valid_from=date(2026, 1, 1), params=values)
    # then: county A's townships follow them, county B keeps the defaults
    assert (params.quorum(township_a, ON), params.publicity_min_workdays(township_a, ON),
            params.r17_max_rank(township_a, ON), params.draw_share(township_a, ON)) == (
        Fraction(4, 5), 7, 3, Decimal("0.2"))
    assert (params.quorum(township_b, ON), params.r17_max_rank(township_b, ON)) == (Fraction(2, 3), None)


def test_the_announcer_follows_the_post_level_and_a_county_may_name_its_own(world: World) -> None:
    township_a, township_b = world.tree.township_a, world.tree.township_b
    assert [params.r13_announcer(township_a, level, ON) for level in ("正县级", "副科级", " 正科级 ", "科员")] == [
        "市委", "县委", "县委", "本级党委"]
    rule_override_set(actor=world.alice, jurisdiction=world.ja, code="R13", org_unit=world.tree.county_a,
                      valid_from=date(2026, 1, 1),
                      params={"announcers": {"正科级": "县委组织部"}, "default_announcer": "县委"})
    assert [params.r13_announcer(township_a, level, ON) for level in ("正科级", "副科级")] == ["县委组织部", "县委"]
    assert params.r13_announcer(township_b, "正科级", ON) == "县委"  # county B keeps the register's


@pytest.mark.parametrize(("code", "values"), [
    ("R21", {"quorum": "三分之二"}), ("R21", {"quorum": "0/3"}), ("R13", {"publicity_min_workdays": 0}),
    ("R19", {"draw_share": 1.5}), ("R17", {"max_rank": 0}), ("R13", {"default_announcer": ""}),
    ("R13", {"announcers": {"正科级": ""}}),
])
def test_a_number_out_of_its_range_is_refused(world: World, code: str, values: dict[str, Any]) -> None:
    with pytest.raises(ValidationFailed):
        rule_override_set(actor=world.alice, jurisdiction=world.ja, code=code, org_unit=world.tree.county_a,
                          valid_from=date(2026, 1, 1), params=values)
