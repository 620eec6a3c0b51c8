"""Assessment fixtures: cadres of county A (and one of county B) and a campaign walked to a status."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from zugong.assessment.models import Campaign, CampaignKind, CampaignStatus, SubjectKind
from zugong.assessment.services import campaigns as svc
from zugong.cadres import idcard
from zugong.cadres.models import Cadre, PostHolding
from zugong.conftest import Tree
from zugong.core.jurisdiction import Jurisdiction, jurisdiction_for
from zugong.core.models import OrgUnit
from zugong.talks.models import Interview, InterviewStatus, InterviewTarget

WALK: list[str] = [CampaignStatus.OPEN, CampaignStatus.SCORING, CampaignStatus.RATING]


# A running number for the ID's three serial digits: every test rolls its cadres back, so it may wrap (a plain
# iterator over 100–999 ran out after a few hundred tests in one worker).
_serial = itertools.count()


def cadre(name: str, unit: OrgUnit, title: str = "副镇长") -> Cadre:
    """A cadre with a valid ID number and birth date: publishing writes through the registry's validation."""
    body = f"61010219800101{next(_serial) % 900 + 100:03d}"
    person = Cadre.objects.create(name=name, org_unit=unit, rank_level="副科级", is_leading=True, current_post=title,
                                  id_number=body + idcard.check_digit(body), birth_date=date(1980, 1, 1), sex="1")
    PostHolding.objects.create(cadre=person, org_unit=unit, title=title, rank_level="副科级", is_leading=True,
                               valid_from=date(2020, 3, 1))
    return person


def interviews(n: int, year: int = 2026, **target) -> None:
    for i in range(n):
        Interview.objects.create(org_unit=target.get("team") or target["cadre"].org_unit,
                                 status=InterviewStatus.HELD, proposed_on=date(year, 1, 1),
                                 held_on=date(year, 2, 1 + i), **target)


def cadre_interviews(person: Cadre, n: int, year: int = 2026) -> None:
    interviews(n, year, target_kind=InterviewTarget.CADRE, cadre=person)


def team_interviews(team: OrgUnit, n: int, year: int = 2026) -> None:
    interviews(n, year, target_kind=InterviewTarget.TEAM, team=team)


@dataclass
class World:
    tree: Tree
    alice: User
    ja: Jurisdiction
    cadres: list[Cadre]
    zhao_b: Cadre


@pytest.fixture
def world(tree: Tree, alice: User) -> World:
    people = [cadre(f"干部{i}", tree.township_a if i % 2 else tree.township_a2) for i in range(10)]
    return World(tree=tree, alice=alice, ja=jurisdiction_for(alice), cadres=people,
                 zhao_b=cadre("赵四", tree.township_b))


def campaign_at(world: World, status: str, *, cadres: list[Cadre] | None = None, teams: tuple[OrgUnit, ...] = (),
                share: Decimal = Decimal("0.15")) -> Campaign:
    """An annual campaign of county A with these subjects, walked through the services to `status`."""
    campaign = svc.campaign_create(actor=world.alice, jurisdiction=world.ja, org_unit=world.tree.county_a,
                                   title="2026年度考核", kind=CampaignKind.ANNUAL, year=2026, excellent_share=share)
    for person in (world.cadres if cadres is None else cadres):
        svc.subject_add(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, kind=SubjectKind.CADRE,
                        cadre=person)
    for team in teams:
        svc.subject_add(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, kind=SubjectKind.TEAM,
                        org_unit=team)
    for to in WALK[:WALK.index(status) + 1] if status != CampaignStatus.DRAFT else []:
        svc.campaign_transition(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, to=to)
    campaign.refresh_from_db()
    return campaign
