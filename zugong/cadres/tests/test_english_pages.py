"""In English the roster's pages show no Chinese of their own: every `{% translate %}` string of the
templates and every form label has its English entry (the data — names, units, posts — stays Chinese)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from zugong.cadres.services import cadre_transfer
from zugong.cadres.tests.factories import make_cadre
from zugong.conftest import logged_in
from zugong.core.jurisdiction import jurisdiction_for

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "cadres"
CJK = re.compile(r"[\u3400-\u9fff]")
LITERAL = re.compile(r"""\{% translate ["']([^"']+)["'] %\}""")


def chinese_literals(template: str) -> set[str]:
    text = (TEMPLATES / template).read_text(encoding="utf-8")
    return {s for s in LITERAL.findall(text) if CJK.search(s) and len(s) > 1}


def english(user):
    client = logged_in(user)
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(("template", "url"), [
    ("list.html", "/cadres/"),
    ("detail.html", "/cadres/{pk}/"),
    ("import.html", "/cadres/import/"),
    ("audit.html", "/cadres/audit/"),
])
def test_no_template_string_stays_chinese(tree, alice, template, url):
    cadre = make_cadre(tree.township_a)
    cadre_transfer(actor=alice, jurisdiction=jurisdiction_for(alice), cadre=cadre, to_org_unit=tree.township_a2,
                   on=date(2026, 1, 5), title="丙乡副乡长")
    html = english(alice).get(url.format(pk=cadre.pk)).content.decode()
    main = html.split("<main", 1)[1]
    # a literal left in Chinese shows as a whole text node or attribute (data only contains such words)
    assert [s for s in chinese_literals(template) if f">{s}<" in main or f'"{s}"' in main] == []


@pytest.mark.django_db
def test_detail_page_in_english_labels_the_post_form_and_sex(tree, alice):
    cadre = make_cadre(tree.township_a)
    html = english(alice).get(f"/cadres/{cadre.pk}/").content.decode()
    sex = "Female" if cadre.sex == "2" else "Male"
    assert f"<dd>{sex}</dd>" in html
    form = html.split('id="zg-post-change"', 1)[1].split("</form>", 1)[0]
    # data: the chosen unit, the rank levels (an admin-edited table); core's picker owns its aria-label
    own = re.sub(r'<option value="(\d+|[A-Z]\d+)"[^>]*>[^<]*</option>|aria-label="[^"]*"', "", form)
    assert not CJK.search(own), own
