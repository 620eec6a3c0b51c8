"""Printable slips with QR codes: each code issued (voting and survey) prints with an inline-SVG QR code of the
phone page's address with the code in its fragment — never in the query, so it is never sent in a URL —,
drawn here with nothing fetched from elsewhere; the phone page reads the code from the fragment."""

from __future__ import annotations

import re

import segno

from zugong.assessment.models import CampaignStatus, VotingCode
from zugong.assessment.services.ballots import code_hash
from zugong.assessment.slips import code_link, qr_svg, slips_for
from zugong.conftest import logged_in
from zugong.core.models import Role

from .conftest import campaign_at

SLIP = re.compile(r'<div class="zg-qr" data-link="([^"]+)">(<svg.*?</svg>)</div>.*?<code class="zg-code">([^<]+)</code>',
                  re.S)


def _matrix_of(svg_text: str, link: str) -> bool:
    """The QR code drawn is exactly the one of `link` (segno is deterministic for the same text and options)."""
    return svg_text == str(qr_svg(link))


def test_a_qr_code_encodes_the_phone_page_with_the_code_in_the_fragment() -> None:
    link = code_link("https://zg.example.gov.cn/m/vote/", "ABCD2345EF")
    assert link == "https://zg.example.gov.cn/m/vote/#code=ABCD2345EF"
    svg = str(qr_svg(link))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "http" not in svg and "href" not in svg and "<script" not in svg  # nothing external, nothing active
    # the symbol holds the link: the same text gives the same modules, another code different ones
    # 51 bytes at level M take version 4: 33 modules a side, plus a quiet zone of 4 each side, 3 px a module
    assert segno.make(link, error="m", micro=False).version == 4
    assert svg.startswith(f'<svg width="{(33 + 8) * 3}" height="{(33 + 8) * 3}"')
    assert svg != str(qr_svg(code_link("https://zg.example.gov.cn/m/vote/", "ABCD2345EG")))


def test_voting_codes_print_as_slips_each_with_its_qr_code(world) -> None:
    campaign = campaign_at(world, CampaignStatus.DRAFT)
    client = logged_in(world.alice)
    client.post(f"/assessment/{campaign.pk}/voter-classes/", {"name": "群众代表", "weight": "30"})
    voter_class = campaign.voter_classes.get()
    response = client.post(f"/assessment/{campaign.pk}/codes/", {"voter_class": voter_class.pk, "count": 4})
    assert response.status_code == 201 and response["Cache-Control"] == "no-store"
    page = response.content.decode()
    slips = SLIP.findall(page)
    assert len(slips) == 4 and page.count("<svg") == 4
    for link, svg, code in slips:
        assert link == f"http://testserver/m/vote/#code={code}"
        assert _matrix_of(svg, link)
    assert {code_hash(code) for _, _, code in slips} == set(VotingCode.objects.values_list("code_hash", flat=True))
    assert "用手机扫描二维码，或打开" in page
    assert "?code=" not in page  # the code is never put in a query string


def test_survey_codes_print_as_slips_with_qr_codes(tree) -> None:
    from zugong.assessment.services import surveys as svc
    from zugong.conftest import make_user
    from zugong.core.jurisdiction import jurisdiction_for

    prov = make_user("prov", tree.province, Role.ORG_ADMIN)
    survey = svc.survey_create(actor=prov, jurisdiction=jurisdiction_for(prov), org_unit=tree.province,
                               title="2026年满意度测评", year=2026)
    svc.survey_transition(actor=prov, jurisdiction=jurisdiction_for(prov), survey_id=survey.pk, to="open")
    response = logged_in(prov).post(f"/assessment/surveys/{survey.pk}/codes/", {"county": tree.county_a.pk,
                                                                                "count": 2})
    slips = SLIP.findall(response.content.decode())
    assert response.status_code == 201 and len(slips) == 2
    for link, svg, code in slips:
        assert link == f"http://testserver/m/survey/#code={code}" and _matrix_of(svg, link)


def test_the_phone_pages_load_the_script_that_reads_the_code_from_the_fragment(client) -> None:
    for url in ("/m/vote/", "/m/survey/"):
        page = client.get(url).content.decode()
        assert re.search(r'<script src="/static/assessment/code_link\.js[^"]*" defer></script>', page), url


def test_slips_for_keeps_the_order_of_the_codes() -> None:
    slips = slips_for("https://x.cn/m/vote/", ["AAAA", "BBBB"])
    assert [s.code for s in slips] == ["AAAA", "BBBB"] and slips[1].link == "https://x.cn/m/vote/#code=BBBB"
