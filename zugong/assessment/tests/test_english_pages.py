"""In English the assessment pages show no Chinese of their own: every `{% translate %}` string of their
templates has its English entry (the data — names, units, titles, ratings as stored — stays Chinese)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from zugong.assessment.models import CampaignStatus
from zugong.assessment.services import surveys
from zugong.conftest import logged_in

from .conftest import campaign_at, team_interviews

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "assessment"
CJK = re.compile(r"[\u3400-\u9fff]")
LITERAL = re.compile(r"""\{% translate ["']([^"']+)["'] %\}""")


def chinese_literals(template: str) -> set[str]:
    text = (TEMPLATES / template).read_text(encoding="utf-8")
    return {s for s in LITERAL.findall(text) if CJK.search(s) and len(s) > 1}


@pytest.fixture(autouse=True)
def _chinese_afterwards():
    """The test client's English requests leave English active in this thread; later tests of the same worker
    (which store Chinese labels, e.g. a follow-up's problem text) must start in Chinese again."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def english(user):
    client = logged_in(user)
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    return client


def _main(html: str) -> str:
    return html.split("<main", 1)[1].split("</main>", 1)[0]


@pytest.mark.parametrize(("template", "where"), [
    ("detail.html", "campaign"), ("scores.html", "scores"), ("list.html", "list"), ("setup.html", "setup"),
    ("points.html", "points"), ("survey_detail.html", "survey"), ("survey_list.html", "surveys"),
    ("raters.html", "raters"),
])
def test_no_template_string_stays_chinese(world, template, where) -> None:
    campaign = campaign_at(world, CampaignStatus.RATING, cadres=world.cadres[:3], teams=(world.tree.township_a,))
    survey = surveys.survey_create(actor=world.alice, jurisdiction=world.ja, org_unit=world.tree.county_a,
                                   title="2026年满意度测评", year=2026)
    url = {"campaign": f"/assessment/{campaign.pk}/", "scores": f"/assessment/{campaign.pk}/scores/",
           "list": "/assessment/", "setup": f"/assessment/{campaign.pk}/setup/", "points": "/assessment/points/",
           "survey": f"/assessment/surveys/{survey.pk}/", "surveys": "/assessment/surveys/",
           "raters": f"/assessment/{campaign.pk}/raters/"}[where]
    response = english(world.alice).get(url)
    assert response.status_code == 200
    main = _main(response.content.decode())
    # a literal left in Chinese shows as a whole text node or attribute (data only contains such words)
    assert [s for s in chinese_literals(template) if f">{s}<" in main or f'"{s}"' in main] == []


def test_the_campaign_page_reads_in_english(world) -> None:
    # given: a campaign in 定等次 whose team was interviewed twice (R14: not 好)
    team_interviews(world.tree.township_a, 2)
    campaign = campaign_at(world, CampaignStatus.RATING, cadres=world.cadres[:2], teams=(world.tree.township_a,))
    # when
    main = _main(english(world.alice).get(f"/assessment/{campaign.pk}/").content.decode())
    # then: headings, the state and the form are English; the Chinese page's words are gone
    assert '<html lang="en"' in english(world.alice).get("/assessment/").content.decode()
    for chinese in ("考核对象", "定等次", "民主测评"):
        assert f">{chinese}<" not in main, chinese
    text = re.sub(r"<[^>]+>", " ", main)
    words = [w for w in re.findall(r"[A-Za-z]{3,}", text)]
    assert len(words) > 20 and "Rating" in text, text[:400]


def test_the_results_and_public_link_pages_read_in_english(world) -> None:
    from django.test import Client

    from zugong.assessment.services import survey_links
    from zugong.assessment.services.campaigns import campaign_transition

    campaign = campaign_at(world, CampaignStatus.RATING, cadres=world.cadres[:1], teams=(world.tree.township_a,))
    campaign.subjects.update(rating="称职")
    campaign.subjects.filter(cadre__isnull=True).update(rating="好")
    campaign_transition(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, to="published")
    main = _main(english(world.alice).get(f"/assessment/{campaign.pk}/results/").content.decode())
    assert "Leadership teams and units" in main and "Name" in main
    assert [s for s in chinese_literals("results.html") if f">{s}<" in main] == []
    survey = surveys.survey_create(actor=world.alice, jurisdiction=world.ja, org_unit=world.tree.county_a,
                                   title="2026年满意度测评", year=2026)
    surveys.survey_transition(actor=world.alice, jurisdiction=world.ja, survey_id=survey.pk, to="open")
    token = survey_links.survey_link_set(actor=world.alice, jurisdiction=world.ja, survey_id=survey.pk,
                                         enabled=True).public_token
    phone = Client()
    assert phone.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    page = phone.get(f"/m/survey/l/{token}/").content.decode()
    assert "Mobile number" in page and "Your county (city, district)" in page
