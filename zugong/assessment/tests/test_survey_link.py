"""R31's public link with dedupe: a per-round URL, the county chosen among those with a sample quota, a
phone kept only as a keyed hash (a second answer from it refused), a signed cookie refusing the same browser,
quotas per county with their progress, and the staff's forms (permission-checked and scoped)."""

from __future__ import annotations

import pytest
from django.test import Client

from zugong.assessment import selectors_survey as read
from zugong.assessment.models_survey import PendingSurveyResponse, SurveyLinkDedupe, SurveyQuota
from zugong.assessment.services import survey_links as svc
from zugong.assessment.services import surveys
from zugong.conftest import logged_in, make_user
from zugong.core.errors import Conflict, ValidationFailed
from zugong.core.models import AuditEvent, Role

from .test_surveys import respond, round_  # noqa: F401

PHONE = "13912345678"


def _link(r, **quotas):
    survey = svc.survey_link_set(actor=r.prov, jurisdiction=r.jp, survey_id=r.survey.pk, enabled=True)
    for county, target in quotas.items():
        svc.survey_quota_set(actor=r.prov, jurisdiction=r.jp, survey_id=r.survey.pk, county=getattr(r.tree, county),
                             target=target)
    return survey.public_token


def _answer(r, token, county, phone=PHONE, answer="满意"):
    return svc.survey_answer_link(token=token, county_id=county.pk, phone=phone,
                                  answers={i.pk: answer for i in r.indicators})


def test_a_phone_answers_once_and_only_its_hash_is_kept(round_) -> None:  # noqa: F811
    r = round_
    token = _link(r, county_a=5)
    _answer(r, token, r.tree.county_a)
    with pytest.raises(Conflict) as twice:
        _answer(r, token, r.tree.county_a, phone="139 1234 5678")  # the same number written with spaces
    assert twice.value.message == "该手机号码已参加过本次测评"
    [kept] = SurveyLinkDedupe.objects.all()
    assert len(kept.digest) == 64 and PHONE not in kept.digest and kept.digest == svc.phone_digest(r.survey.pk, PHONE)
    assert {f.name for f in SurveyLinkDedupe._meta.get_fields()} == {"id", "survey", "digest"}  # no time, no county
    assert PHONE not in str(list(PendingSurveyResponse.objects.values())) and PHONE not in str(
        list(AuditEvent.objects.values()))
    assert svc.phone_digest(r.survey.pk + 1, PHONE) != kept.digest  # per round: another round may ask again
    with pytest.raises(ValidationFailed) as bad:
        _answer(r, token, r.tree.county_a, phone="12345")
    assert bad.value.message == "请填写 11 位手机号码（只用于防止重复答卷，不保存号码）"
    assert PendingSurveyResponse.objects.count() == 1


def test_quotas_stop_a_full_county_and_show_progress(round_) -> None:  # noqa: F811
    r = round_
    token = _link(r, county_a=2, county_b=3)
    respond(r, r.tree.county_a, "满意")  # a coded answer counts towards the county's sample too
    _answer(r, token, r.tree.county_a, phone="13900000001")
    with pytest.raises(Conflict) as full:
        _answer(r, token, r.tree.county_a, phone="13900000002")
    assert full.value.message == "甲县的样本已满（2 份），感谢您的参与"
    _answer(r, token, r.tree.county_b, phone="13900000002")
    assert [(q.name, q.target, q.received, q.percent) for q in read.link_quotas(r.survey)] == [
        ("甲县", 2, 2, 100), ("乙县", 3, 1, 33)]
    with pytest.raises(ValidationFailed) as none:  # a county without a quota is not offered
        svc.survey_quota_set(actor=r.prov, jurisdiction=r.jp, survey_id=r.survey.pk, county=r.tree.county_a,
                             target=0)
        _answer(r, token, r.tree.county_a, phone="13900000003")
    assert none.value.message == "请选择所在的县（市、区）"
    with pytest.raises(ValidationFailed) as township:
        svc.survey_quota_set(actor=r.prov, jurisdiction=r.jp, survey_id=r.survey.pk, county=r.tree.township_a,
                             target=5)
    assert township.value.message == "甲镇不是本次测评范围内的县（市、区）"


