"""POST /api/v1/cadres/{id}/posts: post changes, transfers and secondments through the API; R23 → 409."""

from datetime import date

import pytest

from zugong.cadres.models import Cadre, PostHolding
from zugong.cadres.tests.factories import make_cadre
from zugong.conftest import bearer, logged_in
from zugong.talks.models import TalkTrigger, TriggerKind


def _post(user, cadre, **body):
    return bearer(user).post(f"/api/v1/cadres/{cadre.pk}/posts", data=body, content_type="application/json")


@pytest.mark.django_db
def test_appointment_closes_old_post_and_makes_a_five_musts_talk_due(tree, alice):
    cadre = make_cadre(tree.township_a)
    first = _post(alice, cadre, org_unit_id=tree.township_a.pk, title="甲镇副镇长", on="2025-01-01",
                  rank_level="D2", document_number="甲组〔2025〕1号")
    second = _post(alice, cadre, org_unit_id=tree.township_a.pk, title="甲镇镇长", on="2026-02-01", rank_level="D1")
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == {**second.json(), "title": "甲镇镇长", "valid_from": "2026-02-01", "valid_to": None}
    holdings = list(PostHolding.objects.filter(cadre=cadre).order_by("valid_from").values_list("title", "valid_to"))
    assert holdings == [("甲镇副镇长", date(2026, 2, 1)), ("甲镇镇长", None)]
    cadre.refresh_from_db()
    assert (cadre.current_post, cadre.rank_level) == ("甲镇镇长", "D1")
    # the talks module subscribes to post_changed: a 五必谈 talk falls due 30 days after the change
    due = TalkTrigger.objects.filter(cadre=cadre, kind=TriggerKind.POST_CHANGE).order_by("raised_on").first()
    assert due is not None and (due.due_on, due.detail) == (date(2025, 1, 31), "职务变动：（无） → 甲镇副镇长")


@pytest.mark.django_db
def test_transfer_of_recent_township_recruit_is_refused_with_409(tree, alice):
    cadre = make_cadre(tree.township_a, township_recruit_on=date(2025, 8, 1))
    response = _post(alice, cadre, kind="transfer", org_unit_id=tree.county_a.pk, title="科员", on="2026-03-01")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "gate_refused" and "R23" in error["message"] and "2027年08月01日" in error["message"]
    assert not PostHolding.objects.filter(cadre=cadre).exists()
    assert Cadre.objects.get(pk=cadre.pk).org_unit == tree.township_a


@pytest.mark.django_db
def test_transfer_and_secondment_succeed_when_allowed(tree, alice):
    cadre = make_cadre(tree.township_a, township_recruit_on=date(2020, 8, 1))
    seconded = _post(alice, cadre, kind="second", org_unit_id=tree.county_a.pk, on="2026-01-05", until="2026-06-30")
    assert seconded.status_code == 201 and seconded.json()["is_leading"] is False
    moved = _post(alice, cadre, kind="transfer", org_unit_id=tree.township_a2.pk, title="丙乡副乡长", on="2026-07-01")
    assert moved.status_code == 201
    assert Cadre.objects.get(pk=cadre.pk).org_unit == tree.township_a2


@pytest.mark.django_db
def test_post_change_permissions_and_validation(tree, bob, carol, alice):
    cadre = make_cadre(tree.township_a)
    body = {"org_unit_id": tree.township_a.pk, "title": "甲镇副镇长", "on": "2026-01-01"}
    assert _post(bob, cadre, **body).status_code == 403
    assert _post(carol, cadre, **body).status_code == 404
    foreign_unit = _post(alice, cadre, **{**body, "org_unit_id": tree.township_b.pk})
    assert foreign_unit.status_code == 404
    empty = _post(alice, cadre, **{**body, "title": "  "})
    assert empty.status_code == 400 and empty.json()["error"]["message"] == "职务名称不能为空"
    assert not PostHolding.objects.exists()


@pytest.mark.django_db
def test_detail_page_form_records_a_post_change_and_shows_r23_refusal(tree, alice, bob):
    cadre = make_cadre(tree.township_a, township_recruit_on=date(2025, 8, 1))
    web = logged_in(alice)
    page = web.get(f"/cadres/{cadre.pk}/").content.decode()
    assert "记录任职变动" in page and "记录任职变动" not in logged_in(bob).get(f"/cadres/{cadre.pk}/").content.decode()
    url = f"/cadres/{cadre.pk}/posts"
    form = {"kind": "appoint", "org_unit": tree.township_a.pk, "title": "甲镇党委委员", "on": "2026-04-01",
            "is_leading": "1", "document_number": "甲组〔2026〕3号"}
    done = web.post(url, form, follow=True)
    assert "已记录张三的任职（职务变动）" in done.content.decode()
    holding = PostHolding.objects.get(cadre=cadre)
    assert (holding.title, holding.valid_from, holding.document_number) == ("甲镇党委委员", date(2026, 4, 1), "甲组〔2026〕3号")
    refused = web.post(url, {**form, "kind": "transfer", "org_unit": tree.county_a.pk, "title": "科员"}, follow=True)
    assert "不符合R23" in refused.content.decode()
    assert PostHolding.objects.filter(cadre=cadre).count() == 1
    assert logged_in(bob).post(url, form).status_code == 403
    assert web.post(url, {**form, "on": "不是日期"}, follow=True).content.decode().count("请填写有效的") == 1
