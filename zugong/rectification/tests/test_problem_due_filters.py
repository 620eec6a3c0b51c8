"""A problem's own deadline (`due_on`) beyond its page: the `due_overdue` filter of the problem API and of the
list page, and the deadline with whether it has passed in the list's Excel."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from openpyxl import load_workbook

from zugong.conftest import Tree, bearer, logged_in
from zugong.core.jurisdiction import jurisdiction_for
from zugong.rectification.services.editing import problem_due_set
from zugong.rectification.tests.helpers import add_problem, rectifying_problem

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _media(settings: object, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]


def test_due_overdue_filters_the_api_the_page_and_fills_the_excel(tree: Tree, alice: User, bob: User) -> None:
    # given one problem past its own deadline (yesterday), one due today, one without a deadline
    late = rectifying_problem(tree, alice, bob)
    problem_due_set(actor=alice, jurisdiction=jurisdiction_for(alice), problem_id=late.pk,
                    due_on=TODAY - timedelta(days=1))
    today = add_problem(late.problem_list, alice, "谈心谈话不经常")
    problem_due_set(actor=alice, jurisdiction=jurisdiction_for(alice), problem_id=today.pk, due_on=TODAY)
    add_problem(late.problem_list, alice, "党员活动室未挂牌")
    # the API
    api = bearer(alice)
    assert [r["id"] for r in api.get("/api/v1/problems", {"due_overdue": "true"}).json()] == [late.pk]
    assert sorted(r["id"] for r in api.get("/api/v1/problems", {"due_overdue": "false"}).json()) == sorted(
        p.pk for p in late.problem_list.problems.exclude(pk=late.pk))
    # the list page
    page = logged_in(alice).get(f"/rectification/lists/{late.problem_list_id}/", {"due_overdue": "1"}).content.decode()
    table = page.split('id="zg-problems"')[1].split("</table>")[0]
    assert late.description in table and "谈心谈话不经常" not in table and "党员活动室未挂牌" not in table
    assert "只显示问题时限已逾期的问题" in page
    full = logged_in(alice).get(f"/rectification/lists/{late.problem_list_id}/").content.decode()
    assert "党员活动室未挂牌" in full.split('id="zg-problems"')[1].split("</table>")[0]
    # the Excel: the deadline and whether it has passed, after the columns the import reads
    response = logged_in(alice).get(f"/rectification/lists/{late.problem_list_id}/export/")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)  # type: ignore[attr-defined]
                                      if response.streaming else response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-2:] == ("问题时限", "问题时限已逾期")
    by_text = {r[1]: r[-2:] for r in rows[1:]}
    assert by_text[late.description] == ((TODAY - timedelta(days=1)).isoformat(), "是")
    assert by_text["谈心谈话不经常"] == (TODAY.isoformat(), None)
    assert by_text["党员活动室未挂牌"] == (None, None)
