from __future__ import annotations

from decimal import Decimal

import pytest

from zugong.assessment.models import CAMPAIGN_ALLOWED, CampaignStatus, Indicator, SubjectKind
from zugong.assessment.services import campaigns as svc
from zugong.assessment.services.campaigns import IndicatorSpec
from zugong.cadres.models import AnnualReview
from zugong.core.audit import verify_chain
from zugong.core.errors import Conflict, IllegalTransition, ValidationFailed
from zugong.core.models import AuditEvent

from .conftest import campaign_at


def spec(name: str, weight: int, children: list[IndicatorSpec] | None = None) -> IndicatorSpec:
    return IndicatorSpec(name=name, weight=Decimal(weight), children=children or [])


def test_indicator_tree_is_saved_when_every_level_totals_100(world) -> None:
    campaign = campaign_at(world, CampaignStatus.DRAFT)
    tree = [spec("党的建设", 40, [spec("班子建设", 60), spec("基层党建", 40)]), spec("经济发展", 60)]
    count = svc.indicator_tree_set(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk,
                                   indicators=tree)
    assert count == 4
    rows = {i.name: i for i in Indicator.objects.filter(campaign=campaign)}
    assert rows["班子建设"].parent == rows["党的建设"] and rows["经济发展"].parent is None
    assert rows["班子建设"].weight == Decimal("60")


def test_first_level_weights_not_totalling_100_are_refused_naming_the_level(world) -> None:
    campaign = campaign_at(world, CampaignStatus.DRAFT)
    with pytest.raises(ValidationFailed) as refused:
        svc.indicator_tree_set(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk,
                               indicators=[spec("党的建设", 40), spec("经济发展", 50)])
    assert refused.value.message == "第一级指标权重合计为 90，须为 100"
    assert not Indicator.objects.filter(campaign=campaign).exists()


def test_child_weights_not_totalling_100_are_refused_naming_the_parent(world) -> None:
    campaign = campaign_at(world, CampaignStatus.DRAFT)
    tree = [spec("党的建设", 40, [spec("班子建设", 60), spec("基层党建", 30)]), spec("经济发展", 60)]
    tree[0].children[1].weight = Decimal("30.5")
    with pytest.raises(ValidationFailed) as refused:
        svc.indicator_tree_set(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, indicators=tree)
    assert refused.value.message == "“党的建设”的下级指标权重合计为 90.5，须为 100"


def test_indicators_cannot_change_once_the_campaign_is_open(world) -> None:
    campaign = campaign_at(world, CampaignStatus.OPEN)
    with pytest.raises(IllegalTransition, match="考核已已启动，不能再修改|不能再修改考核对象和指标"):
        svc.indicator_tree_set(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk,
                               indicators=[spec("党的建设", 100)])


def test_a_campaign_without_subjects_cannot_open(world) -> None:
    campaign = campaign_at(world, CampaignStatus.DRAFT, cadres=[])
    with pytest.raises(IllegalTransition, match="尚未确定考核对象"):
        svc.campaign_transition(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, to="open")


def test_a_subject_outside_the_campaign_unit_is_refused(world) -> None:
    campaign = campaign_at(world, CampaignStatus.DRAFT, cadres=[])
    with pytest.raises(ValidationFailed, match="不在本次考核的组织单位"):
        svc.subject_add(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, kind=SubjectKind.CADRE,
                        cadre=world.zhao_b)


def test_the_same_cadre_twice_is_a_conflict(world) -> None:
    campaign = campaign_at(world, CampaignStatus.DRAFT, cadres=[world.cadres[0]])
    with pytest.raises(Conflict, match="已是本次考核的考核对象"):
        svc.subject_add(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, kind=SubjectKind.CADRE,
                        cadre=world.cadres[0])


FORBIDDEN = [(a, b) for a in CampaignStatus.values for b in CampaignStatus.values if b not in CAMPAIGN_ALLOWED[a]]


