"""R01, R02 and R31 evaluated by the rule engine through `evaluate()`: the findings the dashboard and the
reminders read, with their status on the day before, of and after a due date, and the counts of a year."""

from __future__ import annotations

from datetime import date

import pytest

from zugong.assessment.models import CampaignStatus, Focus, SubjectKind
from zugong.assessment.services import campaigns as svc
from zugong.assessment.services import surveys as survey_svc
from zugong.assessment.services.side_evidence import side_evidence_reply, side_evidence_request
from zugong.rules.engine import evaluate
from zugong.rules.models import Finding
from zugong.rules.services import rule_override_set

from .conftest import campaign_at
from .test_surveys import Round, respond
from .test_surveys import round_ as round_  # the fixture


def _findings(code: str, **filters) -> dict[str, Finding]:
    return {f.subject_label: f for f in Finding.objects.filter(rule__code=code, **filters)}


# --- R02: 旁证 requests -----------------------------------------------------------------------------------------

@pytest.fixture
def asked(world):
    campaign = campaign_at(world, CampaignStatus.OPEN, cadres=[], teams=(world.tree.township_a,))
    rows = side_evidence_request(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk,
                                 subject_id=campaign.subjects.get().pk, requested_on=date(2026, 11, 2),
                                 agencies=["审计", "巡视"])
    return world, rows  # due 2026-11-17


@pytest.mark.parametrize(("as_of", "status"), [(date(2026, 11, 16), "due_soon"), (date(2026, 11, 17), "due_soon"),
                                               (date(2026, 11, 18), "overdue")])
def test_r02_request_without_reply_is_overdue_the_day_after_its_due_date(asked, as_of: date, status: str) -> None:
    world, _ = asked
    evaluate(as_of=as_of, rule="R02", periods=1)
    found = _findings("R02")
    label = f"{world.tree.township_a.name} · 审计旁证"
    assert set(found) == {label, f"{world.tree.township_a.name} · 巡视旁证"}
    assert (found[label].status, found[label].due_date, found[label].org_unit_id) == (
        status, date(2026, 11, 17), world.tree.township_a.pk)
    if status == "overdue":
        assert found[label].detail.endswith("尚未办结，已逾期 1 天")


def test_r02_a_reply_on_time_is_compliant_and_a_late_one_violated(asked) -> None:
    world, (audit, tour) = asked
    side_evidence_reply(actor=world.alice, jurisdiction=world.ja, request_id=audit.pk, replied_on=date(2026, 11, 17),
                        reply="未发现问题")
    side_evidence_reply(actor=world.alice, jurisdiction=world.ja, request_id=tour.pk, replied_on=date(2026, 11, 20),
                        reply="巡察反馈问题已整改")
    evaluate(as_of=date(2026, 11, 25), rule="R02", periods=1)
    statuses = {f.subject_id: f.status for f in Finding.objects.filter(rule__code="R02")}
    assert statuses == {str(audit.pk): "compliant", str(tour.pk): "violated"}


def test_r02_another_countys_evaluation_does_not_see_county_a(asked) -> None:
    world, _ = asked
    evaluate(as_of=date(2026, 11, 18), rule="R02", periods=1, org_unit=world.tree.county_b)
    assert not Finding.objects.filter(rule__code="R02").exists()


# --- R31: follow-up tasks of the lowest cities and counties -------------------------------------------------------

def _closed_with_follow_ups(r: Round) -> None:
    respond(r, r.tree.county_a, "满意")
    respond(r, r.tree.county_b, "不满意")
    survey_svc.survey_transition(actor=r.prov, jurisdiction=r.jp, survey_id=r.survey.pk, to="closed",
                                 on=date(2026, 12, 1))
    survey_svc.survey_follow_ups_assign(actor=r.prov, jurisdiction=r.jp, survey_id=r.survey.pk,
                                        today=date(2026, 12, 1), due_on=date(2026, 12, 31))


@pytest.mark.parametrize(("as_of", "status"), [(date(2026, 12, 30), "due_soon"), (date(2026, 12, 31), "due_soon"),
                                               (date(2027, 1, 1), "overdue")])
def test_r31_follow_up_not_done_is_overdue_the_day_after_its_deadline(round_: Round, as_of: date,
                                                                       status: str) -> None:
    _closed_with_follow_ups(round_)
    evaluate(as_of=as_of, rule="R31", periods=1)
    found = _findings("R31")
    title = round_.survey.title
    assert set(found) == {f"甲县 · {title} · 整改落实专项检查", f"乙县 · {title} · 整改落实专项检查",
                          f"示范市 · {title} · 督导检查"}
    assert {f.status for f in found.values()} == {status}
    assert {f.due_date for f in found.values()} == {date(2026, 12, 31)}


