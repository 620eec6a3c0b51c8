"""The pages that set a campaign up: create, subjects, the indicator tree as text, voter classes, codes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from zugong.assessment import indicator_sources
from zugong.assessment.forms import parse_tree, tree_text
from zugong.assessment.models import Campaign, CampaignStatus, Indicator, Subject, VotingCode
from zugong.assessment.services.ballots import code_hash
from zugong.assessment.views import indicator_rows
from zugong.conftest import logged_in

from .conftest import campaign_at

TREE = """党的建设 | 30 | 打分 | 述职评议
－班子建设 | 50 | 打分
－谈心谈话覆盖率 | 50 | 按数据计数 | 系统数据 | 谈心谈话覆盖率
重点任务 | 50 | 扣分 | 专项督查
党风廉政建设 | 20 | 达标/不达标 | 明察暗访
"""


def test_the_tree_text_parses_into_levels_with_chinese_methods() -> None:
    roots = parse_tree(TREE, indicator_sources.labels())
    assert [(r.name, r.weight, r.scoring, r.evaluation) for r in roots] == [
        ("党的建设", Decimal("30"), "scale", "report"), ("重点任务", Decimal("50"), "deduction", "special_check"),
        ("党风廉政建设", Decimal("20"), "pass_fail", "unannounced")]
    assert [(c.name, c.scoring, c.source) for c in roots[0].children] == [
        ("班子建设", "scale", ""), ("谈心谈话覆盖率", "count", "talk_coverage")]


@pytest.mark.parametrize(("text", "message"), [
    ("－党建 | 100", "第 1 行：缩进过深（上一行不是它的上级指标）"),
    ("党建 | 三十", "第 1 行：权重“三十”不是数字"),
    ("党建", "第 1 行：须写“指标名称 | 权重”"),
    ("党建 | 100 | 估计", "第 1 行：计分方法“估计”无效，可选：打分、按数据计数、达标/不达标、扣分"),
    ("党建 | 0", "第 1 行：权重须大于 0 且不超过 100"),
])
def test_the_tree_text_is_refused_naming_the_line(text: str, message: str) -> None:
    with translation.override("zh-hans"), pytest.raises(forms.ValidationError) as caught:
        parse_tree(text, indicator_sources.labels())
    assert caught.value.messages == [message]


def test_the_page_creates_a_campaign_in_chinese(world) -> None:
    client = logged_in(world.alice)
    assert "新建考核" in client.get("/assessment/").content.decode()
    response = client.post("/assessment/new/", {
        "title": "2026年度考核", "kind": "annual", "org_unit": world.tree.county_a.pk, "year": 2026,
        "excellent_percent": "20", "evaluation_percent": "30", "focus": "", "theme": "", "period": ""}, follow=True)
    campaign = Campaign.objects.get()
    assert (campaign.title, campaign.excellent_share, campaign.evaluation_share, campaign.status) == (
        "2026年度考核", Decimal("0.200"), Decimal("0.300"), "draft")
    assert response.redirect_chain[-1][0] == f"/assessment/{campaign.pk}/setup/"
    assert "考核已创建（草稿），请添加考核对象和指标" in response.content.decode()


def test_another_countys_unit_cannot_be_chosen_and_township_staff_is_refused(world, carol, bob) -> None:
    response = logged_in(carol).post("/assessment/new/", {
        "title": "越界", "kind": "annual", "org_unit": world.tree.county_a.pk, "year": 2026, "excellent_percent": "15"})
    assert response.status_code == 400 and Campaign.objects.count() == 0
    assert logged_in(bob).get("/assessment/new/").status_code == 403


def test_subjects_are_added_through_the_pickers_and_twice_is_refused(world) -> None:
    campaign = campaign_at(world, CampaignStatus.DRAFT, cadres=[])
    client = logged_in(world.alice)
    person = world.cadres[0]
    ok = client.post(f"/assessment/{campaign.pk}/subjects/", {"kind": "cadre", "cadre": person.pk}, follow=True)
    assert f"已添加考核对象：{person.name}" in ok.content.decode()
    again = client.post(f"/assessment/{campaign.pk}/subjects/", {"kind": "cadre", "cadre": person.pk})
    assert again.status_code == 409 and f"{person.name}已是本次考核的考核对象" in again.content.decode()
    team = client.post(f"/assessment/{campaign.pk}/subjects/", {"kind": "team", "org_unit": world.tree.township_a.pk})
    assert team.status_code == 302
    missing = client.post(f"/assessment/{campaign.pk}/subjects/", {"kind": "unit"})
    assert missing.status_code == 400 and "请选择单位" in missing.content.decode()
    assert sorted(Subject.objects.values_list("kind", flat=True)) == ["cadre", "team"]


def test_another_county_cannot_reach_the_setup_pages(world, carol) -> None:
    campaign = campaign_at(world, CampaignStatus.DRAFT, cadres=[])
    client = logged_in(carol)
    assert client.get(f"/assessment/{campaign.pk}/setup/").status_code == 404
    refused = client.post(f"/assessment/{campaign.pk}/subjects/", {"kind": "cadre", "cadre": world.zhao_b.pk})
    assert refused.status_code == 404 and not Subject.objects.exists()


def test_the_tree_form_saves_and_refuses_a_level_off_100_naming_it(world) -> None:
    campaign = campaign_at(world, CampaignStatus.DRAFT, cadres=[])
    client = logged_in(world.alice)
    bad = client.post(f"/assessment/{campaign.pk}/indicators/", {"tree": TREE.replace("－班子建设 | 50", "－班子建设 | 40")})
    assert bad.status_code == 400
    assert "“党的建设”的下级指标权重合计为 90，须为 100" in bad.content.decode()
    assert not Indicator.objects.exists()
    ok = client.post(f"/assessment/{campaign.pk}/indicators/", {"tree": TREE}, follow=True)
    assert "考核指标已保存（共 5 项）" in ok.content.decode()
    rows = indicator_rows(list(Indicator.objects.filter(campaign=campaign).order_by("sort_order", "pk")))
    labels = {s.key: s.label for s in indicator_sources.SOURCES.values()}
    assert tree_text(rows, labels) == TREE.strip()  # the form opens with the stored tree, line for line
    assert TREE.splitlines()[2] in ok.content.decode()


def test_voter_classes_and_codes_print_as_slips_shown_once(world) -> None:
    campaign = campaign_at(world, CampaignStatus.DRAFT)
    client = logged_in(world.alice)
    client.post(f"/assessment/{campaign.pk}/voter-classes/", {"name": "群众代表", "weight": "30"})
    second = client.post(f"/assessment/{campaign.pk}/voter-classes/", {"name": "群众代表", "weight": "40"}, follow=True)
    assert "投票人类别权重已保存（第 2 版）" in second.content.decode()
    voter_class = campaign.voter_classes.get()
    slips = client.post(f"/assessment/{campaign.pk}/codes/", {"voter_class": voter_class.pk, "count": 3})
    assert slips.status_code == 201 and slips["Cache-Control"] == "no-store"
    page = slips.content.decode()
    assert "已发放 3 个测评码" in page and "/m/vote/" in page
    codes = [line.split(">")[1].split("<")[0] for line in page.split('class="zg-code"')[1:]]
    assert len(codes) == 3
    assert set(VotingCode.objects.values_list("code_hash", flat=True)) == {code_hash(c) for c in codes}


def test_setup_forms_are_gone_once_the_campaign_is_open(world) -> None:
    campaign = campaign_at(world, CampaignStatus.SCORING)
    page = logged_in(world.alice).get(f"/assessment/{campaign.pk}/setup/").content.decode()
    assert "zg-subject-form" not in page and "zg-indicator-form" not in page and "zg-codes-form" not in page
    refused = logged_in(world.alice).post(f"/assessment/{campaign.pk}/indicators/", {"tree": "党建 | 100"})
    assert refused.status_code == 409 and "考核已评分中，不能再修改考核对象和指标" in refused.content.decode()
