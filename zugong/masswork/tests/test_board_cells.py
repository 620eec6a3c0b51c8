"""The public board prints each row's cells from `BoardRow.cells` (issue 17, item 7): the same HTML the
template's nine variables and two `day` filters printed, escaped alike."""

from __future__ import annotations

from datetime import date, datetime
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
DAY = date(2026, 1, 5)


@pytest.mark.parametrize("row", [
    BoardRow(ordered=DAY, resident="张**", request="楼道灯坏了", member="王水工", dispatched=DAY,
             outcome="已更换灯泡", rating="满意"),
    BoardRow(ordered=DAY, resident="<b>李**</b>", request='门 "锁" & 窗 <script>x</script>', member="待派单",
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


def test_board_page_reads_its_rows_and_names_in_one_query(walls, django_assert_num_queries) -> None:
    # given a wall with orders, one without, and a closed one
    for n in range(3):
        place(walls.a, description=f"第{n}件事")
    client = Client()
    # then the board with orders is one query: its rows carry the wall's and community's names
    with django_assert_num_queries(1):
        body = client.get(f"/m/walls/{walls.a.pk}/").content.decode()
    assert "<h1>甲社区 · 甲社区民心墙</h1>" in body and body.count("<td>待派单</td>") == 6
    assert body.index("第2件事") < body.index("第1件事") < body.index("第0件事")  # newest first
    # an empty wall shows its names and no rows; a closed wall's board is not found
    empty = client.get(f"/m/walls/{walls.b.pk}/").content.decode()
    assert "乙社区民心墙" in empty and "暂无点单" in empty
    walls.a.is_active = False
    walls.a.save(update_fields=["is_active"])
    assert client.get(f"/m/walls/{walls.a.pk}/").status_code == 404


def test_the_board_prints_every_row_as_the_reference_template_did(walls) -> None:
    # given orders with markup and quotes in what residents wrote, dispatched or not
    from zugong.masswork import selectors
    from zugong.masswork.public_views import board_rows

    for n in range(4):
        place(walls.a, description=f'第{n}件 <i>"急"</i> & 事')
    rows = board_rows(selectors.public_board_of(walls.a.pk))
    # when the page is read
    body = Client().get(f"/m/walls/{walls.a.pk}/").content.decode()
    # then its rows are, in order, the rows the template's nine variables printed
    expected = "".join(BEFORE.render(Context({"r": row})) for row in rows)
    assert len(rows) == 4 and expected in body
    assert "<i>" not in body.split('<table id="mw-board">')[1]


def test_the_board_prints_the_local_day_of_each_moment(walls) -> None:
    # given an order placed at 23:30 UTC on 4 January and dispatched at 16:00 UTC on 5 January (6 January in Beijing)
    from zugong.masswork.models import ServiceOrder

    order = place(walls.a, description="深夜报修")
    ServiceOrder.objects.filter(pk=order.pk).update(
        ordered_at=LATE, dispatched_at=datetime(2026, 1, 5, 16, 0, tzinfo=ZoneInfo("UTC")))
    # when the board is read
    body = Client().get(f"/m/walls/{walls.a.pk}/").content.decode()
    # then both days are Beijing's calendar days
    assert "<tr><td>2026-01-05</td><td>" in body and "<td>2026-01-06</td>" in body
    assert "2026-01-04" not in body