def test_a_withdrawn_link_or_a_closed_round_refuses(round_) -> None:  # noqa: F811
    r = round_
    token = _link(r, county_a=5)
    svc.survey_link_set(actor=r.prov, jurisdiction=r.jp, survey_id=r.survey.pk, enabled=False)
    with pytest.raises(Conflict) as gone:
        _answer(r, token, r.tree.county_a)
    assert gone.value.message == "测评链接无效，或测评不在进行中"
    token = _link(r)
    surveys.survey_transition(actor=r.prov, jurisdiction=r.jp, survey_id=r.survey.pk, to="closed")
    with pytest.raises(Conflict):
        _answer(r, token, r.tree.county_a)
    assert not SurveyLinkDedupe.objects.exists()


def test_the_public_page_and_the_browsers_cookie(round_) -> None:  # noqa: F811
    r = round_
    token = _link(r, county_a=5, county_b=1)
    respond(r, r.tree.county_b, "满意")  # 乙县 is full
    url = f"/m/survey/l/{token}/"
    phone = Client()
    page = phone.get(url).content.decode()
    assert "甲县</option>" in page and "乙县（样本已满）" in page and 'name="phone"' in page
    form = {"county": r.tree.county_a.pk, "phone": PHONE, **{f"q-{i.pk}": "基本满意" for i in r.indicators}}
    missing = phone.post(url, {**form, f"q-{r.indicators[0].pk}": ""})
    assert missing.status_code == 400 and "请回答每一项" in missing.content.decode()
    done = phone.post(url, form)
    assert done.status_code == 200 and "问卷已提交，感谢参与" in done.content.decode()
    assert f"zg_sv{r.survey.pk}" in done.cookies
    again = phone.get(url)  # the same browser: refused by its signed cookie before anything is typed
    assert again.status_code == 409 and "本设备已参加过本次测评" in again.content.decode()
    other = Client()  # another browser, the same number: refused by the number's hash
    refused = other.post(url, form)
    assert refused.status_code == 409 and "该手机号码已参加过本次测评" in refused.content.decode()
    forged = Client()
    forged.cookies[f"zg_sv{r.survey.pk}"] = "1"  # unsigned: ignored
    assert forged.get(url).status_code == 200
    assert Client().get("/m/survey/l/not-a-token/").status_code == 409
    assert PendingSurveyResponse.objects.filter(org_unit=r.tree.county_a).count() == 1


def test_the_staff_open_the_link_and_set_quotas(round_, bob, carol) -> None:  # noqa: F811
    r = round_
    desk = logged_in(r.prov)
    base = f"/assessment/surveys/{r.survey.pk}"
    opened = desk.post(f"{base}/link/", {"enabled": "1"}, follow=True).content.decode()
    r.survey.refresh_from_db()
    assert "公开链接已开启" in opened and f"/m/survey/l/{r.survey.public_token}/" in opened
    saved = desk.post(f"{base}/quotas/", {"quota-county": r.tree.county_a.pk, "quota-target": "40"}, follow=True)
    assert "样本配额已保存" in saved.content.decode()
    assert SurveyQuota.objects.get().target == 40
    table = saved.content.decode().split('id="zg-link-quotas"')[1].split("</table>")[0]
    assert "甲县" in table and "0%" in table
    assert desk.post(f"{base}/quotas/", {"quota-county": r.tree.township_a.pk, "quota-target": "4"}).status_code == 400
    assert logged_in(bob).post(f"{base}/link/", {"enabled": "0"}).status_code == 403
    assert logged_in(carol).post(f"{base}/quotas/", {"quota-county": r.tree.county_b.pk,
                                                     "quota-target": "4"}).status_code == 404
    leader = make_user("leader", r.tree.province, Role.LEADER)
    assert 'id="zg-quota-form"' not in logged_in(leader).get(f"{base}/").content.decode()
    r.survey.refresh_from_db()
    assert r.survey.public_token and SurveyQuota.objects.count() == 1
