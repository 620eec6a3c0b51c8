"""The project register from Excel: a real .xlsx built here; good rows are registered (待发布) whole, a row that
cannot be stored is refused naming the file, row and column in Chinese and leaves nothing behind, what does not
agree is stored and flagged; the exported register imports again; a renamed file that is not an .xlsx, a file over
the upload limit and a sheet without the register's columns are refused; audited; the page and the API, scoped."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from zugong.conftest import Tree, bearer, logged_in
from zugong.core.errors import NotFound, ValidationFailed
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import AuditEvent
from zugong.rectification.export import PROJECT_HEADERS, project_register_workbook
from zugong.rectification.models import MilestoneKind, Project, ProjectKind, ProjectMilestone, ProjectStatus
from zugong.rectification.services.project_import import project_register_import
from zugong.rectification.tests.helpers import pdf_bytes
from zugong.rectification.tests.project_helpers import published, register

HEAD = ["项目名称", "类别", "发布单位", "牵头单位", "责任领导", "责任人", "工作措施", "开始日期", "完成时限", "节点"]


def workbook(rows: list[list[Any]], head: list[str] = HEAD) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(head)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def good_row(tree: Tree, title: str = "软弱涣散村党组织整顿", **changes: Any) -> list[Any]:
    row = {"项目名称": title, "类别": "重点任务", "发布单位": tree.county_a.name, "牵头单位": tree.township_a.name,
           "责任领导": "王副县长", "责任人": "李镇长", "工作措施": "一村一策，县级领导包联", "开始日期": "2026-07-01",
           "完成时限": "2027-03-31", "节点": "2026-09-30 完成摸底\n2026-12-31 完成整顿"}
    row.update(changes)
    return [row[h] for h in HEAD]


def upload(data: bytes, name: str = "项目台账.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def run(alice: User, tree: Tree, data: bytes, name: str = "项目台账.xlsx") -> Any:
    return project_register_import(actor=alice, jurisdiction=jurisdiction_for(alice), issuing_unit=tree.county_a,
                                   upload=upload(data, name))


def test_good_rows_are_registered_and_bad_rows_named_by_file_row_and_column(tree: Tree, alice: User) -> None:
    # given: a good row (dates as Excel dates), four rows that cannot be stored, one that is stored but flagged
    data = workbook([
        good_row(tree, 开始日期=date(2026, 7, 1), 完成时限=date(2027, 3, 31)),  # Excel date cells
        good_row(tree, ""),
        good_row(tree, "乙镇的项目", 牵头单位=tree.township_b.name),
        good_row(tree, "日期写错的项目", 完成时限="明年三月"),
        good_row(tree, "节点越界的项目", 节点="2026-09-30 完成摸底\n2027-06-30 完成验收"),
        good_row(tree, "类别不明的项目", 类别="工程", 发布单位="市委组织部"),
    ])
    # when
    result = run(alice, tree, data)
    # then
    assert [p.title for p in result.added] == ["软弱涣散村党组织整顿", "类别不明的项目"]
    assert result.refused == [
        "项目台账.xlsx 第 3 行：“项目名称”为空",
        f"项目台账.xlsx 第 4 行：“牵头单位”{tree.township_b.name}不在{tree.county_a.name}范围内",
        "项目台账.xlsx 第 5 行：“完成时限”明年三月不是日期，应写作 2027-03-31",
        "项目台账.xlsx 第 6 行：“节点”节点“完成验收”的时限应在开始日期和完成时限之间",
    ]
    assert result.warnings == [
        "项目台账.xlsx 第 7 行：“类别”工程不是项目或重点任务，按项目导入",
        f"项目台账.xlsx 第 7 行：“发布单位”市委组织部与导入时选择的{tree.county_a.name}不同，按{tree.county_a.name}导入",
    ]
    first = Project.objects.get(title="软弱涣散村党组织整顿")
    assert (first.kind, first.status, first.issuing_unit_id, first.lead_unit_id, first.starts_on, first.deadline) == (
        ProjectKind.KEY_TASK, ProjectStatus.DRAFT, tree.county_a.pk, tree.township_a.pk, date(2026, 7, 1),
        date(2027, 3, 31))
    assert sorted(first.milestones.values_list("kind", "title", "due")) == [
        (MilestoneKind.DEADLINE, "完成时限", date(2027, 3, 31)),
        (MilestoneKind.MILESTONE, "完成摸底", date(2026, 9, 30)), (MilestoneKind.MILESTONE, "完成整顿", date(2026, 12, 31))]
    assert Project.objects.get(title="类别不明的项目").kind == ProjectKind.PROJECT
    # nothing half-saved: the refused rows left no item, no date and no audit event
    assert Project.objects.count() == 2
    assert ProjectMilestone.objects.filter(title="完成验收").count() == 0
    assert AuditEvent.objects.filter(action="rectification.project_register").count() == 2
    event = AuditEvent.objects.get(action="rectification.project_import")
    assert event.summary["file"] == "项目台账.xlsx" and event.summary["refused_count"] == 4
    assert event.summary["added"] == [p.pk for p in result.added]


def test_an_item_already_in_the_register_is_not_imported_twice(tree: Tree, alice: User) -> None:
    data = workbook([good_row(tree)])
    assert len(run(alice, tree, data).added) == 1
    again = run(alice, tree, data)
    assert again.added == []
    assert again.refused == [f"项目台账.xlsx 第 2 行：“项目名称”软弱涣散村党组织整顿已在{tree.county_a.name}的项目台账中，未重复导入"]
    assert Project.objects.count() == 1


def test_the_exported_register_imports_again(tree: Tree, alice: User) -> None:
    # given: the county's register exported (a published key task and a draft), its titles changed for next year
    published(tree, alice, title="村级活动场所提档升级")
    register(tree, alice, title="党员教育阵地建设", kind=ProjectKind.PROJECT)
    exported = load_workbook(io.BytesIO(project_register_workbook(
        Project.objects.order_by("pk").select_related("issuing_unit", "lead_unit").prefetch_related("milestones"))))
    sheet = exported.active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == PROJECT_HEADERS
    for row in sheet.iter_rows(min_row=2):
        row[0].value = f"{row[0].value}（二期）"
        row[PROJECT_HEADERS.index("编号")].value = None  # next year's copies: new items, not updates of these
    buffer = io.BytesIO()
    exported.save(buffer)
    # when
    result = run(alice, tree, buffer.getvalue(), "2027年项目台账.xlsx")
    # then: both registered as drafts with their leader, kind and milestones; the published one flagged
    assert [p.title for p in result.added] == ["村级活动场所提档升级（二期）", "党员教育阵地建设（二期）"]
    assert result.refused == []
    assert result.warnings == ["2027年项目台账.xlsx 第 2 行：“状态”为推进中，导入后为待发布，请核对后在项目页发布"]
    copy = Project.objects.get(title="村级活动场所提档升级（二期）")
    assert (copy.kind, copy.leader, copy.status) == (ProjectKind.KEY_TASK, "王副县长", ProjectStatus.DRAFT)
    assert list(copy.milestones.filter(kind=MilestoneKind.MILESTONE).values_list("title", "due")) == [
        ("完成摸底", date(2026, 9, 30))]


def test_a_renamed_file_that_is_not_a_workbook_is_refused(tree: Tree, alice: User) -> None:
    with pytest.raises(ValidationFailed, match=r"^台账\.xlsx：不是 Excel（\.xlsx）文件"):
        run(alice, tree, pdf_bytes(), "台账.xlsx")
    with pytest.raises(ValidationFailed, match=r"^台账\.xlsx：只接受 PDF"):
        run(alice, tree, b"MZ\x90\x00" + b"\x00" * 200, "台账.xlsx")
    assert not Project.objects.exists()
    assert not AuditEvent.objects.filter(action="rectification.project_import").exists()


def test_a_file_over_the_upload_limit_is_refused(tree: Tree, alice: User, settings: Any) -> None:
    data = workbook([good_row(tree)])
    settings.ZUGONG_ATTACHMENT_MAX_BYTES = len(data) - 1
    with pytest.raises(ValidationFailed, match="项目台账.xlsx：文件不能超过"):
        run(alice, tree, data)
    assert not Project.objects.exists()


def test_a_sheet_without_the_registers_columns_is_refused_naming_them(tree: Tree, alice: User) -> None:
    data = workbook([["软弱涣散村党组织整顿", "甲镇"]], head=["项目名称", "牵头单位"])
    with pytest.raises(ValidationFailed, match="项目台账.xlsx：第 1 行缺少列“责任领导”“责任人”“工作措施”“开始日期”“完成时限”"):
        run(alice, tree, data)


def test_only_the_issuing_levels_org_department_imports(tree: Tree, alice: User, bob: User, carol: User) -> None:
    data = workbook([good_row(tree)])
    with pytest.raises(NotFound):
        project_register_import(actor=carol, jurisdiction=jurisdiction_for(carol), issuing_unit=tree.county_a,
                                 upload=upload(data))
    # the page: the township's clerk is refused, the county's org department sees what was stored and refused
    assert logged_in(bob).get("/rectification/projects/import/").status_code == 403
    client = logged_in(alice)
    assert 'id="zg-project-import"' in client.get("/rectification/projects/").content.decode()
    page = client.post("/rectification/projects/import/", {
        "issuing_unit": tree.county_a.pk, "workbook": upload(workbook([good_row(tree), good_row(tree, "")]))})
    body = page.content.decode()
    assert page.status_code == 200 and "项目台账.xlsx：已导入 1 个项目" in body
    assert "项目台账.xlsx 第 3 行：“项目名称”为空" in body
    refused = client.post("/rectification/projects/import/", {"issuing_unit": tree.county_a.pk,
                                                              "workbook": upload(pdf_bytes(), "台账.xlsx")})
    assert "台账.xlsx：不是 Excel（.xlsx）文件" in refused.content.decode()
    assert Project.objects.count() == 1


def test_importing_through_the_api(tree: Tree, alice: User, bob: User, carol: User) -> None:
    def send(user: User, data: bytes, name: str = "项目台账.xlsx") -> Any:
        return bearer(user).post("/api/v1/projects/import",
                                 {"issuing_unit_id": tree.county_a.pk, "file": upload(data, name)})

    data = workbook([good_row(tree), good_row(tree, "乙镇的项目", 牵头单位=tree.township_b.name)])
    assert send(bob, data).status_code == 403
    assert send(carol, data).status_code == 404
    done = send(alice, data)
    assert done.status_code == 201
    body = done.json()
    assert [r["title"] for r in body["added"]] == ["软弱涣散村党组织整顿"]
    assert body["refused"] == [f"项目台账.xlsx 第 3 行：“牵头单位”{tree.township_b.name}不在{tree.county_a.name}范围内"]
    refused = send(alice, pdf_bytes(), "台账.xlsx")
    assert refused.status_code == 400 and "不是 Excel" in refused.json()["error"]["message"]


def test_a_row_with_its_number_updates_the_item_already_there(tree: Tree, alice: User, carol: User) -> None:
    # given the register exported with its numbers, one item corrected in the sheet, one left as it was
    first = published(tree, alice, title="村级活动场所提档升级")
    second = register(tree, alice, title="党员教育阵地建设", kind=ProjectKind.PROJECT)
    exported = load_workbook(io.BytesIO(project_register_workbook(
        Project.objects.order_by("pk").select_related("issuing_unit", "lead_unit").prefetch_related("milestones"))))
    sheet = exported.active
    assert sheet is not None
    column = {h: i for i, h in enumerate(PROJECT_HEADERS)}
    rows = list(sheet.iter_rows(min_row=2))
    assert [r[column["编号"]].value for r in rows] == [first.pk, second.pk]
    rows[0][column["责任领导"]].value = "赵副县长"
    rows[0][column["牵头单位"]].value = tree.township_a2.name
    rows[0][column["完成时限"]].value = "2027-06-30"  # dates are not moved by an import: flagged
    buffer = io.BytesIO()
    exported.save(buffer)
    # when
    result = run(alice, tree, buffer.getvalue(), "台账修订.xlsx")
    # then
    assert ([p.pk for p in result.updated], [p.pk for p in result.unchanged], result.added, result.refused) == (
        [first.pk], [second.pk], [], [])
    first.refresh_from_db()
    assert (first.leader, first.lead_unit_id, first.deadline) == ("赵副县长", tree.township_a2.pk, date(2027, 3, 31))
    assert result.warnings == [f"台账修订.xlsx 第 2 行：编号 {first.pk}：开始日期、完成时限或节点与台账不同，导入不修改时限，请在项目页修改"]
    event = AuditEvent.objects.get(action="rectification.project_update")
    assert event.summary["reason"] == "按导入的项目台账更新（台账修订.xlsx）"
    assert event.summary["before"] == {"leader": "王副县长", "lead_unit_id": tree.township_a.pk}
    assert Project.objects.count() == 2
    # a number that is not the county's item is refused, naming the column
    wrong = workbook([[*good_row(tree, "别的项目"), 999999]], head=[*HEAD, "编号"])
    assert run(alice, tree, wrong).refused == [f"项目台账.xlsx 第 2 行：“编号”999999不是{tree.county_a.name}项目台账中的项目"]
