"""The problem-information archive (R18): recording, the verification state machine, confidentiality,
the shield, and talks' problem-unit counter."""

from __future__ import annotations

from datetime import date
from itertools import product

import pytest
from django.contrib.auth.models import User

from zugong.conftest import bearer, logged_in
from zugong.core.errors import Forbidden, IllegalTransition, NotFound, ValidationFailed
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import AccessEvent, AuditEvent
from zugong.selection.models import PROBLEM_ALLOWED, ProblemEntry, ProblemStatus
from zugong.selection.selectors import shielded_ids
from zugong.selection.services.problems import problem_record, problem_transition
from zugong.selection.tests.conftest import World
from zugong.talks.problem_counts import problem_counts


def _entry(w: World, cadre: object = None, **kwargs: object) -> ProblemEntry:
    fields = {"cadre": cadre or w.zhang, "source": "petition", "received_on": date(2026, 2, 1),
              "summary": "群众反映其违规操办婚宴", "document_number": "信访〔2026〕3号"}
    fields.update(kwargs)
    return problem_record(actor=w.alice, jurisdiction=w.ja, **fields)  # type: ignore[arg-type]


def test_recording_keeps_the_content_out_of_the_audit_chain(world: World) -> None:
    entry = _entry(world)
    assert entry.status == ProblemStatus.PENDING and entry.org_unit == world.tree.township_a
    event = AuditEvent.objects.get(action="selection.problem_record")
    assert "婚宴" not in str(event.summary) and event.summary["source"] == "petition"


@pytest.mark.parametrize("field,value,message", [
    ("source", "rumour", "来源无效"), ("summary", "  ", "请填写问题内容"), ("received_on", date(2099, 1, 1), "不能晚于今天"),
])
def test_recording_refuses_bad_input(world: World, field: str, value: object, message: str) -> None:
    with pytest.raises(ValidationFailed, match=message):
        _entry(world, **{field: value})


def test_verification_runs_pending_verifying_concluded(world: World) -> None:
    entry = _entry(world)
    problem_transition(actor=world.alice, jurisdiction=world.ja, entry_id=entry.pk, to="verifying")
    done = problem_transition(actor=world.alice, jurisdiction=world.ja, entry_id=entry.pk, to="confirmed",
                              handling="admonishment", conclusion="查实，予以诫勉")
    assert (done.status, done.handling, done.conclusion) == ("confirmed", "admonishment", "查实，予以诫勉")
    assert done.concluded_on is not None


FORBIDDEN = [(a, b) for a, b in product(ProblemStatus.values, repeat=2) if b not in PROBLEM_ALLOWED[a]]


@pytest.mark.parametrize("start,to", FORBIDDEN)
def test_every_forbidden_transition_is_refused(world: World, start: str, to: str) -> None:
    entry = _entry(world)
    ProblemEntry.objects.filter(pk=entry.pk).update(status=start)
    with pytest.raises(IllegalTransition, match="不能改为"):
        problem_transition(actor=world.alice, jurisdiction=world.ja, entry_id=entry.pk, to=to,
                           handling="reminder" if to == "confirmed" else "", conclusion="结论")


def test_confirmed_needs_a_handling_and_others_a_conclusion(world: World) -> None:
    entry = _entry(world)
    problem_transition(actor=world.alice, jurisdiction=world.ja, entry_id=entry.pk, to="verifying")
    with pytest.raises(ValidationFailed, match="须选择处理方式"):
        problem_transition(actor=world.alice, jurisdiction=world.ja, entry_id=entry.pk, to="confirmed",
                           conclusion="查实")
    with pytest.raises(ValidationFailed, match="请填写核实结论"):
        problem_transition(actor=world.alice, jurisdiction=world.ja, entry_id=entry.pk, to="unfounded")
    with pytest.raises(ValidationFailed, match="只有已查实"):
        problem_transition(actor=world.alice, jurisdiction=world.ja, entry_id=entry.pk, to="clarified",
                           handling="reminder", conclusion="已澄清")


def test_shield_holds_while_pending_or_verifying_and_lifts_when_concluded(world: World) -> None:
    entry = _entry(world)
    _entry(world, cadre=world.wang)
    assert shielded_ids([world.zhang.pk, world.li.pk, world.wang.pk]) == {world.zhang.pk, world.wang.pk}
    problem_transition(actor=world.alice, jurisdiction=world.ja, entry_id=entry.pk, to="verifying")
    assert world.zhang.pk in shielded_ids([world.zhang.pk])
    problem_transition(actor=world.alice, jurisdiction=world.ja, entry_id=entry.pk, to="unfounded",
                       conclusion="经核查不属实")
    assert shielded_ids([world.zhang.pk, world.li.pk]) == set()


def test_shield_is_one_query_for_any_number_of_cadres(world: World, django_assert_num_queries: object) -> None:
    _entry(world)
    with django_assert_num_queries(1):  # type: ignore[operator]
        # ids 1–4999 and the cadre's own (on PostgreSQL ids keep growing across tests)
        assert shielded_ids([*range(1, 5000), world.zhang.pk]) == {world.zhang.pk}


