from __future__ import annotations

from decimal import Decimal

import pytest

from zugong.assessment.models import CampaignStatus, NegativeSituation, Subject
from zugong.assessment.services import campaigns as svc
from zugong.assessment.services.ratings import (
    excellent_quota,
    negative_entry_record,
    rating_limit,
    rating_set,
)
from zugong.core.errors import Conflict, GateRefused, IllegalTransition, ValidationFailed

from .conftest import cadre_interviews, campaign_at, team_interviews


def _subject(campaign, person=None, team=None) -> Subject:
    qs = campaign.subjects.all()
    return qs.get(cadre=person) if person is not None else qs.get(cadre__isnull=True, org_unit=team)


def rate(world, campaign, subject: Subject, rating: str) -> Subject:
    return rating_set(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, subject_id=subject.pk,
                      rating=rating)


def test_a_cadre_interviewed_once_this_year_cannot_be_excellent(world) -> None:
    person = world.cadres[0]
    cadre_interviews(person, 1)
    campaign = campaign_at(world, CampaignStatus.RATING)
    with pytest.raises(GateRefused) as refused:
        rate(world, campaign, _subject(campaign, person), "优秀")
    assert refused.value.message == f"{person.name}：本年度被约谈 1 次：不得评为“优秀”等次"
    assert refused.value.status == 409
    assert rate(world, campaign, _subject(campaign, person), "称职").rating == "称职"


def test_a_cadre_interviewed_twice_is_basic_competent_at_best(world) -> None:
    person = world.cadres[0]
    cadre_interviews(person, 2)
    campaign = campaign_at(world, CampaignStatus.RATING)
    limit = rating_limit(_subject(campaign, person), 2026)
    assert limit.allowed == ("基本称职", "不称职")
    with pytest.raises(GateRefused, match="直接评为“基本称职”或“不称职”等次"):
        rate(world, campaign, _subject(campaign, person), "称职")


def test_interviews_of_another_year_do_not_cap(world) -> None:
    person = world.cadres[0]
    cadre_interviews(person, 2, year=2025)
    campaign = campaign_at(world, CampaignStatus.RATING)
    assert rate(world, campaign, _subject(campaign, person), "优秀").rating == "优秀"


def test_a_team_interviewed_twice_cannot_be_good_and_three_times_is_ordinary_at_best(world) -> None:
    t1, t2 = world.tree.township_a, world.tree.township_a2
    team_interviews(t1, 2)
    team_interviews(t2, 3)
    campaign = campaign_at(world, CampaignStatus.RATING, cadres=[], teams=(t1, t2), share=Decimal("1"))
    with pytest.raises(GateRefused, match="单位不得评为“优秀”等次"):
        rate(world, campaign, _subject(campaign, team=t1), "好")
    assert rate(world, campaign, _subject(campaign, team=t1), "较好").rating == "较好"
    assert rating_limit(_subject(campaign, team=t2), 2026).allowed == ("一般", "较差")
    with pytest.raises(GateRefused, match="单位直接评为“一般”或“较差”等次"):
        rate(world, campaign, _subject(campaign, team=t2), "较好")


def test_the_negative_list_bars_excellent(world) -> None:
    person = world.cadres[0]
    campaign = campaign_at(world, CampaignStatus.RATING)
    subject = _subject(campaign, person)
    negative_entry_record(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, subject_id=subject.pk,
                          situation=NegativeSituation.ADMONISHMENT, note="2026年3月受到诫勉")
    with pytest.raises(GateRefused) as refused:
        rate(world, campaign, subject, "优秀")
    assert refused.value.message == f"{person.name}：列入负面清单（受到诫勉）：不得评为“优秀”等次"


def test_the_excellent_quota_is_the_share_rounded_down(world) -> None:
    # given: 10 cadres at 15 % → 1 place (1.5 rounded down)
    campaign = campaign_at(world, CampaignStatus.RATING)
    assert excellent_quota(campaign, 10) == 1
    first, second = (_subject(campaign, p) for p in world.cadres[:2])
    rate(world, campaign, first, "优秀")
    # when / then: the second 优秀 is refused with the arithmetic
    with pytest.raises(Conflict) as refused:
        rate(world, campaign, second, "优秀")
    assert refused.value.message == "“优秀”等次名额已满：共 10 个考核对象，比例 15%，最多 1 个，已评定 1 个"
    # re-rating the holder of the place is not a second place; giving it up frees it
    assert rate(world, campaign, first, "优秀").rating == "优秀"
    rate(world, campaign, first, "称职")
    assert rate(world, campaign, second, "优秀").rating == "优秀"


def test_a_rating_off_the_scale_is_refused(world) -> None:
    campaign = campaign_at(world, CampaignStatus.RATING)
    with pytest.raises(ValidationFailed, match="等次须为优秀、称职、基本称职、不称职之一"):
        rate(world, campaign, _subject(campaign, world.cadres[0]), "好")


def test_ratings_wait_for_the_rating_stage(world) -> None:
    campaign = campaign_at(world, CampaignStatus.SCORING)
    with pytest.raises(IllegalTransition, match="只有在“定等次”阶段才能评定等次"):
        rate(world, campaign, _subject(campaign, world.cadres[0]), "称职")


def test_a_cadre_with_an_invalid_registry_record_stops_publication_naming_them(world) -> None:
    person = world.cadres[0]
    campaign = campaign_at(world, CampaignStatus.RATING, cadres=[person], share=Decimal("0"))
    rate(world, campaign, _subject(campaign, person), "称职")
    type(person).objects.filter(pk=person.pk).update(birth_date=None)
    with pytest.raises(Conflict, match=f"干部{person.name}的干部信息有误（出生年月不能为空）"):
        svc.campaign_transition(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, to="published")
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.RATING
