"""Two clerks completing the same stage at once: the row lock lets exactly one through (PostgreSQL), and the
lock takes only the selection's own row."""

from __future__ import annotations

import re
import threading

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from zugong.core.errors import IllegalTransition
from zugong.selection.locks import lock_problem, lock_selection
from zugong.selection.models import Selection, Stage, StageRecord
from zugong.selection.services import selections as svc
from zugong.selection.services.problems import problem_record
from zugong.selection.tests.conftest import World, open_selection


def test_locks_take_only_their_own_rows(world: World) -> None:
    s = open_selection(world)
    entry = problem_record(actor=world.alice, jurisdiction=world.ja, cadre=world.li, source="audit",
                           received_on=world.li.created_at.date(), summary="x")
    for lock, pk, table in ((lock_selection, s.pk, "selection_selection"), (lock_problem, entry.pk,
                                                                            "selection_problementry")):
        with transaction.atomic(), CaptureQueriesContext(connection) as captured:
            lock(pk)
        sql = captured.captured_queries[-1]["sql"]
        if connection.features.has_select_for_update_of:
            assert re.search(rf'FOR UPDATE OF "?{table}"?$', sql), sql
        else:
            assert "FOR UPDATE" not in sql


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers")
def test_two_clerks_closing_the_recommendation_at_once_exactly_one_wins(world: World) -> None:
    # given: a selection in 民主推荐 with one cadre's votes, and two clerks in two threads
    s = open_selection(world)
    svc.recommendation_vote_set(actor=world.alice, jurisdiction=world.ja, selection_id=s.pk, cadre=world.zhang,
                                votes=30)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def close(valid: int) -> None:
        try:
            barrier.wait()
            svc.recommendation_close(actor=world.alice, jurisdiction=world.ja, selection_id=s.pk, eligible=45,
                                     issued=42, returned=40, valid=valid)
            outcomes.append("won")
        except IllegalTransition as exc:
            outcomes.append(exc.message)
        finally:
            connections.close_all()

    # when
    threads = [threading.Thread(target=close, args=(v,)) for v in (40, 39)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    # then: one record, the other clerk told where the selection now stands
    assert sorted(outcomes) == sorted(["won", "该选拔任用工作当前处于“确定考察对象”环节，不能办理“民主推荐”"])
    assert Selection.objects.get(pk=s.pk).stage == Stage.SHORTLIST
    assert StageRecord.objects.filter(selection=s, stage=Stage.RECOMMENDATION).count() == 1