def test_entries_count_for_talks_problem_unit_trigger(world: World) -> None:
    _entry(world)
    _entry(world, cadre=world.li, received_on=date(2026, 1, 5))
    _entry(world, cadre=world.li, received_on=date(2024, 1, 5))  # outside the window
    counts = problem_counts([world.tree.township_a.pk, world.tree.township_a2.pk], date(2025, 6, 1),
                            date(2026, 5, 31))
    assert counts == {world.tree.township_a.pk: 2}


def test_township_staff_may_not_record_and_another_county_is_out_of_sight(world: World, bob: User,
                                                                           carol: User) -> None:
    with pytest.raises(Forbidden, match="登记问题信息"):
        problem_record(actor=bob, jurisdiction=jurisdiction_for(bob), cadre=world.zhang, source="audit",
                       received_on=date(2026, 1, 1), summary="x")
    entry = _entry(world)
    with pytest.raises(NotFound):
        problem_transition(actor=carol, jurisdiction=jurisdiction_for(carol), entry_id=entry.pk, to="verifying")


# --- confidentiality over the API and the pages ----------------------------------------------------------

def test_content_is_shown_to_org_admin_and_logged_masked_for_staff(world: World) -> None:
    entry = _entry(world)
    admin = bearer(world.alice).get(f"/api/v1/problem-entries/{entry.pk}").json()
    assert admin["summary"] == "群众反映其违规操办婚宴"
    assert AccessEvent.objects.filter(user=world.alice, field="summary", object_id=str(entry.pk)).count() == 1
    staff = bearer(world.staff).get(f"/api/v1/problem-entries/{entry.pk}").json()
    assert staff["summary"] is None and staff["status"] == "pending"
    assert not AccessEvent.objects.filter(user=world.staff).exists()
    page = logged_in(world.staff).get(f"/selection/problems/{entry.pk}/").content.decode()
    assert "婚宴" not in page and "（内容保密）" in page
    page = logged_in(world.alice).get(f"/selection/problems/{entry.pk}/").content.decode()
    assert "婚宴" in page and AccessEvent.objects.filter(user=world.alice, channel="web").count() == 1


def test_list_never_carries_the_content(world: World) -> None:
    _entry(world)
    rows = bearer(world.alice).get("/api/v1/problem-entries").json()
    assert len(rows) == 1 and "summary" not in rows[0] and rows[0]["shielding"] is True
    assert "婚宴" not in logged_in(world.alice).get("/selection/problems/").content.decode()


def test_api_records_and_transitions_with_409_for_an_illegal_step(world: World, carol: User) -> None:
    client = bearer(world.alice)
    created = client.post("/api/v1/problem-entries", {"cadre_id": world.li.pk, "source": "online",
                                                      "received_on": "2026-02-03", "summary": "网帖反映"},
                          content_type="application/json")
    assert created.status_code == 201 and created.json()["status_label"] == "待核实"
    pk = created.json()["id"]
    refused = client.post(f"/api/v1/problem-entries/{pk}/transition", {"to": "confirmed"},
                          content_type="application/json")
    assert refused.status_code == 409 and "待核实" in refused.json()["error"]["message"]
    assert client.post(f"/api/v1/problem-entries/{pk}/transition", {"to": "verifying"},
                       content_type="application/json").json()["status"] == "verifying"
    assert bearer(carol).get(f"/api/v1/problem-entries/{pk}").status_code == 404
    assert bearer(carol).get("/api/v1/problem-entries").json() == []


def test_the_cadre_page_marks_a_shielded_cadre_for_those_allowed_to_know(world: World) -> None:
    from zugong.conftest import make_user
    from zugong.core.models import Role

    entry = problem_record(actor=world.alice, jurisdiction=world.ja, cadre=world.zhang, source="petition",
                           received_on=date(2026, 2, 1), summary="反映其违规收受礼金")
    url = f"/cadres/{world.zhang.pk}/"
    page = logged_in(world.alice).get(url).content.decode()
    assert 'id="zg-shielded"' in page and "在查" in page and "违规收受礼金" not in page
    assert 'id="zg-shielded"' not in logged_in(world.alice).get(f"/cadres/{world.li.pk}/").content.decode()
    leader = make_user("leader", world.tree.county_a, Role.LEADER)  # reads the roster, not the archive
    assert 'id="zg-shielded"' not in logged_in(leader).get(url).content.decode()
    problem_transition(actor=world.alice, jurisdiction=world.ja, entry_id=entry.pk, to="verifying")
    problem_transition(actor=world.alice, jurisdiction=world.ja, entry_id=entry.pk, to="unfounded",
                       conclusion="查无实据")
    assert 'id="zg-shielded"' not in logged_in(world.alice).get(url).content.decode()
