"""Writers change the row they locked (no lost update), and `post_changed` is published once the
cadre's state is final (a transfer announces the cadre in the unit it moved to)."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection, connections

from zugong.cadres.models import Cadre, CadreChange
from zugong.cadres.services import cadre_save_record, cadre_transfer, cadre_update
from zugong.cadres.tests.factories import make_cadre, record
from zugong.core import events
from zugong.core.jurisdiction import jurisdiction_for
from zugong.talks.models import TalkTrigger, TriggerKind


@pytest.mark.django_db
def test_update_from_a_stale_instance_keeps_the_other_writers_change(tree, alice):
    # given: two clerks opened the same cadre; the first saves a new health status
    cadre = make_cadre(tree.township_a, health="健康", professional_title="")
    stale = Cadre.objects.get(pk=cadre.pk)
    j = jurisdiction_for(alice)
    cadre_update(actor=alice, jurisdiction=j, cadre=cadre, changes={"health": "良好"})
    # when: the second saves the title from the instance read before the first change
    cadre_update(actor=alice, jurisdiction=j, cadre=stale, changes={"professional_title": "经济师"})
    # then: both changes are in the row, and the history names only what each changed
    fresh = Cadre.objects.get(pk=cadre.pk)
    assert (fresh.health, fresh.professional_title) == ("良好", "经济师")
    assert sorted(CadreChange.objects.values_list("field", "old_value", "new_value")) == [
        ("health", "健康", "良好"), ("professional_title", "", "经济师")]


@pytest.mark.django_db
def test_save_record_from_a_stale_instance_keeps_fields_outside_the_record(tree, alice):
    # given: the reserve flag was set after the importer's instance was read
    cadre = make_cadre(tree.township_a)
    stale = Cadre.objects.get(pk=cadre.pk)
    j = jurisdiction_for(alice)
    cadre_update(actor=alice, jurisdiction=j, cadre=cadre, changes={"is_reserve": True, "grade": "G09"})
    # when: an import saves a whole record through the stale instance
    cadre_save_record(actor=alice, jurisdiction=j, cadre=stale, record=record(health="良好"))
    # then: the import changed its field and left the others as the first writer set them
    fresh = Cadre.objects.get(pk=cadre.pk)
    assert (fresh.health, fresh.is_reserve, fresh.grade) == ("良好", True, "G09")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers; see the stale-instance test")
def test_two_concurrent_writers_of_different_fields_both_survive(tree, alice):
    # given: one cadre, two clerks in two threads, each on its own connection, each holding an
    # instance read before either writes
    cadre = make_cadre(tree.township_a, health="健康", professional_title="")
    j = jurisdiction_for(alice)
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def write(changes: dict[str, str]) -> None:
        try:
            mine = Cadre.objects.get(pk=cadre.pk)
            barrier.wait()
            cadre_update(actor=alice, jurisdiction=j, cadre=mine, changes=changes)
        except BaseException as exc:  # noqa: BLE001 — reported by the assertion below
            failures.append(exc)
        finally:
            connections.close_all()

    # when
    threads = [threading.Thread(target=write, args=(c,))
               for c in ({"health": "良好"}, {"professional_title": "经济师"})]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    # then
    assert failures == []
    fresh = Cadre.objects.get(pk=cadre.pk)
    assert (fresh.health, fresh.professional_title) == ("良好", "经济师")
    assert CadreChange.objects.filter(cadre=cadre).count() == 2


@pytest.mark.django_db
def test_transfer_files_the_five_musts_trigger_under_the_new_unit(tree, alice):
    # given: a township head of 甲镇, no R23 restriction
    cadre = make_cadre(tree.township_a)
    seen: list[int] = []

    def unit_at_publish(*, cadre: Cadre, **_: object) -> None:
        seen.append(cadre.org_unit_id)

    events.subscribe("post_changed", unit_at_publish)
    try:
        # when: transferred to 丙乡 (township A2)
        cadre_transfer(actor=alice, jurisdiction=jurisdiction_for(alice), cadre=cadre, to_org_unit=tree.township_a2,
                       on=date(2026, 3, 1), title="丙乡副乡长")
    finally:
        events._subscribers["post_changed"].remove(unit_at_publish)
    # then: the event went out once, with the cadre already in 丙乡, and talks filed its trigger there
    assert seen == [tree.township_a2.pk]
    trigger = TalkTrigger.objects.get(cadre=cadre, kind=TriggerKind.POST_CHANGE)
    assert trigger.org_unit == tree.township_a2
    assert trigger.detail == "职务变动：（无） → 丙乡副乡长"
