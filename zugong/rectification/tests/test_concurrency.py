"""Two reviewers deciding the same closure at once: the problem's row lock lets exactly one through
(PostgreSQL), and the lock takes only the problem's own row."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from zugong.conftest import Tree, make_user
from zugong.core.errors import IllegalTransition
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import Role
from zugong.rectification.locks import lock_problem
from zugong.rectification.models import ClosureStatus, ProblemStatus
from zugong.rectification.services import problems as svc
from zugong.rectification.tests.helpers import add_problem, issue_list, pdf_upload, rectifying_problem


def test_the_lock_takes_only_the_problems_row(tree: Tree, alice: User) -> None:
    problem = add_problem(issue_list(tree, alice), alice)
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        assert lock_problem(problem.pk).problem_list.issuing_unit == tree.county_a
    sql = captured.captured_queries[-1]["sql"]
    if connection.features.has_select_for_update_of:
        assert re.search(r'FOR UPDATE OF "?rectification_problem"?$', sql), sql
    else:
        assert "FOR UPDATE" not in sql


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers")
def test_two_reviewers_deciding_one_closure_at_once_exactly_one_wins(tree: Tree, alice: User, bob: User,
                                                                    settings: object, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    problem = rectifying_problem(tree, alice, bob)
    svc.closure_request(actor=bob, jurisdiction=jurisdiction_for(bob), problem_id=problem.pk, summary="已整改",
                        files=[pdf_upload()])
    dora = make_user("dora", tree.county_a, Role.ORG_ADMIN)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(user: User, approve: bool) -> None:
        try:
            barrier.wait()
            svc.closure_review(actor=user, jurisdiction=jurisdiction_for(user), problem_id=problem.pk,
                               approve=approve, reason="" if approve else "材料不足")
            outcomes.append("approved" if approve else "rejected")
        except IllegalTransition as exc:
            outcomes.append(exc.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(alice, True)), threading.Thread(target=decide, args=(dora, False))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    # then: one decision; the other reviewer is told the closure is no longer waiting
    assert len(outcomes) == 2
    won = [o for o in outcomes if o in ("approved", "rejected")]
    assert len(won) == 1
    problem.refresh_from_db()
    closure = problem.closures.get()
    if won == ["approved"]:
        assert (problem.status, closure.status) == (ProblemStatus.CLOSED, ClosureStatus.APPROVED)
        assert "没有待审核的销号申请（问题当前状态为“已销号”）" in outcomes
    else:
        assert (problem.status, closure.status) == (ProblemStatus.RECTIFYING, ClosureStatus.REJECTED)
        assert "没有待审核的销号申请（问题当前状态为“整改中”）" in outcomes
