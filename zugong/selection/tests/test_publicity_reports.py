"""任前公示's reports as rows of their own: registered during the period, checked (核查) and concluded (查实 /
部分查实 / 不实, with the handling); R13's clean publicity before 任职; confidential content; API and pages."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from zugong.conftest import bearer, logged_in, make_user
from zugong.core.errors import Conflict, IllegalTransition, ValidationFailed
from zugong.core.models import AccessEvent, AuditEvent, Role
from zugong.selection.models import PublicityReport, PublicityReportStatus, Selection, Stage
from zugong.selection.services import publicity
from zugong.selection.services import selections as svc
from zugong.selection.tests.conftest import World, open_selection, walk

IN_PERIOD = date(2026, 3, 17)  # the walk's publicity runs 2026-03-16 → 03-20


def _c(w: World) -> dict[str, Any]:
    return {"actor": w.alice, "jurisdiction": w.ja}


def _at_appointment(w: World, **kwargs: Any) -> Selection:
    return walk(w, open_selection(w, **kwargs), "appointment")


def _report(w: World, s: Selection, **kwargs: Any) -> PublicityReport:
    fields: dict[str, Any] = {"received_on": IN_PERIOD, "channel": "letter", "content": "反映其子女在辖区经商",
                              "cadre": w.zhang}
    fields.update(kwargs)
    return publicity.publicity_report_record(**_c(w), selection_id=s.pk, **fields)


def _move(w: World, r: PublicityReport, to: str, **kwargs: Any) -> PublicityReport:
    return publicity.publicity_report_transition(**_c(w), report_id=r.pk, to=to, on=date(2026, 3, 19), **kwargs)


def _appoint(w: World, s: Selection) -> Selection:
    return svc.appointment_record(**_c(w), selection_id=s.pk, on=date(2026, 3, 21), title="甲镇镇长",
                                  document_number="甲组任〔2026〕5号")


def test_a_report_is_registered_within_the_period_and_audited_without_its_content(world: World) -> None:
    s = _at_appointment(world)
    r = _report(world, s)
    assert (r.status, r.cadre_id, r.channel, r.received_on) == ("pending", world.zhang.pk, "letter", IN_PERIOD)
    event = AuditEvent.objects.filter(action="selection.publicity_report_record").get()
    assert event.summary["report"] == r.pk and "经商" not in str(event.summary)
    with pytest.raises(ValidationFailed, match="不在公示期 2026-03-16 至 2026-03-20 之内"):
        _report(world, s, received_on=date(2026, 3, 21))
    with pytest.raises(ValidationFailed, match="王三不是本次讨论决定通过"):
        _report(world, s, cadre=world.wang)
    with pytest.raises(ValidationFailed, match="反映方式无效"):
        _report(world, s, channel="fax")
    assert _report(world, s, cadre=None, channel="online").cadre_id is None


def test_no_report_before_the_publicity_is_recorded(world: World) -> None:
    s = walk(world, open_selection(world), "publicity")
    with pytest.raises(IllegalTransition, match="登记任前公示（公示期）后才能登记"):
        _report(world, s)


@pytest.mark.parametrize("start", list(PublicityReportStatus.values))
def test_every_forbidden_transition_is_a_409_naming_both_states(world: World, start: str) -> None:
    s = _at_appointment(world)
    r = _report(world, s)
    PublicityReport.objects.filter(pk=r.pk).update(status=start)
    allowed = {"pending": {"checking"}, "checking": {"confirmed", "partly", "unfounded"}}.get(start, set())
    for to in set(PublicityReportStatus.values) - allowed:
        with pytest.raises(IllegalTransition, match=f"该反映当前为“{PublicityReportStatus(start).label}”"):
            _move(world, r, to, conclusion="结论", handling="suspend")


def test_concluding_needs_a_conclusion_and_the_right_handling(world: World) -> None:
    s = _at_appointment(world)
    r = _move(world, _report(world, s), "checking")
    with pytest.raises(ValidationFailed, match="请填写核查结论"):
        _move(world, r, "unfounded")
    with pytest.raises(ValidationFailed, match="反映不实的不登记处理意见"):
        _move(world, r, "unfounded", conclusion="不实", handling="reminder")
    with pytest.raises(ValidationFailed, match="须选择处理意见"):
        _move(world, r, "partly", conclusion="部分属实")
    with pytest.raises(ValidationFailed, match="只能是暂缓任职或取消任职"):
        _move(world, r, "confirmed", conclusion="属实", handling="no_effect")
    done = _move(world, r, "partly", conclusion="其子女经商属实，已按规定报告", handling="reminder")
    assert (done.status, done.handling, done.concluded_on, done.checked_by_id) == (
        "partly", "reminder", date(2026, 3, 19), world.alice.pk)


def test_appointment_waits_for_every_report_to_be_concluded(world: World) -> None:
    s = _at_appointment(world)
    r = _report(world, s)
    with pytest.raises(Conflict, match=r"不符合R13（公示无异常方可任职）：公示期间收到的反映2026-03-17来信（反映张一）尚未办结（待核查）"):
        _appoint(world, s)
    _move(world, r, "checking")
    with pytest.raises(Conflict, match="尚未办结（核查中）"):
        _appoint(world, s)
    _move(world, r, "unfounded", conclusion="经核查，反映不实")
    done = _appoint(world, s)
    assert done.stage == Stage.APPOINTED
    record = done.records.get(stage=Stage.APPOINTMENT).data["publicity_reports"]
    assert record == [{"id": r.pk, "received_on": "2026-03-17", "channel": "letter", "cadre": "张一",
                       "status": "unfounded", "handling": ""}]
    assert "经商" not in str(done.records.get(stage=Stage.APPOINTMENT).data)
    with pytest.raises(IllegalTransition, match="已任职，不能再登记或办理"):
        _report(world, s)


@pytest.mark.parametrize("to,handling,blocks", [
    ("confirmed", "suspend", True), ("confirmed", "cancel", True), ("partly", "suspend", True),
    ("partly", "cancel", True), ("partly", "no_effect", False), ("partly", "reminder", False),
])
def test_a_report_found_true_or_held_back_blocks_the_appointment(world: World, to: str, handling: str,
                                                                  blocks: bool) -> None:
    s = _at_appointment(world)
    r = _move(world, _move(world, _report(world, s), "checking"), to, conclusion="核查属实", handling=handling)
    assert r.blocks is blocks
    if blocks:
        with pytest.raises(Conflict, match=f"经核查{PublicityReportStatus(to).label}，处理意见为"):
            _appoint(world, s)
        stopped = svc.selection_stop(**_c(world), selection_id=s.pk, reason="公示期间反映查实，取消任职")
        assert stopped.stage == Stage.STOPPED
    else:
        assert _appoint(world, s).stage == Stage.APPOINTED


def test_content_is_read_by_the_admin_and_by_the_checker_while_open_and_every_view_is_logged(world: World) -> None:
    s = _at_appointment(world)
    r = _report(world, s)
    staff, leader = bearer(world.staff), bearer(make_user("lead", world.tree.county_a, Role.LEADER))
    url = f"/api/v1/selections/{s.pk}/publicity-reports"
    assert staff.get(url).json()[0]["content"] == "反映其子女在辖区经商"  # org_staff checks it: open
    assert leader.get(url).json()[0]["content"] is None
    _move(world, _move(world, r, "checking"), "unfounded", conclusion="不实")
    closed = staff.get(url).json()[0]
    assert (closed["content"], closed["conclusion"], closed["status_label"]) == (None, None, "不实")
    assert bearer(world.alice).get(url).json()[0]["conclusion"] == "不实"
    views = AccessEvent.objects.filter(object_type="selection.publicityreport", object_id=str(r.pk), field="content")
    assert sorted(views.values_list("user__username", "channel")) == [("alice", "api"), ("clerk", "api")]
    page = logged_in(make_user("lead2", world.tree.county_a, Role.LEADER)).get(f"/selection/{s.pk}/")
    assert page.status_code == 200 and "经商" not in page.content.decode() and "（内容保密）" in page.content.decode()


def _post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, body, content_type="application/json")


def test_api_registers_and_checks_a_report_in_the_jurisdiction_only(world: World, carol: Any) -> None:
    s = _at_appointment(world)
    api, url = bearer(world.alice), f"/api/v1/selections/{s.pk}/publicity-reports"
    made = _post(api, url, {"received_on": "2026-03-18", "channel": "call", "content": "反映其作风粗暴",
                            "cadre_id": world.zhang.pk})
    assert made.status_code == 201, made.json()
    body = made.json()
    assert (body["status"], body["channel_label"], body["cadre"], body["blocks"], body["next_states"]) == (
        "pending", "来电", "张一", True, ["checking"])
    rid = body["id"]
    assert _post(api, f"/api/v1/publicity-reports/{rid}/transition", {"to": "unfounded",
                                                                      "conclusion": "x"}).status_code == 409
    assert _post(api, f"/api/v1/publicity-reports/{rid}/transition", {"to": "checking"}).json()["status"] == "checking"
    done = _post(api, f"/api/v1/publicity-reports/{rid}/transition",
                 {"to": "partly", "conclusion": "曾有一次批评下属方式简单", "handling": "reminder", "on": "2026-03-19"})
    assert (done.json()["status_label"], done.json()["handling_label"], done.json()["blocks"]) == (
        "部分查实", "提醒或批评教育后任职", False)
    other = bearer(carol)
    assert other.get(url).status_code == 404
    assert _post(other, url, {"received_on": "2026-03-18", "channel": "call", "content": "x"}).status_code == 404
    assert _post(other, f"/api/v1/publicity-reports/{rid}/transition", {"to": "checking"}).status_code == 404
    leader = bearer(make_user("lead", world.tree.county_a, Role.LEADER))
    assert _post(leader, url, {"received_on": "2026-03-18", "channel": "call", "content": "x"}).status_code == 403
    refused = _post(api, f"/api/v1/selections/{s.pk}/publicity",
                    {"start": "2026-03-16", "end": "2026-03-20", "channel": "网站",
                     "reports": [{"content": "x", "conclusion": "y"}]})
    assert refused.status_code == 400 and "逐件登记" in str(refused.json())
    trace = api.get(f"/api/v1/selections/{s.pk}/trace").json()
    row = next(r for r in trace if r["stage"] == "publicity")
    assert [(p["status"], p["handling"], p["cadre"]) for p in row["publicity_reports"]] == [
        ("partly", "reminder", "张一")]
    assert "作风" not in str(trace)


def test_pages_register_check_and_conclude_and_the_trace_shows_it(world: World) -> None:
    s = _at_appointment(world)
    client, url = logged_in(world.alice), f"/selection/{s.pk}/"
    bad = client.post(f"{url}publicity-reports/", {"received_on": "2026-03-25", "channel": "visit",
                                                   "content": "反映其酒后驾车", "cadre": world.zhang.pk})
    assert bad.status_code == 400 and "不在公示期" in bad.content.decode()
    assert client.post(f"{url}publicity-reports/", {"received_on": "2026-03-18", "channel": "visit",
                                                    "content": "反映其酒后驾车", "cadre": world.zhang.pk}).status_code == 302
    r = PublicityReport.objects.get()
    page = client.get(url).content.decode()
    assert "反映其酒后驾车" in page and "待核查" in page and "开始核查" in page
    transition = f"/selection/publicity-reports/{r.pk}/transition/"
    assert client.post(transition, {"to": "checking"}).status_code == 302
    assert client.post(transition, {"to": "unfounded", "conclusion": ""}).status_code == 400
    assert client.post(transition, {"to": "unfounded", "conclusion": "经查交警记录，无此事",
                                    "on": "2026-03-19"}).status_code == 302
    r.refresh_from_db()
    assert (r.status, r.conclusion) == ("unfounded", "经查交警记录，无此事")
    trace = client.get(f"{url}trace/").content.decode()
    assert "任前公示期间收到的反映" in trace and "来访（张一）：不实" in trace and "酒后" not in trace
    assert client.post(f"{url}step/appointment/", {"on": "2026-03-21", "title": "甲镇镇长",
                                                   "document_number": "5号"}).status_code == 302
    s.refresh_from_db()
    assert s.stage == Stage.APPOINTED
    assert "2026-03-18 来访（张一）：不实" in client.get(url).content.decode()
