from __future__ import annotations

from datetime import date

import pytest

from zugong.talks.caps import rating_cap
from zugong.talks.models import Interview, InterviewStatus, InterviewTarget


def interviews(n: int, status: str = InterviewStatus.HELD, year: int = 2025, **target) -> None:
    for i in range(n):
        Interview.objects.create(org_unit=target.get("team") or target["cadre"].org_unit, status=status,
                                 proposed_on=date(year, 1, 1), held_on=date(year, 2, 1 + i), **target)


@pytest.mark.parametrize(("count", "max_rating", "allowed"), [
    (0, None, ("优秀", "称职", "基本称职", "不称职")),
    (1, "称职", ("称职", "基本称职", "不称职")),
    (2, "基本称职", ("基本称职", "不称职")),
    (3, "基本称职", ("基本称职", "不称职")),
])
def test_cadre_cap(tree, roster, count, max_rating, allowed) -> None:
    interviews(count, target_kind=InterviewTarget.CADRE, cadre=roster.head_a)
    cap = rating_cap(cadre=roster.head_a, year=2025)
    assert (cap.max_rating, cap.allowed, cap.count) == (max_rating, allowed, count)


def test_cadre_cap_reason_quotes_the_rule(tree, roster) -> None:
    interviews(1, target_kind=InterviewTarget.CADRE, cadre=roster.head_a)
    assert rating_cap(cadre=roster.head_a, year=2025).reason == "约谈 1 次：不得评为“优秀”等次"


@pytest.mark.parametrize(("count", "max_rating", "allowed"), [
    (1, None, ("优秀", "较好", "一般", "较差")),
    (2, "较好", ("较好", "一般", "较差")),
    (3, "一般", ("一般", "较差")),
    (4, "一般", ("一般", "较差")),
])
def test_team_cap(tree, roster, count, max_rating, allowed) -> None:
    interviews(count, target_kind=InterviewTarget.TEAM, team=tree.township_a, team_head=roster.secretary_a)
    cap = rating_cap(team=tree.township_a, year=2025)
    assert (cap.max_rating, cap.allowed) == (max_rating, allowed)


def test_head_of_a_team_interviewed_twice_may_not_be_excellent(tree, roster) -> None:
    interviews(2, target_kind=InterviewTarget.TEAM, team=tree.township_a, team_head=roster.secretary_a)
    cap = rating_cap(cadre=roster.secretary_a, year=2025)
    assert cap.max_rating == "称职"
    assert cap.reason == "所在领导班子当年被约谈 2 次：单位主要负责人不得评为“优秀”等次"


def test_only_interviews_held_in_the_year_count(tree, roster) -> None:
    interviews(1, status=InterviewStatus.PROPOSED, target_kind=InterviewTarget.CADRE, cadre=roster.head_a)
    interviews(1, status=InterviewStatus.ASSESSED, year=2024, target_kind=InterviewTarget.CADRE, cadre=roster.head_a)
    assert rating_cap(cadre=roster.head_a, year=2025).max_rating is None
    assert rating_cap(cadre=roster.head_a, year=2024).max_rating == "称职"


def test_rating_cap_needs_exactly_one_subject(tree, roster) -> None:
    with pytest.raises(ValueError):
        rating_cap(year=2025)