def test_r31_a_follow_up_done_is_compliant(round_: Round) -> None:
    _closed_with_follow_ups(round_)
    task = round_.survey.follow_ups.get(org_unit=round_.tree.county_b)
    survey_svc.survey_follow_up_done(actor=round_.prov, jurisdiction=round_.jp, follow_up_id=task.pk,
                                     done_on=date(2026, 12, 20), note="已开展整改落实专项检查")
    evaluate(as_of=date(2027, 1, 5), rule="R31", periods=2)
    done = Finding.objects.get(rule__code="R31", subject_id=str(task.pk), period_start=date(2026, 12, 1))
    assert (done.status, done.done_date) == ("compliant", date(2026, 12, 20))
    open_ = Finding.objects.get(rule__code="R31", subject_label__startswith="甲县", period_start=date(2027, 1, 1))
    assert open_.status == "overdue"


# --- R01: 分类考核 and 重点考核 counts per year ----------------------------------------------------------------------

def _campaign(world, focus: str, year: int, theme: str = ""):
    return svc.campaign_create(actor=world.alice, jurisdiction=world.ja, org_unit=world.tree.county_a,
                               title=f"{year} {focus}", kind="special", year=year, focus=focus, theme=theme)


def test_r01_counts_each_years_classified_campaigns_and_key_teams(world) -> None:
    # given: in 2026 three 分类考核 (one too many) and one 重点考核 of two teams; one 分类考核 of 2025
    for theme in ("经济部门", "党群部门", "乡村振兴"):
        _campaign(world, Focus.CLASSIFIED, 2026, theme)
    _campaign(world, Focus.CLASSIFIED, 2025, "政法部门")
    key = _campaign(world, Focus.KEY, 2026)
    for team in (world.tree.township_a, world.tree.township_a2):
        svc.subject_add(actor=world.alice, jurisdiction=world.ja, campaign_id=key.pk, kind=SubjectKind.TEAM,
                        org_unit=team)
    svc.subject_add(actor=world.alice, jurisdiction=world.ja, campaign_id=key.pk, kind=SubjectKind.CADRE,
                    cadre=world.cadres[0])  # a cadre is not a team
    # when
    evaluate(as_of=date(2027, 1, 15), rule="R01", periods=2)
    # then: the closed year 2026 of county A
    year = {"period_start": date(2026, 1, 1), "subject_label": "甲县"}
    classified = Finding.objects.get(rule__code="R01", part="classified", **year)
    assert (classified.status, classified.measure) == ("violated", 3)
    assert "2026年分类考核 3 项，应不多于 2 项" in classified.detail
    key_found = Finding.objects.get(rule__code="R01", part="key", **year)
    assert (key_found.status, key_found.measure) == ("violated", 2)
    assert "2026年重点考核领导班子 2 个，应不少于 10 个" in key_found.detail
    # county B ran none
    other = Finding.objects.get(rule__code="R01", part="classified", period_start=date(2026, 1, 1),
                                subject_label="乙县")
    assert (other.status, other.measure) == ("violated", 0)


def test_r01_only_county_level_and_above_owe_it(world) -> None:
    evaluate(as_of=date(2027, 1, 15), rule="R01", periods=1)
    labels = set(Finding.objects.filter(rule__code="R01", part="key").values_list("subject_label", flat=True))
    assert labels == {"示范省", "示范市", "甲县", "乙县"}


def test_r01_key_teams_is_a_rule_parameter(world) -> None:
    key = _campaign(world, Focus.KEY, 2026)
    for team in (world.tree.township_a, world.tree.township_a2):
        svc.subject_add(actor=world.alice, jurisdiction=world.ja, campaign_id=key.pk, kind=SubjectKind.TEAM,
                        org_unit=team)
    rule_override_set(actor=None, jurisdiction=world.ja, code="R01", org_unit=world.tree.county_a,
                      valid_from=date(2026, 1, 1), params={"key": {"min_count": 2}})
    evaluate(as_of=date(2027, 1, 15), rule="R01", periods=2)
    finding = Finding.objects.get(rule__code="R01", part="key", period_start=date(2026, 1, 1), subject_label="甲县")
    assert finding.status == "compliant"
