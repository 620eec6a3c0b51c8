"""The public board prints each row's cells from `BoardRow.cells` (issue 17, item 7): the same HTML the
template's nine variables and two `day` filters printed, escaped alike."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.test import Client

from zugong.masswork.public_views import BoardRow
from zugong.masswork.tests.conftest import place

# The row of the template before `cells`, kept here as the reference.
BEFORE = Template('{% load zugong %}<tr><td>{{ r.ordered|day|default:"—" }}</td><td>{{ r.resident }}</td>'
                  '<td>{{ r.request }}</td><td>{{ r.member }}</td><td>{{ r.dispatched|day|default:"—" }}</td>'
                  '<td>{{ r.outcome }}</td><td>{{ r.rating }}</td></tr>')
AFTER = Template("<tr>{{ r.cells }}</tr>")
LATE = datetime(2026, 1, 4, 23, 30, tzinfo=ZoneInfo("UTC"))  # 5 January in Beijing


@pytest.mark.parametrize("row", [
    BoardRow(ordered=LATE, resident="张**", request="楼道灯坏了", member="王水工", dispatched=LATE,
             outcome="已更换灯泡", rating="满意"),
    BoardRow(ordered=LATE, resident="<b>李**</b>", request='门 "锁" & 窗 <script>x</script>', member="待派单",
             dispatched=None, outcome="待派单", rating="—"),
])
def test_cells_equal_the_template_row(row) -> None:
    context = Context({"r": row})
    assert AFTER.render(context) == BEFORE.render(context)
    assert "<script>" not in AFTER.render(context)


def test_board_page_prints_the_rows(walls) -> None:
    place(walls.a, description="水管<漏水>")
    body = Client().get(f"/m/walls/{walls.a.pk}/").content.decode()
    assert "<td>水管&lt;漏水&gt;</td>" in body
    assert body.count("<td>待派单</td>") == 2  # member and outcome of an order not yet dispatched
