"""In English the talks pages show no Chinese of their own: every template string, form label, choice
and message has its English entry. What stays Chinese is data (names, units, posts, what was typed,
the situation lists admins edit)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.conf import settings
from django.utils import translation

from zugong.conftest import logged_in
from zugong.core.jurisdiction import jurisdiction_for
from zugong.talks.models import InterviewSituation, InterviewTarget, TalkKind
from zugong.talks.services.interviews import interview_approve, interview_propose
from zugong.talks.services.plans import talk_plan_generate
from zugong.talks.services.supervision import supervision_record
from zugong.talks.services.talks import FollowUpInput, talk_record
from zugong.talks.services.triggers import cadre_flag_raise

CJK = re.compile(r"[\u3400-\u9fff]")
DATA = re.compile(r"[张陈刘周吴孙郑][\u3400-\u9fff]{1,3}|李部长|王副部长|赵干事|甲县财政局|甲县|甲镇|丙乡|示范[省市]"
                  r"|[\u3400-\u9fff]*党委书记|[\u3400-\u9fff]*镇长|[\u3400-\u9fff]*局长|谈了工作|协调子女入学|干部科"
                  r"|群众反映|提醒改进|约谈事由|有想法：对岗位")  # the trigger's stored detail


@pytest.fixture(autouse=True)
def _chinese_again():
    """The test client runs requests in this thread: switch back so later tests see Chinese."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def english(user):
    client = logged_in(user)
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    return client


@pytest.fixture
def everything(tree, alice, roster):
    j = jurisdiction_for(alice)
    talk = talk_record(actor=alice, jurisdiction=j, held_on=date(2025, 3, 2), kind=TalkKind.ANNUAL,
                       talkers=[roster.minister], talkees=[roster.head_a], summary="谈了工作",
                       follow_ups=[FollowUpInput("协调子女入学", "干部科", date(2025, 4, 1))])
    cadre_flag_raise(actor=alice, jurisdiction=j, cadre=roster.deputy_a, kind="has_ideas", note="对岗位",
                     raised_on=date(2025, 3, 1))
    supervision_record(actor=alice, jurisdiction=j, cadre=roster.head_a, kind="inquiry", issued_on=date(2025, 3, 1),
                       matter="提醒改进", response_due_on=date(2025, 3, 15))
    talk_plan_generate(actor=alice, jurisdiction=j, year=2025, org_unit=tree.county_a, on=date(2025, 6, 1))
    interview = interview_propose(actor=alice, jurisdiction=j, target_kind=InterviewTarget.CADRE, cadre=roster.head_a,
                                  situations=[InterviewSituation.objects.get(code="C01")],
                                  proposed_on=date(2025, 3, 1), reason="群众反映")
    interview_approve(actor=alice, jurisdiction=j, interview_id=interview.pk, on=date(2025, 3, 2))
    return {"talk": talk.pk, "interview": interview.pk, "org": tree.county_a.pk}


PAGES = ["/talks/", "/talks/new/", "/talks/{talk}/", "/talks/plan/?org={org}&year=2025", "/talks/triggers/",
         "/talks/supervision/", "/talks/interviews/", "/talks/interviews/new/", "/talks/interviews/{interview}/",
         "/talks/stats/?org={org}&from=2025-01-01&to=2025-12-31"]


@pytest.mark.parametrize("url", PAGES)
def test_page_has_no_chinese_of_its_own_in_english(alice, everything, url) -> None:
    response = english(alice).get(url.format(**everything))
    assert response.status_code == 200
    main = response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]
    # data: scripts, chosen options; the statistics sentence is quoted in Chinese reports (lang="zh-Hans")
    main = re.sub(r"<script.*?</script>|<option value=\"\d+\"[^>]*>[^<]*</option>|<p [^>]*lang=\"zh-Hans\".*?</p>",
                  "", main, flags=re.S)
    situations = set(InterviewSituation.objects.values_list("text", flat=True))
    texts = [t.strip() for t in re.findall(r">([^<>]+)<|(?:title|placeholder|aria-label)=\"([^\"]*)\"", main)
             for t in t if t.strip()]
    chinese = [t for t in texts if CJK.search(DATA.sub("", t)) and not any(s in t for s in situations)]
    assert chinese == [], url


def test_a_refusal_stays_chinese_on_an_english_page(alice, everything) -> None:
    response = english(alice).post(f"/talks/interviews/{everything['interview']}/hold/", {"on": "2025-03-05"})
    assert response.status_code == 409
    assert "约谈当前为“已批准”，不能改为“已约谈”（可进行：已预告）" in response.content.decode()


def test_the_interview_step_form_is_english(alice, everything) -> None:
    html = english(alice).get(f"/talks/interviews/{everything['interview']}/").content.decode()
    assert '<label for="id_notice_on">Notice sent on:</label>' in html
    assert '<label for="id_notice_scheduled_for">Scheduled interview date:</label>' in html
