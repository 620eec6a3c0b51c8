"""The project register as Excel: the org department downloads what it sees (filters applied), one row per item
with its milestones as on the registration form and where it stands; the township may not; another county's
items are not in it."""

from __future__ import annotations

import io
from datetime import date

from django.contrib.auth.models import User
from django.utils import timezone
from openpyxl import load_workbook

from zugong.conftest import Tree, logged_in
from zugong.core.jurisdiction import jurisdiction_for
from zugong.rectification.services.projects import project_register
from zugong.rectification.tests.project_helpers import published, register


def _rows(content: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_register_as_excel(tree: Tree, alice: User, bob: User, carol: User) -> None:
    # given: a published key task and a draft in county A, an item in county B
    published(tree, alice)
    register(tree, alice, title="草稿项目", kind="project")
    project_register(actor=carol, jurisdiction=jurisdiction_for(carol), title="乙县项目", issuing_unit=tree.county_b,
                     lead_unit=tree.township_b, leader="赵副县长", responsible_person="钱镇长", measures="分批推进",
                     starts_on=date(2026, 7, 1), deadline=date(2027, 3, 31))
    # when
    response = logged_in(alice).get("/rectification/projects/export/")
    # then
    assert response.status_code == 200 and "xlsx" in response["Content-Disposition"]
    rows = _rows(response.content)
    assert rows[0][:9] == ["项目名称", "类别", "发布单位", "牵头单位", "责任领导", "责任人", "工作措施", "开始日期", "完成时限"]
    by_title = {row[0]: row for row in rows[1:]}
    assert set(by_title) == {"村级活动场所提档升级", "草稿项目"}
    task = by_title["村级活动场所提档升级"]
    assert task[1] == "重点任务" and task[8] == "2027-03-31" and task[9] == "2026-09-30 完成摸底"
    assert task[10] == "推进中" and task[12] == 5  # 完成摸底 (30 September) and the reports of August–November
    assert by_title["草稿项目"][10] == "待发布"
    # the list's filter applies; the township may not export
    filtered = _rows(logged_in(alice).get("/rectification/projects/export/?status=draft").content)
    assert [row[0] for row in filtered[1:]] == ["草稿项目"]
    assert logged_in(bob).get("/rectification/projects/export/").status_code == 403
    assert 'id="zg-project-export"' in logged_in(alice).get("/rectification/projects/").content.decode()
    assert timezone.localdate() > date(2026, 9, 30)