@pytest.mark.parametrize(("start", "to"), FORBIDDEN)
def test_every_forbidden_transition_is_refused(world, start: str, to: str) -> None:
    campaign = campaign_at(world, CampaignStatus.DRAFT, cadres=world.cadres[:1])
    campaign.status = start  # the table is under test, not the path to the start state
    campaign.save(update_fields=["status"])
    with pytest.raises(IllegalTransition) as refused:
        svc.campaign_transition(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, to=to)
    assert refused.value.message == (f"考核当前为“{CampaignStatus(start).label}”，不能转为“{CampaignStatus(to).label}”")
    campaign.refresh_from_db()
    assert campaign.status == start


def test_publishing_needs_every_subject_rated(world) -> None:
    campaign = campaign_at(world, CampaignStatus.RATING, cadres=world.cadres[:2])
    with pytest.raises(IllegalTransition, match="尚有 2 个考核对象未评定等次"):
        svc.campaign_transition(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, to="published")


def test_publishing_an_annual_campaign_writes_the_cadres_annual_review(world) -> None:
    from zugong.assessment.services.ratings import rating_set

    # given: two cadres rated, one with an older review on record
    first, second = world.cadres[:2]
    AnnualReview.objects.create(cadre=first, year=2025, rating="competent")
    campaign = campaign_at(world, CampaignStatus.RATING, cadres=[first, second], share=Decimal("0.5"))
    subjects = {s.cadre_id: s.pk for s in campaign.subjects.all()}
    rating_set(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, subject_id=subjects[first.pk],
               rating="优秀")
    rating_set(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, subject_id=subjects[second.pk],
               rating="基本称职")
    # when
    svc.campaign_transition(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, to="published")
    # then: the registry holds 2025 as it was and 2026 from the campaign; the audit chain says so
    current = AnnualReview.objects.filter(superseded_at__isnull=True)
    assert sorted(current.filter(cadre=first).values_list("year", "rating")) == [(2025, "competent"),
                                                                               (2026, "excellent")]
    assert list(current.filter(cadre=second).values_list("year", "rating")) == [(2026, "basic")]
    event = AuditEvent.objects.filter(action="assessment.campaign_publish").get()
    assert event.summary["reviews_written"] == 2
    assert verify_chain().intact


def test_r01_counts_classified_campaigns_and_key_teams_per_year(world) -> None:
    from django.utils import timezone

    from zugong.assessment.models import Focus
    from zugong.assessment.selectors import r01_status
    from zugong.conftest import logged_in

    y = timezone.localdate().year  # the list page shows this year's R01

    def create(focus: str, theme: str = "", year: int = y):
        return svc.campaign_create(actor=world.alice, jurisdiction=world.ja, org_unit=world.tree.county_a,
                                   title=f"{year} {focus or '一般'}", kind="special", year=year, focus=focus,
                                   theme=theme)

    # given: no 分类考核 yet, one 重点考核 of 2 teams
    key = create(Focus.KEY)
    for team in (world.tree.township_a, world.tree.township_a2):
        svc.subject_add(actor=world.alice, jurisdiction=world.ja, campaign_id=key.pk, kind=SubjectKind.TEAM,
                        org_unit=team)
    [status] = r01_status(world.ja, y)
    assert status.problems == [f"{y}年分类考核 0 项，应为 1–2 项", f"{y}年重点考核领导班子 2 个，应约 10 个"]
    # when: three 分类考核 (one more than allowed); another year's do not count
    for theme in ("经济部门", "党群部门", "乡村振兴"):
        create(Focus.CLASSIFIED, theme)
    create(Focus.CLASSIFIED, "政法部门", year=y - 1)
    [status] = r01_status(world.ja, y)
    assert (status.classified, status.key_teams) == (3, 2)
    assert status.problems[0] == f"{y}年分类考核 3 项，应为 1–2 项"
    with pytest.raises(ValidationFailed, match="分类考核须写明部门类别或主题"):
        create(Focus.CLASSIFIED)
    page = logged_in(world.alice).get("/assessment/").content.decode()
    assert f"{y}年分类考核 3 项，应为 1–2 项" in page.split('id="zg-r01"')[1]
