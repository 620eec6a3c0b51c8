"""R14 for every subject of a campaign at once: `ratings.rating_limits` gives each subject what `rating_limit`
gives it one by one (cadres interviewed 0, 1, 2 times, a head of an interviewed team, teams interviewed 0, 2,
3 times, a township with its own R14 override, the negative list), and the campaign page and the subjects API
read it with a number of queries that does not grow with the subjects."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from zugong.assessment.models import CampaignStatus, NegativeSituation
from zugong.assessment.selectors import subjects_of
from zugong.assessment.services import campaigns as svc
from zugong.assessment.services.ratings import negative_entry_record, rating_limit, rating_limits
from zugong.conftest import bearer, logged_in
from zugong.rules.services import rule_override_set
from zugong.talks.models import Interview, InterviewStatus, InterviewTarget

from .conftest import cadre, cadre_interviews, campaign_at, team_interviews


def _world_of_caps(world):
    t = world.tree
    people = world.cadres[:5]
    cadre_interviews(people[0], 1)
    cadre_interviews(people[1], 2)
    cadre_interviews(people[3], 1)  # in township A, under its override
    # people[2] heads township A2's team, interviewed twice: not 优秀
    for day in (1, 2):
        Interview.objects.create(org_unit=t.township_a2, status=InterviewStatus.HELD, proposed_on=date(2026, 1, 1),
                                 held_on=date(2026, 3, day), target_kind=InterviewTarget.TEAM, team=t.township_a2,
                                 team_head=people[2])
    team_interviews(t.township_a, 3)
    # township A: one interview already makes a cadre 基本称职 at best (its own override)
    rule_override_set(actor=None, jurisdiction=world.ja, code="R14", org_unit=t.township_a,
                      valid_from=date(2026, 1, 1), params={"cadre_poor": 1})
    campaign = campaign_at(world, CampaignStatus.DRAFT, cadres=people, teams=(t.township_a, t.township_a2, t.county_a))
    negative_entry_record(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk,
                          subject_id=campaign.subjects.get(cadre=people[4]).pk,
                          situation=NegativeSituation.choices[0][0], note="")
    return campaign


def test_limits_of_all_subjects_at_once_are_those_of_each_one(world) -> None:
    # given
    campaign = _world_of_caps(world)
    subjects = list(subjects_of(campaign))
    # when
    together = rating_limits(subjects, 2026)
    # then: the same as one by one, and not all alike (the cases above differ)
    one_by_one = {s.pk: rating_limit(s, 2026) for s in subjects}
    assert together == one_by_one
    assert len({limit.allowed for limit in together.values()}) >= 4
    allowed = {s.name: together[s.pk].allowed for s in subjects}
    people = world.cadres
    assert [p.org_unit_id for p in people[:4]] == [world.tree.township_a2.pk, world.tree.township_a.pk] * 2
    assert allowed[people[0].name] == ("称职", "基本称职", "不称职")  # once, in A2: not 优秀
    assert allowed[people[1].name] == ("基本称职", "不称职")  # twice
    assert allowed[people[2].name] == ("称职", "基本称职", "不称职")  # heads a team interviewed twice
    assert allowed[people[3].name] == ("基本称职", "不称职")  # once, in A under its override
    assert allowed[world.tree.township_a.name] == ("一般", "较差")  # the team, three times
    assert allowed[world.tree.township_a2.name] == ("较好", "一般", "较差")  # twice: not 好


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = fn()
    assert response.status_code == 200
    return len(captured.captured_queries)


def _rated(world, campaign):
    for to in (CampaignStatus.OPEN, CampaignStatus.SCORING, CampaignStatus.RATING):
        svc.campaign_transition(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, to=to)
    return campaign


def test_the_campaign_page_and_subjects_api_do_not_grow_with_subjects(world) -> None:
    # given: a campaign of 8 subjects and one of 18 (ten more cadres, interviewed 0, 1 or 2 times)
    small = _rated(world, _world_of_caps(world))
    more = [cadre(f"加{i}", world.tree.township_a2) for i in range(10)]
    for i, person in enumerate(more):
        cadre_interviews(person, i % 3)
    large = campaign_at(world, CampaignStatus.RATING, cadres=[*world.cadres[:5], *more],
                        teams=(world.tree.township_a, world.tree.township_a2, world.tree.county_a))
    assert (small.subjects.count(), large.subjects.count()) == (8, 18)
    client, api = logged_in(world.alice), bearer(world.alice)
    client.get(f"/assessment/{small.pk}/")  # the session and caches warmed
    api.get(f"/api/v1/assessments/{small.pk}/subjects")
    # when
    counts = {c.pk: (_count(lambda c=c: client.get(f"/assessment/{c.pk}/")),
                     _count(lambda c=c: api.get(f"/api/v1/assessments/{c.pk}/subjects"))) for c in (small, large)}
    # then: the same number of queries for 8 and for 18 subjects
    assert counts[small.pk] == counts[large.pk], counts
    page = client.get(f"/assessment/{large.pk}/").content.decode()
    assert "本年度被约谈 2 次：直接评为“基本称职”或“不称职”等次" in page
